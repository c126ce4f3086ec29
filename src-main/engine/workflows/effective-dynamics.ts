/**
 * Effective (reduced) dynamics of a CV, dz = a(z) dt + sqrt(2 D(z)) dW (SCIENCE.md section 9):
 *
 * 1. Lift-run-restrict (equation-free, Kevrekidis et al.): M bursts started at z* from lifted
 *    configurations, restricted at times t: a(z*) ~ E[dz]/t and D(z*) ~ Var[dz]/(2t). Too short
 *    a t still sees the fast variables relax; too long a t sees a(z) change along the path. The
 *    burst time is chosen on the plateau where consecutive estimates agree within their errors.
 * 2. The Legoll-Lelievre closure (Nonlinearity 23, 2131, 2010): for overdamped dynamics with
 *    mobility M, b(z) = E[-grad V . M grad xi + kT div(M grad xi) | xi = z] and
 *    sigma^2(z) = E[grad xi . M grad xi | xi = z], D = kT sigma^2: conditional averages that
 *    lifted samples or simulated frames give directly.
 * 3. Checks: the stationary density p_eff ~ exp(int a/D) / D gives F_eff = -kT ln p_eff to
 *    compare with the sampled F, and the mean first-passage time of the 1D SDE (exact quadrature)
 *    to compare with long direct simulations.
 */
import { EngineInputError } from '../errors';
import type { ToySystem } from '../systems/types';
import { meanWithError } from './conditional';
import { divergence } from './mean-force';
import type { CoordinateFunction } from './observables';

export interface BurstIncrements {
  /** Restriction times (increasing, > 0). */
  times: readonly number[];
  /** increments[t][m] = xi(x_m(times[t])) - z* for burst m. */
  increments: readonly ArrayLike<number>[];
}

export interface DriftDiffusionAtTime {
  time: number;
  drift: number;
  driftSem: number;
  diffusion: number;
  diffusionSem: number;
}

export interface DriftDiffusionEstimate {
  /** Estimates at every restriction time (to show the plateau). */
  curve: DriftDiffusionAtTime[];
  /** Indices [first, last] of the plateau in `curve`; the estimate is taken at its last time. */
  plateau: [number, number];
  drift: number;
  driftSem: number;
  diffusion: number;
  diffusionSem: number;
  time: number;
}

/** a(t), D(t) and their standard errors from the increments at one time. */
export function driftDiffusionAt(time: number, increments: ArrayLike<number>): DriftDiffusionAtTime {
  if (!(time > 0)) throw new EngineInputError(`burst time must be > 0 (got ${time})`);
  const M = increments.length;
  if (M < 3) throw new EngineInputError(`drift and diffusion need at least 3 bursts (got ${M})`);
  const { mean, sem } = meanWithError(increments);
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < M; i++) {
    const d = increments[i] - mean;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  const variance = m2 / (M - 1);
  // Standard error of a sample variance: sqrt((mu4 - sigma^4 (M-3)/(M-1)) / M).
  const mu4 = m4 / M;
  const varSem = Math.sqrt(Math.max(0, (mu4 - (variance * variance * (M - 3)) / (M - 1)) / M));
  return { time, drift: mean / time, driftSem: sem / time, diffusion: variance / (2 * time), diffusionSem: varSem / (2 * time) };
}

/**
 * Estimates at every time and the plateau: the longest run of consecutive times whose drift and
 * diffusion estimates all agree pairwise within `z` combined standard errors (default 2; for
 * the diffusion also within a relative tolerance `relTol`, default 1%, so that very precise
 * estimates do not split a plateau over a negligible trend); ties go to the earlier run. Before
 * the plateau the fast variables still relax; after it the drift changes along the path. The
 * estimate is the plateau's last (longest, so least noisy) time: its bias is, by construction,
 * not detectable against the earlier, less biased points.
 */
