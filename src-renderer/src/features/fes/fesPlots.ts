/** Observable Plot figures for the free-energy view; each takes the result and a width. */
import * as Plot from '@observablehq/plot';
import { SERIES, colourOf, secondaryColour, textColourOn } from '../../shared/ui/colormaps';
import type { FesResult } from '../../../../src-main/api/contract';
import { adjacentOverlaps, basinName, binCounts, type Comparison } from './fes';
import { ESTIMATE_COLOR, EXACT_COLOR, PLOT_FONT, chartFrame } from '../../shared/ui/plotStyle';
import { withView, type ZoomView } from '../../shared/ui/plotView';

const BAND = SERIES.band;
const BASIN = '#b45309';

/** 'WHAM' or 'MBAR', for labels. */
export function estimatorLabel(fes: FesResult): string {
  return (fes.estimator ?? 'wham').toUpperCase();
}

/**
 * An in-figure key (top centre, where both a PMF and window free energies sit low), so exported
 * PNG/SVG files explain their line styles.
 */
function key(exactLabel: string | null, estLabel = 'WHAM (solid)') {
  const marks = [Plot.text([estLabel], { frameAnchor: 'top', dy: 6, fill: ESTIMATE_COLOR, fontSize: 11 })];
  if (exactLabel) marks.push(Plot.text([exactLabel], { frameAnchor: 'top', dy: 21, fill: EXACT_COLOR, fontSize: 11 }));
  return marks;
}

function pmfRange(fes: FesResult, cmp: Comparison | null): { x: [number, number]; y: [number, number] } {
  const xs = fes.centers;
  const vals = fes.pmf.filter((v): v is number => v !== null && Number.isFinite(v));
  let ymax = vals.length ? Math.max(...vals) : 1;
  if (cmp) {
    // Keep the exact curve visible where the estimate exists, without letting its steep
    // walls far outside the sampled range squash the plot.
    for (let b = 0; b < xs.length; b++) {
      const e = cmp.exactAtBins[b];
      if (e !== null && fes.pmf[b] !== null) ymax = Math.max(ymax, e + cmp.offset);
    }
  }
  const span = xs.length > 1 ? [xs[0] - (xs[1] - xs[0]) / 2, xs[xs.length - 1] + (xs[1] - xs[0]) / 2] : [xs[0] - 1, xs[0] + 1];
  return { x: span as [number, number], y: [Math.min(0, ...vals) - 0.2, ymax * 1.1 + 0.3] };
}

/** `extra`: more marks drawn above the profile (e.g. user-drawn regions). */
/** `fes` already in the shown unit (fesUnits.ts); `unit` labels the axis (PlotFigure's explorer reads out the values). */
/** `view`: the zoomed window (PlotFigure), null for the whole profile. */
export function pmfPlot(fes: FesResult, cmp: Comparison | null, width: number, unit: string, extra: Plot.Markish[] = [], view: ZoomView | null = null): Element {
  const range = pmfRange(fes, cmp);
  const est = fes.centers.map((x, b) => ({ x, y: fes.pmf[b] }));
  const err = fes.pmfError;
  const band = err
    ? fes.centers
        .map((x, b) => ({ x, lo: fes.pmf[b] !== null && err[b] !== null ? fes.pmf[b]! - err[b]! : null, hi: fes.pmf[b] !== null && err[b] !== null ? fes.pmf[b]! + err[b]! : null }))
        .filter((d) => d.lo !== null)
    : [];
  const basins = fes.dims === 2 ? [] : (fes.basins ?? []).map((b) => ({ x: b.minimum[0], y: pmfAt(fes, b.minimum[0]), name: basinName(b.id), b }));
  const exact = fes.exact && cmp ? fes.exact.centers.map((x, i) => ({ x, y: fes.exact!.pmf[i] + cmp.offset })) : [];
  return Plot.plot(withView({
    ...chartFrame(width, 320, 48),
    x: { label: `${fes.cvName}`, domain: range.x },
    y: { label: `F (${unit})`, domain: range.y },
    marks: [
      Plot.ruleY([0], { stroke: '#9ca3af' }),
      Plot.ruleX(fes.windowCenters, { x: (d: number) => d, y1: range.y[0], y2: range.y[0] + (range.y[1] - range.y[0]) * 0.04, stroke: '#9ca3af' }),
      band.length ? Plot.areaY(band, { x: 'x', y1: 'lo', y2: 'hi', fill: BAND, fillOpacity: 0.55, clip: true, ariaDescription: 'error band' }) : null,
      exact.length ? Plot.line(exact, { x: 'x', y: 'y', stroke: EXACT_COLOR, strokeWidth: 1.5, strokeDasharray: '6,4', clip: true }) : null,
      Plot.line(est, { x: 'x', y: 'y', stroke: ESTIMATE_COLOR, strokeWidth: 1.5, clip: true }),
      Plot.dot(est, { x: 'x', y: 'y', r: 2, fill: ESTIMATE_COLOR, clip: true }),
      basins.length ? Plot.dot(basins, { x: 'x', y: 'y', r: 6, stroke: BASIN, strokeWidth: 2, fill: 'none' }) : null,
      basins.length
        ? Plot.text(basins, {
            x: 'x',
            y: 'y',
            text: (d: { name: string; b: { freeEnergy: number; error: number | null } }) => `${d.name}  ${d.b.freeEnergy.toFixed(2)}${d.b.error !== null ? ` ± ${d.b.error.toFixed(2)}` : ''}`,
            dy: 16,
            fill: BASIN,
            fontWeight: 600,
            stroke: 'white',
            strokeWidth: 3,
            paintOrder: 'stroke',
          })
        : null,
      ...key(exact.length ? 'exact (dashed)' : null, `${estimatorLabel(fes)} (solid)${band.length ? ', ±1σ band' : ''}`),
      ...extra,
    ],
  }, view));
}

