/**
 * Region free energies from weighted frames in time order (metadynamics frames with c(t) or
 * last-bias log-weights) and their errors from the same estimator.
 *
 * Value: P_r = sum_{n in r} w_n / sum_n w_n, F_r - F_0 = -kT ln(P_r / P_0).
 * Error: a circular block bootstrap over time (blockPlan's rule and bias correction, see
 * block-bootstrap.ts) of that same ratio estimator. Frames recorded at one time (one row per
 * walker) stay together, so a block holds every walker over a stretch of time. The statistical
 * inefficiency that sets the block length is that of the estimator's influence series
 *   psi_t = a_t,r / A_r - a_t,0 / A_0   (a_t,r: weight in region r at time t, A_r = sum_t a_t,r),
 * the largest over regions: the series whose mean the estimate's fluctuation is, to first order.
 * With fewer than MIN_BLOCKS blocks the error is itself too uncertain to mean much, and the result
 * says so.
 */
import { EngineInputError } from '../errors';
import { Rng } from '../random';
import { statisticalInefficiency } from './autocorr';
import { blockLength, blockVarianceFactor } from './block-bootstrap';
import { resampleIndices } from './bootstrap';
import { spread } from './regions';

/** Fewer independent blocks than this: the error bar is flagged as unreliable. */
export const MIN_BLOCKS = 10;
const DEFAULT_REPLICATES = 200;

export interface FrameRegionResult {
  /** Probability of each region (of all weight). */
  probability: Float64Array;
  /** F_r - F_0 (energy units); NaN where a region holds no weight. */
  vsFirst: Float64Array;
  /** Standard errors of F_r - F_0 (0 for r = 0) and of F_j - F_i per pair i < j (row-major). */
  errors: Float64Array;
  pairErrors: Float64Array;
  /** Frames (rows) inside each region. */
  samples: number[];
  g: number;
  blockLength: number;
  /** Time points / block length: how many independent pieces the error rests on. */
  blocks: number;
  times: number;
  replicates: number;
}

/**
 * logWeights and masks over frames in time order, `rowsPerTime` frames per time point (walkers).
 * Trailing rows that do not fill a time point are ignored.
 */
export function frameRegionFreeEnergies(
  logWeights: Float64Array,
  masks: readonly Uint8Array[],
  kT: number,
  rowsPerTime: number,
  opts: { replicates?: number; seed?: number } = {},
): FrameRegionResult {
  const R = masks.length;
  if (R < 1) throw new EngineInputError('give at least one region');
  if (!Number.isSafeInteger(rowsPerTime) || rowsPerTime < 1) throw new EngineInputError(`rowsPerTime must be an integer >= 1 (got ${String(rowsPerTime)})`);
  const T = Math.floor(logWeights.length / rowsPerTime);
  if (T < 4) throw new EngineInputError(`too few frames for an error estimate (${T} time points)`);
  const replicates = opts.replicates ?? DEFAULT_REPLICATES;
  const seed = opts.seed ?? 1;
  let max = -Infinity;
  for (let n = 0; n < T * rowsPerTime; n++) if (logWeights[n] > max) max = logWeights[n];
  // Weight per time point and region, and in total.
  const a = new Float64Array(T * R);
  let total = 0;
  const samples = new Array<number>(R).fill(0);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < rowsPerTime; j++) {
      const n = t * rowsPerTime + j;
      const lw = logWeights[n];
      if (!Number.isFinite(lw)) continue;
      const w = Math.exp(lw - max);
      total += w;
      for (let r = 0; r < R; r++) {
        if (masks[r][n]) {
          a[t * R + r] += w;
          samples[r]++;
        }
      }
    }
  }
  const A = new Float64Array(R);
  for (let t = 0; t < T; t++) for (let r = 0; r < R; r++) A[r] += a[t * R + r];
  const fOf = (sums: Float64Array) => Array.from(sums, (v) => (v > 0 ? -kT * Math.log(v) : NaN));
  const f = fOf(A);
  const vsFirst = Float64Array.from(f, (v) => v - f[0]);

  // Statistical inefficiency of the influence series, largest over regions.
  let g = 1;
  const psi = new Float64Array(T);
  for (let r = 1; r < R; r++) {
    if (!(A[r] > 0 && A[0] > 0)) continue;
    let constant = true;
    for (let t = 0; t < T; t++) {
      psi[t] = a[t * R + r] / A[r] - a[t * R] / A[0];
      if (t > 0 && psi[t] !== psi[0]) constant = false;
    }
    if (!constant) g = Math.max(g, statisticalInefficiency(psi, { fast: true }));
  }
  const L = blockLength(g, T);
  const scale = Math.sqrt(blockVarianceFactor(g, L, T));

  const P = (R * (R - 1)) / 2;
  const vs: number[][] = Array.from({ length: R }, () => []);
  const ps: number[][] = Array.from({ length: P }, () => []);
  const idx = new Int32Array(T);
  const As = new Float64Array(R);
  for (let b = 0; b < replicates; b++) {
    resampleIndices(T, L, new Rng(seed, b), idx);
    As.fill(0);
    for (let i = 0; i < T; i++) {
      const o = idx[i] * R;
      for (let r = 0; r < R; r++) As[r] += a[o + r];
    }
    const fs = fOf(As);
    for (let r = 0; r < R; r++) vs[r].push(fs[r] - fs[0]);
    let k = 0;
    for (let i = 0; i < R; i++) for (let j = i + 1; j < R; j++) ps[k++].push(fs[j] - fs[i]);
  }
  const sd = (xs: number[]) => scale * spread(xs);
  const errors = Float64Array.from(vs, (v, r) => (r === 0 ? 0 : sd(v)));
  const pairErrors = Float64Array.from(ps, sd);
  return {
    probability: Float64Array.from(A, (v) => (total > 0 ? v / total : 0)),
    vsFirst,
    errors,
    pairErrors,
    samples,
    g,
    blockLength: L,
    blocks: T / L,
    times: T,
    replicates,
  };
}
