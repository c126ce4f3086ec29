/**
 * Lift-evolve-restrict (SCIENCE.md sections 6 and 9): configurations lifted at xi* and simulated
 * configurations at the same xi* are each run for a short unbiased burst, and the statistics of
 * the CV and of the other coordinates are followed over burst time. A consistent lifting shows
 * no transient beyond the noise: if the lifted fast variables are off, they relax during the
 * burst and drag the CV's drift with them.
 *
 * Common random numbers: lifted burst b and simulated burst b use the same stream (b), so the
 * CV, which starts at xi* in both, sees the same noise; the paired differences are independent
 * across b, and their errors come from a bootstrap over pairs.
 */
import { EngineInputError } from '../errors';
import { Rng } from '../random';
import type { ToySystem } from '../systems/types';
import { burstColumn, runBursts, type BurstIntegrator } from './bursts';

export interface LiftEvolveRestrictOptions {
  system: ToySystem;
  kT: number;
  dt: number;
  integrator?: BurstIntegrator;
  /** The CV is coordinate condIndex; the model generates targetIndices (together: every coordinate). */
  condIndex: number;
  targetIndices: readonly number[];
  xiStar: number;
  /** Lifted and simulated targets at xi*, rows x targetIndices.length each. */
  lifted: Float64Array;
  simulated: Float64Array;
  recordSteps: readonly number[];
  seed: number;
  /** Bootstrap resamples of the pairs for the errors (default 200). */
  bootstrap?: number;
}

export interface EvolveSeries {
  /** Coordinate name (the CV first). */
  name: string;
  liftedMean: number[];
  simulatedMean: number[];
  liftedVariance: number[];
  simulatedVariance: number[];
  /** Lifted minus simulated, with bootstrap standard errors, per record time. */
  meanDifference: number[];
  meanDifferenceError: number[];
  varianceDifference: number[];
  varianceDifferenceError: number[];
  /** Largest |difference| / error over the record times (mean and variance). */
  worstZ: number;
}

export interface LiftEvolveRestrictResult {
  xiStar: number;
  pairs: number;
  /** Burst times of the records; the window judged is [times[0], times[last]]. */
  times: number[];
  series: EvolveSeries[];
  worstZ: number;
}

