import type { SystemSpec, ToySystem } from './types';

/** V(x) = a (x^2 - 1)^2; minima at x = +-1 (V = 0), barrier a at x = 0. */
export class DoubleWell implements ToySystem {
  readonly dim = 1;
  readonly coordinateNames = ['x'] as const;
  readonly mobility = new Float64Array([1]);
  readonly domain: readonly (readonly [number, number])[] = [[-2, 2]];
  readonly a: number;
  constructor(readonly spec: Extract<SystemSpec, { kind: 'double-well' }>) {
    this.a = spec.a;
  }
  energy(x: Float64Array, offset = 0): number {
    const q = x[offset] * x[offset] - 1;
    return this.a * q * q;
  }
  force(x: Float64Array, offset: number, out: Float64Array, outOffset: number): number {
    const xv = x[offset];
    const q = xv * xv - 1;
    out[outOffset] = -4 * this.a * xv * q;
    return this.a * q * q;
  }
}
