/**
 * The pieces of a consistency report that can fail (SCIENCE.md section 6):
 *
 * - localReference: simulated frames at xi* without bin-width bias. Frames are taken from a bin
 *   narrow enough for the data (the `want` nearest in the condition, within maxHalfWidth), and
 *   each target is moved to xi* along a local linear fit y = a + b (c - xi*) (local-linear
 *   regression, the standard cure for the O(h^2 f'^2) inflation of a binned variance and the
 *   O(h^2 f'') shift of a binned mean where f = E[y | c] is steep). What the plain bin would have
 *   been off by is kept and shown (binBias).
 * - splitHalfNoise: the finite-sample noise of any distance D, from splitting each sample in two
 *   halves (by contiguous blocks for time-ordered frames, so correlated neighbours stay together)
 *   and D(half 1, half 2) / 2, averaged in square over several splits. For D(A, B) between two
 *   independent samples the floor is sqrt(noise_A^2 + noise_B^2).
 * - verdicts: the ratio distance / floor of every comparison, and good / marginal / poor.
 */
import { EngineInputError } from '../errors';
import { Rng } from '../random';
import { wasserstein1 } from '../estimators/wasserstein';

export interface LocalReference {
  /** Half-width of the bin actually used (narrower than maxHalfWidth where data are dense). */
  halfWidth: number;
  /** Frames in the bin (rows), in data order. */
  frames: number;
  /** The targets moved to xi* (frames x td, row-major, data order). */
  rows: Float64Array;
  /** Local slope dE[y_j | c]/dc per target. */
  slope: number[];
  /** Plain-bin statistic minus the corrected one, per target: what the bin width alone would cause. */
  binBias: { mean: number; sd: number }[];
}

/**
 * Frames near xi* with their targets moved to xi*. `cond` has one value per row (1-D
 * condition); `target` is rows x td. Null when fewer than minFrames lie within maxHalfWidth.
 */
export function localReference(
  cond: Float64Array,
  target: Float64Array,
  td: number,
  xiStar: number,
  opts: { want?: number; minFrames?: number; maxHalfWidth: number },
): LocalReference | null {
  const want = opts.want ?? 2000;
  const minFrames = opts.minFrames ?? 20;
  if (!(opts.maxHalfWidth > 0)) throw new EngineInputError(`maxHalfWidth must be > 0 (got ${opts.maxHalfWidth})`);
  const near: number[] = [];
  for (let r = 0; r < cond.length; r++) if (Math.abs(cond[r] - xiStar) <= opts.maxHalfWidth) near.push(r);
  if (near.length < minFrames) return null;
  let halfWidth = opts.maxHalfWidth;
  let rowsIn = near;
  if (near.length > want) {
    const d = Float64Array.from(near, (r) => Math.abs(cond[r] - xiStar)).sort();
    halfWidth = d[want - 1];
    rowsIn = near.filter((r) => Math.abs(cond[r] - xiStar) <= halfWidth);
  }
  const n = rowsIn.length;
  let cm = 0;
  for (const r of rowsIn) cm += cond[r] - xiStar;
  cm /= n;
  let scc = 0;
  for (const r of rowsIn) scc += (cond[r] - xiStar - cm) ** 2;
  const rows = new Float64Array(n * td);
  const slope: number[] = [];
  const binBias: { mean: number; sd: number }[] = [];
  for (let j = 0; j < td; j++) {
    let ym = 0;
    for (const r of rowsIn) ym += target[r * td + j];
    ym /= n;
    let scy = 0;
    for (const r of rowsIn) scy += (cond[r] - xiStar - cm) * (target[r * td + j] - ym);
    const b = scc > 0 ? scy / scc : 0;
    slope.push(b);
    let rawVar = 0;
    let corrMean = 0;
    for (let i = 0; i < n; i++) {
      const r = rowsIn[i];
      const y = target[r * td + j];
      rawVar += (y - ym) ** 2;
      const moved = y - b * (cond[r] - xiStar);
      rows[i * td + j] = moved;
      corrMean += moved;
    }
    corrMean /= n;
    let corrVar = 0;
    for (let i = 0; i < n; i++) corrVar += (rows[i * td + j] - corrMean) ** 2;
    const div = Math.max(1, n - 1);
    binBias.push({ mean: ym - corrMean, sd: Math.sqrt(rawVar / div) - Math.sqrt(corrVar / div) });
  }
  return { halfWidth, frames: n, rows, slope, binBias };
}