function pmfAt(fes: FesResult, x: number): number | null {
  let best = 0;
  fes.centers.forEach((c, b) => {
    if (Math.abs(c - x) < Math.abs(fes.centers[best] - x)) best = b;
  });
  return fes.pmf[best];
}

export function residualPlot(fes: FesResult, cmp: Comparison, width: number, unit: string): Element {
  const data = fes.centers
    .map((x, b) => ({
      x,
      d: cmp.wellSampled[b] ? (fes.pmf[b] as number) - (cmp.exactAtBins[b] as number) - cmp.offset : null,
    }))
    .filter((p) => p.d !== null);
  const lim = Math.max(0.25 * fes.kT, ...data.map((p) => Math.abs(p.d as number))) * 1.15;
  return Plot.plot({
    ...chartFrame(width, 160, 48),
    x: { label: fes.cvName, domain: pmfRange(fes, cmp).x },
    y: { label: `F − F_exact (${unit})`, domain: [-lim, lim] },
    marks: [
      Plot.ruleY([0], { stroke: EXACT_COLOR, strokeDasharray: '6,4' }),
      Plot.ruleX(data, { x: 'x', y1: 0, y2: 'd', stroke: ESTIMATE_COLOR, strokeOpacity: 0.5 }),
      Plot.dot(data, { x: 'x', y: 'd', r: 2, fill: ESTIMATE_COLOR }),
    ],
  });
}

export function windowsPlot(fes: FesResult, cmp: Comparison | null, width: number, unit: string): Element {
  const err = fes.windowFreeEnergiesError;
  const est = fes.windowCenters.map((c, k) => ({ c, f: fes.windowFreeEnergies[k], k, e: err ? (err[k] ?? 0) : 0 }));
  const exact = fes.exact && cmp ? fes.windowCenters.map((c, k) => ({ c, f: fes.exact!.windowFreeEnergies[k] + cmp.windowOffset, k })) : [];
  return Plot.plot({
    ...chartFrame(width, 260, 48),
    x: { label: `window centre (${fes.cvName})` },
    y: { label: `f_k (${unit})` },
    marks: [
      exact.length ? Plot.line(exact, { x: 'c', y: 'f', stroke: EXACT_COLOR, strokeDasharray: '6,4' }) : null,
      exact.length ? Plot.dot(exact, { x: 'c', y: 'f', r: 4.5, stroke: EXACT_COLOR, fill: 'none' }) : null,
      err ? Plot.ruleX(est, { x: 'c', y1: (d: { f: number; e: number }) => d.f - d.e, y2: (d: { f: number; e: number }) => d.f + d.e, stroke: ESTIMATE_COLOR, strokeWidth: 1.5 }) : null,
      err ? Plot.tickY(est, { x: 'c', y: (d: { f: number; e: number }) => d.f - d.e, stroke: ESTIMATE_COLOR }) : null,
      err ? Plot.tickY(est, { x: 'c', y: (d: { f: number; e: number }) => d.f + d.e, stroke: ESTIMATE_COLOR }) : null,
      Plot.dot(est, { x: 'c', y: 'f', r: 3, fill: ESTIMATE_COLOR }),
      ...key(exact.length ? 'exact (open, dashed)' : null, `${estimatorLabel(fes)} (filled${err ? ', ±1σ bars' : ''})`),
      Plot.tip(est, Plot.pointerX({ x: 'c', y: 'f', title: (d: { c: number; f: number; k: number; e: number }) => `window ${d.k} @ ${d.c.toFixed(3)}\nf = ${d.f.toFixed(3)}${err ? ` ± ${d.e.toFixed(3)}` : ''} ${unit}` })),
    ],
  });
}

export function histogramsPlot(fes: FesResult, width: number): Element {
  const rows: { x: number; n: number; c: number; k: number }[] = [];
  fes.histograms.forEach((h, k) => {
    const c = fes.windowCenters[k];
    fes.centers.forEach((x, b) => rows.push({ x, n: h[b] ?? 0, c, k }));
  });
  const total = binCounts(fes);
  const cmin = Math.min(...fes.windowCenters);
  const cmax = Math.max(...fes.windowCenters);
  return Plot.plot({
    ...chartFrame(width, 260, 56),
    x: { label: fes.cvName },
    y: { label: 'samples per bin' },
    color: secondaryColour([cmin, cmax === cmin ? cmin + 1 : cmax], { legend: false }),
    marks: [
      Plot.areaY(rows, { x: 'x', y: 'n', z: 'k', fill: 'c', fillOpacity: 0.12 }),
      Plot.line(rows, { x: 'x', y: 'n', z: 'k', stroke: 'c', strokeWidth: 1.2 }),
      Plot.line(
        fes.centers.map((x, b) => ({ x, n: total[b] })),
        { x: 'x', y: 'n', stroke: '#6b7280', strokeWidth: 0.8, strokeDasharray: '2,2' },
      ),
    ],
  });
}

