/**
 * Two-dimensional WHAM on a grid of umbrella windows (the equations of wham.ts with the bins of
 * a 2D grid): W_k(x, y) = 0.5 kx dx^2 + 0.5 ky dy^2, d minimum-image on periodic axes, bias
 * evaluated at bin centres. Solver: the self-consistent WHAM iteration in log space with the
 * shifts factored out (K + A exponentials per iteration) and a plain log-sum-exp fallback, as
 * in wham1d; convergence when max_k |g_k^new - g_k^old| < tolerance (kT).
 * Grids are flat with the x index slowest: bin (ix, iy) is ix * ny + iy.
 */
import { EngineInputError } from '../errors';
import { axisCenters, binIndex, checkAxis, displacement, type GridAxis } from './histogram';
import { solveBinnedWham } from './wham-core';

export { solveBinnedWham };

export interface UmbrellaWindow2d {
  center: readonly [number, number];
  spring: readonly [number, number];
  x: Float64Array;
  y: Float64Array;
  label?: string;
}

export interface Wham2dOptions {
  x: GridAxis;
  y: GridAxis;
  kT: number;
  tolerance?: number;
  maxIterations?: number;
  /** Starting g_k = f_k / kT (e.g. the full-data answer for bootstrap replicates). */
  initialG?: ArrayLike<number>;
}

export interface Wham2dResult {
  xCenters: Float64Array;
  yCenters: Float64Array;
  nx: number;
  ny: number;
  /** Energy units, 0 at the lowest bin, NaN in empty bins; index ix * ny + iy. */
  pmf: Float64Array;
  probability: Float64Array;
  counts: Float64Array;
  windowFreeEnergies: Float64Array;
  iterations: number;
  converged: boolean;
  tolerance: number;
  samplesOutsideRange: number[];
  warnings: string[];
}

function checkWindows(windows: UmbrellaWindow2d[]): void {
  if (!Array.isArray(windows) || windows.length === 0) throw new EngineInputError('at least one umbrella window is required');
  const problems: string[] = [];
  windows.forEach((w, k) => {
    const name = w.label ? `window ${k} [${w.label}]` : `window ${k}`;
    if (!w.center || !w.spring || w.center.length !== 2 || w.spring.length !== 2) {
      problems.push(`${name}: needs two centres and two springs`);
      return;
    }
    if (!w.center.every(Number.isFinite)) problems.push(`${name}: centres must be finite`);
    if (!w.spring.every((s) => Number.isFinite(s) && s > 0)) problems.push(`${name}: springs must be finite numbers > 0`);
    if (!w.x || !w.y || w.x.length !== w.y.length) problems.push(`${name}: x and y samples must have the same length`);
    else if (w.x.length === 0) problems.push(`${name}: has no samples`);
    else {
      for (let i = 0; i < w.x.length; i++) {
        if (!Number.isFinite(w.x[i]) || !Number.isFinite(w.y[i])) {
          problems.push(`${name}: sample ${i} is not finite`);
          break;
        }
      }
    }
  });
  if (problems.length) throw new EngineInputError(problems);
}

export function wham2d(windows: UmbrellaWindow2d[], opts: Wham2dOptions): Wham2dResult {
  checkWindows(windows);
  checkAxis(opts.x, 'x');
  checkAxis(opts.y, 'y');
  const { kT } = opts;
  if (!(kT > 0) || !Number.isFinite(kT)) throw new EngineInputError(`kT must be a finite number > 0 (got ${String(kT)})`);
  const tolerance = opts.tolerance ?? 1e-10;
  const maxIterations = opts.maxIterations ?? 100_000;
  const K = windows.length;
  const nx = opts.x.bins;
  const ny = opts.y.bins;
  const B = nx * ny;
  const xCenters = axisCenters(opts.x);
  const yCenters = axisCenters(opts.y);
  const counts: Float64Array[] = [];
  const samplesOutsideRange: number[] = [];
  const empty: string[] = [];
  for (let k = 0; k < K; k++) {
    const h = new Float64Array(B);
    const w = windows[k];
    let outside = 0;
    for (let i = 0; i < w.x.length; i++) {
      const bx = binIndex(opts.x, w.x[i]);
      const by = binIndex(opts.y, w.y[i]);
      if (bx < 0 || by < 0) outside++;
      else h[bx * ny + by]++;
    }
    counts.push(h);
    samplesOutsideRange.push(outside);
    if (outside === w.x.length) empty.push(`window ${k}${w.label ? ` [${w.label}]` : ''} has no samples inside the grid`);
  }
  if (empty.length) throw new EngineInputError(empty);
  const biasAt = (k: number, b: number): number => {
    const w = windows[k];
    const dx = displacement(opts.x, xCenters[Math.floor(b / ny)], w.center[0]);
    const dy = displacement(opts.y, yCenters[b % ny], w.center[1]);
    return (0.5 * w.spring[0] * dx * dx + 0.5 * w.spring[1] * dy * dy) / kT;
  };
  const sol = solveBinnedWham(counts, biasAt, B, tolerance, maxIterations, opts.initialG);
  const pmf = new Float64Array(B).fill(NaN);
  const probability = new Float64Array(B);
  let L = -Infinity;
  for (const v of sol.lnP) if (v > L) L = v;
  let total = 0;
  for (const v of sol.lnP) total += Math.exp(v - L);
  sol.active.forEach((b, a) => {
    pmf[b] = kT * (L - sol.lnP[a]);
    probability[b] = Math.exp(sol.lnP[a] - L) / total;
  });
  const nbAll = new Float64Array(B);
  for (const h of counts) for (let b = 0; b < B; b++) nbAll[b] += h[b];
  const warnings: string[] = [];
  if (!sol.converged) warnings.push(`2D WHAM did not converge to ${tolerance} kT in ${sol.iterations} iterations; results are approximate`);
  for (let k = 0; k < K; k++) {
    const n = windows[k].x.length;
    const out = samplesOutsideRange[k];
    if (out > 0 && out >= 0.05 * n) warnings.push(`window ${k}: ${out} of ${n} samples lie outside the grid and were ignored`);
  }
  return {
    xCenters,
    yCenters,
    nx,
    ny,
    pmf,
    probability,
    counts: nbAll,
    windowFreeEnergies: sol.g.map((v) => v * kT),
    iterations: sol.iterations,
    converged: sol.converged,
    tolerance,
    samplesOutsideRange,
    warnings,
  };
}
