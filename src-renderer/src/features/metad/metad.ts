/**
 * Derived quantities for the metadynamics view: defaults per system kind, the client-side cost
 * of a run (walker-steps, hills, grid size: the same arithmetic as src-main/runs/metad/plan.ts),
 * the estimate-vs-exact comparison (best constant shift, RMS over F_exact < cut), grid
 * interpolation for heatmaps, and CSV tables of every plot.
 */
import { IN_KT, type KtUnit } from '../../shared/units';
import type { MetadResult, SystemSpec } from '../../../../src-main/api/contract';
import { toCsv } from '../../shared/exporters';

export type CvChoice = 'x' | 'y' | 'xy';

export interface MetadDefaults {
  cv: CvChoice;
  sigma: [number, number];
  height: number;
  pace: number;
  biasFactor: number;
  kT: number;
  dt: number;
  steps: number;
  walkers: number;
  /** Why these numbers: shown as a hint under the form. */
  note: string;
}

/** Metadynamics on the slow x of a system whose fast variable relaxes at rate `stiff`: dt resolves it, ~4 time units of sampling. */
function slowCvDefaults(stiff: number, note: (dt: number, rate: number) => string): MetadDefaults {
  const dt = Number(Math.min(1e-3, 0.05 / stiff).toPrecision(1));
  return {
    cv: 'x',
    sigma: [0.1, 0.1],
    height: 0.3,
    pace: 200,
    biasFactor: 8,
    kT: 1,
    dt,
    steps: Math.min(2_000_000, Math.round(4 / dt / 1000) * 1000),
    walkers: 16,
    note: note(dt, Number(stiff.toPrecision(3))),
  };
}

/**
 * Defaults that converge in about a second of compute here (measured with `liftwell metad`:
 * double well 0.13 s, Muller-Brown ~1.5 s on one thread).
 */
export function metadDefaults(spec: SystemSpec | undefined): MetadDefaults {
  if (spec?.kind === 'muller-brown') {
    // The bias grid is the system's box widened by 10%; beyond it walkers feel no bias. The box
    // edges lie ~166 energy units (x scale) above the global minimum and well-tempered sampling
    // reaches F ~ a few gamma kT, so gamma kT = 20 keeps the sampling on the grid where the FES
    // is estimated. Measured with these numbers (3 seeds, `liftwell metad`): 0.16-0.18 kT RMS
    // where F < 4 kT, ~1.5 s each.
    const kT = 5 * spec.scale;
    return {
      cv: 'xy',
      sigma: [0.1, 0.1],
      height: Number((0.1 * kT).toPrecision(3)),
      pace: 100,
      biasFactor: 4,
      kT,
      dt: 1e-4,
      steps: 100_000,
      walkers: 32,
      note: `Muller-Brown defaults (kT = ${Number(kT.toPrecision(3))}, γ = 4, 32 walkers × 100k steps, 2D on x and y) take a second or two here and recover the surface to ~0.2 kT where F < 4 kT. The bias grid ends 10% beyond the box: past it walkers feel no bias (the potential walls bring them back), so keep γ·kT moderate.`,
    };
  }
  // Fast/slow systems (also with several fast variables, or observed through the embedding).
  if (spec && (spec.kind === 'fast-slow' || spec.kind === 'fast-slow-multi' || spec.kind === 'embedded')) {
    // The fast variable relaxes at rate ~ 1/(epsilon s^2): dt must resolve it.
    const stiff = 1 / (spec.epsilon * spec.s * spec.s);
    return slowCvDefaults(stiff, (dt, rate) => `Fast-slow defaults: bias on the slow x; dt = ${dt} resolves the fast y (relaxation rate 1/(ε s²) = ${rate}). Check convergence on the hill-height plot.`);
  }
  if (spec?.kind === 'two-mode') {
    // The fast y relaxes in its modes at rate ~ 8 h(x)/(d^2 epsilon) (curvature 8 h/d^2 at u = +-d); take h at |x| = 1.5.
    const stiff = (8 * (spec.h0 + 2.25 * spec.h2)) / (spec.d * spec.d * spec.epsilon);
    return slowCvDefaults(
      stiff,
      (dt, rate) =>
        `Two-mode defaults: bias on the slow x; dt = ${dt} resolves the fast y (mode relaxation rate ≈ 8 h/(d² ε) = ${rate}). A barrier h0 + h2 x² of many kT keeps each walker in one mode of y: the bias on x does not help it across.`,
    );
  }
  const a = spec?.kind === 'double-well' ? spec.a : 1;
  return {
    cv: 'x',
    sigma: [0.1, 0.1],
    height: 0.3,
    pace: 200,
    biasFactor: 8,
    kT: 1,
    dt: 2e-3,
    steps: 60_000,
    walkers: 16,
    note:
      spec?.kind === 'double-well'
        ? `Double-well defaults (16 walkers × 60k steps, 4,800 hills) take well under a second here; for a barrier of ${a} kT they recover F(x) to ~0.1 kT RMS where F < 4 kT.`
        : 'Generic defaults (16 walkers × 60k steps): adjust σ to the width of the basins and dt to the stiffness of the potential.',
  };
}