export function histogramLegend(fes: FesResult): Element {
  const cmin = Math.min(...fes.windowCenters);
  const cmax = Math.max(...fes.windowCenters);
  return Plot.legend({
    color: secondaryColour([cmin, cmax === cmin ? cmin + 1 : cmax], { label: `window centre (${fes.cvName})` }),
    width: 260,
    style: PLOT_FONT,
  }) as Element;
}

export function overlapHeatmap(fes: FesResult, width: number): Element {
  const n = fes.overlap.length;
  const cells: { i: number; j: number; o: number }[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) cells.push({ i, j, o: fes.overlap[i]?.[j] ?? 0 });
  const size = Math.min(width, 360);
  const color = secondaryColour([0, 1], { type: 'sqrt', label: 'overlap O(i, j) (dimensionless)', width: 240 });
  const overlapColour = colourOf(color);
  return Plot.plot({
    width: size,
    height: size,
    style: PLOT_FONT,
    marginLeft: 36,
    marginBottom: 36,
    padding: 0.04,
    x: { label: 'window', type: 'band', domain: [...Array(n).keys()], tickFormat: (d: number) => (n > 20 && d % 5 ? '' : String(d)) },
    y: { label: 'window', type: 'band', domain: [...Array(n).keys()], tickFormat: (d: number) => (n > 20 && d % 5 ? '' : String(d)) },
    color,
    marks: [
      Plot.cell(cells, { x: 'j', y: 'i', fill: 'o', title: (d: { i: number; j: number; o: number }) => `O(${d.i}, ${d.j}) = ${d.o.toFixed(4)}` }),
      n <= 14
        ? Plot.text(cells, {
            x: 'j',
            y: 'i',
            text: (d: { o: number }) => (d.o >= 0.005 ? d.o.toFixed(2) : ''),
            fill: (d: { o: number }) => textColourOn(overlapColour(d.o)),
            fontSize: 8,
          })
        : null,
    ],
  });
}

export const LOW_OVERLAP = 0.03;

export function adjacentOverlapPlot(fes: FesResult, width: number): Element {
  const data = adjacentOverlaps(fes);
  return Plot.plot({
    width,
    height: 220,
    style: PLOT_FONT,
    marginLeft: 48,
    marginBottom: data.length > 8 ? 48 : 36,
    grid: true,
    x: { label: 'adjacent pair (windows)', type: 'band', domain: data.map((d) => d.pair), tickRotate: data.length > 8 ? -45 : 0 },
    y: { label: 'overlap', domain: [0, Math.max(0.1, ...data.map((d) => d.overlap)) * 1.1] },
    marks: [
      Plot.barY(data, {
        x: 'pair',
        y: 'overlap',
        fill: (d: { overlap: number }) => (d.overlap < LOW_OVERLAP ? SERIES.highlight : ESTIMATE_COLOR),
        title: (d: { pair: string; overlap: number; mid: number }) => `windows ${d.pair} (around ${d.mid.toFixed(3)}): ${d.overlap.toFixed(4)}`,
      }),
      Plot.ruleY([LOW_OVERLAP], { stroke: SERIES.highlight, strokeDasharray: '4,3' }),
      Plot.ruleY([0]),
    ],
  });
}

/** Statistical inefficiency g per window (bars), with the subsampled counts in the tooltip. */
export function inefficiencyPlot(fes: FesResult, width: number): Element {
  const g = fes.statisticalInefficiency ?? [];
  const s = fes.subsampling;
  const data = g.map((v, k) => ({ k, g: v, before: s?.samplesBefore[k] ?? 0, after: s?.samplesAfter[k] ?? 0 }));
  return Plot.plot({
    ...chartFrame(width, 220, 48),
    x: { label: 'window', type: 'band', domain: data.map((d) => d.k), tickFormat: (d: number) => (data.length > 20 && d % 5 ? '' : String(d)) },
    y: { label: 'statistical inefficiency g', domain: [0, Math.max(2, ...g) * 1.1] },
    marks: [
      Plot.barY(data, {
        x: 'k',
        y: 'g',
        fill: ESTIMATE_COLOR,
        title: (d: { k: number; g: number; before: number; after: number }) =>
          `window ${d.k}: g = ${d.g.toFixed(2)}\n${d.before} samples, ~${Math.round(d.before / d.g)} independent${s?.applied ? `; ${d.after} kept` : ''}`,
      }),
      Plot.ruleY([1], { stroke: EXACT_COLOR, strokeDasharray: '4,3' }),
    ],
  });
}
