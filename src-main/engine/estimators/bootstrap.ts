/**
 * Bootstrap error bars for umbrella estimators. Each replicate resamples every window's samples
 * with replacement (the windows are independent simulations, so they are resampled separately):
 * single samples when they are independent (block length 1), or a circular moving-block
 * bootstrap (Politis & Romano) with blocks of `blockLength` consecutive samples when they are
 * correlated (a block of about the statistical inefficiency keeps the correlation inside blocks).
 * Replicate r draws from Rng(seed, r): the same seed gives the same error bars, in any order.
 * The error of a quantity is the standard deviation of its replicate values (n - 1 divisor),
 * skipping replicates where it is undefined (e.g. a bin that no resampled sample hit).
 */
import { EngineInputError } from '../errors';
import { Rng } from '../random';
import { wham1d, type UmbrellaWindow, type WhamOptions, type WhamResult } from './wham';
import { wham2d, type UmbrellaWindow2d, type Wham2dOptions, type Wham2dResult } from './wham2d';
import { mbarUmbrellaNd, type MbarUmbrellaOptions, type MbarUmbrellaResult, type UmbrellaWindowNd } from './mbar-umbrella';
import type { GridAxis } from './histogram';

export interface BootstrapOptions {
  replicates: number;
  seed: number;
  /** Per window; 1 (default) = independent samples. For correlated series see block-bootstrap.ts (blockPlan). */
  blockLengths?: readonly number[];
  /** Multiplies the replicate variance (block-bias correction, blockPlan); default 1. */
  varianceFactor?: number;
}

export function checkBootstrapOptions(b: BootstrapOptions, K: number): void {
  const problems: string[] = [];
  if (!Number.isSafeInteger(b.replicates) || b.replicates < 2) problems.push(`bootstrap replicates must be an integer >= 2 (got ${String(b.replicates)})`);
  if (!Number.isSafeInteger(b.seed)) problems.push(`bootstrap seed must be an integer (got ${String(b.seed)})`);
  if (b.blockLengths) {
    if (b.blockLengths.length !== K) problems.push(`blockLengths needs one entry per window (${K})`);
    else b.blockLengths.forEach((l, k) => { if (!Number.isSafeInteger(l) || l < 1) problems.push(`block length of window ${k} must be an integer >= 1`); });
  }
  if (b.varianceFactor !== undefined && !(b.varianceFactor >= 1 && Number.isFinite(b.varianceFactor))) problems.push(`varianceFactor must be a finite number >= 1 (got ${String(b.varianceFactor)})`);
  if (problems.length) throw new EngineInputError(problems);
}

/** Indices of one (moving-block, circular) bootstrap resample of n samples into out. */
export function resampleIndices(n: number, blockLength: number, rng: Rng, out: Int32Array): void {
  const L = Math.max(1, Math.min(blockLength, n));
  let i = 0;
  while (i < n) {
    const start = Math.floor(rng.uniform() * n);
    for (let j = 0; j < L && i < n; j++) out[i++] = (start + j) % n;
  }
}

/** Standard deviation over replicates of each component, NaN entries skipped (NaN if < 2 values). */
export function replicateStd(values: Float64Array[], length: number, varianceFactor = 1): Float64Array {
  const scale = Math.sqrt(varianceFactor);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    let n = 0;
    let mean = 0;
    let m2 = 0;
    for (const v of values) {
      const x = v[i];
      if (!Number.isFinite(x)) continue;
      n++;
      const d = x - mean;
      mean += d / n;
      m2 += d * (x - mean);
    }
    out[i] = n >= 2 ? scale * Math.sqrt(m2 / (n - 1)) : NaN;
  }
  return out;
}

/** Resampled copies of per-window column sets (all columns of a window share the indices). */
export function resampleColumns(columnsPerWindow: readonly (readonly Float64Array[])[], blockLengths: readonly number[] | undefined, rng: Rng): Float64Array[][] {
  return columnsPerWindow.map((cols, k) => {
    const n = cols[0].length;
    const idx = new Int32Array(n);
    resampleIndices(n, blockLengths ? blockLengths[k] : 1, rng, idx);
    return cols.map((c) => {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = c[idx[i]];
      return out;
    });
  });
}

