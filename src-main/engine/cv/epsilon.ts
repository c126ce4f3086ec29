/**
 * Automatic kernel scale for diffusion maps (SCIENCE.md section 4), after Coifman, Shkolnisky,
 * Sigworth & Singer (2008) "Graph Laplacian tomography": S(eps) = sum_ij exp(-|x_i-x_j|^2/eps)
 * grows from n (eps -> 0, only i = j) to n^2 (eps -> infinity); in between, on a manifold of
 * dimension d, S ~ eps^(d/2), so the log-log slope is the (half) intrinsic dimension. We take eps
 * where the slope is largest: the scale at which the kernel sees the most local structure
 * before it saturates.
 *
 * Recipe (reproduced exactly by scripts/reference/dmap_reference.py):
 *  1. use at most `maxPoints` points (a seeded uniform subset when there are more);
 *  2. pairwise squared distances d2 (i < j); lo = smallest positive d2, hi = largest d2
 *     (lo is raised to hi * 1e-12 if smaller, so duplicates do not stretch the grid);
 *  3. G = 64 log-spaced eps from lo to hi; lnS(eps) = ln(n + 2 sum_{i<j} exp(-d2/eps));
 *  4. slope_g = central difference of lnS in ln eps (interior g); g* = argmax (first if tied);
 *  5. refine: vertex of the parabola through slopes g*-1, g*, g*+1 (when both neighbours are
 *     interior), offset clamped to +-1 grid step; eps_slope = exp(ln eps_g* + offset * step);
 *  6. floor (over ALL given points, not the subset): eps = max(eps_slope, max_i min_j!=i d2_ij),
 *     so that every point keeps a neighbour with kernel weight >= 1/e. Without it, sparse
 *     outliers (the tails of a sampled density) become isolated vertices of the kernel graph,
 *     each adding a spurious eigenvalue 1 and a meaningless eigenvector; the max-slope scale of
 *     noisy data (fast directions look 2D at small scales) is often that small.
 */
import { EngineInputError } from '../errors';
import { Rng } from '../random';
import { randomSubset } from './landmarks';

export interface EpsilonScan {
  epsilon: number;
  /** The grid and the curve, for plotting: eps, ln S(eps), slope d ln S / d ln eps (NaN at the ends). */
  grid: Float64Array;
  logSum: Float64Array;
  slope: Float64Array;
  /** Points used (after subsampling). */
  pointsUsed: number;
  maxSlope: number;
  /** eps at the maximum slope (step 5) and the nearest-neighbour floor (step 6). */
  maxSlopeEpsilon: number;
  nearestNeighbourFloor: number;
}

export const EPSILON_GRID_SIZE = 64;

export function chooseEpsilon(points: Float64Array, n: number, dim: number, opts: { maxPoints?: number; seed?: number; floor?: boolean } = {}): EpsilonScan {
  const maxPoints = opts.maxPoints ?? 1000;
  if (n < 3) throw new EngineInputError(`automatic epsilon needs at least 3 points (got ${n})`);
  let idx: Int32Array;
  if (n > maxPoints) idx = randomSubset(n, maxPoints, new Rng(opts.seed ?? 0, 0xe95)).sort();
  else idx = Int32Array.from({ length: n }, (_, i) => i);
  const s = idx.length;
  const pairs = new Float64Array((s * (s - 1)) / 2);
  let lo = Infinity;
  let hi = 0;
  let c = 0;
  for (let a = 0; a < s; a++) {
    const ra = idx[a] * dim;
    for (let b = a + 1; b < s; b++) {
      const rb = idx[b] * dim;
      let d2 = 0;
      for (let t = 0; t < dim; t++) {
        const diff = points[ra + t] - points[rb + t];
        d2 += diff * diff;
      }
      pairs[c++] = d2;
      if (d2 > 0 && d2 < lo) lo = d2;
      if (d2 > hi) hi = d2;
    }
  }
  if (!(hi > 0)) throw new EngineInputError('automatic epsilon: all points coincide');
  lo = Math.max(lo, hi * 1e-12);
  const G = EPSILON_GRID_SIZE;
  const lnLo = Math.log(lo);
  const step = (Math.log(hi) - lnLo) / (G - 1);
  const grid = new Float64Array(G);
  const logSum = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    const eps = Math.exp(lnLo + g * step);
    grid[g] = eps;
    const inv = 1 / eps;
    let sum = 0;
    for (let q = 0; q < pairs.length; q++) sum += Math.exp(-pairs[q] * inv);
    logSum[g] = Math.log(s + 2 * sum);
  }
  const slope = new Float64Array(G).fill(NaN);
  let best = 1;
  for (let g = 1; g < G - 1; g++) {
    slope[g] = (logSum[g + 1] - logSum[g - 1]) / (2 * step);
    if (slope[g] > slope[best]) best = g;
  }
  let offset = 0;
  if (best > 1 && best < G - 2) {
    const y0 = slope[best - 1];
    const y1 = slope[best];
    const y2 = slope[best + 1];
    const den = y0 - 2 * y1 + y2;
    if (den < 0) offset = Math.max(-1, Math.min(1, (0.5 * (y0 - y2)) / den));
  }
  const maxSlopeEpsilon = Math.exp(lnLo + (best + offset) * step);
  const nearestNeighbourFloor = opts.floor === false ? 0 : maxNearestNeighbourDistance2(points, n, dim);
  return {
    epsilon: Math.max(maxSlopeEpsilon, nearestNeighbourFloor),
    grid,
    logSum,
    slope,
    pointsUsed: s,
    maxSlope: slope[best],
    maxSlopeEpsilon,
    nearestNeighbourFloor,
  };
}

/** max_i min_{j != i} |x_i - x_j|^2 (O(n^2 dim), no extra memory). */
export function maxNearestNeighbourDistance2(points: Float64Array, n: number, dim: number): number {
  const nn = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < n; i++) {
    const ri = i * dim;
    for (let j = i + 1; j < n; j++) {
      const rj = j * dim;
      let d2 = 0;
      for (let t = 0; t < dim; t++) {
        const diff = points[ri + t] - points[rj + t];
        d2 += diff * diff;
      }
      if (d2 < nn[i]) nn[i] = d2;
      if (d2 < nn[j]) nn[j] = d2;
    }
  }
  let max = 0;
  for (let i = 0; i < n; i++) if (nn[i] > max) max = nn[i];
  return max;
}