/** Column j of a rows x width row-major array. */
export function columnOf(rows: Float64Array, width: number, j: number): Float64Array {
  const n = rows.length / width;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rows[i * width + j];
  return out;
}

function pick(rows: Float64Array, width: number, idx: ArrayLike<number>): Float64Array {
  const out = new Float64Array(idx.length * width);
  for (let i = 0; i < idx.length; i++) out.set(rows.subarray(idx[i] * width, idx[i] * width + width), i * width);
  return out;
}

/**
 * The finite-sample noise of a distance computed on `rows` (n x width): sqrt(mean over splits of
 * D(half 1, half 2)^2) / 2, where D(half, half) of two halves of n/2 rows each carries twice the
 * variance of one sample of n against the truth (for D ~ 1/sqrt(n): 2/sqrt(n) vs 1/sqrt(n)).
 * `blocks`: contiguous blocks per sample, dealt at random to the halves (use 1 block per row for
 * independent rows, ~16 for time-ordered frames whose neighbours are correlated).
 */
export function splitHalfNoise(
  rows: Float64Array,
  width: number,
  distance: (half1: Float64Array, half2: Float64Array) => number,
  opts: { blocks?: number; splits?: number; seed?: number } = {},
): number {
  const n = rows.length / width;
  if (n < 4) return NaN;
  const blocks = Math.min(n, Math.max(2, opts.blocks ?? n));
  const splits = opts.splits ?? 8;
  const rng = new Rng(opts.seed ?? 1, 7);
  const order = Array.from({ length: blocks }, (_, b) => b);
  let sum = 0;
  for (let s = 0; s < splits; s++) {
    for (let i = blocks - 1; i > 0; i--) {
      const k = Math.floor(rng.uniform() * (i + 1));
      [order[i], order[k]] = [order[k], order[i]];
    }
    const a: number[] = [];
    const b: number[] = [];
    for (let q = 0; q < blocks; q++) {
      const first = Math.floor((order[q] * n) / blocks);
      const last = Math.floor(((order[q] + 1) * n) / blocks);
      const into = q < blocks / 2 ? a : b;
      for (let r = first; r < last; r++) into.push(r);
    }
    const d = distance(pick(rows, width, a), pick(rows, width, b));
    sum += d * d;
  }
  return Math.sqrt(sum / splits) / 2;
}

export type Verdict = 'good' | 'marginal' | 'poor';

/**
 * Thresholds on distance / noise floor. Under the null (generated and reference from the same
 * law) each ratio is about |N(0, 1)| for mean and s.d. differences and concentrates near 1 for
 * W1; a condition has ~4-8 ratios, so a worst ratio above 3 happens by chance in ~1-2% of
 * conditions, above 5 practically never (calibrated in test/engine/consistency.test.ts).
 */
export const GOOD_RATIO = 3;
export const MARGINAL_RATIO = 5;

export function verdictOf(worstRatio: number): Verdict {
  if (!(worstRatio <= MARGINAL_RATIO)) return 'poor'; // NaN (no floor) is never good
  return worstRatio <= GOOD_RATIO ? 'good' : 'marginal';
}

/**
 * The overall verdict from the conditions': poor if any is poor; marginal if two or more are
 * marginal (one marginal among a dozen is what chance gives at these thresholds) or the only one
 * is; good otherwise.
 */
export function overallVerdict(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.length === 0) return 'poor';
  if (verdicts.includes('poor')) return 'poor';
  const marginal = verdicts.filter((v) => v === 'marginal').length;
  if (marginal >= 2 || (marginal === 1 && verdicts.length === 1)) return 'marginal';
  return 'good';
}

/** |mean(a) - mean(b)| and |sd(a) - sd(b)| as distances (for the split-half floors). */
export function meanDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.abs(meanOf(a) - meanOf(b));
}
export function sdDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.abs(sdOf(a) - sdOf(b));
}
export function meanOf(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m += a[i];
  return m / Math.max(1, a.length);
}
export function sdOf(a: ArrayLike<number>): number {
  const m = meanOf(a);
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i] - m) ** 2;
  return a.length > 1 ? Math.sqrt(v / (a.length - 1)) : 0;
}