/** Free energies -kT ln P(region) of labelled regions, relative to region `reference` (NaN if empty). */
export function regionFreeEnergies(probability: Float64Array, labels: Int32Array, nRegions: number, kT: number, reference: number): Float64Array {
  const p = new Float64Array(nRegions);
  for (let b = 0; b < labels.length; b++) if (labels[b] >= 0) p[labels[b]] += probability[b];
  const ref = p[reference];
  return p.map((v) => (v > 0 && ref > 0 ? -kT * Math.log(v / ref) : NaN));
}

export interface BootstrapResult {
  pmfError: Float64Array;
  windowFreeEnergiesError: Float64Array;
  /** The bin the PMF errors are relative to (lowest bin of the full-data PMF): pmfError 0 there. */
  reference: number;
  replicates: number;
  seed: number;
  /** Replicates that did not converge (their values are still used). */
  unconverged: number;
  /** Per-replicate PMF (gauge: 0 at `reference`), for bands or further statistics. */
  pmfReplicates: Float64Array[];
}

function argminFinite(a: Float64Array): number {
  let best = -1;
  for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i]) && (best < 0 || a[i] < a[best])) best = i;
  return best;
}

/**
 * Bootstrap of wham1d: errors of the PMF (relative to the full-data minimum bin) and of f_k - f_0;
 * with `regions` (labels per bin, e.g. basins) also of the region free energies.
 */
export function bootstrapWham1d(
  windows: UmbrellaWindow[],
  opts: WhamOptions,
  boot: BootstrapOptions,
  full?: WhamResult,
  regions?: { labels: Int32Array; count: number },
): Bootstrap2dResult {
  checkBootstrapOptions(boot, windows.length);
  const base = full ?? wham1d(windows, opts);
  const reference = argminFinite(base.pmf);
  const regionReference = regions ? argminFinite(regionFreeEnergies(base.probability, regions.labels, regions.count, opts.kT, 0)) : undefined;
  const cols = windows.map((w) => [w.samples]);
  const pmfs: Float64Array[] = [];
  const fs: Float64Array[] = [];
  const regs: Float64Array[] = [];
  let unconverged = 0;
  for (let r = 0; r < boot.replicates; r++) {
    const rng = new Rng(boot.seed, r);
    const res = resampleColumns(cols, boot.blockLengths, rng);
    const rw = windows.map((w, k) => ({ center: w.center, spring: w.spring, samples: res[k][0], label: w.label }));
    const out = wham1d(rw, opts);
    if (!out.converged) unconverged++;
    const ref = out.pmf[reference];
    pmfs.push(out.pmf.map((v) => v - ref));
    fs.push(out.windowFreeEnergies);
    if (regions && regionReference !== undefined && regionReference >= 0) {
      regs.push(regionFreeEnergies(out.probability, regions.labels, regions.count, opts.kT, regionReference));
    }
  }
  return finish(base.pmf, reference, pmfs, fs, windows.length, boot, unconverged, regions, regionReference, regs);
}

function finish(
  pmf: Float64Array,
  reference: number,
  pmfs: Float64Array[],
  fs: Float64Array[],
  K: number,
  boot: BootstrapOptions,
  unconverged: number,
  regions: { labels: Int32Array; count: number } | undefined,
  regionReference: number | undefined,
  regs: Float64Array[],
): Bootstrap2dResult {
  const result: Bootstrap2dResult = {
    pmfError: replicateStd(pmfs, pmf.length, boot.varianceFactor).map((v, b) => (b === reference ? 0 : Number.isFinite(pmf[b]) ? v : NaN)),
    windowFreeEnergiesError: replicateStd(fs, K, boot.varianceFactor),
    reference,
    replicates: boot.replicates,
    seed: boot.seed,
    unconverged,
    pmfReplicates: pmfs,
  };
  if (regions && regionReference !== undefined) {
    result.regionReference = regionReference;
    result.regionError = regionReference >= 0 ? replicateStd(regs, regions.count, boot.varianceFactor).map((v, i) => (i === regionReference ? 0 : v)) : new Float64Array(regions.count).fill(NaN);
  }
  return result;
}