export const cvIndicesOf = (cv: CvChoice): number[] => (cv === 'xy' ? [0, 1] : cv === 'y' ? [1] : [0]);

/** Bins per CV as planMetadJob chooses them: the system's box widened by 10%, bin width sigma/2. */
export function autoGridBins(domain: [number, number], sigma: number): number {
  const [lo, hi] = domain;
  const pad = 0.1 * (hi - lo);
  return Math.max(8, Math.ceil((hi - lo + 2 * pad) / (sigma / 2)));
}

/** The server refuses larger bias grids (plan-metad.ts). */
export const MAX_GRID_NODES = 4_000_000;

export interface MetadCost {
  walkerSteps: number;
  hills: number;
  gridBins: number[];
  /** Bins multiplied out (the server's 4 M limit applies to this). */
  gridCells: number;
  /** Grid points: bins + 1 per axis (the FES is reported on these). */
  gridNodes: number;
  colvarRows: number;
  /** Rough: COLVAR as float64 .npy + text, HILLS text, fes.npy. */
  diskBytes: number;
}

export function metadCost(o: {
  steps: number;
  walkers: number;
  pace: number;
  colvarStride: number;
  gridBins: number[];
  /** Coordinates of the system (COLVAR holds all of them). */
  coordinates: number;
}): MetadCost {
  const hills = o.walkers * Math.floor(o.steps / o.pace);
  const colvarRows = o.walkers * Math.floor(o.steps / o.colvarStride);
  const gridCells = o.gridBins.reduce((n, b) => n * b, 1);
  const gridNodes = o.gridBins.reduce((n, b) => n * (b + 1), 1);
  const fields = 4 + o.coordinates;
  const d = o.gridBins.length;
  const diskBytes = colvarRows * fields * (8 + 14) + hills * (3 + 2 * d) * 14 + gridNodes * 8 * 2 + 4096;
  return { walkerSteps: o.steps * o.walkers, hills, gridBins: o.gridBins, gridCells, gridNodes, colvarRows, diskBytes };
}

export interface FesComparison {
  /** Constant added to the exact surface to align it with the estimate (kT units). */
  shift: number;
  /** RMS of estimate - (exact + shift) over the compared nodes, kT units. */
  rms: number;
  maxAbs: number;
  /** Nodes compared: exact < cut and the estimate finite. */
  n: number;
  cut: number;
}

/**
 * Least-squares alignment of an estimate to the exact answer over the nodes where the exact
 * free energy is below `cut` (all in kT units): shift = mean(F - F_exact), then RMS.
 */
export function compareToExact(est: (number | null)[], exact: number[], cut: number): FesComparison | null {
  const pairs: [number, number][] = [];
  for (let i = 0; i < est.length; i++) {
    const f = est[i];
    const e = exact[i];
    if (f !== null && Number.isFinite(f) && Number.isFinite(e) && e < cut) pairs.push([f, e]);
  }
  if (pairs.length === 0) return null;
  const shift = pairs.reduce((s, [f, e]) => s + (f - e), 0) / pairs.length;
  let ss = 0;
  let maxAbs = 0;
  for (const [f, e] of pairs) {
    const d = f - e - shift;
    ss += d * d;
    maxAbs = Math.max(maxAbs, Math.abs(d));
  }
  return { shift, rms: Math.sqrt(ss / pairs.length), maxAbs, n: pairs.length, cut };
}

export const inKT = (values: (number | null)[], kT: number): (number | null)[] => values.map((v) => (v === null || !Number.isFinite(v) ? null : v / kT));
export const inKTStrict = (values: number[], kT: number): number[] => values.map((v) => v / kT);

/**
 * Bilinear interpolation of a row-major grid (first axis slowest) at (x, y); NaN outside the
 * grid or where a corner is not finite. Used to sample heatmaps and contours at pixel resolution.
 */
