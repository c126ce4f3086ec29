/**
 * Embedded fast/slow system (SCIENCE.md section 7): the dynamics are the fast/slow SDE in (x, y),
 *   V(x, y) = a (x^2 - 1)^2 + (y - f(x))^2 / (2 s^2), mobility (1, 1/epsilon),
 * but what an experimenter "observes" is a fixed nonlinear map of (x, y) into R^3:
 *   u = (x, y, kappa x^2)                  curve the slow direction into a parabolic sheet,
 *   q = R u                                rotate rigidly by `angle` radians about (1, 1, 1)/sqrt(3)
 * (Rodrigues' formula). No observed coordinate equals x, and no linear projection recovers it
 * when kappa != 0, so the slow variable has to be learned (diffusion maps). The map is smooth
 * and injective, distances are distorted only by the curvature, and the exact answers of the
 * fast/slow system (F(x), p(y | x), E[y | x] = f(x)) carry over to the hidden (x, y).
 *
 * Sampling happens in (x, y) (this ToySystem is 2D, usable with every integrator); `observe`
 * maps simulated positions to observations, `sampleEmbedded` draws exact i.i.d. data.
 */
import { EngineInputError } from '../errors';
import { Rng } from '../random';
import { FastSlow } from './fast-slow';
import type { FastSlowShape, ToySystem } from './types';
import type { EmbeddedSpec } from './specs';
export type { EmbeddedSpec } from './specs';

export const OBSERVED_DIM = 3;

/** 3 x 3 rotation by `angle` about (1,1,1)/sqrt(3), row-major. */
export function embeddingRotation(angle: number): Float64Array {
  const k = 1 / Math.sqrt(3);
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const t = 1 - c;
  // R = c I + s [k]_x + t k k^T with k = (k, k, k)
  return new Float64Array([
    c + t * k * k, t * k * k - s * k, t * k * k + s * k,
    t * k * k + s * k, c + t * k * k, t * k * k - s * k,
    t * k * k - s * k, t * k * k + s * k, c + t * k * k,
  ]);
}

export class Embedded implements ToySystem {
  readonly dim = 2;
  readonly coordinateNames = ['x', 'y'] as const;
  readonly observedNames = ['q1', 'q2', 'q3'] as const;
  readonly observedDim = OBSERVED_DIM;
  readonly mobility: Float64Array;
  readonly domain: readonly (readonly [number, number])[];
  private readonly inner: FastSlow;
  private readonly R: Float64Array;
  private readonly kappa: number;
  constructor(readonly spec: EmbeddedSpec) {
    this.inner = new FastSlow({ kind: 'fast-slow', a: spec.a, s: spec.s, epsilon: spec.epsilon, f: spec.f, c: spec.c });
    this.mobility = this.inner.mobility;
    this.domain = this.inner.domain;
    this.R = embeddingRotation(spec.angle);
    this.kappa = spec.curvature;
  }
  /** E[y | x] = f(x). */
  f(x: number): number {
    return this.inner.f(x);
  }
  energy(x: Float64Array, offset = 0): number {
    return this.inner.energy(x, offset);
  }
  force(x: Float64Array, offset: number, out: Float64Array, outOffset: number): number {
    return this.inner.force(x, offset, out, outOffset);
  }
  /**
   * dq/d(x, y) at hidden x (the map is linear in y): 3 x 2 row-major, column 0 = R (1, 0, 2 kappa x),
   * column 1 = R (0, 1, 0). The chain rule that carries a gradient in observed space (a learned CV)
   * back to the coordinates the dynamics run in.
   */
  observeJacobian(x: number, out: Float64Array = new Float64Array(6)): Float64Array {
    const R = this.R;
    const dz = 2 * this.kappa * x;
    for (let r = 0; r < 3; r++) {
      out[2 * r] = R[3 * r] + R[3 * r + 2] * dz;
      out[2 * r + 1] = R[3 * r + 1];
    }
    return out;
  }
  /** Hidden (x, y) of n observed rows (n x 3) -> n x 2: u = R^T q, then x = u0, y = u1 (exact inverse). */
  unobserve(q: Float64Array, n: number, out = new Float64Array(n * 2)): Float64Array {
    const R = this.R;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 2; c++) out[2 * i + c] = R[c] * q[3 * i] + R[3 + c] * q[3 * i + 1] + R[6 + c] * q[3 * i + 2];
    }
    return out;
  }
  /** Observed coordinates of n (x, y) rows (n x 2) -> n x 3. */
  observe(xy: Float64Array, n: number, out: Float64Array = new Float64Array(n * OBSERVED_DIM)): Float64Array {
    const R = this.R;
    for (let i = 0; i < n; i++) {
      const x = xy[2 * i];
      const u0 = x;
      const u1 = xy[2 * i + 1];
      const u2 = this.kappa * x * x;
      for (let r = 0; r < 3; r++) out[3 * i + r] = R[3 * r] * u0 + R[3 * r + 1] * u1 + R[3 * r + 2] * u2;
    }
    return out;
  }
}

export interface EmbeddedSample {
  /** Hidden slow x, hidden fast y, and observations (n x 3). */
  x: Float64Array;
  y: Float64Array;
  observed: Float64Array;
}

/**
 * n exact independent equilibrium samples at temperature kT: x from exp(-a (x^2-1)^2 / kT) by
 * rejection from a uniform proposal on [-L, L] (L where the density is below e^-40 of its peak),
 * then y = f(x) + s sqrt(kT) N(0, 1) (the exact conditional law), then the observation map.
 */
export function sampleEmbedded(spec: EmbeddedSpec, n: number, kT: number, seed: number): EmbeddedSample {
  if (!Number.isInteger(n) || n < 1) throw new EngineInputError(`sample count must be a positive integer (got ${n})`);
  if (!(kT > 0) || !Number.isFinite(kT)) throw new EngineInputError(`kT must be a finite number > 0 (got ${kT})`);
  const sys = new Embedded(spec);
  const rng = new Rng(seed, 0xe3b);
  const L = Math.sqrt(1 + Math.sqrt((40 * kT) / spec.a));
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const sd = spec.s * Math.sqrt(kT);
  for (let i = 0; i < n; ) {
    const xv = (2 * rng.uniform() - 1) * L;
    const q = xv * xv - 1;
    if (rng.uniform() < Math.exp((-spec.a * q * q) / kT)) {
      x[i] = xv;
      y[i] = sys.f(xv) + sd * rng.normal();
      i++;
    }
  }
  const xy = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    xy[2 * i] = x[i];
    xy[2 * i + 1] = y[i];
  }
  return { x, y, observed: sys.observe(xy, n) };
}