export interface Bootstrap2dResult extends BootstrapResult {
  /** Errors of region (basin) free energies relative to `regionReference`, when labels were given. */
  regionError?: Float64Array;
  regionReference?: number;
}

/**
 * Bootstrap of wham2d (replicates start from the full-data g, which only saves iterations).
 * With `regions` (labels per bin, e.g. basins) also the errors of the region free energies.
 */
export function bootstrapWham2d(
  windows: UmbrellaWindow2d[],
  opts: Wham2dOptions,
  boot: BootstrapOptions,
  full?: Wham2dResult,
  regions?: { labels: Int32Array; count: number },
): Bootstrap2dResult {
  checkBootstrapOptions(boot, windows.length);
  const base = full ?? wham2d(windows, opts);
  const reference = argminFinite(base.pmf);
  const initialG = base.windowFreeEnergies.map((f) => f / opts.kT);
  let regionReference: number | undefined;
  if (regions) {
    const fr = regionFreeEnergies(base.probability, regions.labels, regions.count, opts.kT, 0);
    regionReference = argminFinite(fr);
  }
  const cols = windows.map((w) => [w.x, w.y]);
  const pmfs: Float64Array[] = [];
  const fs: Float64Array[] = [];
  const regs: Float64Array[] = [];
  let unconverged = 0;
  for (let r = 0; r < boot.replicates; r++) {
    const rng = new Rng(boot.seed, r);
    const res = resampleColumns(cols, boot.blockLengths, rng);
    const rw = windows.map((w, k) => ({ center: w.center, spring: w.spring, x: res[k][0], y: res[k][1], label: w.label }));
    const out = wham2d(rw, { ...opts, initialG });
    if (!out.converged) unconverged++;
    const ref = out.pmf[reference];
    pmfs.push(out.pmf.map((v) => v - ref));
    fs.push(out.windowFreeEnergies);
    if (regions && regionReference !== undefined && regionReference >= 0) {
      regs.push(regionFreeEnergies(out.probability, regions.labels, regions.count, opts.kT, regionReference));
    }
  }
  return finish(base.pmf, reference, pmfs, fs, windows.length, boot, unconverged, regions, regionReference, regs);
}

/**
 * Bootstrap of MBAR on umbrella windows in any dimension (replicates start from the full-data
 * f and skip the covariance). Same outputs as bootstrapWham1d/2d.
 */
export function bootstrapMbar(
  axes: GridAxis[],
  windows: UmbrellaWindowNd[],
  opts: MbarUmbrellaOptions,
  boot: BootstrapOptions,
  full: MbarUmbrellaResult,
  regions?: { labels: Int32Array; count: number },
): Bootstrap2dResult {
  checkBootstrapOptions(boot, windows.length);
  const reference = argminFinite(full.pmf);
  const regionReference = regions ? argminFinite(regionFreeEnergies(full.probability, regions.labels, regions.count, opts.kT, 0)) : undefined;
  const cols = windows.map((w) => w.samples);
  const pmfs: Float64Array[] = [];
  const fs: Float64Array[] = [];
  const regs: Float64Array[] = [];
  let unconverged = 0;
  for (let r = 0; r < boot.replicates; r++) {
    const res = resampleColumns(cols, boot.blockLengths, new Rng(boot.seed, r));
    const rw = windows.map((w, k) => ({ ...w, samples: res[k] }));
    const out = mbarUmbrellaNd(axes, rw, { ...opts, skipErrors: true, initialF: full.solution.f });
    if (!out.converged) unconverged++;
    const ref = out.pmf[reference];
    pmfs.push(out.pmf.map((v) => v - ref));
    fs.push(out.windowFreeEnergies);
    if (regions && regionReference !== undefined && regionReference >= 0) {
      regs.push(regionFreeEnergies(out.probability, regions.labels, regions.count, opts.kT, regionReference));
    }
  }
  return finish(full.pmf, reference, pmfs, fs, windows.length, boot, unconverged, regions, regionReference, regs);
}