function moments(col: Float64Array, idx: Int32Array | null): [number, number] {
  const n = idx ? idx.length : col.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += col[idx ? idx[i] : i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (col[idx ? idx[i] : i] - m) ** 2;
  return [m, v / (n - 1)];
}

export function liftEvolveRestrict(opts: LiftEvolveRestrictOptions): LiftEvolveRestrictResult {
  const { system, condIndex, targetIndices } = opts;
  const dim = system.dim;
  const td = targetIndices.length;
  const covered = new Set([condIndex, ...targetIndices]);
  if (covered.size !== dim || [...covered].some((i) => !(i >= 0 && i < dim))) {
    throw new EngineInputError(`lift-evolve-restrict needs the CV and the targets to be every coordinate of the system (${system.coordinateNames.join(', ')}) once`);
  }
  if (opts.lifted.length % td !== 0 || opts.simulated.length % td !== 0) throw new EngineInputError(`lifted and simulated must be rows x ${td} targets`);
  const pairs = Math.min(opts.lifted.length / td, opts.simulated.length / td);
  if (pairs < 10) throw new EngineInputError(`lift-evolve-restrict needs at least 10 lifted and 10 simulated configurations (got ${pairs})`);
  const startsOf = (rows: Float64Array) => {
    const s = new Float64Array(pairs * dim);
    for (let b = 0; b < pairs; b++) {
      s[b * dim + condIndex] = opts.xiStar;
      for (let j = 0; j < td; j++) s[b * dim + targetIndices[j]] = rows[b * td + j];
    }
    return s;
  };
  const order = [condIndex, ...targetIndices];
  const observables = order.map((d) => ({ name: system.coordinateNames[d], value: (x: Float64Array, o: number) => x[o + d] }));
  const common = { system, kT: opts.kT, dt: opts.dt, recordSteps: opts.recordSteps, seed: opts.seed, observables, ...(opts.integrator ? { integrator: opts.integrator } : {}) };
  const lifted = runBursts({ ...common, starts: startsOf(opts.lifted) });
  const simulated = runBursts({ ...common, starts: startsOf(opts.simulated) });
  const nT = lifted.steps.length;
  const B = opts.bootstrap ?? 200;
  const rng = new Rng(opts.seed, 0x4c4552); // 'LER': a stream of its own for the resampling
  const resamples = Array.from({ length: B }, () => Int32Array.from({ length: pairs }, () => Math.floor(rng.uniform() * pairs)));
  const series: EvolveSeries[] = observables.map((o, k) => {
    const s: EvolveSeries = {
      name: o.name,
      liftedMean: [],
      simulatedMean: [],
      liftedVariance: [],
      simulatedVariance: [],
      meanDifference: [],
      meanDifferenceError: [],
      varianceDifference: [],
      varianceDifferenceError: [],
      worstZ: 0,
    };
    for (let t = 0; t < nT; t++) {
      const a = burstColumn(lifted, t, k);
      const b = burstColumn(simulated, t, k);
      const [ma, va] = moments(a, null);
      const [mb, vb] = moments(b, null);
      let sm = 0;
      let smm = 0;
      let sv = 0;
      let svv = 0;
      for (const idx of resamples) {
        const [ra, rva] = moments(a, idx);
        const [rb, rvb] = moments(b, idx);
        sm += ra - rb;
        smm += (ra - rb) ** 2;
        sv += rva - rvb;
        svv += (rva - rvb) ** 2;
      }
      const seMean = Math.sqrt(Math.max(0, smm / B - (sm / B) ** 2));
      const seVar = Math.sqrt(Math.max(0, svv / B - (sv / B) ** 2));
      s.liftedMean.push(ma);
      s.simulatedMean.push(mb);
      s.liftedVariance.push(va);
      s.simulatedVariance.push(vb);
      s.meanDifference.push(ma - mb);
      s.meanDifferenceError.push(seMean);
      s.varianceDifference.push(va - vb);
      s.varianceDifferenceError.push(seVar);
      // At t = 0 the CV is xi* in both (difference and error 0): nothing to judge there.
      if (seMean > 0) s.worstZ = Math.max(s.worstZ, Math.abs(ma - mb) / seMean);
      if (seVar > 0) s.worstZ = Math.max(s.worstZ, Math.abs(va - vb) / seVar);
    }
    return s;
  });
  return { xiStar: opts.xiStar, pairs, times: Array.from(lifted.times), series, worstZ: Math.max(...series.map((s) => s.worstZ)) };
}

/**
 * Record steps for bursts that cover the fast variables' relaxation: the relaxation time of
 * target coordinate j near the starts is tau_j = 1 / (mobility_j k_j) for overdamped dynamics
 * (k_j the curvature d^2V/dx_j^2 by central differences of the force), and for BAOAB the slower
 * of 2/gamma and m gamma / k_j; the bursts last 5 x the largest median tau (clamped to 10..4000
 * steps) and are recorded at 0 and 12 evenly spaced times.
 */
export function defaultBurstSteps(system: ToySystem, starts: Float64Array, targetIndices: readonly number[], dt: number, integrator?: BurstIntegrator): number[] {
  const dim = system.dim;
  const n = Math.min(starts.length / dim, 50);
  const f = new Float64Array(dim);
  const x = new Float64Array(dim);
  let tau = 0;
  for (const j of targetIndices) {
    const taus: number[] = [];
    for (let b = 0; b < n; b++) {
      x.set(starts.subarray(b * dim, b * dim + dim));
      const h = 1e-4 * Math.max(1, Math.abs(x[j]));
      x[j] += h;
      system.force(x, 0, f, 0);
      const fPlus = f[j];
      x[j] -= 2 * h;
      system.force(x, 0, f, 0);
      const k = -(fPlus - f[j]) / (2 * h);
      if (!(k > 0)) continue;
      if (integrator?.kind === 'baoab') {
        const m = typeof integrator.mass === 'number' ? integrator.mass : (integrator.mass?.[j] ?? 1);
        taus.push(Math.max(2 / integrator.friction, (m * integrator.friction) / k));
      } else {
        taus.push(1 / (system.mobility[j] * k));
      }
    }
    if (taus.length) {
      taus.sort((p, q) => p - q);
      tau = Math.max(tau, taus[Math.floor(taus.length / 2)]);
    }
  }
  const total = Math.min(4000, Math.max(10, Math.round(tau > 0 ? (5 * tau) / dt : 100)));
  const steps = [0];
  for (let i = 1; i <= 12; i++) {
    const s = Math.round((total * i) / 12);
    if (s > steps[steps.length - 1]) steps.push(s);
  }
  return steps;
}
