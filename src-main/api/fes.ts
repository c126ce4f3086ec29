/**
 * Free energy of a finished umbrella run (1D profile or 2D surface): WHAM or MBAR on the saved
 * window series, statistical inefficiency per window (and optional decorrelated subsampling),
 * optional bootstrap errors, basins with free-energy differences, and the exact answer from
 * quadrature where the system has one.
 *
 * Default histogram range per CV: [min centre - 3 sigma, max centre + 3 sigma] with
 * sigma = sqrt(kT / spring) (the width of a window's bias alone), clipped to the range the
 * samples actually cover so no empty bins pad the ends; 100 bins in 1D, 40 x 40 in 2D.
 * Caller-given bins/min/max win.
 *
 * Main-process budget: the estimate itself runs in one go (WHAM/MBAR on the run's samples, tens
 * to hundreds of ms for app-sized studies); the bootstrap runs one replicate at a time and
 * yields to the event loop between replicates, so a long bootstrap delays other calls by at most
 * one replicate. Replicate r uses Rng(seed, r) and the same resampling as the CLI
 * (engine/estimators/bootstrap.ts), so a seed reproduces the error bars exactly.
 */
import { readFile } from 'node:fs/promises';
import { ApiError, type FesBasin, type FesGrid2d, type FesResult } from './contract';
import { decodeNpy } from '../engine/io/npy';
import { wham1d, type UmbrellaWindow } from '../engine/estimators/wham';
import { wham2d, type UmbrellaWindow2d } from '../engine/estimators/wham2d';
import { mbarRegionFreeEnergies, mbarUmbrella1d, mbarUmbrella2d, type MbarUmbrellaResult } from '../engine/estimators/mbar-umbrella';
import { regionFreeEnergies, replicateStd, resampleColumns } from '../engine/estimators/bootstrap';
import { subsampleIndices, takeIndices } from '../engine/estimators/autocorr';
import { blockPlan, describeBlocks, windowInefficiencies, type BlockPlan } from '../engine/estimators/block-bootstrap';
import { findBasins } from '../engine/estimators/basins';
import { axisCenters, axisEdges, binIndex, type GridAxis } from '../engine/estimators/histogram';
import { exactProfile, exactWindowFreeEnergies, logMarginalDensity } from '../engine/estimators/exact';
import { Rng } from '../engine/random';
import { poolThreads, runReplicates, type PoolOptions } from '../runs/runtime/bootstrap-pool';
import { replicateProgress, type ProgressSink } from './analysis-progress';
import { createSystem, type ToySystem } from '../engine/systems';
import { ioError } from '../store/atomic';
import { windowFilePath } from '../store/project';
import type { UmbrellaJob } from '../runs/run-file';
import { jobCvIndices } from '../runs/umbrella/window-task';

export const DEFAULT_FES_BINS = 100;
export const DEFAULT_FES_BINS_2D = 40;
/** Basins shallower than this (kT) are merged into a neighbour by default: sampling noise is ~0.1 kT. */
export const DEFAULT_MIN_DEPTH_KT = 0.5;
/** Windows with fewer effectively independent samples (N / g) than this get a warning. */
export const FEW_SAMPLES = 50;
/** Basins smaller than this many bins (1D, 2D) are dropped as noise islands. */
const MIN_BASIN_BINS = [2, 6];
/** A 2D window whose best overlap with any other window is below this is flagged (as wham.ts in 1D). */
export const MIN_OVERLAP_2D = 0.03;
/**
 * Convergence of bootstrap replicates (kT): their spread is what we report, typically 0.01-0.5 kT,
 * so solving each to 1e-7 kT changes no digit shown while saving iterations.
 */
const REPLICATE_TOLERANCE = 1e-7;

/** What computeFes needs of a run file. */
export interface UmbrellaFesInput {
  run: { id: string };
  job: UmbrellaJob;
}

export interface FesOptions {
  bins?: number;
  min?: number;
  max?: number;
  binsY?: number;
  minY?: number;
  maxY?: number;
  estimator?: 'wham' | 'mbar';
  bootstrap?: number;
  seed?: number;
  subsample?: boolean;
  minDepth?: number;
}

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const seconds = (t0: number) => (performance.now() - t0) / 1000;

// ---------------------------------------------------------------- loading

