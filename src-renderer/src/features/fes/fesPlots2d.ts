/**
 * Observable Plot figures of a 2D free-energy surface: heatmap (one rect per bin, so SVG export
 * stays vector) with contours, basin minima marked and labelled, window centres; the exact
 * surface and the error map on the same axes and colour scale.
 */
import * as Plot from '@observablehq/plot';
import { categoricalColour, secondaryColour, sequentialColour } from '../../shared/ui/colormaps';
import type { FesGrid2d, FesResult } from '../../../../src-main/api/contract';
import { basinName } from './fes';
import { PLOT_FONT } from '../../shared/ui/plotStyle';
import { withView, type ZoomView } from '../../shared/ui/plotView';

const BASIN = '#f97316';

export type SurfaceKind = 'estimate' | 'exact' | 'error';

function edges(centers: number[]): [number, number, number] {
  const h = centers.length > 1 ? centers[1] - centers[0] : 1;
  return [centers[0] - h / 2, centers[centers.length - 1] + h / 2, h];
}

/** Highest level shown in colour: the estimate's range, capped so steep walls do not wash out the basins. */
export function colourCap(fes: FesResult): number {
  const vals = fes.grid!.pmf.flat().filter((v): v is number => v !== null);
  const max = vals.length ? Math.max(...vals) : 1;
  return Math.max(fes.kT, Math.min(max, 20 * fes.kT));
}

function valuesOf(g: FesGrid2d, kind: SurfaceKind): (number | null)[][] | null {
  if (kind === 'estimate') return g.pmf;
  if (kind === 'exact') {
    if (!g.exact) return null;
    // Shift the exact surface to the estimate's gauge: equal at the estimate's minimum bin.
    let bi = 0;
    let bj = 0;
    let best = Infinity;
    g.pmf.forEach((row, i) => row.forEach((v, j) => {
      if (v !== null && v < best) [best, bi, bj] = [v, i, j];
    }));
    const off = Number.isFinite(best) ? best - g.exact.pmf[bi][bj] : 0;
    return g.exact.pmf.map((row) => row.map((v) => v + off));
  }
  return g.pmfError ?? null;
}

/** Dense row-major values for Plot.contour (x fastest, y rows bottom-up), NaN for empty bins. */
function dense(values: (number | null)[][], nx: number, ny: number): Float64Array {
  const out = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) out[j * nx + i] = values[i][j] ?? NaN;
  return out;
}

