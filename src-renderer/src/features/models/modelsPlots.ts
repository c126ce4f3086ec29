/** Observable Plot figures of the Models view: loss curves, lifted scatter, consistency report. */
import * as Plot from '@observablehq/plot';
import { OKABE_ITO, SERIES } from '../../shared/ui/colormaps';
import type { ConsistencyReport, TrainEpochPoint } from '../../../../src-main/api/contract';
import type { ScatterPoint } from './models';
import { PLOT_FONT } from '../../shared/ui/plotStyle';

// Okabe-Ito series (shared/ui/colormaps.ts): generated (vermillion) and held-out (bluish green) stay apart for red-green colour blindness.
export const COLORS = { train: SERIES.estimate, validation: OKABE_ITO.orange, generated: SERIES.second, simulation: SERIES.guide, exact: SERIES.exact, heldOut: SERIES.third };

/** Legend lines drawn in the top margin (right-aligned) so they never cover data. */
function key(lines: { text: string; color: string }[]) {
  return lines.map((l, i) => Plot.text([l.text], { frameAnchor: 'top-right', dy: -14 * (lines.length - i) - 4, fill: l.color, fontSize: 11, textAnchor: 'end' }));
}
/** Top margin that leaves room for `n` legend lines above the frame. */
const top = (n: number) => 22 + 14 * n;

export function lossPlot(points: TrainEpochPoint[], epochs: number, bestEpoch: number, width: number, height = 240): Element {
  const val = points.filter((p) => p.validationLoss !== null);
  return Plot.plot({
    width,
    height,
    style: PLOT_FONT,
    marginLeft: 52,
    marginTop: top(bestEpoch > 0 ? 3 : 2),
    grid: true,
    x: { label: 'epoch', domain: [0, Math.max(1, epochs)] },
    y: { label: 'loss', nice: true },
    marks: [
      Plot.line(points, { x: 'epoch', y: 'trainLoss', stroke: COLORS.train, strokeWidth: 1.6 }),
      Plot.line(val, { x: 'epoch', y: 'validationLoss', stroke: COLORS.validation, strokeWidth: 1.6 }),
      bestEpoch > 0 ? Plot.ruleX([bestEpoch], { stroke: '#9ca3af', strokeDasharray: '3,3' }) : null,
      ...key([{ text: 'train', color: COLORS.train }, { text: 'validation', color: COLORS.validation }, ...(bestEpoch > 0 ? [{ text: `best epoch ${bestEpoch} (dotted)`, color: '#6b7280' }] : [])]),
    ],
  });
}

export function scatterPlot(
  points: ScatterPoint[],
  condName: string,
  targetName: string,
  exact: { x: number[]; mean: number[]; sd: number[] } | null,
  width: number,
  height = 340,
): Element {
  const train = points.filter((p) => p.group === 'training');
  const held = points.filter((p) => p.group === 'held out');
  const gen = points.filter((p) => p.group === 'generated');
  const band = exact ? exact.x.map((x, i) => ({ x, lo: exact.mean[i] - 2 * exact.sd[i], hi: exact.mean[i] + 2 * exact.sd[i], m: exact.mean[i] })) : [];
  return Plot.plot({
    width,
    height,
    style: PLOT_FONT,
    marginLeft: 48,
    marginTop: top(2 + (held.length ? 1 : 0) + (band.length ? 1 : 0)),
    grid: true,
    x: { label: condName },
    y: { label: targetName },
    marks: [
      band.length ? Plot.areaY(band, { x: 'x', y1: 'lo', y2: 'hi', fill: COLORS.exact, fillOpacity: 0.06 }) : null,
      Plot.dot(train, { x: 'c', y: 't', r: 1.2, fill: COLORS.simulation, fillOpacity: 0.35 }),
      Plot.dot(held, { x: 'c', y: 't', r: 1.2, fill: COLORS.heldOut, fillOpacity: 0.5 }),
      Plot.dot(gen, { x: 'c', y: 't', r: 1.6, fill: COLORS.generated, fillOpacity: 0.5 }),
      band.length ? Plot.line(band, { x: 'x', y: 'm', stroke: COLORS.exact, strokeDasharray: '6,4' }) : null,
      ...key([
        { text: `training frames (${train.length})`, color: COLORS.simulation },
        ...(held.length ? [{ text: `held-out frames (${held.length})`, color: COLORS.heldOut }] : []),
        { text: `generated (${gen.length})`, color: COLORS.generated },
        ...(band.length ? [{ text: 'exact mean ± 2 s.d. (dashed, band)', color: COLORS.exact }] : []),
      ]),
    ],
  });
}