async function readWindowFile(path: string, index: number, center: number): Promise<{ data: Float64Array; shape: number[] }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ApiError('not-found', `The samples of window ${index} (${path}) are missing; resume the run to produce them.`, { path });
    }
    throw ioError(error, path, 'read');
  }
  let decoded: { data: Float64Array; shape: number[] };
  try {
    decoded = decodeNpy(bytes, path);
  } catch (error) {
    throw new ApiError('bad-file', `${path} is not a readable .npy file: ${(error as Error).message}`, { path });
  }
  let bad = 0;
  for (let i = 0; i < decoded.data.length; i++) if (!Number.isFinite(decoded.data[i])) bad++;
  if (bad > 0) {
    throw new ApiError('bad-file', `${path} contains ${bad} non-finite samples (NaN or infinity); the window cannot be used.`, { path });
  }
  if (decoded.data.length === 0) {
    throw new ApiError('bad-file', `${path} holds no samples (window ${index} at ${center}).`, { path });
  }
  return decoded;
}

/**
 * CV columns of every window: columns[k][c] holds CV c of window k, walkers one after another
 * (1D files are walkers x samples; 2D files walkers x samples x 2).
 */
export async function loadWindowColumns(projectPath: string, file: UmbrellaFesInput): Promise<Float64Array[][]> {
  const { job } = file;
  const nCv = jobCvIndices(job).length;
  const out: Float64Array[][] = [];
  for (const w of job.windows) {
    const path = windowFilePath(projectPath, file.run.id, w.index);
    const { data, shape } = await readWindowFile(path, w.index, w.centers[0]);
    if (nCv === 1) {
      out.push([data]);
      continue;
    }
    if (shape.length !== 3 || shape[2] !== nCv) {
      throw new ApiError('bad-file', `${path} has shape (${shape.join(', ')}); a 2D study stores (walkers, samples, ${nCv}).`, { path });
    }
    const n = data.length / nCv;
    const cols = Array.from({ length: nCv }, () => new Float64Array(n));
    for (let i = 0; i < n; i++) for (let c = 0; c < nCv; c++) cols[c][i] = data[i * nCv + c];
    out.push(cols);
  }
  return out;
}

/** 1D windows of a run (kept for callers of the 1D-only API). */
export async function loadWindowSeries(projectPath: string, file: UmbrellaFesInput): Promise<UmbrellaWindow[]> {
  const cols = await loadWindowColumns(projectPath, file);
  return file.job.windows.map((w, k) => ({ center: w.centers[0], spring: w.springs[0], samples: cols[k][0], label: `window ${w.index} (centre ${w.centers[0]})` }));
}

/** Default histogram range of CV c: centres +- 3 sigma, clipped to where samples are. */
export function defaultAxisRange(job: UmbrellaJob, columns: Float64Array[][], c: number): [number, number] {
  const centres = job.windows.map((w) => w.centers[c]);
  const springs = job.windows.map((w) => w.springs[c]);
  const sigma = Math.sqrt(job.kT / Math.min(...springs));
  let lo = Math.min(...centres) - 3 * sigma;
  let hi = Math.max(...centres) + 3 * sigma;
  let dmin = Infinity;
  let dmax = -Infinity;
  for (const cols of columns) {
    const s = cols[c];
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
      if (v < dmin) dmin = v;
      if (v > dmax) dmax = v;
    }
  }
  const clippedLo = Math.max(lo, dmin);
  const clippedHi = Math.min(hi, dmax);
  if (clippedHi > clippedLo) {
    lo = clippedLo;
    hi = clippedHi;
  }
  return [lo, hi];
}

/** 1D default range (kept for existing callers). */
export function defaultRange(file: UmbrellaFesInput, windows: UmbrellaWindow[]): [number, number] {
  return defaultAxisRange(file.job, windows.map((w) => [w.samples]), 0);
}

// ---------------------------------------------------------------- correlation

/** Every g_k-th sample of window k (pymbar's subsampling), all columns alike. */
export function subsampleColumns(columns: Float64Array[][], g: number[]): Float64Array[][] {
  return columns.map((cols, k) => {
    const idx = subsampleIndices(cols[0].length, g[k]);
    return cols.map((c) => takeIndices(c, idx));
  });
}

// ---------------------------------------------------------------- estimators on any dimension

interface Estimate {
  pmf: Float64Array;
  probability: Float64Array;
  windowFreeEnergies: Float64Array;
  iterations: number;
  converged: boolean;
  tolerance: number;
  warnings: string[];
  mbar: MbarUmbrellaResult | null;
  /** 1D WHAM only: its histograms and overlap matrix (for the plots). */
  wham1d?: { histograms: Float64Array[]; overlap: Float64Array[] };
}

export interface Setup {
  job: UmbrellaJob;
  axes: GridAxis[];
  kT: number;
  estimator: 'wham' | 'mbar';
}

function windowCentre(w: UmbrellaJob['windows'][number], c: number): number {
  return w.centers[c];
}
function windowSpring(w: UmbrellaJob['windows'][number], c: number): number {
  return w.springs[c];
}

