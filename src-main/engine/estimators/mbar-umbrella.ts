/**
 * MBAR for umbrella windows (1D and 2D): the states are the biased ensembles
 * u_k(x) = sum_axes 0.5 spring_a (x_a - centre_a)^2 / kT (minimum image on periodic axes; the
 * unbiased potential cancels because every window runs at the same kT). Window free energies
 * are binless; the PMF is MBAR's bin free energy in the unbiased state (pymbar computePMF,
 * 'from-lowest'), on the same bins as WHAM, with its asymptotic error.
 */
import { EngineInputError } from '../errors';
import type { UmbrellaWindow, WhamOptions } from './wham';
import { axisCenters, axisEdges, binIndex, checkAxis, displacement, type GridAxis } from './histogram';
import { errorsOfDifferences, mbarBinFreeEnergies, mbarCovariance, solveMbar, type MbarCovariance, type MbarSolution } from './mbar';
import type { UmbrellaWindow2d } from './wham2d';

/** One window in any dimension: centre/spring/samples per axis. */
export interface UmbrellaWindowNd {
  centers: readonly number[];
  springs: readonly number[];
  samples: readonly Float64Array[];
  label?: string;
}

export interface MbarUmbrellaOptions {
  kT: number;
  tolerance?: number;
  maxIterations?: number;
  /** Skip the covariance (errors NaN): for bootstrap replicates. */
  skipErrors?: boolean;
  initialF?: ArrayLike<number>;
}

export interface MbarUmbrellaResult {
  axes: GridAxis[];
  /** Bin centres per axis. */
  axisCenters: Float64Array[];
  /** Flat over bins, first axis slowest (index = ix * ny + iy in 2D); energy units, 0 at the lowest bin, NaN empty. */
  pmf: Float64Array;
  pmfError: Float64Array;
  probability: Float64Array;
  /** f_k - f_0 in energy units (input order) and its standard error. */
  windowFreeEnergies: Float64Array;
  windowFreeEnergiesError: Float64Array;
  counts: Float64Array;
  samplesOutsideRange: number[];
  iterations: number;
  converged: boolean;
  tolerance: number;
  warnings: string[];
  /** For basin free energies and other reweighting: the solution, covariance and sample bins. */
  solution: MbarSolution;
  covariance: MbarCovariance | null;
  sampleBins: Int32Array;
  Nk: Float64Array;
  kT: number;
}

function windowName(label: string | undefined, k: number): string {
  return label ? `window ${k} [${label}]` : `window ${k}`;
}