export function estimateDriftDiffusion(bursts: BurstIncrements, opts: { z?: number; relTol?: number } = {}): DriftDiffusionEstimate {
  const { times, increments } = bursts;
  if (times.length === 0 || times.length !== increments.length) throw new EngineInputError('bursts: need one increment list per restriction time');
  for (let i = 1; i < times.length; i++) if (!(times[i] > times[i - 1])) throw new EngineInputError('bursts: restriction times must increase');
  const z = opts.z ?? 2;
  const relTol = opts.relTol ?? 0.01;
  const curve = times.map((t, i) => driftDiffusionAt(t, increments[i]));
  const agrees = (p: DriftDiffusionAtTime, q: DriftDiffusionAtTime): boolean => {
    const okA = Math.abs(p.drift - q.drift) <= z * Math.hypot(p.driftSem, q.driftSem);
    const tolD = z * Math.hypot(p.diffusionSem, q.diffusionSem) + relTol * Math.max(Math.abs(p.diffusion), Math.abs(q.diffusion));
    return okA && Math.abs(p.diffusion - q.diffusion) <= tolD;
  };
  let best: [number, number] = [0, 0];
  for (let i = 0; i < curve.length; i++) {
    let j = i;
    while (j + 1 < curve.length && curve.slice(i, j + 1).every((p) => agrees(p, curve[j + 1]))) j++;
    if (j - i > best[1] - best[0]) best = [i, j];
  }
  const chosen = curve[best[1]];
  return { curve, plateau: best, drift: chosen.drift, driftSem: chosen.driftSem, diffusion: chosen.diffusion, diffusionSem: chosen.diffusionSem, time: chosen.time };
}

/**
 * F_eff(z) = -kT ln p_eff(z), p_eff ~ exp(int a/D dz) / D (stationary density of the reduced SDE),
 * trapezoid on the grid, 0 at its minimum.
 */
export function stationaryFreeEnergy(grid: ArrayLike<number>, drift: ArrayLike<number>, diffusion: ArrayLike<number>, kT: number): Float64Array {
  const n = grid.length;
  if (drift.length !== n || diffusion.length !== n) throw new EngineInputError('stationary density: grid, drift and diffusion must have the same length');
  if (n < 2) throw new EngineInputError('stationary density needs at least two grid points');
  for (let i = 0; i < n; i++) {
    if (!(diffusion[i] > 0)) throw new EngineInputError(`stationary density: diffusion at grid point ${i} (${grid[i]}) must be > 0 (got ${diffusion[i]})`);
    if (!Number.isFinite(drift[i])) throw new EngineInputError(`stationary density: drift at grid point ${i} (${grid[i]}) is not finite`);
  }
  const out = new Float64Array(n);
  let integral = 0;
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    if (i > 0) integral += 0.5 * (grid[i] - grid[i - 1]) * (drift[i - 1] / diffusion[i - 1] + drift[i] / diffusion[i]);
    out[i] = -kT * integral + kT * Math.log(diffusion[i]);
    if (out[i] < min) min = out[i];
  }
  for (let i = 0; i < n; i++) out[i] -= min;
  return out;
}

/**
 * Mean first-passage time of dz = a dt + sqrt(2D) dW from `from` to `to` (from < to), reflecting
 * at grid[0], by the exact 1D formula T = int_from^to dy / (D(y) p(y)) int_grid0^y p(u) du with
 * D p = exp(int a/D) (Gardiner, Handbook of Stochastic Methods, 5.2.7). Linear interpolation of
 * a and D on the grid, composite trapezoid on `refine` sub-steps per grid interval.
 */