function estimate(s: Setup, columns: Float64Array[][], o: { skipErrors: boolean; tolerance?: number; initial?: Float64Array }): Estimate {
  const { job, axes, kT } = s;
  if (axes.length === 1) {
    const windows: UmbrellaWindow[] = job.windows.map((w, k) => ({ center: w.centers[0], spring: w.springs[0], samples: columns[k][0], label: `centre ${w.centers[0]}` }));
    const opts = { bins: axes[0].bins, min: axes[0].min, max: axes[0].max, kT, periodic: !!axes[0].periodic, tolerance: o.tolerance };
    if (s.estimator === 'mbar') {
      const r = mbarUmbrella1d(windows, { ...opts, skipErrors: o.skipErrors, initialF: o.initial });
      return { ...pick(r), mbar: r };
    }
    const r = wham1d(windows, opts);
    return { ...pick(r), mbar: null, wham1d: { histograms: r.histograms, overlap: r.overlap } };
  }
  const windows: UmbrellaWindow2d[] = job.windows.map((w, k) => ({
    center: [windowCentre(w, 0), windowCentre(w, 1)],
    spring: [windowSpring(w, 0), windowSpring(w, 1)],
    x: columns[k][0],
    y: columns[k][1],
    label: `centre (${windowCentre(w, 0)}, ${windowCentre(w, 1)})`,
  }));
  if (s.estimator === 'mbar') {
    const r = mbarUmbrella2d(windows, axes[0], axes[1], { kT, tolerance: o.tolerance, skipErrors: o.skipErrors, initialF: o.initial });
    return { ...pick(r), mbar: r };
  }
  const initialG = o.initial ? Array.from(o.initial, (f) => f / kT) : undefined;
  return { ...pick(wham2d(windows, { x: axes[0], y: axes[1], kT, tolerance: o.tolerance, initialG })), mbar: null };
}

function pick(r: Omit<Estimate, 'mbar'>): Omit<Estimate, 'mbar'> {
  return {
    pmf: r.pmf,
    probability: r.probability,
    windowFreeEnergies: r.windowFreeEnergies,
    iterations: r.iterations,
    converged: r.converged,
    tolerance: r.tolerance,
    warnings: r.warnings,
  };
}

function argminFinite(a: ArrayLike<number>): number {
  let best = -1;
  for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i]) && (best < 0 || a[i] < a[best])) best = i;
  return best;
}

interface BootstrapOut {
  pmfError: Float64Array;
  windowFreeEnergiesError: Float64Array;
  regionError: Float64Array | null;
  unconverged: number;
}

/** What one bootstrap replicate needs; sent once to each bootstrap thread (runs/runtime/bootstrap-pool.ts). */
export interface FesReplicateJob {
  kind: 'fes';
  setup: Setup;
  columns: Float64Array[][];
  blockLengths: number[];
  seed: number;
  /** The full-data minimum bin: replicate PMFs are relative to it. */
  reference: number;
  initial: Float64Array | undefined;
  regions: { labels: Int32Array; count: number; reference: number } | null;
}

export interface FesReplicate {
  pmf: Float64Array;
  windowFreeEnergies: Float64Array;
  regions: Float64Array | null;
  converged: boolean;
}

/** Replicate r: resample every window with Rng(seed, r) and estimate again (a pure function of job and r). */
export function fesReplicate(job: FesReplicateJob, r: number): FesReplicate {
  const res = resampleColumns(job.columns, job.blockLengths, new Rng(job.seed, r));
  const out = estimate(job.setup, res, { skipErrors: true, tolerance: REPLICATE_TOLERANCE, initial: job.initial });
  const ref = out.pmf[job.reference];
  const reg = job.regions;
  return {
    pmf: out.pmf.map((v) => v - ref),
    windowFreeEnergies: out.windowFreeEnergies,
    regions: reg && reg.reference >= 0 ? regionFreeEnergies(out.probability, reg.labels, reg.count, job.setup.kT, reg.reference) : null,
    converged: out.converged,
  };
}

/**
 * Bootstrap as engine/estimators/bootstrap.ts (same resampling and seeds), replicates spread over
 * the cores (runs/runtime/bootstrap-pool.ts) and reduced in replicate order, so the numbers do not depend
 * on the thread count. PMF errors are relative to the full-data minimum bin, basin errors
 * relative to the lowest basin.
 */
