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

/**
 * Binned WHAM core on any set of bins: counts[k][b] and reduced biases w[k][b] (kT units) of
 * the active bins. Returns g (gauge g_0 = 0) and ln P over the bins (unnormalised).
 */
export function solveBinnedWham(
  counts: Float64Array[],
  biasAt: (k: number, b: number) => number,
  nBins: number,
  tolerance: number,
  maxIterations: number,
  initialG?: ArrayLike<number>,
): { g: Float64Array; lnP: Float64Array; active: number[]; iterations: number; converged: boolean } {
  const K = counts.length;
  const nb = new Float64Array(nBins);
  const Nk = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const h = counts[k];
    for (let b = 0; b < nBins; b++) {
      nb[b] += h[b];
      Nk[k] += h[b];
    }
  }
  const active: number[] = [];
  for (let b = 0; b < nBins; b++) if (nb[b] > 0) active.push(b);
  const A = active.length;
  const w = new Float64Array(K * A);
  for (let k = 0; k < K; k++) for (let a = 0; a < A; a++) w[k * A + a] = biasAt(k, active[a]);
  const logNk = Nk.map(Math.log);
  const logNb = Float64Array.from(active, (b) => Math.log(nb[b]));
  const g = new Float64Array(K);
  if (initialG) for (let k = 0; k < K; k++) g[k] = initialG[k] - initialG[0];
  const gNew = new Float64Array(K);
  const lnP = new Float64Array(A);
  // Factored exponentials (see wham.ts): E[a][k] = exp(-(w_ka - c_a)), F[k][a] = exp(-(w_ka - d_k)).
  const ET = new Float64Array(A * K);
  const F = new Float64Array(K * A);
  const cA = new Float64Array(A);
  const dK = new Float64Array(K).fill(Infinity);
  for (let a = 0; a < A; a++) {
    let m = Infinity;
    for (let k = 0; k < K; k++) m = Math.min(m, w[k * A + a]);
    cA[a] = m;
    for (let k = 0; k < K; k++) ET[a * K + k] = Math.exp(-(w[k * A + a] - m));
  }
  for (let k = 0; k < K; k++) {
    for (let a = 0; a < A; a++) dK[k] = Math.min(dK[k], w[k * A + a]);
    for (let a = 0; a < A; a++) F[k * A + a] = Math.exp(-(w[k * A + a] - dK[k]));
  }
  const alpha = new Float64Array(K);
  const pA = new Float64Array(A);
  const SAFE = 1e-250;
  const tmp = new Float64Array(Math.max(K, A));
  const lse = (n: number): number => {
    let m = -Infinity;
    for (let i = 0; i < n; i++) if (tmp[i] > m) m = tmp[i];
    if (m === -Infinity) return m;
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.exp(tmp[i] - m);
    return m + Math.log(s);
  };
  const updatePLog = (): void => {
    for (let a = 0; a < A; a++) {
      for (let k = 0; k < K; k++) tmp[k] = logNk[k] + g[k] - w[k * A + a];
      lnP[a] = logNb[a] - lse(K);
    }
  };
  const iterateLog = (): void => {
    updatePLog();
    for (let k = 0; k < K; k++) {
      for (let a = 0; a < A; a++) tmp[a] = lnP[a] - w[k * A + a];
      gNew[k] = -lse(A);
    }
  };
  const iterateFast = (): boolean => {
    let G = -Infinity;
    for (let k = 0; k < K; k++) G = Math.max(G, logNk[k] + g[k]);
    for (let k = 0; k < K; k++) alpha[k] = Math.exp(logNk[k] + g[k] - G);
    let L = -Infinity;
    for (let a = 0; a < A; a++) {
      const row = a * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += alpha[k] * ET[row + k];
      if (!(s > SAFE)) return false;
      const v = logNb[a] - (G + Math.log(s) - cA[a]);
      lnP[a] = v;
      if (v > L) L = v;
    }
    for (let a = 0; a < A; a++) pA[a] = Math.exp(lnP[a] - L);
    for (let k = 0; k < K; k++) {
      const row = k * A;
      let s = 0;
      for (let a = 0; a < A; a++) s += pA[a] * F[row + a];
      if (!(s > SAFE)) return false;
      gNew[k] = -(L + Math.log(s) - dK[k]);
    }
    return true;
  };
  let fast = true;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    if (fast && !iterateFast()) fast = false;
    if (!fast) iterateLog();
    const g0 = gNew[0];
    let delta = 0;
    for (let k = 0; k < K; k++) {
      const v = gNew[k] - g0;
      const dv = Math.abs(v - g[k]);
      if (dv > delta || dv !== dv) delta = dv;
      g[k] = v;
    }
    if (delta !== delta) break;
    if (delta < tolerance) {
      converged = true;
      break;
    }
  }
  updatePLog();
  return { g, lnP, active, iterations, converged };
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