/** One distance with its split-half noise floor and, where given, a practical tolerance. */
export interface FlooredDistance {
  value: number;
  floor: number;
  /** A difference this small is good whatever the noise (null: judged against the floor alone). */
  tolerance: number | null;
  /**
   * value / floor, or GOOD_RATIO x value / tolerance when that is smaller: a distance is good when
   * it is within 3 noise floors OR within the tolerance (large samples detect differences too small
   * to matter). Infinity when both are 0 and the value is not.
   */
  ratio: number;
}

/** Practical tolerances in units of the reference s.d. (the targets of issue 10 for a good model). */
export const TOLERANCE_SD = { mean: 0.05, sd: 0.1, w1: 0.08 } as const;

function floored(value: number, floor: number, tolerance: number | null = null): FlooredDistance {
  const byFloor = floor > 0 ? value / floor : value > 0 ? Infinity : 0;
  const byTolerance = tolerance !== null && tolerance > 0 ? (GOOD_RATIO * value) / tolerance : Infinity;
  return { value, floor, tolerance, ratio: Math.min(byFloor, byTolerance) };
}

export interface SampleComparison {
  /** Differences of means and of standard deviations, and the 1-D Wasserstein-1 distance. */
  mean: FlooredDistance;
  sd: FlooredDistance;
  w1: FlooredDistance;
  worstRatio: number;
}

/**
 * Generated sample `gen` (independent draws) against a reference sample `ref` (frames in data
 * order, split by `refBlocks` contiguous blocks for the floor): each distance with the floor
 * sqrt(noise_gen^2 + noise_ref^2) from split halves.
 */
export function compareSamples(
  gen: Float64Array,
  ref: Float64Array,
  opts: { refBlocks?: number; seed?: number; tolerances?: boolean } = {},
): SampleComparison {
  const seed = opts.seed ?? 1;
  const scale = opts.tolerances ? sdOf(ref) : NaN;
  const tol = (k: keyof typeof TOLERANCE_SD) => (opts.tolerances ? TOLERANCE_SD[k] * scale : null);
  const both = (d: (a: Float64Array, b: Float64Array) => number) => {
    const g = splitHalfNoise(gen, 1, d, { seed });
    const r = splitHalfNoise(ref, 1, d, { blocks: opts.refBlocks ?? 16, seed: seed + 1 });
    return Math.sqrt(g * g + r * r);
  };
  const mean = floored(meanDistance(gen, ref), both(meanDistance), tol('mean'));
  const sd = floored(sdDistance(gen, ref), both(sdDistance), tol('sd'));
  const w = floored(wasserstein1(gen, ref), both(wasserstein1), tol('w1'));
  return { mean, sd, w1: w, worstRatio: Math.max(mean.ratio, sd.ratio, w.ratio) };
}

/**
 * A sample against an exact law (mean, sd and W1 to the law): floors from the sample's own split
 * halves (blocks as in compareSamples: 0 = independent rows).
 */
export function compareToLaw(
  sample: Float64Array,
  law: { mean: number; sd: number; w1: (s: Float64Array) => number },
  opts: { blocks?: number; seed?: number; tolerances?: boolean } = {},
): SampleComparison {
  const seed = opts.seed ?? 1;
  const split = { ...(opts.blocks ? { blocks: opts.blocks } : {}), seed };
  const tol = (k: keyof typeof TOLERANCE_SD) => (opts.tolerances ? TOLERANCE_SD[k] * law.sd : null);
  const mean = floored(Math.abs(meanOf(sample) - law.mean), splitHalfNoise(sample, 1, meanDistance, split), tol('mean'));
  const sd = floored(Math.abs(sdOf(sample) - law.sd), splitHalfNoise(sample, 1, sdDistance, split), tol('sd'));
  // W1 to the law of a sample of n ~ W1 between halves / 2 (both ~ 1/sqrt(n) scaling).
  const w = floored(law.w1(sample), splitHalfNoise(sample, 1, wasserstein1, split), tol('w1'));
  return { mean, sd, w1: w, worstRatio: Math.max(mean.ratio, sd.ratio, w.ratio) };
}

