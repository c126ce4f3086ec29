/**
 * A bias kept on a regular 1D or 2D grid of nodes, with its derivatives, interpolated by cubic
 * (1D) or bicubic (2D) Hermite interpolation. This is how PLUMED keeps a metadynamics bias
 * (hills added to the grid once, bias and forces read back by interpolation), so a step costs
 * O(1) instead of O(number of hills).
 *
 * Why Hermite and not (bi)linear: the nodes store the exact value V and the exact derivatives
 * (dV/ds0, dV/ds1, d2V/ds0ds1 in 2D) of the sum of Gaussians, so Hermite interpolation uses all
 * of that information: the interpolant is C1, the force is exactly minus the gradient of the
 * interpolated bias (energy and force consistent, which matters for underdamped dynamics and
 * for reweighting with the same bias the walkers felt), and the error is O(h^4) (for a
 * Gaussian of width sigma sampled at h = sigma/4, about 1e-5 of the hill height) where
 * linear interpolation of V gives a piecewise-constant force and O(h^2) errors.
 *
 * Layout: node (i0, i1) of a 2D grid is entry i0 * n1 + i1 (first CV slowest). A periodic axis
 * of `bins` bins has `bins` nodes min + i h (max == min is the same node), h = (max-min)/bins;
 * a non-periodic axis has bins + 1 nodes from min to max inclusive (as PLUMED's GRID_BIN).
 *
 * Outside a non-periodic axis' range: 'error' throws BiasOutsideGridError; 'flat' extends the
 * bias as a constant along that axis, V(s) = V(clamp(s)), so its force along the axis is 0.
 */
import { EngineInputError } from '../errors';

export interface GridAxis {
  min: number;
  max: number;
  bins: number;
  periodic: boolean;
}

export type OutsideGrid = 'error' | 'flat';

/** A CV value fell outside a non-periodic grid axis with outside = 'error'. */
export class BiasOutsideGridError extends EngineInputError {
  constructor(
    readonly axis: number,
    readonly value: number,
    readonly min: number,
    readonly max: number,
  ) {
    super(
      `CV ${axis} = ${value} is outside the bias grid [${min}, ${max}]; widen the grid range or use flat extrapolation outside it`,
    );
    // An EngineInputError: callers (API, CLI) classify it by instanceof as bad input.
  }
}

/** Cubic Hermite basis on [0, 1]: value weights of the left/right node and of their slopes. */
function h00(t: number): number {
  return (2 * t - 3) * t * t + 1;
}
function h10(t: number): number {
  return ((t - 2) * t + 1) * t;
}
function h01(t: number): number {
  return (3 - 2 * t) * t * t;
}
function h11(t: number): number {
  return (t - 1) * t * t;
}
function dh00(t: number): number {
  return 6 * t * (t - 1);
}
function dh10(t: number): number {
  return (3 * t - 4) * t + 1;
}
function dh01(t: number): number {
  return 6 * t * (1 - t);
}
function dh11(t: number): number {
  return (3 * t - 2) * t;
}

export function validateGridAxis(a: GridAxis, name: string): string[] {
  const p: string[] = [];
  if (!Number.isFinite(a.min) || !Number.isFinite(a.max) || !(a.max > a.min)) p.push(`${name}: grid range needs finite min < max (got ${a.min}, ${a.max})`);
  if (!Number.isSafeInteger(a.bins) || a.bins < 2 || a.bins > 1_000_000) p.push(`${name}: grid bins must be an integer in [2, 1000000] (got ${String(a.bins)})`);
  return p;
}

export class HermiteGrid {
  readonly dim: 1 | 2;
  readonly axes: readonly GridAxis[];
  /** Nodes per axis. */
  readonly n: readonly number[];
  /** Node spacing per axis. */
  readonly h: readonly number[];
  readonly size: number;
  readonly value: Float64Array;
  /** dV/ds0 at the nodes. */
  readonly d0: Float64Array;
  /** dV/ds1 and d2V/ds0ds1 at the nodes (length 0 in 1D). */
  readonly d1: Float64Array;
  readonly d01: Float64Array;
  outside: OutsideGrid;

  // Cell location scratch (no allocation per evaluation).
  private ci = 0;
  private ct = 0;
  private cflat = false;

  constructor(axes: readonly GridAxis[], outside: OutsideGrid = 'error') {
    if (axes.length !== 1 && axes.length !== 2) throw new EngineInputError(`a bias grid has 1 or 2 axes (got ${axes.length})`);
    const problems = axes.flatMap((a, i) => validateGridAxis(a, `CV ${i}`));
    if (outside !== 'error' && outside !== 'flat') problems.push(`outside must be 'error' or 'flat' (got ${String(outside)})`);
    if (problems.length) throw new EngineInputError(problems);
    this.dim = axes.length as 1 | 2;
    this.axes = axes.map((a) => ({ ...a }));
    this.n = axes.map((a) => (a.periodic ? a.bins : a.bins + 1));
    this.h = axes.map((a) => (a.max - a.min) / a.bins);
    this.size = this.n.reduce((p, q) => p * q, 1);
    if (this.size > 20_000_000) throw new EngineInputError(`bias grid of ${this.size} nodes is too large (at most 2e7)`);
    this.value = new Float64Array(this.size);
    this.d0 = new Float64Array(this.size);
    this.d1 = new Float64Array(this.dim === 2 ? this.size : 0);
    this.d01 = new Float64Array(this.dim === 2 ? this.size : 0);
    this.outside = outside;
  }

