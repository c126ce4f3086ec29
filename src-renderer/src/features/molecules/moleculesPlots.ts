/**
 * Figures of molecular runs (Observable Plot): the Ramachandran free-energy surface as a heatmap
 * with contour lines and labelled minima, and the CV / energy / temperature time series.
 * Dihedral CVs arrive in radians and are shown in degrees on [-180, 180].
 */
import * as Plot from '@observablehq/plot';
import { SERIES, sequentialColour } from '../../shared/ui/colormaps';
import { DEG_PER_RAD } from '../../shared/angles';
import { fesCeiling, KJ, toDisplay, type FesGrid, type LabelledMinimum } from './fesGrid';
import type { ShownEnergy } from '../../shared/units';
import { PLOT_FONT, chartFrame } from '../../shared/ui/plotStyle';
import { periodicShifts, withView, type ZoomView } from '../../shared/ui/plotView';


function extent(axis: number[], periodic: boolean): [number, number] {
  const d = axis.length > 1 ? (axis[axis.length - 1] - axis[0]) / (axis.length - 1) : 1;
  const lo = axis[0] - d / 2;
  const hi = axis[axis.length - 1] + d / 2;
  return periodic ? [lo, hi] : [lo, hi];
}

export interface RamachandranOptions {
  minima?: LabelledMinimum[];
  /** A highlighted point (e.g. the shown trajectory frame), display units. */
  marker?: [number, number] | null;
  /** CV samples drawn as faint dots (display units). */
  samples?: [number, number][];
  /** Umbrella window centres drawn as small crosses (display units). */
  centers?: [number, number][];
  ceiling?: number;
  /** Contour spacing, kJ/mol. */
  contourStep?: number;
  height?: number;
  /** Frames selected in the viewer, drawn at their CV values as numbered white squares. */
  selected?: { frame: number; at: number[] }[];
  /** More marks drawn on top (e.g. user-drawn regions). */
  extra?: Plot.Markish[];
  /** The zoomed window (PlotFigure), null for the whole surface. */
  view?: ZoomView | null;
}

/** The surface as a heatmap with contours; the returned element carries Plot's x/y scales for picking. */
/**
 * For a periodic axis whose nodes stop one spacing short of a full turn (-180 .. 180 - d), the
 * first node repeated one turn later, so cells drawn around the nodes cover the whole frame.
 * `turns` > 1 (a view panned across ±180°): the nodes repeated once per turn in sight, so one
 * raster and one set of contours cover them all (separate copies would show their seams).
 */
function wrapIndex(axis: number[], periodic: boolean, turns = 1): number[] {
  const idx = axis.map((_, k) => k);
  if (!periodic || axis.length < 2) return idx;
  const d = (axis[axis.length - 1] - axis[0]) / (axis.length - 1);
  if (Math.abs(axis[axis.length - 1] + d - (axis[0] + 360)) >= d * 0.01) return idx;
  return [...Array.from({ length: turns }, () => idx).flat(), 0];
}

/** Positions of wrapIndex's nodes: node k lies Math.floor(k / n) turns on, starting `shift` degrees on. */
const tiledPositions = (axis: number[], ix: number[], shift: number) => ix.map((i, k) => axis[i] + shift + 360 * Math.floor(k / axis.length));

