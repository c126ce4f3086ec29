/**
 * Figures of an imported result: the FES (a profile in 1D, a surface in 2D) in the energy unit of
 * the imported file, and the COLVAR's columns against time. Each takes the data and a width.
 */
import * as Plot from '@observablehq/plot';
import { categoricalColour, sequentialColour } from '../../shared/ui/colormaps';
import { ESTIMATE_COLOR, PLOT_FONT, chartFrame } from '../../shared/ui/plotStyle';
import { withView, type ZoomView } from '../../shared/ui/plotView';
import type { ImportedFes } from '../../../../src-main/api/contract';

/** Points of a 1D profile (null values left out: empty WHAM bins). */
export function profilePoints(fes: ImportedFes): { x: number; y: number }[] {
  return fes.centers[0].flatMap((x, i) => (fes.values[i] === null ? [] : [{ x, y: fes.values[i] as number }]));
}

/** Cells of a 2D surface, values[i * ny + j] at (x_i, y_j). */
export function surfaceCells(fes: ImportedFes): { x: number; y: number; v: number }[] {
  const [xs, ys] = fes.centers;
  const out: { x: number; y: number; v: number }[] = [];
  xs.forEach((x, i) => ys.forEach((y, j) => {
    const v = fes.values[i * ys.length + j];
    if (v !== null) out.push({ x, y, v });
  }));
  return out;
}

export function profilePlot(fes: ImportedFes, width: number, unit: string, view: ZoomView | null = null): Element {
  const pts = profilePoints(fes);
  const a = fes.axes[0];
  return Plot.plot(withView({
    ...chartFrame(width, 320, 48),
    x: { label: a.name + (a.periodic ? ' (periodic)' : ''), domain: [a.min, a.max] },
    y: { label: `F (${unit})` },
    marks: [Plot.ruleY([0], { stroke: '#9ca3af' }), Plot.line(pts, { x: 'x', y: 'y', stroke: ESTIMATE_COLOR, strokeWidth: 1.5, clip: true })],
  }, view));
}

export function surfacePlot(fes: ImportedFes, width: number, unit: string, view: ZoomView | null = null): Element {
  const [ax, ay] = fes.axes;
  const [xs, ys] = fes.centers;
  const hx = xs.length > 1 ? xs[1] - xs[0] : 1;
  const hy = ys.length > 1 ? ys[1] - ys[0] : 1;
  const cells = surfaceCells(fes);
  const cap = Math.max(...cells.map((c) => c.v), 1e-9);
  return Plot.plot(withView({
    width,
    height: Math.min(460, Math.round(width * 0.8)),
    style: PLOT_FONT,
    marginLeft: 44,
    marginBottom: 36,
    x: { label: ax.name + (ax.periodic ? ' (periodic)' : ''), domain: [xs[0] - hx / 2, xs[xs.length - 1] + hx / 2] },
    y: { label: ay.name + (ay.periodic ? ' (periodic)' : ''), domain: [ys[0] - hy / 2, ys[ys.length - 1] + hy / 2] },
    color: sequentialColour([0, cap], { clamp: true, label: `F (${unit})` }),
    marks: [
      Plot.rect(cells, { x1: (d: { x: number }) => d.x - hx / 2, x2: (d: { x: number }) => d.x + hx / 2, y1: (d: { y: number }) => d.y - hy / 2, y2: (d: { y: number }) => d.y + hy / 2, fill: 'v', inset: 0, shapeRendering: 'crispEdges' }),
    ],
  }, view));
}

/** Every COLVAR column but time against time, one colour each (Okabe-Ito). */
export function colvarPlot(colvar: { fields: string[]; columns: number[][] }, width: number): Element {
  const names = colvar.fields.slice(1);
  const rows = names.flatMap((name, c) => colvar.columns[0].map((t, k) => ({ t, v: colvar.columns[c + 1][k], name })));
  return Plot.plot({
    ...chartFrame(width, 260, 48),
    x: { label: `${colvar.fields[0]} (file units)` },
    y: { label: 'value (file units)' },
    color: categoricalColour(names, { legend: true, label: 'COLVAR column' }),
    marks: [Plot.line(rows, { x: 't', y: 'v', z: 'name', stroke: 'name', strokeWidth: 1.5 }), Plot.dot(rows, { x: 't', y: 'v', fill: 'name', r: 2 })],
  });
}

/** CSV of the FES grid: one row per point. */
export function fesCsv(fes: ImportedFes, unit: string): string {
  const names = fes.axes.map((a) => a.name);
  const lines = [`${names.join(',')},F (${unit})`];
  if (fes.axes.length === 1) fes.centers[0].forEach((x, i) => lines.push(`${x},${fes.values[i] ?? ''}`));
  else surfaceCellsAll(fes).forEach((c) => lines.push(`${c.x},${c.y},${c.v ?? ''}`));
  return lines.join('\n') + '\n';
}

function surfaceCellsAll(fes: ImportedFes): { x: number; y: number; v: number | null }[] {
  const [xs, ys] = fes.centers;
  return xs.flatMap((x, i) => ys.map((y, j) => ({ x, y, v: fes.values[i * ys.length + j] })));
}