async function bootstrapAsync(
  s: Setup,
  columns: Float64Array[][],
  full: Estimate,
  replicates: number,
  seed: number,
  plan: BlockPlan,
  regions: { labels: Int32Array; count: number; reference: number } | null,
  pool: PoolOptions,
): Promise<BootstrapOut> {
  const reference = argminFinite(full.pmf);
  const initial = full.mbar ? Float64Array.from(full.mbar.solution.f) : s.axes.length === 2 ? full.windowFreeEnergies : undefined;
  const job: FesReplicateJob = { kind: 'fes', setup: s, columns, blockLengths: plan.blockLengths, seed, reference, initial, regions };
  const out = await runReplicates(job, replicates, fesReplicate, pool);
  const pick = <K extends 'pmf' | 'windowFreeEnergies' | 'regions'>(k: K) => out.map((o) => o[k]).filter((v): v is Float64Array => v !== null);
  return {
    pmfError: replicateStd(pick('pmf'), full.pmf.length, plan.varianceFactor).map((v, b) => (b === reference ? 0 : Number.isFinite(full.pmf[b]) ? v : NaN)),
    windowFreeEnergiesError: replicateStd(pick('windowFreeEnergies'), columns.length, plan.varianceFactor),
    regionError: regions && regions.reference >= 0 ? replicateStd(pick('regions'), regions.count, plan.varianceFactor).map((v, i) => (i === regions.reference ? 0 : v)) : null,
    unconverged: out.filter((o) => !o.converged).length,
  };
}

// ---------------------------------------------------------------- exact answers

/** Midpoints per bin edge used to integrate exp(-F/kT) over a bin exactly enough (error << 0.01 kT). */
const SUB = 6;

/** Exact basin probabilities of labelled 1D bins: integral of the marginal density over each bin. */
function exactRegionLogWeights1d(system: ToySystem, cvIndex: number, kT: number, axis: GridAxis, labels: Int32Array, count: number): Float64Array {
  const logp = logMarginalDensity(system, cvIndex, kT);
  const edges = axisEdges(axis);
  const logs: number[][] = Array.from({ length: count }, () => []);
  for (let b = 0; b < axis.bins; b++) {
    if (labels[b] < 0) continue;
    const h = (edges[b + 1] - edges[b]) / SUB;
    for (let i = 0; i < SUB; i++) logs[labels[b]].push(logp(edges[b] + (i + 0.5) * h) + Math.log(h));
  }
  return Float64Array.from(logs, logSumExp);
}

function logSumExp(xs: number[]): number {
  if (!xs.length) return -Infinity;
  const m = Math.max(...xs);
  if (!Number.isFinite(m)) return m;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

function energyAt(system: ToySystem, cvs: number[], a: number, b: number, probe: Float64Array): number {
  probe[cvs[0]] = a;
  probe[cvs[1]] = b;
  return system.energy(probe, 0);
}

/** Exact 2D pieces: V - min V on the bin centres, basin log-weights by sub-bin midpoints, window free energies. */
function exact2d(system: ToySystem, cvs: number[], kT: number, axes: GridAxis[], labels: Int32Array, count: number, job: UmbrellaJob) {
  const [xa, ya] = axes;
  const xc = axisCenters(xa);
  const yc = axisCenters(ya);
  const probe = new Float64Array(system.dim);
  const grid: number[][] = [];
  let min = Infinity;
  for (let i = 0; i < xa.bins; i++) {
    const row: number[] = [];
    for (let j = 0; j < ya.bins; j++) {
      const v = energyAt(system, cvs, xc[i], yc[j], probe);
      row.push(v);
      if (v < min) min = v;
    }
    grid.push(row);
  }
  for (const row of grid) for (let j = 0; j < row.length; j++) row[j] -= min;
  // Basins: integral of exp(-(V - min)/kT) over each labelled bin, SUB x SUB midpoints.
  const hx = (xa.max - xa.min) / xa.bins / SUB;
  const hy = (ya.max - ya.min) / ya.bins / SUB;
  const weights = new Float64Array(count);
  for (let i = 0; i < xa.bins; i++) {
    for (let j = 0; j < ya.bins; j++) {
      const label = labels[i * ya.bins + j];
      if (label < 0) continue;
      let s = 0;
      for (let u = 0; u < SUB; u++) {
        for (let v = 0; v < SUB; v++) {
          const e = energyAt(system, cvs, xa.min + (i * SUB + u + 0.5) * hx, ya.min + (j * SUB + v + 0.5) * hy, probe);
          s += Math.exp(-(e - min) / kT);
        }
      }
      weights[label] += s * hx * hy;
    }
  }
  // Window free energies f_k = -kT ln integral exp(-(V + W_k)/kT) over the system's domain
  // (midpoint rule on 400 x 400 points; the harmonic windows are wide compared with the spacing).
  const n = 400;
  const [dx, dy] = [system.domain[cvs[0]], system.domain[cvs[1]]];
  const gx = (dx[1] - dx[0]) / n;
  const gy = (dy[1] - dy[0]) / n;
  const qx = Float64Array.from({ length: n }, (_, i) => dx[0] + (i + 0.5) * gx);
  const qy = Float64Array.from({ length: n }, (_, j) => dy[0] + (j + 0.5) * gy);
  const boltz = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) boltz[i * n + j] = -(energyAt(system, cvs, qx[i], qy[j], probe) - min) / kT;
  const fk = job.windows.map((w) => {
    const [cx, cy] = [windowCentre(w, 0), windowCentre(w, 1)];
    const [kx, ky] = [windowSpring(w, 0), windowSpring(w, 1)];
    let m = -Infinity;
    const terms = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      const bx = 0.5 * kx * (qx[i] - cx) ** 2;
      for (let j = 0; j < n; j++) {
        const t = boltz[i * n + j] - (bx + 0.5 * ky * (qy[j] - cy) ** 2) / kT;
        terms[i * n + j] = t;
        if (t > m) m = t;
      }
    }
    let s = 0;
    for (let i = 0; i < terms.length; i++) s += Math.exp(terms[i] - m);
    return -kT * (m + Math.log(s * gx * gy));
  });
  const f0 = fk[0];
  return { grid, basinLogWeights: Float64Array.from(weights, Math.log), windowFreeEnergies: fk.map((f) => f - f0) };
}

