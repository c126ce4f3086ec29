/**
 * The exact conditional law of the two-mode system (two-mode.ts) by quadrature:
 *   p(y | x) ~ exp(-phi_x(u) / kT), u = y - c x,
 * its mode weights (the split is at u = 0, i.e. y = c x, the barrier top when b = 0), moments,
 * CDF and inverse CDF, and F(x) = U(x) - kT ln integral exp(-phi_x(u)/kT) du.
 *
 * Method: the trapezoidal rule on [-L, L], L widened until phi is 40 kT above its minimum at
 * both ends (relative tail mass < 1e-17), the grid halved until log Z, the mean and the
 * variance change by less than 1e-11 (relative to d for the moments). The integrand is smooth
 * and vanishes at both ends, so the rule converges geometrically (Trefethen & Weideman, SIAM
 * Rev. 2014) and the doubling check is a reliable error estimate. The mode weight integrates
 * to u = 0, an interior point, so it adds the Euler-Maclaurin end correction h^2/12 f'(0)
 * (error O(h^4) ~ 1e-12 at the spacings used). The CDF is the cumulative trapezoid, linear
 * between nodes (error O(h^2) ~ 1e-7): far below any statistical error it is compared with.
 */
import { EngineInputError } from '../errors';
import type { ConditionalLaw1D } from './conditional-law';
import { TwoMode, type TwoModeSpec } from './two-mode';

const TAIL = 40;
const MIN_INTERVALS = 512;
const MAX_INTERVALS = 1 << 20;

export interface TwoModeConditional extends ConditionalLaw1D {
  x: number;
  /** [P(y < c x | x), P(y > c x | x)]: the weights of the lower and the upper mode. */
  weights: [number, number];
  /** ln integral exp(-phi_x(u)/kT) du (absolute, so F(x) = U(x) - kT logZ). */
  logZ: number;
  /** p(y | x), normalised. */
  density(y: number): number;
}

interface Quadrature {
  lo: number;
  h: number;
  /** exp(-(phi - phiMin)/kT) at the nodes. */
  w: Float64Array;
  phiMin: number;
  /** Trapezoid integral of w. */
  integral: number;
  mean: number;
  variance: number;
}

function quadrature(system: TwoMode, x: number, kT: number, intervals: number, half: number): Quadrature {
  const n = intervals + 1;
  const lo = -half;
  const h = (2 * half) / intervals;
  const phi = new Float64Array(n);
  let phiMin = Infinity;
  for (let i = 0; i < n; i++) {
    phi[i] = system.fastPotential(x, lo + i * h);
    if (phi[i] < phiMin) phiMin = phi[i];
  }
  const w = new Float64Array(n);
  let z = 0;
  let m1 = 0;
  for (let i = 0; i < n; i++) {
    w[i] = Math.exp(-(phi[i] - phiMin) / kT);
    const wt = i === 0 || i === n - 1 ? 0.5 : 1;
    z += wt * w[i];
    m1 += wt * w[i] * (lo + i * h);
  }
  const mean = m1 / z;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const wt = i === 0 || i === n - 1 ? 0.5 : 1;
    const du = lo + i * h - mean;
    m2 += wt * w[i] * du * du;
  }
  return { lo, h, w, phiMin, integral: z * h, mean, variance: m2 / z };
}

/** Half-width L of the u range: phi(+-L) at least TAIL kT above the minimum near the modes. */
function halfWidth(system: TwoMode, x: number, kT: number): number {
  const d = system.spec.d;
  let phiMin = Infinity;
  for (let i = 0; i <= 400; i++) phiMin = Math.min(phiMin, system.fastPotential(x, -3 * d + (6 * d * i) / 400));
  let half = 2 * d;
  for (let iter = 0; iter < 200; iter++) {
    if (system.fastPotential(x, half) - phiMin >= TAIL * kT && system.fastPotential(x, -half) - phiMin >= TAIL * kT) return half;
    half *= 1.25;
  }
  throw new EngineInputError(`two-mode: the conditional law at x = ${x} does not decay (check h0, h2, b and kT)`);
}

/**
 * Exact p(y | x) of a two-mode system at temperature kT. `opts.intervals` fixes the grid instead
 * of refining to 1e-12 (for drawing many samples at many x: 1024 intervals resolve the modes to
 * ~1e-8 in the CDF, far below any sampling noise, at a fraction of the cost).
 */
