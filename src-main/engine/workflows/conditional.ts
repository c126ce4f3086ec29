/**
 * Conditional averages E[f | xi] with error bars (SCIENCE.md sections 3 and 9).
 *
 * - From simulation: each trajectory (one walker of one window, or one metadynamics walker) is
 *   subsampled by its statistical inefficiency (the larger of the xi series' and the observable's,
 *   pymbar's recipe, engine/estimators/autocorr.ts), so that the kept frames are roughly
 *   independent; they are then binned along xi and each bin's mean gets the standard error
 *   sd / sqrt(n) of independent samples. Legal for biased runs too: a bias W(xi) leaves
 *   p(x | xi) unchanged (section 2), so per-bin averages need no reweighting.
 * - From lifted samples: the draws of a model at one condition are independent, so the mean
 *   and its standard error sd / sqrt(n) need no decorrelation.
 */
import { EngineInputError } from '../errors';
import { statisticalInefficiency, subsampleIndices } from '../estimators/autocorr';
import { axisCenters, binIndex, checkAxis, type GridAxis } from '../estimators/histogram';

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
  /** NaN where a bin holds fewer than minCount decorrelated frames. */
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
  const sum = new Float64Array(B);
  const sum2 = new Float64Array(B);
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
      sum[b] += v;
      sum2[b] += v * v;
      count[b]++;
    }
  });
  const mean = new Float64Array(B).fill(NaN);
  const sem = new Float64Array(B).fill(NaN);
  for (let b = 0; b < B; b++) {
    const n = count[b];
    if (n < Math.max(2, minCount)) continue;
    const m = sum[b] / n;
    const variance = Math.max(0, (sum2[b] - n * m * m) / (n - 1));
    mean[b] = m;
    sem[b] = Math.sqrt(variance / n);
  }
  return { centers: axisCenters(axis), mean, sem, count, inefficiency: gTotal / series.length };
}
