/**
 * Conditional averages E[f | xi] with error bars (SCIENCE.md sections 3 and 9).
 *
 * - From simulation: each trajectory (one walker of one window, or one metadynamics walker) is
 *   subsampled by its statistical inefficiency (the larger of the xi series' and the observable's,
 *   pymbar's recipe, engine/estimators/autocorr.ts), so that the kept frames are roughly
 *   independent; they are then binned along xi. A bias W(xi) leaves p(x | xi) unchanged
 *   (section 2), but not the distribution of xi *within* a bin: a plain bin average of an
 *   observable that varies with xi (the mean force!) would depend on the windows. So each bin
 *   fits f ~ alpha + beta d + gamma d^2 (d = xi - centre) by least squares and reports
 *   alpha = E[f | xi = centre] with its regression standard error s^2 [(X'X)^-1]_00: independent
 *   of how xi is distributed in the bin up to O(width^3), and no reweighting is needed.
 * - From lifted samples: the draws of a model at one condition are independent, so the mean
 *   and its standard error sd / sqrt(n) need no decorrelation.
 */
import { EngineInputError } from '../errors';
import { statisticalInefficiency, subsampleIndices } from '../estimators/autocorr';
import { axisCenters, binIndex, checkAxis, displacement, type GridAxis } from '../estimators/histogram';

/** One trajectory: its CV values and one observable value per frame, in time order. */
export interface ObservedSeries {
  xi: ArrayLike<number>;
  value: ArrayLike<number>;
}

export interface MeanWithError {
  mean: number;
  sem: number;
  n: number;
}

export interface BinnedConditionalMean {
  centers: Float64Array;
  /** E[f | xi = centre] (local linear fit in the bin); NaN where a bin holds fewer than minCount decorrelated frames. */
  mean: Float64Array;
  sem: Float64Array;
  /** Decorrelated frames per bin. */
  count: Int32Array;
  /** Mean statistical inefficiency used over the series (1 = every frame kept). */
  inefficiency: number;
}

/** Mean and standard error of independent samples (sem NaN for n < 2). */
export function meanWithError(values: ArrayLike<number>): MeanWithError {
  const n = values.length;
  if (n === 0) return { mean: NaN, sem: NaN, n: 0 };
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  const sem = n > 1 ? Math.sqrt(ss / (n - 1) / n) : NaN;
  return { mean, sem, n };
}

/** Inefficiency of a series, 1 for series too short or constant (nothing to correct). */
function safeInefficiency(series: ArrayLike<number>): number {
  if (series.length < 8) return 1;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < series.length; i++) {
    if (series[i] < min) min = series[i];
    if (series[i] > max) max = series[i];
  }
  return max > min ? statisticalInefficiency(series, { fast: true }) : 1;
}

export interface ConditionalOptions {
  /** Bins with fewer decorrelated frames report NaN (default 10). */
  minCount?: number;
  /** Skip decorrelation (frames already independent, e.g. exact draws); default false. */
  independent?: boolean;
}

export function binnedConditionalMean(series: readonly ObservedSeries[], axis: GridAxis, opts: ConditionalOptions = {}): BinnedConditionalMean {
  checkAxis(axis, 'conditional-mean');
  if (!Array.isArray(series) || series.length === 0) throw new EngineInputError('conditional mean: at least one series is needed');
  const minCount = opts.minCount ?? 10;
  const B = axis.bins;
  const centers = axisCenters(axis);
  // Per bin: sums of d^k (k = 0..4), v d^k (k = 0..2) and v^2, d = xi - centre (minimum image).
  const acc = Array.from({ length: B }, () => new Float64Array(9));
  const count = new Int32Array(B);
  let gTotal = 0;
  series.forEach((s, k) => {
    if (s.xi.length !== s.value.length) throw new EngineInputError(`series ${k}: ${s.xi.length} CV values but ${s.value.length} observable values`);
    const g = opts.independent ? 1 : Math.max(safeInefficiency(s.xi), safeInefficiency(s.value));
    gTotal += g;
    const keep = g > 1 ? subsampleIndices(s.xi.length, g) : null;
    const n = keep ? keep.length : s.xi.length;
    for (let j = 0; j < n; j++) {
      const i = keep ? keep[j] : j;
      const v = s.value[i];
      if (!Number.isFinite(v)) continue;
      const b = binIndex(axis, s.xi[i]);
      if (b < 0) continue;
      const d = displacement(axis, s.xi[i], centers[b]);
      const a = acc[b];
      const d2 = d * d;
      a[0]++;
      a[1] += d;
      a[2] += d2;
      a[3] += d2 * d;
      a[4] += d2 * d2;
      a[5] += v;
      a[6] += v * d;
      a[7] += v * d2;
      a[8] += v * v;
      count[b]++;
    }
  });
  const mean = new Float64Array(B).fill(NaN);
  const sem = new Float64Array(B).fill(NaN);
  for (let b = 0; b < B; b++) {
    const a = acc[b];
    const n = a[0];
    if (n < Math.max(4, minCount)) continue;
    const fit = quadraticFit(a);
    mean[b] = fit.alpha;
    sem[b] = fit.alphaSem;
  }
  return { centers, mean, sem, count, inefficiency: gTotal / series.length };
}

/**
 * Least squares v ~ alpha + beta d + gamma d^2 from the sums a = [n, Sd, Sd2, Sd3, Sd4, Sv, Svd,
 * Svd2, Svv]; the plain mean (and its standard error) when the design is singular (all frames
 * at one d). Lengths are scaled by the spread of d so that the 3 x 3 system stays well conditioned.
 */
function quadraticFit(a: Float64Array): { alpha: number; alphaSem: number } {
  const n = a[0];
  const vbar = a[5] / n;
  const plain = () => ({ alpha: vbar, alphaSem: Math.sqrt(Math.max(0, a[8] - n * vbar * vbar) / (n - 1) / n) });
  const dVar = a[2] / n - (a[1] / n) ** 2;
  if (!(dVar > 0)) return plain();
  const h = Math.sqrt(a[2] / n); // scale: d = h u
  const M = [
    [n, a[1] / h, a[2] / h ** 2],
    [a[1] / h, a[2] / h ** 2, a[3] / h ** 3],
    [a[2] / h ** 2, a[3] / h ** 3, a[4] / h ** 4],
  ];
  const r = [a[5], a[6] / h, a[7] / h ** 2];
  const inv = invert3(M);
  if (!inv) return plain();
  const theta = inv.map((row) => row[0] * r[0] + row[1] * r[1] + row[2] * r[2]);
  const rss = Math.max(0, a[8] - (theta[0] * r[0] + theta[1] * r[1] + theta[2] * r[2]));
  return { alpha: theta[0], alphaSem: Math.sqrt((rss / (n - 3)) * inv[0][0]) };
}

function invert3(m: number[][]): number[][] | null {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  const scale = Math.abs(a * e * i) + Math.abs(b * f * g) + Math.abs(c * d * h);
  if (!(Math.abs(det) > 1e-12 * scale)) return null;
  return [
    [A / det, -(b * i - c * h) / det, (b * f - c * e) / det],
    [B / det, (a * i - c * g) / det, -(a * f - c * d) / det],
    [C / det, -(a * h - b * g) / det, (a * e - b * d) / det],
  ];
}
