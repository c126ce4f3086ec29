import type { FastSlowShape, SystemSpec, ToySystem } from './types';

/**
 * Fast/slow system: V(x, y) = a (x^2 - 1)^2 + (y - f(x))^2 / (2 s^2), mobility (1, 1/epsilon).
 * f(x) = c x | c sin(pi x) | c x^3. Exact: p(y | x) = N(f(x), s^2 kT), F(x) = a (x^2-1)^2.
 */
export function fastSlowF(shape: FastSlowShape, c: number, x: number): number {
  switch (shape) {
    case 'linear':
      return c * x;
    case 'sin':
      return c * Math.sin(Math.PI * x);
    case 'cubic':
      return c * x * x * x;
  }
}

export class FastSlow implements ToySystem {
  readonly dim = 2;
  readonly coordinateNames = ['x', 'y'] as const;
  readonly mobility: Float64Array;
  readonly domain: readonly (readonly [number, number])[];
  private readonly a: number;
  private readonly inv2s2: number;
  private readonly invs2: number;
  private readonly shape: 0 | 1 | 2;
  private readonly c: number;
  constructor(readonly spec: Extract<SystemSpec, { kind: 'fast-slow' }>) {
    this.a = spec.a;
    this.invs2 = 1 / (spec.s * spec.s);
    this.inv2s2 = 0.5 * this.invs2;
    this.c = spec.c;
    this.shape = spec.f === 'linear' ? 0 : spec.f === 'sin' ? 1 : 2;
    this.mobility = new Float64Array([1, 1 / spec.epsilon]);
    const fmax = Math.abs(spec.c) * (spec.f === 'linear' ? 2 : spec.f === 'sin' ? 1 : 8);
    this.domain = [
      [-2, 2],
      [-fmax - 5 * spec.s, fmax + 5 * spec.s],
    ];
  }
  /** f(x) of this system (the exact closure E[y | x]). */
  f(x: number): number {
    return fastSlowF(this.spec.f, this.c, x);
  }
  energy(x: Float64Array, offset = 0): number {
    const px = x[offset];
    const q = px * px - 1;
    const r = x[offset + 1] - this.f(px);
    return this.a * q * q + r * r * this.inv2s2;
  }
  force(x: Float64Array, offset: number, out: Float64Array, outOffset: number): number {
    const px = x[offset];
    const c = this.c;
    let f: number, df: number;
    if (this.shape === 0) {
      f = c * px;
      df = c;
    } else if (this.shape === 1) {
      f = c * Math.sin(Math.PI * px);
      df = c * Math.PI * Math.cos(Math.PI * px);
    } else {
      f = c * px * px * px;
      df = 3 * c * px * px;
    }
    const q = px * px - 1;
    const r = x[offset + 1] - f;
    const g = r * this.invs2; // dV/dy
    out[outOffset] = -4 * this.a * px * q + g * df;
    out[outOffset + 1] = -g;
    return this.a * q * q + r * r * this.inv2s2;
  }
}