/** Mean ± s.d. of target j against the condition: generated, simulation (binned), exact. */
export function meanSdPlot(r: ConsistencyReport, j: number, width: number, height = 300): Element {
  const dx = r.rows.length > 1 ? (r.rows[r.rows.length - 1].cond[0] - r.rows[0].cond[0]) / (r.rows.length - 1) : 0.1;
  const off = 0.12 * dx;
  const gen = r.rows.map((row) => ({ x: row.cond[0] - off, m: row.targets[j].generated.mean, sd: row.targets[j].generated.sd, held: row.heldOut }));
  const sim = r.rows.filter((row) => row.targets[j].simulation).map((row) => ({ x: row.cond[0] + off, m: row.targets[j].simulation!.mean, sd: row.targets[j].simulation!.sd }));
  const ex = r.rows.filter((row) => row.targets[j].exact).map((row) => ({ x: row.cond[0], m: row.targets[j].exact!.mean, lo: row.targets[j].exact!.mean - row.targets[j].exact!.sd, hi: row.targets[j].exact!.mean + row.targets[j].exact!.sd }));
  const heldRows = r.rows.filter((row) => row.heldOut).map((row) => ({ x: row.cond[0] }));
  return Plot.plot({
    width,
    height,
    style: PLOT_FONT,
    marginLeft: 48,
    marginTop: top(2 + (ex.length ? 1 : 0) + (heldRows.length ? 1 : 0)),
    grid: true,
    x: { label: r.condNames[0] },
    y: { label: `${r.targetNames[j]}: mean ± s.d.` },
    marks: [
      Plot.ruleX(heldRows, { x: 'x', stroke: COLORS.heldOut, strokeOpacity: 0.25, strokeWidth: 8 }),
      ex.length ? Plot.areaY(ex, { x: 'x', y1: 'lo', y2: 'hi', fill: COLORS.exact, fillOpacity: 0.07 }) : null,
      ex.length ? Plot.line(ex, { x: 'x', y: 'm', stroke: COLORS.exact, strokeDasharray: '6,4' }) : null,
      Plot.ruleX(sim, { x: 'x', y1: (d: { m: number; sd: number }) => d.m - d.sd, y2: (d: { m: number; sd: number }) => d.m + d.sd, stroke: COLORS.simulation, strokeWidth: 1.5 }),
      Plot.dot(sim, { x: 'x', y: 'm', fill: COLORS.simulation, r: 3 }),
      Plot.ruleX(gen, { x: 'x', y1: (d: { m: number; sd: number }) => d.m - d.sd, y2: (d: { m: number; sd: number }) => d.m + d.sd, stroke: COLORS.generated, strokeWidth: 1.5 }),
      Plot.dot(gen, { x: 'x', y: 'm', fill: COLORS.generated, r: 3 }),
      ...key([
        { text: 'generated', color: COLORS.generated },
        { text: `simulation at the condition (local-linear, bins ≤ ±${r.halfWidth.toPrecision(2)})`, color: COLORS.simulation },
        ...(ex.length ? [{ text: 'exact mean ± s.d. (dashed, band)', color: COLORS.exact }] : []),
        ...(heldRows.length ? [{ text: 'held out of training (green)', color: COLORS.heldOut }] : []),
      ]),
    ],
  });
}

