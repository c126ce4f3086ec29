/**
 * Exact conditional laws p(target | condition) of the toy systems that have one (SCIENCE.md
 * section 7), as one-dimensional Gaussian mixtures: one component for the fast/slow family
 * (p(y | x) = N(f(x), s^2 kT)), several where the fast variable has several modes. The
 * consistency report compares generated and simulated samples with these laws.
 */
import { EngineInputError } from '../errors';
import { Rng } from '../random';
import { fastSlowF } from './fast-slow';
import { fastVariables } from './fast-slow-multi';
import type { AnySystemSpec } from './types';

/** A 1-D law sum_k w_k N(mean_k, sd_k^2); weights sum to 1. */
export interface MixtureLaw {
  weights: number[];
  means: number[];
  sds: number[];
}

export function lawMean(law: MixtureLaw): number {
  let m = 0;
  for (let k = 0; k < law.weights.length; k++) m += law.weights[k] * law.means[k];
  return m;
}

export function lawSd(law: MixtureLaw): number {
  const m = lawMean(law);
  let v = 0;
  for (let k = 0; k < law.weights.length; k++) v += law.weights[k] * (law.sds[k] ** 2 + (law.means[k] - m) ** 2);
  return Math.sqrt(v);
}

/** erf, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, far below any sampling noise it meets). */
export function erf(x: number): number {
  const s = Math.sign(x);
  const z = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * z);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return s * y;
}

export function lawCdf(law: MixtureLaw, x: number): number {
  let p = 0;
  for (let k = 0; k < law.weights.length; k++) p += law.weights[k] * 0.5 * (1 + erf((x - law.means[k]) / (law.sds[k] * Math.SQRT2)));
  return p;
}

/** W1 between an empirical sample and the law: the integral of |F_n - F| (trapezoid on a fine grid). */
export function wasserstein1ToLaw(sample: ArrayLike<number>, law: MixtureLaw): number {
  if (sample.length === 0) throw new EngineInputError('Wasserstein distance needs a non-empty sample');
  const s = Float64Array.from(sample).sort();
  let lo = s[0];
  let hi = s[s.length - 1];
  for (let k = 0; k < law.weights.length; k++) {
    lo = Math.min(lo, law.means[k] - 8 * law.sds[k]);
    hi = Math.max(hi, law.means[k] + 8 * law.sds[k]);
  }
  const points = 8000;
  const h = (hi - lo) / points;
  let i = 0;
  let w = 0;
  let prev = 0;
  for (let p = 0; p <= points; p++) {
    const t = lo + p * h;
    while (i < s.length && s[i] <= t) i++;
    const d = Math.abs(i / s.length - lawCdf(law, t));
    if (p > 0) w += 0.5 * (d + prev) * h;
    prev = d;
  }
  return w;
}

/** n independent draws from the law. */
export function sampleLaw(law: MixtureLaw, n: number, rng: Rng): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let u = rng.uniform();
    let k = 0;
    while (k < law.weights.length - 1 && u >= law.weights[k]) u -= law.weights[k++];
    out[i] = law.means[k] + law.sds[k] * rng.normal();
  }
  return out;
}

const gaussian = (mean: number, sd: number): MixtureLaw => ({ weights: [1], means: [mean], sds: [sd] });

/**
 * The exact law of coordinate `targetIndex` given coordinate `condIndex` = value, or null when
 * the system has none in closed form (double well, Muller-Brown, expressions) or the pair is not
 * (slow, fast). Coordinate indices are the system's simulated coordinates.
 */
export function exactConditionalLaw(spec: AnySystemSpec, kT: number, condIndex: number, targetIndex: number): ((value: number) => MixtureLaw) | null {
  if (condIndex !== 0 || targetIndex < 1) return null;
  const rootKT = Math.sqrt(kT);
  switch (spec.kind) {
    case 'fast-slow':
    case 'embedded': // the hidden (x, y) are the simulated coordinates
      if (targetIndex !== 1) return null;
      return (x) => gaussian(fastSlowF(spec.f, spec.c, x), spec.s * rootKT);
    case 'fast-slow-multi': {
      const v = fastVariables(spec)[targetIndex - 1];
      if (!v) return null;
      return (x) => gaussian(fastSlowF(v.f, v.c, x), v.s * rootKT);
    }
    default:
      return null;
  }
}

/** A one-line statement of the exact law, for reports (null when there is none). */
export function describeExactLaw(spec: AnySystemSpec, kT: number): string | null {
  switch (spec.kind) {
    case 'fast-slow':
    case 'embedded':
      return `p(y | x) = N(f(x), s^2 kT) with f = ${spec.f} (c = ${spec.c}), s = ${spec.s}, kT = ${kT}`;
    case 'fast-slow-multi':
      return `p(y_i | x) = N(f_i(x), s_i^2 kT), independent given x (kT = ${kT})`;
    default:
      return null;
  }
}