export function ramachandranPlot(input: FesGrid, width: number, opts: RamachandranOptions = {}): Element {
  // Periodic axes: close the turn so the heatmap and contours meet the frame on every side; a view
  // panned across ±180° shows the next turn there: the data drawn once per turn in sight.
  const shiftsX = periodicShifts([-180, 180], opts.view?.x, input.periodic[0]);
  const shiftsY = periodicShifts([-180, 180], opts.view?.y, input.periodic[1]);
  const ix = wrapIndex(input.x, input.periodic[0], shiftsX.length);
  const iy = wrapIndex(input.y, input.periodic[1], shiftsY.length);
  // Only an axis whose nodes close a full turn is tiled; another stays where it is.
  const turnsX = ix.length > input.nx ? shiftsX : [0];
  const turnsY = iy.length > input.ny ? shiftsY : [0];
  const grid: FesGrid = {
    ...input,
    nx: ix.length,
    ny: iy.length,
    x: tiledPositions(input.x, ix, turnsX[0]),
    y: tiledPositions(input.y, iy, turnsY[0]),
    values: Float64Array.from(ix.flatMap((i) => iy.map((j) => input.values[i * input.ny + j]))),
  };
  const { nx, ny } = grid;
  const cap = opts.ceiling ?? fesCeiling(grid);
  // Raster rows run along y (first row at y1); the grid is x-major, so transpose.
  const raster = new Float64Array(nx * ny);
  // Empty bins (histogram FES) stay blank in the heatmap and count as high ground for contours.
  const contourValues = new Float64Array(nx * ny);
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < ny; j++) {
      const v = grid.values[i * ny + j];
      raster[j * nx + i] = Number.isFinite(v) ? Math.min(v, cap) : NaN;
      contourValues[j * nx + i] = Number.isFinite(v) ? Math.min(v, cap) : cap;
    }
  const [x1, x2] = extent(grid.x, grid.periodic[0]);
  const [y1, y2] = extent(grid.y, grid.periodic[1]);
  const xDomain: [number, number] = grid.periodic[0] ? [-180, 180] : [x1, x2];
  const yDomain: [number, number] = grid.periodic[1] ? [-180, 180] : [y1, y2];
  // Contours every 1, 2 or 5 kJ/mol, in whatever unit the grid is shown.
  const capKJ = cap / grid.perKJ;
  const step = opts.contourStep ?? (capKJ > 30 ? 5 : capKJ > 10 ? 2 : 1) * grid.perKJ;
  const thresholds: number[] = [];
  for (let t = step; t < cap - 1e-9; t += step) thresholds.push(t);
  const size = Math.min(width, opts.height ?? 460);
  const periodicTicks = [-180, -120, -60, 0, 60, 120, 180];
  const minima = opts.minima ?? [];
  const unit = (periodic: boolean) => (periodic ? ' (°)' : '');
  // Points (samples, centres, minima, the marker) once per turn in sight, like the surface.
  const turns = turnsX.flatMap((a) => turnsY.map((b) => [a, b] as const));
  const moved = (pts: [number, number][]) => turns.flatMap(([a, b]) => pts.map(([x, y]) => [x + a, y + b] as [number, number]));
  const movedMinima = turns.flatMap(([a, b]) => minima.map((m) => ({ ...m, at: [m.at[0] + a, m.at[1] + b] })));
  return Plot.plot(withView({
    width: Math.min(width, size + 120),
    height: size,
    style: PLOT_FONT,
    marginLeft: 48,
    marginBottom: 40,
    marginRight: 12,
    x: { label: `${grid.xName}${unit(grid.periodic[0])}`, domain: xDomain, ticks: grid.periodic[0] ? periodicTicks : undefined },
    y: { label: `${grid.yName}${unit(grid.periodic[1])}`, domain: yDomain, ticks: grid.periodic[1] ? periodicTicks : undefined },
    color: sequentialColour([0, cap], { label: `F (${grid.unit})` }),
    marks: [
      Plot.raster(raster, { width: nx, height: ny, x1, x2, y1, y2, clip: true, imageRendering: 'auto' } as Plot.RasterOptions),
      thresholds.length
        ? Plot.contour(contourValues, { width: nx, height: ny, x1, x2, y1, y2, thresholds, stroke: 'black', strokeOpacity: 0.35, strokeWidth: 0.7, fill: 'none', clip: true } as Plot.ContourOptions)
        : null,
      opts.samples?.length ? Plot.dot(moved(opts.samples), { x: '0', y: '1', r: 0.8, fill: 'white', fillOpacity: 0.35, clip: true }) : null,
      opts.centers?.length ? Plot.dot(moved(opts.centers), { x: '0', y: '1', symbol: 'plus', r: 3, stroke: 'white', strokeWidth: 1.2, strokeOpacity: 0.9, clip: true }) : null,
      Plot.frame({ stroke: '#6b7280' }),
      Plot.dot(movedMinima, { x: (d: LabelledMinimum) => d.at[0], y: (d: LabelledMinimum) => d.at[1], r: 3, fill: 'white', stroke: 'black', clip: true }),
      ...[true, false].map((above) =>
        Plot.text(
          // Labels go above their minimum, or below it near the top edge.
          movedMinima.filter((d) => (d.at[1] < yDomain[1] - 0.1 * (yDomain[1] - yDomain[0])) === above),
          {
            x: (d: LabelledMinimum) => d.at[0],
            y: (d: LabelledMinimum) => d.at[1],
            text: (d: LabelledMinimum) => `${d.label ? `${d.label} ` : ''}${d.value.toFixed(1)}`,
            dy: above ? -11 : 13,
        fontSize: 11,
        fontWeight: 600,
        fill: 'black',
            stroke: 'white',
            strokeWidth: 3,
            paintOrder: 'stroke',
          },
        ),
      ),
      opts.selected?.length ? Plot.dot(turns.flatMap(([ta, tb]) => opts.selected!.map((d) => ({ ...d, at: [d.at[0] + ta, d.at[1] + tb] }))), { x: (d: { at: number[] }) => d.at[0], y: (d: { at: number[] }) => d.at[1], symbol: 'square', r: 4.5, fill: 'white', stroke: 'black', strokeWidth: 1.2, clip: true }) : null,
      opts.selected?.length && opts.selected.length <= 40
        ? Plot.text(opts.selected, { x: (d: { at: number[] }) => d.at[0], y: (d: { at: number[] }) => d.at[1], text: (d: { frame: number }) => String(d.frame + 1), dx: 9, textAnchor: 'start', fontSize: 10, fill: 'black', stroke: 'white', strokeWidth: 3, paintOrder: 'stroke', clip: true })
        : null,
      opts.marker ? Plot.dot(moved([opts.marker]), { x: '0', y: '1', r: 6, stroke: SERIES.highlight, strokeWidth: 2.5, fill: 'none', clip: true }) : null,
      opts.marker ? Plot.dot(moved([opts.marker]), { x: '0', y: '1', r: 1.5, fill: SERIES.highlight, clip: true }) : null,
      ...(opts.extra ?? []),
    ],
  }, opts.view));
}