// ---------------------------------------------------------------- the call

function rows(flat: ArrayLike<number>, nx: number, ny: number, map: (v: number) => number | null): (number | null)[][] {
  const out: (number | null)[][] = [];
  for (let i = 0; i < nx; i++) {
    const row: (number | null)[] = [];
    for (let j = 0; j < ny; j++) row.push(map(flat[i * ny + j]));
    out.push(row);
  }
  return out;
}

function histogram(samples: Float64Array, axis: GridAxis): number[] {
  const h = new Array<number>(axis.bins).fill(0);
  for (let i = 0; i < samples.length; i++) {
    const b = binIndex(axis, samples[i]);
    if (b >= 0) h[b]++;
  }
  return h;
}

/** Overlap sum_b min(p_i, p_j) of normalised 2D histograms (same measure as wham1d's in 1D). */
function overlap2d(columns: Float64Array[][], axes: GridAxis[]): { overlap: number[][]; counts: Float64Array } {
  const [xa, ya] = axes;
  const B = xa.bins * ya.bins;
  const K = columns.length;
  const counts = new Float64Array(B);
  const norm: Float64Array[] = columns.map(([x, y]) => {
    const h = new Float64Array(B);
    let n = 0;
    for (let i = 0; i < x.length; i++) {
      const bx = binIndex(xa, x[i]);
      const by = binIndex(ya, y[i]);
      if (bx < 0 || by < 0) continue;
      h[bx * ya.bins + by]++;
      n++;
    }
    for (let b = 0; b < B; b++) {
      counts[b] += h[b];
      h[b] = n > 0 ? h[b] / n : 0;
    }
    return h;
  });
  const overlap = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  for (let i = 0; i < K; i++) {
    overlap[i][i] = 1;
    for (let j = i + 1; j < K; j++) {
      let s = 0;
      const a = norm[i];
      const b = norm[j];
      for (let t = 0; t < B; t++) s += a[t] < b[t] ? a[t] : b[t];
      overlap[i][j] = overlap[j][i] = s;
    }
  }
  return { overlap, counts };
}

/** Where the work of a call may go: bootstrap threads, and a progress sink (analysis thread). */
export interface AnalysisRuntime {
  pool?: PoolOptions;
  onProgress?: ProgressSink;
}

