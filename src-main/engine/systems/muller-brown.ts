import type { SystemSpec, ToySystem } from './types';

/**
 * Muller-Brown potential (Muller & Brown 1979), standard parameters (SCIENCE.md section 7):
 * V(x, y) = scale * sum_i A_i exp(a_i (x - x0_i)^2 + b_i (x - x0_i)(y - y0_i) + c_i (y - y0_i)^2).
 * Minima (scale 1): -146.70 at (-0.558, 1.442), -108.17 at (0.623, 0.028), -80.77 at (-0.050, 0.467).
 */
export const MB_A = [-200, -100, -170, 15] as const;
export const MB_a = [-1, -1, -6.5, 0.7] as const;
export const MB_b = [0, 0, 11, 0.6] as const;
export const MB_c = [-10, -10, -6.5, 0.7] as const;
export const MB_x0 = [1, 0, -0.5, -1] as const;
export const MB_y0 = [0, 0.5, 1.5, 1] as const;

export class MullerBrown implements ToySystem {
  readonly dim = 2;
  readonly coordinateNames = ['x', 'y'] as const;
  readonly mobility = new Float64Array([1, 1]);
  readonly domain: readonly (readonly [number, number])[] = [
    [-1.5, 1.2],
    [-0.5, 2.0],
  ];
  private readonly A: Float64Array;
  constructor(readonly spec: Extract<SystemSpec, { kind: 'muller-brown' }>) {
    this.A = new Float64Array(MB_A.map((v) => v * spec.scale));
  }
  energy(x: Float64Array, offset = 0): number {
    const px = x[offset];
    const py = x[offset + 1];
    const A = this.A;
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const dx = px - MB_x0[i];
      const dy = py - MB_y0[i];
      v += A[i] * Math.exp(MB_a[i] * dx * dx + MB_b[i] * dx * dy + MB_c[i] * dy * dy);
    }
    return v;
  }
  force(x: Float64Array, offset: number, out: Float64Array, outOffset: number): number {
    // Unrolled: this is the benchmark kernel's hot path.
    const px = x[offset];
    const py = x[offset + 1];
    const A = this.A;
    let v = 0;
    let fx = 0;
    let fy = 0;
    let dx = px - 1;
    let dy = py;
    let e = A[0] * Math.exp(-dx * dx - 10 * dy * dy);
    v += e;
    fx -= e * (-2 * dx);
    fy -= e * (-20 * dy);
    dx = px;
    dy = py - 0.5;
    e = A[1] * Math.exp(-dx * dx - 10 * dy * dy);
    v += e;
    fx -= e * (-2 * dx);
    fy -= e * (-20 * dy);
    dx = px + 0.5;
    dy = py - 1.5;
    e = A[2] * Math.exp(-6.5 * dx * dx + 11 * dx * dy - 6.5 * dy * dy);
    v += e;
    fx -= e * (-13 * dx + 11 * dy);
    fy -= e * (11 * dx - 13 * dy);
    dx = px + 1;
    dy = py - 1;
    e = A[3] * Math.exp(0.7 * dx * dx + 0.6 * dx * dy + 0.7 * dy * dy);
    v += e;
    fx -= e * (1.4 * dx + 0.6 * dy);
    fy -= e * (0.6 * dx + 1.4 * dy);
    out[outOffset] = fx;
    out[outOffset + 1] = fy;
    return v;
  }
}