export function bilinear(xs: number[], ys: number[], values: (number | null)[]): (x: number, y: number) => number {
  const nx = xs.length;
  const ny = ys.length;
  const find = (a: number[], v: number): number => {
    let lo = 0;
    let hi = a.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (a[mid] <= v) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  const at = (i: number, j: number) => {
    const v = values[i * ny + j];
    return v === null ? NaN : v;
  };
  return (x, y) => {
    if (nx < 2 || ny < 2 || !(x >= xs[0] && x <= xs[nx - 1] && y >= ys[0] && y <= ys[ny - 1])) return NaN;
    const i = find(xs, x);
    const j = find(ys, y);
    const tx = (x - xs[i]) / (xs[i + 1] - xs[i]);
    const ty = (y - ys[j]) / (ys[j + 1] - ys[j]);
    return (1 - tx) * (1 - ty) * at(i, j) + tx * (1 - ty) * at(i + 1, j) + (1 - tx) * ty * at(i, j + 1) + tx * ty * at(i + 1, j + 1);
  };
}

// ---------------------------------------------------------------- CSV


const scaled = (xs: (number | null)[], m: number) => xs.map((v) => (v === null ? null : v * m));

/** Comparison figures (computed in kT) are written in `u`: shift and RMS times u.perKT; the cut stays in kT. */
export function fesCsv(r: MetadResult, cmp: FesComparison | null, u: KtUnit = IN_KT): string {
  const m = u.perKT;
  const est = scaled(inKT(r.fes, r.kT), m);
  const exact = r.exact ? inKTStrict(r.exact, r.kT).map((v) => v * m) : null;
  const shift = (cmp?.shift ?? 0) * m;
  const c = u.column;
  const comments = [
    `metadynamics FES, run ${r.runId}, kT = ${r.kT} (units of V), bias factor ${r.biasFactor}, ${r.hills} hills; free energies in ${u.label}`,
    cmp ? `exact_shifted_${c} = exact + ${shift} (mean difference over nodes with exact < ${cmp.cut} kT); RMS ${cmp.rms * m} ${u.label} over ${cmp.n} nodes` : 'no exact surface',
  ];
  if (r.axes.length === 1) {
    const header = [r.cvNames[0], `fes_${c}`, ...(exact ? [`exact_${c}`, `exact_shifted_${c}`] : [])];
    const rows = r.axes[0].map((x, i) => [x, est[i], ...(exact ? [exact[i], exact[i] + shift] : [])]);
    return toCsv(header, rows, comments);
  }
  const [xs, ys] = r.axes;
  const header = [r.cvNames[0], r.cvNames[1], `fes_${c}`, ...(exact ? [`exact_${c}`, `exact_shifted_${c}`] : [])];
  const rows: unknown[][] = [];
  xs.forEach((x, i) =>
    ys.forEach((y, j) => {
      const k = i * ys.length + j;
      rows.push([x, y, est[k], ...(exact ? [exact[k], exact[k] + shift] : [])]);
    }),
  );
  return toCsv(header, rows, comments);
}

export function previewCsv(axes: number[][], fes: number[], cvNames: string[], kT: number, hills: number, u: KtUnit = IN_KT): string {
  const comments = [`running metadynamics FES after ${hills} hills; free energy in ${u.label} (kT = ${kT} units of V)`];
  const m = u.perKT / kT;
  const col = `fes_${u.column}`;
  if (axes.length === 1) return toCsv([cvNames[0] ?? 'cv', col], axes[0].map((x, i) => [x, fes[i] * m]), comments);
  const [xs, ys] = axes;
  const rows: unknown[][] = [];
  xs.forEach((x, i) => ys.forEach((y, j) => rows.push([x, y, fes[i * ys.length + j] * m])));
  return toCsv([cvNames[0] ?? 'cv1', cvNames[1] ?? 'cv2', col], rows, comments);
}

/** Heights come in the units of V: `u.perKT / r.kT` converts them. */
export function hillsCsv(r: MetadResult, u: KtUnit = IN_KT): string {
  const m = u.perKT / r.kT;
  return toCsv(
    ['time', `height_${u.column}`],
    r.hillHeights.time.map((t, i) => [t, r.hillHeights.height[i] * m]),
    [`hill heights actually added to the bias, in ${u.label} (kT = ${r.kT} units of V; HILLS stores height x gamma/(gamma-1)); ${r.hills} hills, thinned for plotting`],
  );
}

export function reweightedCsv(rw: MetadResult['reweighted'][number], kT: number, cmp: FesComparison | null, u: KtUnit = IN_KT): string {
  const m = u.perKT;
  const pmf = scaled(inKT(rw.pmf, kT), m);
  const exact = rw.exact ? inKTStrict(rw.exact, kT).map((v) => v * m) : null;
  const shift = (cmp?.shift ?? 0) * m;
  const c = u.column;
  return toCsv(
    [rw.coordinate, `pmf_${c}`, ...(exact ? [`exact_${c}`, `exact_shifted_${c}`] : [])],
    rw.centers.map((x, i) => [x, pmf[i], ...(exact ? [exact[i], exact[i] + shift] : [])]),
    [`c(t)-reweighted profile along ${rw.coordinate}, in ${u.label}; effective sample size ${rw.effectiveSamples}`],
  );
}