export function mbarUmbrellaNd(axes: GridAxis[], windows: UmbrellaWindowNd[], opts: MbarUmbrellaOptions): MbarUmbrellaResult {
  const D = axes.length;
  axes.forEach((a, i) => checkAxis(a, `axis ${i}`));
  const { kT } = opts;
  if (!(kT > 0) || !Number.isFinite(kT)) throw new EngineInputError(`kT must be a finite number > 0 (got ${String(kT)})`);
  if (!Array.isArray(windows) || windows.length === 0) throw new EngineInputError('at least one umbrella window is required');
  const K = windows.length;
  const problems: string[] = [];
  const Nk = new Float64Array(K);
  windows.forEach((w, k) => {
    const name = windowName(w.label, k);
    if (w.centers.length !== D || w.springs.length !== D || w.samples.length !== D) {
      problems.push(`${name}: needs ${D} centre(s), spring(s) and sample column(s)`);
      return;
    }
    for (let a = 0; a < D; a++) {
      if (!Number.isFinite(w.centers[a])) problems.push(`${name}: centre ${a + 1} must be finite`);
      if (!(w.springs[a] > 0) || !Number.isFinite(w.springs[a])) problems.push(`${name}: spring ${a + 1} must be a finite number > 0`);
      if (w.samples[a].length !== w.samples[0].length) problems.push(`${name}: sample columns differ in length`);
      for (let i = 0; i < w.samples[a].length; i++) {
        if (!Number.isFinite(w.samples[a][i])) {
          problems.push(`${name}: sample ${i} is not finite`);
          break;
        }
      }
    }
    Nk[k] = w.samples[0].length;
    if (Nk[k] === 0) problems.push(`${name}: has no samples`);
  });
  if (problems.length) throw new EngineInputError(problems);

  let N = 0;
  for (let k = 0; k < K; k++) N += Nk[k];
  const u = new Float64Array(N * K);
  const sampleBins = new Int32Array(N);
  const strides = new Array<number>(D);
  let nBins = 1;
  for (let a = D - 1; a >= 0; a--) {
    strides[a] = nBins;
    nBins *= axes[a].bins;
  }
  const samplesOutsideRange = new Array<number>(K).fill(0);
  let n = 0;
  for (let j = 0; j < K; j++) {
    const wj = windows[j];
    for (let i = 0; i < Nk[j]; i++, n++) {
      const row = n * K;
      for (let k = 0; k < K; k++) {
        const wk = windows[k];
        let e = 0;
        for (let a = 0; a < D; a++) {
          const d = displacement(axes[a], wj.samples[a][i], wk.centers[a]);
          e += 0.5 * wk.springs[a] * d * d;
        }
        u[row + k] = e / kT;
      }
      let bin = 0;
      for (let a = 0; a < D; a++) {
        const b = binIndex(axes[a], wj.samples[a][i]);
        if (b < 0) {
          bin = -1;
          break;
        }
        bin += b * strides[a];
      }
      sampleBins[n] = bin;
      if (bin < 0) samplesOutsideRange[j]++;
    }
  }

  const solution = solveMbar(u, Nk, { tolerance: opts.tolerance, maxIterations: opts.maxIterations, initialF: opts.initialF });
  const covariance = opts.skipErrors ? null : mbarCovariance(solution, u, Nk);
  const windowFreeEnergies = solution.f.map((f) => f * kT);
  const windowFreeEnergiesError = covariance ? errorsOfDifferences(covariance.theta, K, 0).map((v) => v * kT) : new Float64Array(K).fill(NaN);

  let bins;
  if (covariance) {
    bins = mbarBinFreeEnergies(solution, covariance, Nk, sampleBins, nBins);
  } else {
    // Free energies only (same formula as mbarBinFreeEnergies, without the covariance).
    const counts = new Float64Array(nBins);
    const lse = new Float64Array(nBins).fill(-Infinity);
    for (let m = 0; m < N; m++) {
      const b = sampleBins[m];
      if (b < 0) continue;
      counts[b]++;
      const v = -solution.logD[m];
      const hi = Math.max(lse[b], v);
      lse[b] = hi + Math.log(Math.exp(lse[b] - hi) + Math.exp(v - hi));
    }
    const f = new Float64Array(nBins).fill(NaN);
    let reference = -1;
    for (let b = 0; b < nBins; b++) {
      if (counts[b] === 0) continue;
      f[b] = -lse[b];
      if (reference < 0 || f[b] < f[reference]) reference = b;
    }
    if (reference >= 0) {
      const ref = f[reference];
      for (let b = 0; b < nBins; b++) f[b] -= ref;
    }
    bins = { f, df: new Float64Array(nBins).fill(NaN), reference, counts };
  }
  const pmf = bins.f.map((v) => v * kT);
  const pmfError = bins.df.map((v) => v * kT);
  const probability = new Float64Array(nBins);
  let total = 0;
  for (let b = 0; b < nBins; b++) if (bins.counts[b] > 0) total += Math.exp(-bins.f[b]);
  for (let b = 0; b < nBins; b++) if (bins.counts[b] > 0) probability[b] = Math.exp(-bins.f[b]) / total;

  const warnings: string[] = [];
  if (!solution.converged) warnings.push(`MBAR did not converge to ${solution.tolerance} kT in ${solution.iterations} iterations; results are approximate`);
  for (let k = 0; k < K; k++) {
    const out = samplesOutsideRange[k];
    if (out > 0 && out >= 0.05 * Nk[k]) {
      warnings.push(
        `${windowName(windows[k].label, k)}: ${out} of ${Nk[k]} samples (${((100 * out) / Nk[k]).toFixed(1)}%) lie outside the histogram range (they still count for the window free energies)`,
      );
    }
  }
  return {
    axes,
    axisCenters: axes.map(axisCenters),
    pmf,
    pmfError,
    probability,
    windowFreeEnergies,
    windowFreeEnergiesError,
    counts: bins.counts,
    samplesOutsideRange,
    iterations: solution.iterations,
    converged: solution.converged,
    tolerance: solution.tolerance,
    warnings,
    solution,
    covariance,
    sampleBins,
    Nk,
    kT,
  };
}

export interface MbarUmbrella1dResult extends MbarUmbrellaResult {
  edges: Float64Array;
  centers: Float64Array;
}

/** MBAR on 1D umbrella windows with the same input and options as wham1d (method ignored). */
export function mbarUmbrella1d(windows: UmbrellaWindow[], opts: WhamOptions & { skipErrors?: boolean; initialF?: ArrayLike<number> }): MbarUmbrella1dResult {
  const axis: GridAxis = { bins: opts.bins, min: opts.min, max: opts.max, periodic: !!opts.periodic };
  const nd = windows.map((w) => ({ centers: [w.center], springs: [w.spring], samples: [w.samples], label: w.label }));
  const r = mbarUmbrellaNd([axis], nd, opts);
  return { ...r, edges: axisEdges(axis), centers: r.axisCenters[0] };
}

/** MBAR on a 2D grid of umbrella windows; pmf index = ix * ny + iy. */
export function mbarUmbrella2d(windows: UmbrellaWindow2d[], x: GridAxis, y: GridAxis, opts: MbarUmbrellaOptions): MbarUmbrellaResult {
  const nd = windows.map((w) => ({ centers: [w.center[0], w.center[1]], springs: [w.spring[0], w.spring[1]], samples: [w.x, w.y], label: w.label }));
  return mbarUmbrellaNd([x, y], nd, opts);
}

/**
 * Free energies (energy units, relative to the lowest) and MBAR errors of regions of the grid,
 * e.g. basins: binLabels[bin] in [0, nRegions) or -1. Binless within the region: every sample
 * whose bin carries the label counts.
 */
export function mbarRegionFreeEnergies(r: MbarUmbrellaResult, binLabels: Int32Array, nRegions: number): { freeEnergy: Float64Array; error: Float64Array } {
  if (!r.covariance) throw new EngineInputError('region errors need the MBAR covariance (skipErrors was set)');
  const regionOf = new Int32Array(r.sampleBins.length);
  for (let n = 0; n < regionOf.length; n++) regionOf[n] = r.sampleBins[n] < 0 ? -1 : binLabels[r.sampleBins[n]];
  const res = mbarBinFreeEnergies(r.solution, r.covariance, r.Nk, regionOf, nRegions);
  return { freeEnergy: res.f.map((v) => v * r.kT), error: res.df.map((v) => v * r.kT) };
}
