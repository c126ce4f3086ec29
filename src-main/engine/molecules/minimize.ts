/**
 * Local energy minimisation by L-BFGS (Nocedal 1980; two-loop recursion, Nocedal & Wright
 * Algorithm 7.4) with a backtracking Armijo line search. Steps are capped so that no atom moves
 * more than `maxDisplacement` per iteration, which keeps the first iterations from a strained
 * start physical. Convergence: the largest force component <= `tolerance` (kJ/mol/nm).
 */
import { EngineInputError } from '../errors';

export interface EnergyFunction {
  /** Overwrites `forces` (minus the gradient) and returns the energy. */
  compute(positions: Float64Array, forces: Float64Array | null): number;
}

export interface MinimizeOptions {
  /** Largest force component at convergence, kJ/mol/nm (default 1e-2). */
  tolerance?: number;
  maxIterations?: number;
  /** L-BFGS memory (default 10). */
  memory?: number;
  /** Largest per-coordinate move in one iteration, nm (default 0.02). */
  maxDisplacement?: number;
}

export interface MinimizeResult {
  initialEnergy: number;
  energy: number;
  iterations: number;
  energyEvaluations: number;
  maxForce: number;
  rmsForce: number;
  converged: boolean;
  /** Why it stopped: 'converged' | 'max-iterations' | 'line-search' (no further decrease possible in double precision). */
  reason: 'converged' | 'max-iterations' | 'line-search';
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]));
  return m;
}

/** Minimises in place: `positions` ends at the lowest-energy point found. */
export function minimizeEnergy(ff: EnergyFunction, positions: Float64Array, options: MinimizeOptions = {}): MinimizeResult {
  const tolerance = options.tolerance ?? 1e-2;
  const maxIterations = options.maxIterations ?? 10000;
  const memory = options.memory ?? 10;
  const maxStep = options.maxDisplacement ?? 0.02;
  if (!(tolerance > 0)) throw new EngineInputError(`tolerance must be > 0 (got ${tolerance})`);
  const n = positions.length;
  const g = new Float64Array(n); // gradient = -forces
  const gNew = new Float64Array(n);
  const d = new Float64Array(n);
  const trial = new Float64Array(n);
  const S = Array.from({ length: memory }, () => new Float64Array(n));
  const Y = Array.from({ length: memory }, () => new Float64Array(n));
  const rho = new Float64Array(memory);
  const alpha = new Float64Array(memory);
  let stored = 0;
  let head = 0;
  let evaluations = 1;

  let energy = ff.compute(positions, g);
  for (let k = 0; k < n; k++) g[k] = -g[k];
  const initialEnergy = energy;
  if (!Number.isFinite(energy)) throw new EngineInputError('the starting energy is not finite (overlapping atoms?)');

  let iterations = 0;
  let stalled = 0; // consecutive iterations whose decrease is at the level of round-off
  let reason: MinimizeResult['reason'] = 'max-iterations';
  while (iterations < maxIterations) {
    if (maxAbs(g) <= tolerance) {
      reason = 'converged';
      break;
    }
    // Two-loop recursion: d = -H g.
    for (let k = 0; k < n; k++) d[k] = -g[k];
    for (let m = 0; m < stored; m++) {
      const idx = (head - 1 - m + memory) % memory;
      let dot = 0;
      for (let k = 0; k < n; k++) dot += S[idx][k] * d[k];
      alpha[idx] = rho[idx] * dot;
      for (let k = 0; k < n; k++) d[k] -= alpha[idx] * Y[idx][k];
    }
    if (stored > 0) {
      const last = (head - 1 + memory) % memory;
      let yy = 0;
      for (let k = 0; k < n; k++) yy += Y[last][k] * Y[last][k];
      const gamma = 1 / (rho[last] * yy);
      for (let k = 0; k < n; k++) d[k] *= gamma;
    }
    for (let m = stored - 1; m >= 0; m--) {
      const idx = (head - 1 - m + memory) % memory;
      let dot = 0;
      for (let k = 0; k < n; k++) dot += Y[idx][k] * d[k];
      const beta = rho[idx] * dot;
      for (let k = 0; k < n; k++) d[k] += (alpha[idx] - beta) * S[idx][k];
    }
    let slope = 0;
    for (let k = 0; k < n; k++) slope += d[k] * g[k];
    if (!(slope < 0)) {
      // Not a descent direction (curvature information gone stale): restart from steepest descent.
      stored = 0;
      for (let k = 0; k < n; k++) d[k] = -g[k];
      slope = 0;
      for (let k = 0; k < n; k++) slope -= g[k] * g[k];
    }
    let step = Math.min(1, maxStep / maxAbs(d));
    let accepted = false;
    for (let tries = 0; tries < 60; tries++) {
      for (let k = 0; k < n; k++) trial[k] = positions[k] + step * d[k];
      const eTrial = ff.compute(trial, gNew);
      evaluations++;
      if (Number.isFinite(eTrial) && eTrial <= energy + 1e-4 * step * slope) {
        for (let k = 0; k < n; k++) gNew[k] = -gNew[k];
        // Curvature pair s = step d, y = g_new - g; stored only when s.y > 0 (keeps H positive definite).
        const s = S[head];
        const y = Y[head];
        let sy = 0;
        for (let k = 0; k < n; k++) {
          s[k] = step * d[k];
          y[k] = gNew[k] - g[k];
          sy += s[k] * y[k];
        }
        if (sy > 1e-12) {
          rho[head] = 1 / sy;
          head = (head + 1) % memory;
          stored = Math.min(stored + 1, memory);
        }
        stalled = energy - eTrial <= 1e-13 * Math.max(1, Math.abs(energy)) ? stalled + 1 : 0;
        positions.set(trial);
        g.set(gNew);
        energy = eTrial;
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    iterations++;
    if (stalled >= 10) {
      reason = maxAbs(g) <= tolerance ? 'converged' : 'line-search';
      break;
    }
    if (!accepted) {
      if (stored > 0) {
        stored = 0; // retry once more with steepest descent
        continue;
      }
      reason = 'line-search';
      break;
    }
  }
  const maxForce = maxAbs(g);
  let ss = 0;
  for (let k = 0; k < n; k++) ss += g[k] * g[k];
  if (reason === 'max-iterations' && maxForce <= tolerance) reason = 'converged';
  return { initialEnergy, energy, iterations, energyEvaluations: evaluations, maxForce, rmsForce: Math.sqrt(ss / n), converged: reason === 'converged', reason };
}