export function wassersteinPlot(r: ConsistencyReport, j: number, width: number, height = 260): Element {
  // Each W1 with 3x its split-half noise floor (the limit of "good") as a dashed line of the same colour.
  const rows = r.rows.flatMap((row) => {
    const t = row.targets[j];
    return [
      { x: row.cond[0], w: t.vsSimulation?.w1.value ?? null, limit: t.vsSimulation ? 3 * t.vsSimulation.w1.floor : null, what: 'generated vs simulation' },
      { x: row.cond[0], w: t.vsExact?.w1.value ?? null, limit: t.vsExact ? 3 * t.vsExact.w1.floor : null, what: 'generated vs exact' },
    ].filter((d) => d.w !== null);
  });
  const color = { 'generated vs simulation': COLORS.simulation, 'generated vs exact': COLORS.generated } as Record<string, string>;
  const present = Object.entries(color).filter(([k]) => rows.some((d) => d.what === k));
  return Plot.plot({
    width,
    height,
    style: PLOT_FONT,
    marginLeft: 52,
    marginTop: top(present.length + 1),
    grid: true,
    x: { label: r.condNames[0] },
    y: { label: `W1 of ${r.targetNames[j]}`, zero: true },
    marks: [
      Plot.line(rows, { x: 'x', y: 'limit', z: 'what', stroke: (d: { what: string }) => color[d.what], strokeDasharray: '4,3', strokeOpacity: 0.7 }),
      Plot.line(rows, { x: 'x', y: 'w', z: 'what', stroke: (d: { what: string }) => color[d.what], strokeOpacity: 0.5 }),
      Plot.dot(rows, { x: 'x', y: 'w', fill: (d: { what: string }) => color[d.what], r: 3 }),
      ...key([...present.map(([text, c]) => ({ text, color: c })), { text: 'dashed: 3 x split-half noise floor', color: '#6b7280' }]),
    ],
  });
}

export function closurePlot(r: ConsistencyReport, width: number, height = 260): Element {
  const c = r.closure!;
  const gen = c.cond.map((x, i) => ({ x, y: c.generated[i] }));
  const sim = c.cond.map((x, i) => ({ x, y: c.simulation[i] })).filter((d) => d.y !== null);
  const ex = c.exact ? c.cond.map((x, i) => ({ x, y: c.exact![i] })) : [];
  return Plot.plot({
    width,
    height,
    style: PLOT_FONT,
    marginLeft: 48,
    marginTop: top(ex.length ? 3 : 2),
    grid: true,
    x: { label: r.condNames[0] },
    y: { label: `E[${c.target} | ${r.condNames[0]}]` },
    marks: [
      ex.length ? Plot.line(ex, { x: 'x', y: 'y', stroke: COLORS.exact, strokeDasharray: '6,4' }) : null,
      Plot.line(sim, { x: 'x', y: 'y', stroke: COLORS.simulation, strokeWidth: 1.5 }),
      Plot.dot(sim, { x: 'x', y: 'y', fill: COLORS.simulation, r: 2 }),
      Plot.line(gen, { x: 'x', y: 'y', stroke: COLORS.generated, strokeWidth: 1.8 }),
      ...key([{ text: 'generated', color: COLORS.generated }, { text: 'simulation (binned)', color: COLORS.simulation }, ...(ex.length ? [{ text: 'exact (dashed)', color: COLORS.exact }] : [])]),
    ],
  });
}

/**
 * Lift-evolve-restrict at one condition: lifted minus simulated mean (or variance) of each
 * coordinate over burst time, with a ±2 s.e. band (bootstrap over paired bursts). A consistent
 * lifting stays in the band.
 */
export function evolvePlot(r: ConsistencyReport, rowIndex: number, stat: 'mean' | 'variance', width: number, height = 260): Element {
  const ev = r.rows[rowIndex]?.evolve;
  const palette = [COLORS.exact, COLORS.generated, COLORS.train, COLORS.validation, COLORS.heldOut];
  const data = (ev?.series ?? []).flatMap((s, k) => {
    const d = stat === 'mean' ? s.meanDifference : s.varianceDifference;
    const e = stat === 'mean' ? s.meanDifferenceError : s.varianceDifferenceError;
    return ev!.times.map((t, i) => ({ t, d: d[i], lo: d[i] - 2 * e[i], hi: d[i] + 2 * e[i], name: s.name, k }));
  });
  const names = (ev?.series ?? []).map((s) => s.name);
  return Plot.plot({
    width,
    height,
    style: PLOT_FONT,
    marginLeft: 56,
    marginTop: top(names.length),
    grid: true,
    x: { label: 'burst time' },
    y: { label: `${stat}: lifted − simulated` },
    marks: [
      Plot.ruleY([0], { stroke: '#9ca3af' }),
      Plot.areaY(data, { x: 't', y1: 'lo', y2: 'hi', z: 'name', fill: (d: { k: number }) => palette[d.k % palette.length], fillOpacity: 0.1 }),
      Plot.line(data, { x: 't', y: 'd', z: 'name', stroke: (d: { k: number }) => palette[d.k % palette.length], strokeWidth: 1.6 }),
      ...key(names.map((n, k) => ({ text: `${n}${k === 0 ? ' (the CV)' : ''}: difference ± 2 s.e.`, color: palette[k % palette.length] }))),
    ],
  });
}
