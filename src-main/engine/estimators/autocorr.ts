/**
 * Statistical inefficiency and decorrelated subsampling, as pymbar.timeseries
 * (Chodera et al., JCTC 3, 26, 2007):
 *   g = 1 + 2 sum_{t=1}^{T} C(t) (1 - t/N),  C(t) = sum_{n<N-t} da_n da_{n+t} / ((N - t) sigma^2),
 * summed until C(t) <= 0 with t > mintime (default 3); g >= 1. `fast` grows the lag increment
 * by one per term (pymbar's fast=True). Subsampling keeps indices round(n g), n = 0, 1, ...
 * without repeats (pymbar subsampleCorrelatedData, conservative=False).
 */
import { EngineInputError } from '../errors';

export interface InefficiencyOptions {
  fast?: boolean;
  mintime?: number;
}

export function statisticalInefficiency(series: ArrayLike<number>, opts: InefficiencyOptions = {}): number {
  const N = series.length;
  if (N < 2) throw new EngineInputError(`statistical inefficiency needs at least 2 samples (got ${N})`);
  const mintime = opts.mintime ?? 3;
  let mu = 0;
  for (let i = 0; i < N; i++) mu += series[i];
  mu /= N;
  const d = new Float64Array(N);
  let sigma2 = 0;
  for (let i = 0; i < N; i++) {
    d[i] = series[i] - mu;
    sigma2 += d[i] * d[i];
  }
  sigma2 /= N;
  if (!(sigma2 > 0)) throw new EngineInputError('statistical inefficiency: the series is constant (zero variance)');
  let g = 1;
  let t = 1;
  let increment = 1;
  while (t < N - 1) {
    let s = 0;
    for (let n = 0; n < N - t; n++) s += d[n] * d[n + t];
    // pymbar symmetrises A/B; for autocorrelation the two products are equal.
    const C = s / ((N - t) * sigma2);
    if (C <= 0 && t > mintime) break;
    g += 2 * C * (1 - t / N) * increment;
    t += increment;
    if (opts.fast) increment++;
  }
  return g < 1 ? 1 : g;
}

/** Indices round(n g), n = 0, 1, ... below length, without repeats (pymbar, non-conservative). */
export function subsampleIndices(length: number, g: number): number[] {
  if (!(g >= 1) || !Number.isFinite(g)) throw new EngineInputError(`statistical inefficiency must be >= 1 (got ${String(g)})`);
  const out: number[] = [];
  // Python's round() is round-half-to-even; match it so that the indices equal pymbar's.
  const roundHalfEven = (x: number): number => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  };
  for (let n = 0; ; n++) {
    const t = roundHalfEven(n * g);
    if (t >= length) break;
    if (out.length === 0 || t !== out[out.length - 1]) out.push(t);
  }
  return out;
}

export function takeIndices(series: Float64Array, indices: readonly number[]): Float64Array {
  const out = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = series[indices[i]];
  return out;
}

export interface SubsampleSummary {
  statisticalInefficiency: number[];
  samplesBefore: number[];
  samplesAfter: number[];
  /** sum after / sum before. */
  keptFraction: number;
}

/**
 * g of each window (the largest over its CV columns when there are several) and the
 * subsampled columns. A window whose columns are all constant gets g = 1 (nothing to learn
 * about correlation from it; WHAM/MBAR treat it as usual).
 */
export function decorrelateColumns(columnsPerWindow: Float64Array[][], opts: InefficiencyOptions = {}): { columns: Float64Array[][]; summary: SubsampleSummary } {
  const gs: number[] = [];
  const before: number[] = [];
  const after: number[] = [];
  const columns = columnsPerWindow.map((cols) => {
    let g = 1;
    for (const c of cols) {
      let constant = true;
      for (let i = 1; i < c.length; i++) if (c[i] !== c[0]) { constant = false; break; }
      if (!constant) g = Math.max(g, statisticalInefficiency(c, opts));
    }
    const idx = subsampleIndices(cols[0].length, g);
    gs.push(g);
    before.push(cols[0].length);
    after.push(idx.length);
    return cols.map((c) => takeIndices(c, idx));
  });
  const sb = before.reduce((a, b) => a + b, 0);
  const sa = after.reduce((a, b) => a + b, 0);
  return { columns, summary: { statisticalInefficiency: gs, samplesBefore: before, samplesAfter: after, keptFraction: sb > 0 ? sa / sb : 1 } };
}