export async function computeFes(projectPath: string, file: UmbrellaFesInput, opts: FesOptions, runtime: AnalysisRuntime = {}): Promise<FesResult> {
  const tStart = performance.now();
  const progress = runtime.onProgress;
  const { job, run } = file;
  const cvs = jobCvIndices(job);
  const dims = cvs.length === 2 ? 2 : 1;
  const kT = job.kT;
  const estimator = opts.estimator ?? 'wham';
  const replicates = opts.bootstrap ?? 0;
  const seed = opts.seed ?? 1;
  const minDepth = (opts.minDepth ?? DEFAULT_MIN_DEPTH_KT) * kT;
  if (replicates === 1 || replicates < 0) throw new ApiError('invalid-input', 'bootstrap: needs at least 2 replicates (or 0 for none).');
  const system = createSystem(job.system);
  const names = cvs.map((c) => system.coordinateNames[c] ?? `coordinate ${c}`);

  let columns = await loadWindowColumns(projectPath, file);
  const warnings: string[] = [];

  // Statistical inefficiency (always: it is what tells a user whether the error bars mean anything).
  const g = windowInefficiencies(columns);
  const before = columns.map((c) => c[0].length);
  if (opts.subsample) columns = subsampleColumns(columns, g);
  const after = columns.map((c) => c[0].length);
  const few = g.map((gk, k) => ({ k, n: before[k] / gk })).filter((w) => w.n < FEW_SAMPLES);
  if (few.length) {
    warnings.push(
      `Few independent samples (N/g < ${FEW_SAMPLES}) in window${few.length > 1 ? 's' : ''} ${few.map((w) => `${w.k} (${w.n.toFixed(0)})`).join(', ')}: ` +
        'errors are unreliable; run longer or add walkers.',
    );
  }
  if (!opts.subsample && Math.max(...g) > 10) {
    warnings.push(
      `Strongly correlated samples (statistical inefficiency up to ${Math.max(...g).toFixed(0)}): with every sample counted, ` +
        'slowly relaxing windows weigh in far beyond their information and can bias the result. Tick "Subsample" (decorrelate), or run longer.',
    );
  }
  await yieldToEventLoop();

  // Axes.
  const axes: GridAxis[] = [];
  for (let c = 0; c < dims; c++) {
    const [dlo, dhi] = defaultAxisRange(job, columns, c);
    const min = (c === 0 ? opts.min : opts.minY) ?? dlo;
    const max = (c === 0 ? opts.max : opts.maxY) ?? dhi;
    const field = c === 0 ? 'max' : 'maxY';
    if (!(max > min)) throw new ApiError('invalid-input', `${field}: the histogram range must have max > min (got min ${min}, max ${max}).`);
    const bins = c === 0 ? (opts.bins ?? (dims === 1 ? DEFAULT_FES_BINS : DEFAULT_FES_BINS_2D)) : (opts.binsY ?? opts.bins ?? DEFAULT_FES_BINS_2D);
    axes.push({ bins, min, max, periodic: false });
  }
  const setup: Setup = { job, axes, kT, estimator };
  const [nx, ny] = [axes[0].bins, dims === 2 ? axes[1].bins : 1];

  // The estimate (and, in 1D, WHAM's histograms and overlap, which the plots show for both estimators).
  const tEst = performance.now();
  // MBAR's asymptotic errors assume independent samples: unless the data were subsampled, they
  // come from a second MBAR on the decorrelated samples (the value still uses every sample).
  const errorsFromDecorrelated = replicates === 0 && estimator === 'mbar' && !opts.subsample;
  const full = estimate(setup, columns, { skipErrors: replicates > 0 || errorsFromDecorrelated });
  const estimateSeconds = seconds(tEst);
  warnings.push(...full.warnings.filter((w) => !/did not converge/.test(w)));
  let histograms: number[][];
  let overlap: number[][];
  let counts2d: Float64Array | null = null;
  if (dims === 1) {
    if (full.wham1d) {
      histograms = full.wham1d.histograms.map((h) => Array.from(h));
      overlap = full.wham1d.overlap.map((r) => Array.from(r));
    } else {
      histograms = columns.map((c) => histogram(c[0], axes[0]));
      overlap = overlapOf(histograms);
      const order = job.windows.map((w, k) => ({ c: w.centers[0], k })).sort((a, b) => a.c - b.c);
      const gaps = order.slice(1).map((w, i) => ({ a: order[i].k, b: w.k, o: overlap[order[i].k][w.k] })).filter((p) => p.o < MIN_OVERLAP_2D);
      if (gaps.length) {
        warnings.push(
          `Adjacent windows ${gaps.map((p) => `${p.a}–${p.b}`).join(', ')} do not overlap (histogram overlap < ${MIN_OVERLAP_2D}); ` +
            'the profile across those gaps is not determined by the data. Add windows or lower the spring.',
        );
      }
    }
  } else {
    const o = overlap2d(columns, axes);
    overlap = o.overlap;
    counts2d = o.counts;
    histograms = columns.map((c) => histogram(c[0], axes[0]));
    const isolated = overlap.map((row, i) => ({ i, best: Math.max(0, ...row.filter((_, j) => j !== i)) })).filter((w) => w.best < MIN_OVERLAP_2D);
    if (isolated.length && overlap.length > 1) {
      warnings.push(
        `Windows that overlap no other window (best overlap < ${MIN_OVERLAP_2D}): ${isolated.slice(0, 12).map((w) => w.i).join(', ')}${isolated.length > 12 ? ', …' : ''}. ` +
          'The surface is not connected there; add windows or lower the springs.',
      );
    }
  }
  await yieldToEventLoop();

  // Basins on the estimated surface.
  const found = findBasins({ values: full.pmf, nx, ny, periodicX: !!axes[0].periodic, periodicY: dims === 2 && !!axes[1].periodic }, { minDepth });
  // Islands of a few sampled bins cut off by empty bins (sparse high-F rims of 2D data) cannot
  // merge with anything and are noise, not basins: leave them unlabelled.
  const keep = found.basins.filter((b) => b.size >= MIN_BASIN_BINS[dims - 1] || found.basins.length === 1);
  const newId = new Map(keep.map((b, i) => [b.id, i]));
  const labels = found.labels.map((l) => (l >= 0 ? (newId.get(l) ?? -1) : -1));
  const basins = keep.map((b, i) => ({ ...b, id: i }));
  const count = basins.length;
  const rawFe = count ? regionFreeEnergies(full.probability, labels, count, kT, 0) : new Float64Array(0);
  const lowest = argminFinite(rawFe);
  let basinFe = rawFe.map((v) => v - rawFe[lowest]);
  let basinErr: Float64Array | null = null;

  // Errors.
  let pmfError: Float64Array | null = null;
  let windowFreeEnergiesError: Float64Array | null = null;
  let errorMethod: string | undefined;
  let bootstrapInfo: FesResult['bootstrap'];
  const tBoot = performance.now();
  if (replicates > 0) {
    // Blocks of sqrt(g n / 2) samples with the block-bias correction (block-bootstrap.ts); on
    // subsampled data g is close to 1 and so are the blocks.
    const plan = blockPlan(columns, opts.subsample ? undefined : g);
    const pool = { ...runtime.pool, predictedSeconds: estimateSeconds * replicates };
    const onReplicate = replicateProgress(seconds(tStart), estimateSeconds, poolThreads(replicates, pool), replicates, progress, 'bootstrap replicates');
    const b = await bootstrapAsync(setup, columns, full, replicates, seed, plan, count ? { labels, count, reference: lowest } : null, { ...pool, onProgress: onReplicate });
    pmfError = b.pmfError;
    windowFreeEnergiesError = b.windowFreeEnergiesError;
    basinErr = b.regionError;
    errorMethod = `bootstrap (${replicates} replicates, seed ${seed}, ${describeBlocks(plan)})`;
    bootstrapInfo = { replicates, seed, unconverged: b.unconverged, threads: poolThreads(replicates, pool) };
    if (b.unconverged) warnings.push(`${b.unconverged} of ${replicates} bootstrap replicates did not converge; their values were still used.`);
  } else if (full.mbar) {
    let source = full.mbar;
    if (errorsFromDecorrelated) {
      progress?.({ fraction: 0.6, phase: 'MBAR errors from the decorrelated samples', etaSeconds: estimateSeconds / 2 });
      const decorrelated = subsampleColumns(columns, g);
      source = estimate(setup, decorrelated, { skipErrors: false, initial: Float64Array.from(full.mbar.solution.f) }).mbar!;
    }
    pmfError = source.pmfError;
    windowFreeEnergiesError = source.windowFreeEnergiesError;
    errorMethod = errorsFromDecorrelated ? 'MBAR asymptotic covariance of the decorrelated samples (every g-th sample per window)' : 'MBAR asymptotic covariance';
    if (count && source.covariance) {
      // Errors of the basins from the same (decorrelated) MBAR; their values from all samples.
      basinErr = mbarRegionFreeEnergies(source, labels, count).error;
      if (!errorsFromDecorrelated) {
        const r = mbarRegionFreeEnergies(full.mbar, labels, count);
        basinFe = r.freeEnergy.map((v) => v - r.freeEnergy[lowest]);
      }
    }
  }
  const bootstrapSeconds = replicates > 0 ? seconds(tBoot) : 0;
  if (!full.converged) warnings.push(`${estimator.toUpperCase()} did not converge to ${full.tolerance} kT within ${full.iterations} iterations; results are approximate.`);

  // Exact answers.
  let exact: FesResult['exact'];
  let exactBasinLog: Float64Array | null = null;
  let exactGrid: number[][] | null = null;
  const location = (bin: number): number[] => {
    const ix = Math.floor(bin / ny);
    return dims === 1 ? [axisCenters(axes[0])[bin]] : [axisCenters(axes[0])[ix], axisCenters(axes[1])[bin % ny]];
  };
  const xCenters = axisCenters(axes[0]);
  try {
    // V on two CVs is the surface only when they are all the coordinates; quadrature covers 1D/2D.
    if (system.dim > 2) throw new Error(`exact quadrature covers systems of 1 or 2 coordinates; this one has ${system.dim}`);
    if (dims === 1) {
      const pmf = exactProfile(system, job.cvIndex, kT, xCenters);
      const f = exactWindowFreeEnergies(system, job.cvIndex, kT, job.windows.map((w) => ({ center: w.centers[0], spring: w.springs[0] })));
      exact = { centers: Array.from(xCenters), pmf: Array.from(pmf), windowFreeEnergies: Array.from(f) };
      if (count) exactBasinLog = exactRegionLogWeights1d(system, job.cvIndex, kT, axes[0], labels, count);
    } else {
      const e = exact2d(system, cvs, kT, axes, labels, count, job);
      exactGrid = e.grid;
      exactBasinLog = count ? e.basinLogWeights : null;
      // Marginal along the first CV over the same range of the second as the estimate.
      const marg = e.grid.map((row) => -kT * logSumExp(row.map((v) => -v / kT)));
      const m = Math.min(...marg);
      exact = { centers: Array.from(xCenters), pmf: marg.map((v) => v - m), windowFreeEnergies: e.windowFreeEnergies };
    }
  } catch (error) {
    warnings.push(`The exact answer could not be computed: ${(error as Error).message}`);
  }

  const basinReports: FesBasin[] = basins.map((b, i) => ({
    id: b.id,
    minimum: location(b.minimumBin),
    freeEnergy: basinFe[i],
    error: basinErr ? finiteOrNull(basinErr[i]) : null,
    ...(exactBasinLog ? { exactFreeEnergy: finiteOrNull(-kT * (exactBasinLog[i] - exactBasinLog[lowest])) } : {}),
  }));

  // 1D view of a 2D surface: the marginal along the first CV.
  const centers = Array.from(xCenters);
  let pmf1d: (number | null)[];
  if (dims === 1) {
    pmf1d = Array.from(full.pmf, finiteOrNull);
  } else {
    const px = new Float64Array(nx);
    for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) px[i] += full.probability[i * ny + j];
    const pmax = Math.max(...px);
    pmf1d = Array.from(px, (p) => (p > 0 ? -kT * Math.log(p / pmax) : null));
  }

  let grid: FesGrid2d | undefined;
  if (dims === 2) {
    const yCenters = axisCenters(axes[1]);
    grid = {
      xName: names[0],
      yName: names[1],
      xCenters: Array.from(xCenters),
      yCenters: Array.from(yCenters),
      periodic: [!!axes[0].periodic, !!axes[1].periodic],
      pmf: rows(full.pmf, nx, ny, finiteOrNull),
      ...(pmfError ? { pmfError: rows(pmfError, nx, ny, finiteOrNull) } : {}),
      basinMap: rows(labels, nx, ny, (v) => v) as number[][],
      counts: rows(counts2d!, nx, ny, (v) => v) as number[][],
      windowCenters: job.windows.map((w) => [windowCentre(w, 0), windowCentre(w, 1)] as [number, number]),
      ...(exactGrid ? { exact: { pmf: exactGrid } } : {}),
    };
  }

  const result: FesResult = {
    runId: run.id,
    dims,
    estimator,
    cvName: dims === 2 ? `${names[0]} (marginal over ${names[1]})` : names[0],
    kT,
    centers,
    pmf: pmf1d,
    windowCenters: job.windows.map((w) => w.centers[0]),
    windowFreeEnergies: Array.from(full.windowFreeEnergies),
    histograms,
    overlap,
    iterations: full.iterations,
    converged: full.converged,
    tolerance: full.tolerance,
    warnings: [...new Set(warnings)],
    exact,
    statisticalInefficiency: g,
    subsampling: { applied: !!opts.subsample, samplesBefore: before, samplesAfter: after, keptFraction: sum(after) / sum(before) },
    basins: basinReports,
    timing: { estimateSeconds, bootstrapSeconds, totalSeconds: seconds(tStart) },
  };
  if (dims === 1) result.basinLabels = Array.from(labels);
  if (pmfError && dims === 1) result.pmfError = Array.from(pmfError, finiteOrNull);
  if (windowFreeEnergiesError) result.windowFreeEnergiesError = Array.from(windowFreeEnergiesError, finiteOrNull);
  if (errorMethod) result.errorMethod = errorMethod;
  if (bootstrapInfo) result.bootstrap = bootstrapInfo;
  if (grid) result.grid = grid;
  return result;
}

function sum(a: number[]): number {
  return a.reduce((s, v) => s + v, 0);
}

/** Overlap of normalised 1D histograms (wham1d's measure). */
function overlapOf(histograms: number[][]): number[][] {
  const norm = histograms.map((h) => {
    const n = sum(h);
    return h.map((v) => (n > 0 ? v / n : 0));
  });
  const K = norm.length;
  const out = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  for (let i = 0; i < K; i++) {
    out[i][i] = 1;
    for (let j = i + 1; j < K; j++) {
      let s = 0;
      for (let b = 0; b < norm[i].length; b++) s += Math.min(norm[i][b], norm[j][b]);
      out[i][j] = out[j][i] = s;
    }
  }
  return out;
}