export function meanFirstPassageTime(
  grid: ArrayLike<number>,
  drift: ArrayLike<number>,
  diffusion: ArrayLike<number>,
  from: number,
  to: number,
  refine = 20,
): number {
  const n = grid.length;
  if (!(from < to)) throw new EngineInputError(`first passage: need from < to (got ${from}, ${to})`);
  if (from < grid[0] || to > grid[n - 1]) throw new EngineInputError(`first passage: ${from}..${to} must lie inside the grid ${grid[0]}..${grid[n - 1]}`);
  const fine: number[] = [];
  const fa: number[] = [];
  const fd: number[] = [];
  for (let i = 0; i < n - 1; i++) {
    for (let r = 0; r < refine; r++) {
      const w = r / refine;
      fine.push(grid[i] + w * (grid[i + 1] - grid[i]));
      fa.push(drift[i] + w * (drift[i + 1] - drift[i]));
      fd.push(diffusion[i] + w * (diffusion[i + 1] - diffusion[i]));
    }
  }
  fine.push(grid[n - 1]);
  fa.push(drift[n - 1]);
  fd.push(diffusion[n - 1]);
  const m = fine.length;
  // psi = int a/D (log of D p); shift by its maximum to keep exponentials in range.
  const psi = new Float64Array(m);
  for (let i = 1; i < m; i++) psi[i] = psi[i - 1] + 0.5 * (fine[i] - fine[i - 1]) * (fa[i - 1] / fd[i - 1] + fa[i] / fd[i]);
  const shift = Math.max(...psi);
  const p = Float64Array.from(psi, (v, i) => Math.exp(v - shift) / fd[i]);
  const cumP = new Float64Array(m);
  for (let i = 1; i < m; i++) cumP[i] = cumP[i - 1] + 0.5 * (fine[i] - fine[i - 1]) * (p[i - 1] + p[i]);
  const integrand = Float64Array.from(cumP, (c, i) => c / Math.exp(psi[i] - shift));
  const at = (x: number, arr: Float64Array): number => {
    let k = 0;
    while (k < m - 2 && fine[k + 1] < x) k++;
    const w = (x - fine[k]) / (fine[k + 1] - fine[k]);
    return arr[k] + w * (arr[k + 1] - arr[k]);
  };
  // Integrate the integrand from `from` to `to` on the fine grid (end pieces interpolated).
  let T = 0;
  let prevX = from;
  let prevY = at(from, integrand);
  for (let i = 0; i < m; i++) {
    if (fine[i] <= from) continue;
    const x = Math.min(fine[i], to);
    const y = x === fine[i] ? integrand[i] : at(x, integrand);
    T += 0.5 * (x - prevX) * (prevY + y);
    prevX = x;
    prevY = y;
    if (x >= to) break;
  }
  return T;
}

export interface ConditionalDriftSample {
  /** b(x) = -grad V . M grad xi + kT div(M grad xi) */
  drift: Float64Array;
  /** grad xi . M grad xi */
  sigma2: Float64Array;
}

/** The Legoll-Lelievre integrands of every frame (n x dim rows) for the CV `cv`. */
export function legollLelievreSeries(system: ToySystem, cv: CoordinateFunction, rows: Float64Array, kT: number): ConditionalDriftSample {
  const dim = system.dim;
  if (cv.dim !== dim) throw new EngineInputError(`effective dynamics: CV has ${cv.dim} coordinates, system ${dim}`);
  const M = system.mobility;
  const n = rows.length / dim;
  const force = new Float64Array(dim);
  const g = new Float64Array(dim);
  const drift = new Float64Array(n);
  const sigma2 = new Float64Array(n);
  const mobilityGradient = (grad: Float64Array, d: number): number => M[d] * grad[d];
  for (let i = 0; i < n; i++) {
    system.force(rows, i * dim, force, 0);
    cv.valueAndGradient(rows, i * dim, g, 0);
    let b = 0;
    let s = 0;
    for (let d = 0; d < dim; d++) {
      b += force[d] * M[d] * g[d];
      s += g[d] * M[d] * g[d];
    }
    drift[i] = b + kT * divergence(cv, rows, i * dim, mobilityGradient);
    sigma2[i] = s;
  }
  return { drift, sigma2 };
}

/** CV increments xi(t) - xi* of recorded bursts (engine/workflows/bursts.ts), observable k = the CV. */
export function incrementsFromRecord(record: { nBursts: number; names: string[]; times: Float64Array; values: Float64Array }, k: number, start: number, skipZeroTime = true): BurstIncrements {
  const times: number[] = [];
  const increments: Float64Array[] = [];
  const width = record.names.length;
  for (let t = 0; t < record.times.length; t++) {
    if (skipZeroTime && record.times[t] === 0) continue;
    const from = (t * width + k) * record.nBursts;
    times.push(record.times[t]);
    increments.push(Float64Array.from(record.values.subarray(from, from + record.nBursts), (v) => v - start));
  }
  return { times, increments };
}