/** A 1D FES (kJ/mol from the API) as shown: x in display units, F in `energy` with minimum 0, null where empty. */
export function profileValues(axis: number[], fes: (number | null)[], periodic: boolean, energy: ShownEnergy = KJ): { x: number[]; f: (number | null)[] } {
  const x = toDisplay(axis, periodic);
  const raw = x.map((_, k) => (fes[k] ?? NaN) * energy.factor);
  const min = Math.min(...raw.filter(Number.isFinite));
  return { x, f: raw.map((v) => (Number.isFinite(v) ? v - min : null)) };
}

/** A 1D FES (metadynamics or umbrella windows on one CV, kJ/mol) as a line in `energy` against the CV; window centres as ticks. `view`: the zoomed window. */
export function fesProfilePlot(axis: number[], fes: (number | null)[], periodic: boolean, name: string, width: number, marker: number | null = null, centers: number[] = [], energy: ShownEnergy = KJ, view: ZoomView | null = null, extra: Plot.Markish[] = []): Element {
  const { x, f } = profileValues(axis, fes, periodic, energy);
  const once = x.map((xv, k) => ({ x: xv, f: f[k] })).filter((d) => d.f !== null);
  // Panned across ±180°: the profile drawn once per turn in sight (z keeps the turns apart).
  const data = periodicShifts([-180, 180], view?.x, periodic).flatMap((a) => once.map((d) => ({ x: d.x + a, f: d.f, turn: a })));
  return Plot.plot(withView({
    ...chartFrame(width, 280, 48),
    x: { label: `${name}${periodic ? ' (°)' : ''}`, domain: periodic ? [-180, 180] : undefined },
    y: { label: `F (${energy.label})` },
    marks: [
      centers.length ? Plot.tickX(centers, { x: (c: number) => c, stroke: '#6b7280', strokeOpacity: 0.6 }) : null,
      Plot.line(data, { x: 'x', y: 'f', z: 'turn', stroke: SERIES.estimate, strokeWidth: 1.5 }),
      marker !== null ? Plot.ruleX([marker], { stroke: SERIES.highlight }) : null,
      ...extra,
    ],
  }, view));
}

