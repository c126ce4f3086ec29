/**
 * One-dimensional conditional laws p(y | x) of the toy systems, as the consistency report and
 * the model tests need them: moments, the CDF and its inverse (so exact draws and exact 1D
 * Wasserstein distances need no closed form), and the finite-sample noise floor of W1.
 */
import { EngineInputError } from '../errors';
import type { Rng } from '../random';

export interface ConditionalLaw1D {
  mean: number;
  sd: number;
  cdf(y: number): number;
  /** Inverse CDF for p in (0, 1). */
  quantile(p: number): number;
}

/** erf, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, far below any sampling noise it meets). */
export function erf(x: number): number {
  const s = Math.sign(x);
  const z = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * z);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return s * y;
}

/** Inverse of an increasing function on (lo, hi) by bisection to |dx| < 1e-12 (scale-relative). */
function invert(f: (y: number) => number, p: number, lo: number, hi: number): number {
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(lo), Math.abs(hi)); i++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** N(mean, sd^2). */
export function gaussianLaw(mean: number, sd: number): ConditionalLaw1D {
  if (!(sd > 0)) throw new EngineInputError(`a Gaussian law needs sd > 0 (got ${sd})`);
  const cdf = (y: number) => 0.5 * (1 + erf((y - mean) / (sd * Math.SQRT2)));
  return { mean, sd, cdf, quantile: (p) => invert(cdf, p, mean - 12 * sd, mean + 12 * sd) };
}

/** n independent exact draws by inverting the CDF. */
export function sampleLaw(law: ConditionalLaw1D, n: number, rng: Rng): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let u = rng.uniform();
    while (u === 0) u = rng.uniform();
    out[i] = law.quantile(u);
  }
  return out;
}

/** Integral over [t0, t1] of |k - F| where F runs linearly from f0 to f1 (exact, sign change included). */
function absLinear(k: number, f0: number, f1: number, width: number): number {
  const a = f0 - k;
  const b = f1 - k;
  if (a * b >= 0) return 0.5 * (Math.abs(a) + Math.abs(b)) * width;
  const s = a / (a - b); // crossing at t0 + s width
  return 0.5 * (Math.abs(a) * s + Math.abs(b) * (1 - s)) * width;
}

/**
 * W1(sample, law) = integral |F_n(y) - F(y)| dy. F is evaluated at the sample points and at
 * 2000 quantiles of the law (plus its 1e-9 tails) and taken linear in between; F_n is exact.
 * The grid error is O((spacing)^2 F'') per interval, ~1e-6 of the spread: far below the
 * noise floor of any sample it judges.
 */
export function wasserstein1ToLaw(sample: ArrayLike<number>, law: ConditionalLaw1D): number {
  const n = sample.length;
  if (n === 0) throw new EngineInputError('Wasserstein distance needs a non-empty sample');
  const s = Float64Array.from(sample).sort();
  const K = 2000;
  const q = new Float64Array(K + 1);
  q[0] = law.quantile(1e-9);
  q[K] = law.quantile(1 - 1e-9);
  for (let k = 1; k < K; k++) q[k] = law.quantile(k / K);
  const points = new Float64Array(n + K + 1);
  points.set(s);
  points.set(q, n);
  points.sort();
  let w = 0;
  let i = 0; // sample points <= t
  let t = points[0];
  let ft = law.cdf(t);
  while (i < n && s[i] <= t) i++;
  for (let j = 1; j < points.length; j++) {
    const t1 = points[j];
    if (t1 > t) {
      const f1 = law.cdf(t1);
      w += absLinear(i / n, ft, f1, t1 - t);
      t = t1;
      ft = f1;
    }
    while (i < n && s[i] <= t) i++;
  }
  // Mass of the law beyond the outermost points (below 1e-9 each side) is neglected.
  return w;
}

/**
 * The finite-sample noise floor of W1: the mean W1 between `n` exact draws and the law itself,
 * over `repeats` seeded repeats (what a perfect model would score with n samples).
 */
export function wasserstein1NoiseFloor(law: ConditionalLaw1D, n: number, rng: Rng, repeats = 20): number {
  let sum = 0;
  for (let r = 0; r < repeats; r++) sum += wasserstein1ToLaw(sampleLaw(law, n, rng), law);
  return sum / repeats;
}
