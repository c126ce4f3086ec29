/**
 * The System view's preview of V (API previewPotential: the grid over the engine's domain, in the
 * potential's own units) as drawn: shifted so the lowest grid value is 0, converted to the unit the
 * header's switch selects, with the minima marked. 1D: a curve; 2D: a heatmap with contours.
 */
import * as Plot from '@observablehq/plot';
import type { PotentialGrid } from '../../../../src-main/api/contract';
import { ESTIMATE_COLOR, chartFrame } from '../../shared/ui/plotStyle';
import { withView, type ZoomView } from '../../shared/ui/plotView';
import { surfaceExplorer, type FigureExplorer } from '../../shared/ui/plotExplore';
import { formatNumber } from '../../shared/format';
import { surfacePlot } from '../metad/metadPlots';

export interface ShownPreview {
  grid: PotentialGrid;
  /** (V - min V) in the shown unit, null where V is not finite. */
  values: (number | null)[];
  minima: { at: number[]; energy: number; label: string }[];
  /** 1D: barrier between the two lowest minima, shown unit. */
  barrier: number | null;
  unit: string;
  /** 2D colour scale top: a 60 % quantile, so the wells are resolved whatever the walls reach. */
  cap: number;
}

/** `factor` turns V units into the shown unit (1 for V units, 1/kT for kT). */
export function shownPreview(grid: PotentialGrid, factor: number, unit: string): ShownPreview {
  const base = grid.min ?? 0;
  const values = grid.values.map((v) => (v === null ? null : (v - base) * factor));
  const finite = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const q = finite.length ? finite[Math.floor(0.6 * (finite.length - 1))] : 1;
  return {
    grid,
    values,
    minima: grid.minima.map((m, i) => ({ at: m.at, energy: (m.energy - base) * factor, label: `m${i + 1}` })),
    barrier: grid.barrier === null ? null : grid.barrier * factor,
    unit,
    cap: q > 0 ? Number(q.toPrecision(2)) : 1,
  };
}

/** The 1D curve, minima as dots labelled m1, m2 ... (lowest first); `view`: the zoomed window, null for all. */
export function curvePreview(p: ShownPreview, width: number, view: ZoomView | null = null): Element {
  const xName = p.grid.coordinateNames[0];
  const data = p.grid.xs.map((x, i) => ({ x, v: p.values[i] }));
  const finite = p.values.filter((v): v is number => v !== null);
  // The walls of a polynomial well rise far above the barrier: show up to 3 x the barrier (or the
  // 60 % quantile) so the wells stay readable; higher parts are clipped at the frame.
  const top = Math.max(p.barrier !== null ? 3 * p.barrier : 0, p.cap, finite.length ? Math.min(...finite) + 1e-9 : 1);
  return Plot.plot(withView({
    ...chartFrame(width, 260, 52),
    x: { label: xName, domain: [p.grid.xs[0], p.grid.xs[p.grid.xs.length - 1]] },
    y: { label: `V − min V (${p.unit})`, domain: [0, top * 1.05] },
    marks: [
      Plot.line(data, { x: 'x', y: 'v', stroke: ESTIMATE_COLOR, strokeWidth: 1.8, clip: true }),
      Plot.dot(p.minima, { x: (m: { at: number[] }) => m.at[0], y: 'energy', r: 4, fill: '#111827' }),
      Plot.text(p.minima, { x: (m: { at: number[] }) => m.at[0], y: 'energy', text: 'label', dy: -10, fontSize: 11, fill: 'currentColor' }),
    ],
  }, view));
}

/** The 2D heatmap over the first two coordinates, minima as ringed dots; `view`: the zoomed window, null for all. */
export function surfacePreview(p: ShownPreview, width: number, view: ZoomView | null = null): Element {
  const [xName, yName] = p.grid.coordinateNames;
  const minimaMarks = [
    Plot.dot(p.minima, { x: (m: { at: number[] }) => m.at[0], y: (m: { at: number[] }) => m.at[1], r: 4, fill: 'white', stroke: '#111827', strokeWidth: 1.5 }),
    Plot.text(p.minima, { x: (m: { at: number[] }) => m.at[0], y: (m: { at: number[] }) => m.at[1], text: 'label', dy: -11, fontSize: 11, fill: 'white', stroke: '#111827', strokeWidth: 2.5, paintOrder: 'stroke' } as never),
  ];
  return surfacePlot(
    {
      xs: p.grid.xs,
      ys: p.grid.ys!,
      values: p.values,
      xName,
      yName,
      cap: p.cap,
      colorLabel: `V − min V (${p.unit})`,
      unit: p.unit,
      // surfacePlot spaces contours by "kT"; one tenth of the cap gives about ten lines whatever the unit.
      perKT: p.cap / 10,
      gridResolution: true,
    },
    width,
    minimaMarks,
    view,
  );
}

/** Hover read-out, zoom and pan (shared/ui/PlotFigure): "x = …, V − min V = … unit", on the grid nodes. */
export function previewExplorer(p: ShownPreview): FigureExplorer {
  const [xName, yName] = p.grid.coordinateNames;
  const ys = p.grid.ys;
  if (ys) {
    return surfaceExplorer({ xs: p.grid.xs, ys, value: (i, j) => p.values[i * ys.length + j], xName, yName, unit: p.unit, label: 'V − min V' });
  }
  return {
    x: { centers: p.grid.xs },
    yAt: (i) => p.values[i] ?? null,
    readout: (i) => {
      const v = p.values[i];
      return `${xName} = ${formatNumber(p.grid.xs[i], 4)}, V − min V = ${v === null || v === undefined ? 'not finite' : `${formatNumber(v, 4)} ${p.unit}`}`;
    },
  };
}

/** CSV of the shown grid (exports carry the unit in the column name). */
export function previewCsv(p: ShownPreview, column: string): string {
  const [xName, yName] = p.grid.coordinateNames;
  const v = (x: number | null) => (x === null ? '' : String(x));
  if (!p.grid.ys) return [`${xName},V_minus_min_${column}`, ...p.grid.xs.map((x, i) => `${x},${v(p.values[i])}`)].join('\n') + '\n';
  const ny = p.grid.ys.length;
  const rows = [`${xName},${yName},V_minus_min_${column}`];
  p.grid.xs.forEach((x, i) => p.grid.ys!.forEach((y, j) => rows.push(`${x},${y},${v(p.values[i * ny + j])}`)));
  return rows.join('\n') + '\n';
}