  /** Coordinates of the nodes along one axis. */
  nodes(axis: number): Float64Array {
    const a = this.axes[axis];
    return Float64Array.from({ length: this.n[axis] }, (_, i) => a.min + i * this.h[axis]);
  }

  /** Sets ci (left node), ct (fraction in the cell) and cflat (clamped) for value s on an axis. */
  private locate(axis: number, s: number): void {
    const a = this.axes[axis];
    let u = (s - a.min) / this.h[axis];
    const bins = a.bins;
    this.cflat = false;
    if (a.periodic) {
      u -= bins * Math.floor(u / bins);
      let i = Math.floor(u);
      if (i >= bins) i = bins - 1; // u rounded up to bins
      this.ci = i;
      this.ct = u - i;
      return;
    }
    if (!(u >= 0 && u <= bins)) {
      if (this.outside === 'error' || u - u !== 0) throw new BiasOutsideGridError(axis, s, a.min, a.max);
      this.cflat = true;
      u = u < 0 ? 0 : bins;
    }
    let i = Math.floor(u);
    if (i >= bins) i = bins - 1;
    this.ci = i;
    this.ct = u - i;
  }

  /** Right neighbour of node i along an axis (wraps on periodic axes). */
  private next(axis: number, i: number): number {
    return i + 1 === this.n[axis] ? 0 : i + 1;
  }

  /** V(s0) and dV/ds0 into grad[0] (1D grids). */
  eval1(s0: number, grad: Float64Array): number {
    this.locate(0, s0);
    const i = this.ci;
    const t = this.ct;
    const j = this.next(0, i);
    const h = this.h[0];
    const v = this.value;
    const d = this.d0;
    const val = h00(t) * v[i] + h * h10(t) * d[i] + h01(t) * v[j] + h * h11(t) * d[j];
    grad[0] = this.cflat ? 0 : (dh00(t) * v[i] + dh01(t) * v[j]) / h + dh10(t) * d[i] + dh11(t) * d[j];
    return val;
  }

  /** V(s0, s1) and its gradient into grad[0], grad[1] (2D grids). */
  eval2(s0: number, s1: number, grad: Float64Array): number {
    this.locate(0, s0);
    const i0 = this.ci;
    const tx = this.ct;
    const flatX = this.cflat;
    this.locate(1, s1);
    const j0 = this.ci;
    const ty = this.ct;
    const flatY = this.cflat;
    const i1 = this.next(0, i0);
    const j1 = this.next(1, j0);
    const hx = this.h[0];
    const hy = this.h[1];
    const n1 = this.n[1];
    // Weights: a* for values and b* for x-slopes along x; c*/e* likewise along y; p* = d/ds.
    const a0 = h00(tx), a1 = h01(tx), b0 = hx * h10(tx), b1 = hx * h11(tx);
    const pa0 = dh00(tx) / hx, pa1 = dh01(tx) / hx, pb0 = dh10(tx), pb1 = dh11(tx);
    const c0 = h00(ty), c1 = h01(ty), e0 = hy * h10(ty), e1 = hy * h11(ty);
    const pc0 = dh00(ty) / hy, pc1 = dh01(ty) / hy, pe0 = dh10(ty), pe1 = dh11(ty);
    const v = this.value, gx = this.d0, gy = this.d1, gxy = this.d01;
    const k00 = i0 * n1 + j0, k01 = i0 * n1 + j1, k10 = i1 * n1 + j0, k11 = i1 * n1 + j1;
    // Per x-node p in {0,1}: the y-interpolated value/x-slope and their y-derivatives.
    const v0 = c0 * v[k00] + c1 * v[k01] + e0 * gy[k00] + e1 * gy[k01];
    const v1 = c0 * v[k10] + c1 * v[k11] + e0 * gy[k10] + e1 * gy[k11];
    const sx0 = c0 * gx[k00] + c1 * gx[k01] + e0 * gxy[k00] + e1 * gxy[k01];
    const sx1 = c0 * gx[k10] + c1 * gx[k11] + e0 * gxy[k10] + e1 * gxy[k11];
    const val = a0 * v0 + a1 * v1 + b0 * sx0 + b1 * sx1;
    if (flatX) grad[0] = 0;
    else grad[0] = pa0 * v0 + pa1 * v1 + pb0 * sx0 + pb1 * sx1;
    if (flatY) grad[1] = 0;
    else {
      const w0 = pc0 * v[k00] + pc1 * v[k01] + pe0 * gy[k00] + pe1 * gy[k01];
      const w1 = pc0 * v[k10] + pc1 * v[k11] + pe0 * gy[k10] + pe1 * gy[k11];
      const q0 = pc0 * gx[k00] + pc1 * gx[k01] + pe0 * gxy[k00] + pe1 * gxy[k01];
      const q1 = pc0 * gx[k10] + pc1 * gx[k11] + pe0 * gxy[k10] + pe1 * gxy[k11];
      grad[1] = a0 * w0 + a1 * w1 + b0 * q0 + b1 * q1;
    }
    return val;
  }
}