/** `extra`: more marks drawn above the surface (e.g. user-drawn regions). */
/** `fes` already in the shown unit (fesUnits.ts); `unit` labels the colour legend. `view`: the zoomed window, null for all. */
export function surfacePlot(fes: FesResult, kind: SurfaceKind, width: number, unit: string, height = Math.min(460, Math.round(width * 0.8)), extra: Plot.Markish[] = [], view: ZoomView | null = null): Element {
  const g = fes.grid!;
  const values = valuesOf(g, kind);
  if (!values) throw new Error(`no ${kind} surface`);
  const nx = g.xCenters.length;
  const ny = g.yCenters.length;
  const [x1, x2, hx] = edges(g.xCenters);
  const [y1, y2, hy] = edges(g.yCenters);
  const cap = kind === 'error' ? Math.max(0.05 * fes.kT, ...values.flat().filter((v): v is number => v !== null && Number.isFinite(v))) : colourCap(fes);
  const cells: { x: number; y: number; v: number; i: number; j: number }[] = [];
  values.forEach((row, i) => row.forEach((v, j) => {
    if (v !== null && Number.isFinite(v)) cells.push({ x: g.xCenters[i], y: g.yCenters[j], v, i, j });
  }));
  // Contours every 0.5, 1 or 2 kT, whatever unit is shown.
  const capKT = cap / fes.kT;
  const step = kind === 'error' ? 0 : (capKT > 12 ? 2 : capKT > 5 ? 1 : 0.5) * fes.kT;
  const thresholds = step ? Array.from({ length: Math.floor(cap / step) }, (_, t) => (t + 1) * step) : [];
  const basins = kind === 'error' ? [] : (fes.basins ?? []).map((b) => ({
    x: b.minimum[0],
    y: b.minimum[1],
    label:
      kind === 'exact'
        ? `${basinName(b.id)} ${b.exactFreeEnergy != null ? b.exactFreeEnergy.toFixed(2) : ''}`
        : `${basinName(b.id)} ${b.freeEnergy.toFixed(2)}${b.error !== null ? ` ± ${b.error.toFixed(2)}` : ''}`,
  }));
  const label = kind === 'error' ? `σ(F) (${unit})` : `F (${unit})`;
  return Plot.plot(withView({
    width,
    height,
    style: PLOT_FONT,
    marginLeft: 44,
    marginRight: 12,
    marginBottom: 36,
    x: { label: g.xName + (g.periodic[0] ? ' (periodic)' : ''), domain: [x1, x2] },
    y: { label: g.yName + (g.periodic[1] ? ' (periodic)' : ''), domain: [y1, y2] },
    color: kind === 'error' ? secondaryColour([0, cap], { clamp: true, label }) : sequentialColour([0, cap], { clamp: true, label }),
    marks: [
      Plot.frame({ fill: '#e5e7eb' }),
      Plot.rect(cells, {
        x1: (d: { x: number }) => d.x - hx / 2,
        x2: (d: { x: number }) => d.x + hx / 2,
        y1: (d: { y: number }) => d.y - hy / 2,
        y2: (d: { y: number }) => d.y + hy / 2,
        fill: 'v',
        inset: 0,
        shapeRendering: 'crispEdges',
      }),
      thresholds.length
        ? Plot.contour(dense(values, nx, ny), {
            width: nx,
            height: ny,
            x1: x1,
            x2: x2,
            y1: y1,
            y2: y2,
            thresholds,
            stroke: 'white',
            strokeOpacity: 0.55,
            strokeWidth: 0.8,
            fill: null,
          })
        : null,
      kind === 'estimate' ? Plot.dot(g.windowCenters, { x: (d: [number, number]) => d[0], y: (d: [number, number]) => d[1], r: 1.5, fill: 'white', fillOpacity: 0.7 }) : null,
      basins.length ? Plot.dot(basins, { x: 'x', y: 'y', r: 5, stroke: BASIN, strokeWidth: 2, fill: 'white', fillOpacity: 0.3 }) : null,
      basins.length
        ? Plot.text(basins, { x: 'x', y: 'y', text: 'label', dy: -11, fill: 'white', stroke: '#111827', strokeWidth: 3, paintOrder: 'stroke', fontWeight: 700, fontSize: 12 })
        : null,
      ...extra,
    ],
  }, view));
}

/** The values a surface of `kind` shows, [i][j] (null: empty bin); for read-outs. */
export function surfaceValues(fes: FesResult, kind: SurfaceKind): (number | null)[][] | null {
  return valuesOf(fes.grid!, kind);
}

/** Basin map: every bin coloured by its basin, minima labelled. */
export function basinMapPlot(fes: FesResult, width: number): Element {
  const g = fes.grid!;
  const [x1, x2, hx] = edges(g.xCenters);
  const [y1, y2, hy] = edges(g.yCenters);
  const cells: { x: number; y: number; b: string }[] = [];
  g.basinMap.forEach((row, i) => row.forEach((b, j) => {
    if (b >= 0) cells.push({ x: g.xCenters[i], y: g.yCenters[j], b: basinName(b) });
  }));
  const basins = (fes.basins ?? []).map((b) => ({ x: b.minimum[0], y: b.minimum[1], name: basinName(b.id) }));
  return Plot.plot({
    width,
    height: Math.min(360, Math.round(width * 0.8)),
    style: PLOT_FONT,
    marginLeft: 44,
    x: { label: g.xName, domain: [x1, x2] },
    y: { label: g.yName, domain: [y1, y2] },
    color: categoricalColour(undefined, { label: 'basin' }),
    marks: [
      Plot.frame({ fill: '#e5e7eb' }),
      Plot.rect(cells, {
        x1: (d: { x: number }) => d.x - hx / 2,
        x2: (d: { x: number }) => d.x + hx / 2,
        y1: (d: { y: number }) => d.y - hy / 2,
        y2: (d: { y: number }) => d.y + hy / 2,
        fill: 'b',
        fillOpacity: 0.75,
        inset: 0,
      }),
      Plot.dot(basins, { x: 'x', y: 'y', r: 4, fill: '#111827' }),
      Plot.text(basins, { x: 'x', y: 'y', text: 'name', dy: -10, fontWeight: 700, fill: '#111827', stroke: 'white', strokeWidth: 3, paintOrder: 'stroke' }),
    ],
  });
}