/** Frames selected in the viewer on a 1D profile: a dashed rule at each frame's CV value, numbered at the top. */
export function selectedFramesMarks1d(selected: { frame: number; at: number[] }[]): Plot.Markish[] {
  if (!selected.length) return [];
  const x = (d: { at: number[] }) => d.at[0];
  return [
    Plot.ruleX(selected, { x, stroke: 'black', strokeDasharray: '3,2', strokeOpacity: 0.8, clip: true }),
    selected.length <= 40 ? Plot.text(selected, { x, frameAnchor: 'top', dy: 6, text: (d: { frame: number }) => String(d.frame + 1), fontSize: 10, fill: 'black', stroke: 'white', strokeWidth: 3, paintOrder: 'stroke', clip: true }) : null,
  ];
}

/** CV values against time; periodic CVs in degrees, drawn as dots (a line would jump at ±180). */
export function cvSeriesPlot(times: number[], values: number[][], names: string[], periodic: boolean[], width: number, cursor: number | null = null): Element {
  const rows: { t: number; v: number; cv: string }[] = [];
  const stride = Math.max(1, Math.ceil(times.length / 4000));
  for (let r = 0; r < times.length; r += stride) {
    values[r]?.forEach((v, k) => rows.push({ t: times[r], v: periodic[k] ? v * DEG_PER_RAD : v, cv: names[k] ?? `CV ${k + 1}` }));
  }
  const allPeriodic = periodic.length > 0 && periodic.every(Boolean);
  return Plot.plot({
    ...chartFrame(width, 220, 48),
    x: { label: 'time (ps)' },
    y: { label: allPeriodic ? 'angle (°)' : 'CV', domain: allPeriodic ? [-180, 180] : undefined, ticks: allPeriodic ? [-180, -90, 0, 90, 180] : undefined },
    color: { legend: true, domain: names },
    marks: [
      Plot.dot(rows, { x: 't', y: 'v', fill: 'cv', r: 1.2 }),
      cursor !== null ? Plot.ruleX([cursor], { stroke: '#dc2626', strokeOpacity: 0.7 }) : null,
    ],
  });
}

type EnergyRow = { time: number; potential: number; kinetic: number; temperature: number };

/** Trace of each row: a new one wherever time goes back (multiple walkers' series one after another), so lines do not jump back. */
export function timeTraces(rows: readonly { time: number }[]): number[] {
  let trace = 0;
  return rows.map((r, i) => (i > 0 && r.time < rows[i - 1].time ? ++trace : trace));
}

/** Potential, kinetic and total energy (kJ/mol from the API) against time, in `energy`. */
export function energyPlot(energies: EnergyRow[], width: number, energy: ShownEnergy = KJ): Element {
  const f = energy.factor;
  const traces = timeTraces(energies);
  const rows = energies.flatMap((e, i) => [
    { t: e.time, v: e.potential * f, term: 'potential', z: `potential ${traces[i]}` },
    { t: e.time, v: e.kinetic * f, term: 'kinetic', z: `kinetic ${traces[i]}` },
    { t: e.time, v: (e.potential + e.kinetic) * f, term: 'total', z: `total ${traces[i]}` },
  ]);
  return Plot.plot({
    ...chartFrame(width, 220, 56),
    x: { label: 'time (ps)' },
    y: { label: `energy (${energy.label})` },
    color: { legend: true, domain: ['potential', 'kinetic', 'total'], range: [SERIES.estimate, SERIES.second, SERIES.guide] },
    marks: [Plot.line(rows, { x: 't', y: 'v', stroke: 'term', z: 'z', strokeWidth: 1.2 })],
  });
}

export function temperaturePlot(energies: EnergyRow[], target: number | null, width: number): Element {
  const mean = energies.length ? energies.reduce((s, e) => s + e.temperature, 0) / energies.length : null;
  const traces = timeTraces(energies);
  return Plot.plot({
    ...chartFrame(width, 220, 48),
    x: { label: 'time (ps)' },
    y: { label: 'temperature (K)' },
    marks: [
      target !== null ? Plot.ruleY([target], { stroke: '#111827', strokeDasharray: '6,4' }) : null,
      Plot.line(energies, { x: 'time', y: 'temperature', z: (_, i) => traces[i], stroke: '#dc2626', strokeWidth: 1.2 }),
      target !== null ? Plot.text([`target ${target} K (dashed)${mean !== null ? `, mean ${mean.toFixed(1)} K` : ''}`], { frameAnchor: 'top-right', dx: -6, dy: 6, fontSize: 11 }) : null,
    ],
  });
}
