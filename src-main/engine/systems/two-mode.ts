/**
 * Two-mode fast/slow system: a slow double well x and a fast y with two modes whose weights
 * move with x, separated by a barrier whose height can depend on x.
 *
 *   V(x, y) = a (x^2 - 1)^2 + h(x) ((u/d)^2 - 1)^2 - b x u / d,   u = y - c x,
 *   h(x) = h0 + h2 x^2  (h0 > 0, h2 >= 0),   mobility (1, 1/epsilon).
 *
 * For fixed x the fast variable sees phi_x(u) = h(x) ((u/d)^2 - 1)^2 - b x u / d: two wells
 * near u = -d and u = +d, a barrier of about h(x) at u = 0, and a tilt that favours the upper
 * mode for x > 0 (the energy difference between the modes is about 2 b x). The shear c moves
 * both modes along y = c x without changing their weights or F. So, exactly,
 *   p(y | x) ~ exp(-phi_x(y - c x) / kT)                 (not Gaussian: two modes),
 *   F(x) = a (x^2 - 1)^2 - kT ln integral exp(-phi_x(u) / kT) du   (+ constant),
 * and the mode weights and conditional moments are 1D integrals, computed here by quadrature
 * (two-mode-law.ts). A barrier h0 + h2 x^2 of many kT hides a slow process orthogonal to x:
 * a run started in one mode stays there (the "hidden barrier" system of issue 11).
 */
import type { ToySystem } from './types';
import type { TwoModeSpec } from './specs';
export type { TwoModeSpec } from './specs';

export class TwoMode implements ToySystem {
  readonly dim = 2;
  readonly coordinateNames = ['x', 'y'] as const;
  readonly mobility: Float64Array;
  readonly domain: readonly (readonly [number, number])[];
  constructor(readonly spec: TwoModeSpec) {
    this.mobility = new Float64Array([1, 1 / spec.epsilon]);
    const reach = Math.abs(spec.c) * 2 + 2 * spec.d;
    this.domain = [
      [-2, 2],
      [-reach, reach],
    ];
  }
  /** Barrier between the modes at x: h(x) = h0 + h2 x^2. */
  barrier(x: number): number {
    return this.spec.h0 + this.spec.h2 * x * x;
  }
  /** The fast variable's potential at fixed x, phi_x(u) with u = y - c x (no slow part). */
  fastPotential(x: number, u: number): number {
    const q = (u / this.spec.d) ** 2 - 1;
    return this.barrier(x) * q * q - (this.spec.b * x * u) / this.spec.d;
  }
  /** The slow part U(x) = a (x^2 - 1)^2. */
  slowPotential(x: number): number {
    const q = x * x - 1;
    return this.spec.a * q * q;
  }
  energy(p: Float64Array, offset = 0): number {
    const x = p[offset];
    return this.slowPotential(x) + this.fastPotential(x, p[offset + 1] - this.spec.c * x);
  }
  force(p: Float64Array, offset: number, out: Float64Array, outOffset: number): number {
    const { a, d, h2, b, c } = this.spec;
    const x = p[offset];
    const u = p[offset + 1] - c * x;
    const h = this.barrier(x);
    const qx = x * x - 1;
    const q = (u * u) / (d * d) - 1;
    const dVdu = (4 * h * q * u) / (d * d) - (b * x) / d;
    // dV/dx at fixed u, then the chain rule through u = y - c x.
    const dVdxAtU = 4 * a * x * qx + 2 * h2 * x * q * q - (b * u) / d;
    out[outOffset] = -(dVdxAtU - c * dVdu);
    out[outOffset + 1] = -dVdu;
    return a * qx * qx + h * q * q - (b * x * u) / d;
  }
}