export function twoModeConditional(spec: TwoModeSpec, x: number, kT: number, opts: { intervals?: number } = {}): TwoModeConditional {
  if (!(kT > 0) || !Number.isFinite(kT)) throw new EngineInputError(`kT must be a finite number > 0 (got ${kT})`);
  if (!Number.isFinite(x)) throw new EngineInputError(`x must be finite (got ${x})`);
  const system = new TwoMode(spec);
  const half = halfWidth(system, x, kT);
  if (opts.intervals !== undefined) {
    if (!Number.isSafeInteger(opts.intervals) || opts.intervals < 64 || opts.intervals % 2 !== 0) throw new EngineInputError(`intervals must be an even integer >= 64 (got ${opts.intervals})`);
    return lawFromQuadrature(system, x, kT, quadrature(system, x, kT, opts.intervals, half));
  }
  let q = quadrature(system, x, kT, MIN_INTERVALS, half);
  for (let intervals = 2 * MIN_INTERVALS; intervals <= MAX_INTERVALS; intervals *= 2) {
    const next = quadrature(system, x, kT, intervals, half);
    const converged =
      Math.abs(Math.log(next.integral) - Math.log(q.integral)) < 1e-11 &&
      Math.abs(next.mean - q.mean) < 1e-11 * spec.d &&
      Math.abs(next.variance - q.variance) < 1e-11 * spec.d * spec.d;
    q = next;
    if (converged) break;
  }
  return lawFromQuadrature(system, x, kT, q);
}

function lawFromQuadrature(system: TwoMode, x: number, kT: number, q: Quadrature): TwoModeConditional {
  const { lo, h, w } = q;
  const n = w.length;
  const shift = system.spec.c * x;
  // Cumulative trapezoid, normalised: cum[i] = P(u < lo + i h).
  const cum = new Float64Array(n);
  for (let i = 1; i < n; i++) cum[i] = cum[i - 1] + 0.5 * h * (w[i - 1] + w[i]);
  const total = cum[n - 1];
  for (let i = 0; i < n; i++) cum[i] /= total;
  // Upper-mode weight: integral of w over [0, L] (u = 0 is the middle node) with the end
  // correction -h^2/12 (f'(L) - f'(0)); f'(L) ~ 0 by the tail rule, f' = -phi'/kT w.
  const mid = (n - 1) / 2;
  let upper = 0;
  for (let i = mid; i < n; i++) upper += (i === mid || i === n - 1 ? 0.5 : 1) * w[i];
  upper *= h;
  const { d, b } = system.spec;
  const dphi0 = -(b * x) / d; // phi'(0): the quartic term's derivative vanishes at u = 0
  const f0prime = (-dphi0 / kT) * w[mid];
  upper = (upper + ((h * h) / 12) * f0prime) / q.integral;
  const cdfU = (u: number) => {
    const t = (u - lo) / h;
    if (t <= 0) return 0;
    if (t >= n - 1) return 1;
    const i = Math.floor(t);
    return cum[i] + (t - i) * (cum[i + 1] - cum[i]);
  };
  const quantileU = (p: number) => {
    if (!(p > 0 && p < 1)) throw new EngineInputError(`quantile needs p in (0, 1) (got ${p})`);
    let a = 0;
    let bIdx = n - 1;
    while (bIdx - a > 1) {
      const m = (a + bIdx) >> 1;
      if (cum[m] < p) a = m;
      else bIdx = m;
    }
    const span = cum[bIdx] - cum[a];
    return lo + h * (a + (span > 0 ? (p - cum[a]) / span : 0.5));
  };
  const logZ = Math.log(q.integral) - q.phiMin / kT;
  return {
    x,
    mean: shift + q.mean,
    sd: Math.sqrt(q.variance),
    weights: [1 - upper, upper],
    logZ,
    cdf: (y) => cdfU(y - shift),
    quantile: (p) => shift + quantileU(p),
    density: (y) => Math.exp(-system.fastPotential(x, y - shift) / kT - logZ),
  };
}

/** Exact F(x) = a (x^2 - 1)^2 - kT ln Z(x) at each x, shifted so that its minimum over xs is 0. */
export function twoModeFreeEnergy(spec: TwoModeSpec, kT: number, xs: ArrayLike<number>): Float64Array {
  const system = new TwoMode(spec);
  const f = Float64Array.from(xs, (x) => system.slowPotential(x) - kT * twoModeConditional(spec, x, kT).logZ);
  let min = Infinity;
  for (const v of f) min = Math.min(min, v);
  for (let i = 0; i < f.length; i++) f[i] -= min;
  return f;
}
