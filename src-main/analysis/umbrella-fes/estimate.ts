/**
 * One estimate of an umbrella study on a histogram grid of 1 or 2 CVs: WHAM (wham1d / wham2d) or
 * MBAR (binless window free energies, PMF on the bins), from the windows' restraints and samples.
 * Every free-energy path (app, regions, molecular umbrella results, `liftwell fes`) estimates
 * through here, so they agree for the same input; and the app's bootstrap replicates (a pure
 * function of the job and the replicate index, run in bootstrap threads) do too.
 */
import { wham1d, type UmbrellaWindow, type WhamResult } from '../../engine/estimators/wham';
import { wham2d, type UmbrellaWindow2d, type Wham2dResult } from '../../engine/estimators/wham2d';
import { mbarUmbrella1d, mbarUmbrella2d, mbarUmbrellaNd, type MbarUmbrellaResult } from '../../engine/estimators/mbar-umbrella';
import { regionFreeEnergies, replicateStd, resampleColumns } from '../../engine/estimators/bootstrap';
import type { BlockPlan } from '../../engine/estimators/block-bootstrap';
import type { GridAxis } from '../../engine/estimators/histogram';
import { Rng } from '../../engine/random';
import { runReplicates, type PoolOptions } from '../../runs/runtime/bootstrap-pool';
import type { WindowRestraint } from './windows';

/**
 * Convergence of bootstrap replicates (kT): their spread is what we report, typically 0.01-0.5 kT,
 * so solving each to 1e-7 kT changes no digit shown while saving iterations.
 */
export const REPLICATE_TOLERANCE = 1e-7;

export interface Setup {
  restraints: WindowRestraint[];
  /** One axis per CV (1 or 2 for WHAM; MBAR takes any number). */
  axes: GridAxis[];
  kT: number;
  estimator: 'wham' | 'mbar';
}

export interface EstimateOptions {
  /** MBAR: skip the covariance (bootstrap replicates, or errors taken from elsewhere). */
  skipErrors?: boolean;
  /** Convergence in kT; each estimator's default when absent. */
  tolerance?: number;
  /** Starting window free energies (energy units): MBAR's f, 2D WHAM's g = f / kT. */
  initial?: Float64Array;
}

export interface Estimate {
  /** Flat over bins, first axis slowest; energy units, 0 at the lowest bin, NaN empty. */
  pmf: Float64Array;
  probability: Float64Array;
  windowFreeEnergies: Float64Array;
  iterations: number;
  converged: boolean;
  tolerance: number;
  warnings: string[];
  samplesOutsideRange: number[];
  mbar: MbarUmbrellaResult | null;
  /** WHAM only: the estimator's own result (1D: histograms, overlap, bin centres; 2D: centres, counts). */
  wham1d?: WhamResult;
  wham2d?: Wham2dResult;
}

function common(r: Omit<Estimate, 'mbar'>): Omit<Estimate, 'mbar'> {
  return {
    pmf: r.pmf,
    probability: r.probability,
    windowFreeEnergies: r.windowFreeEnergies,
    iterations: r.iterations,
    converged: r.converged,
    tolerance: r.tolerance,
    warnings: r.warnings,
    samplesOutsideRange: r.samplesOutsideRange,
  };
}

/** WHAM or MBAR on columns[k][c] (CV c of window k) with the setup's restraints and grid. */
export function estimateUmbrella(s: Setup, columns: Float64Array[][], o: EstimateOptions = {}): Estimate {
  const { restraints, axes, kT } = s;
  if (axes.length === 1) {
    const windows: UmbrellaWindow[] = restraints.map((w, k) => ({ center: w.centers[0], spring: w.springs[0], samples: columns[k][0], label: w.label }));
    const opts = { bins: axes[0].bins, min: axes[0].min, max: axes[0].max, kT, periodic: !!axes[0].periodic, tolerance: o.tolerance };
    if (s.estimator === 'mbar') {
      const r = mbarUmbrella1d(windows, { ...opts, skipErrors: o.skipErrors, initialF: o.initial });
      return { ...common(r), mbar: r };
    }
    const r = wham1d(windows, opts);
    return { ...common(r), mbar: null, wham1d: r };
  }
  if (s.estimator === 'mbar' && axes.length > 2) {
    const windows = restraints.map((w, k) => ({ centers: w.centers, springs: w.springs, samples: columns[k], label: w.label }));
    const r = mbarUmbrellaNd(axes, windows, { kT, tolerance: o.tolerance, skipErrors: o.skipErrors, initialF: o.initial });
    return { ...common(r), mbar: r };
  }
  const windows: UmbrellaWindow2d[] = restraints.map((w, k) => ({
    center: [w.centers[0], w.centers[1]],
    spring: [w.springs[0], w.springs[1]],
    x: columns[k][0],
    y: columns[k][1],
    label: w.label,
  }));
  if (s.estimator === 'mbar') {
    const r = mbarUmbrella2d(windows, axes[0], axes[1], { kT, tolerance: o.tolerance, skipErrors: o.skipErrors, initialF: o.initial });
    return { ...common(r), mbar: r };
  }
  const initialG = o.initial ? Array.from(o.initial, (f) => f / kT) : undefined;
  const r = wham2d(windows, { x: axes[0], y: axes[1], kT, tolerance: o.tolerance, initialG });
  return { ...common(r), mbar: null, wham2d: r };
}

export function argminFinite(a: ArrayLike<number>): number {
  let best = -1;
  for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i]) && (best < 0 || a[i] < a[best])) best = i;
  return best;
}

// ---------------------------------------------------------------- bootstrap (app)

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
  const out = estimateUmbrella(job.setup, res, { skipErrors: true, tolerance: REPLICATE_TOLERANCE, initial: job.initial });
  const ref = out.pmf[job.reference];
  const reg = job.regions;
  return {
    pmf: out.pmf.map((v) => v - ref),
    windowFreeEnergies: out.windowFreeEnergies,
    regions: reg && reg.reference >= 0 ? regionFreeEnergies(out.probability, reg.labels, reg.count, job.setup.kT, reg.reference) : null,
    converged: out.converged,
  };
}

export interface BootstrapOut {
  pmfError: Float64Array;
  windowFreeEnergiesError: Float64Array;
  regionError: Float64Array | null;
  unconverged: number;
}

/**
 * Bootstrap as engine/estimators/bootstrap.ts (same resampling and seeds), replicates spread over
 * the cores (runs/runtime/bootstrap-pool.ts) and reduced in replicate order, so the numbers do not
 * depend on the thread count. PMF errors are relative to the full-data minimum bin, basin errors
 * relative to the lowest basin.
 */
export async function bootstrapFes(
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
