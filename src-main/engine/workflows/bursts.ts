/**
 * Short unbiased bursts of a toy system (the "evolve" of lift-evolve-restrict, SCIENCE.md
 * section 9): many independent trajectories started from given configurations, each run for
 * a few steps without bias, with chosen observables (the CV, fast variables, ...) recorded at
 * chosen step counts.
 *
 * Determinism: burst b draws from Rng(seed, streamBase + b) and nothing else, exactly as walker
 * b of OverdampedSimulation / BaoabSimulation (which advance the bursts here). A burst's path
 * therefore does not depend on how many other bursts run, nor on the chunking used for
 * progress and cancellation: running bursts [k, k + m) alone with streamBase + k reproduces
 * them bit for bit (tested).
 *
 * Memory is flat: one Float64Array of nTimes x nObservables x nBursts values (time-major, then
 * observable, then burst, so the values of one observable at one time are contiguous for
 * averaging), plus the positions of one chunk of bursts.
 */
import { EngineInputError, requireInteger, requirePositive } from '../errors';
import { OverdampedSimulation } from '../integrators/overdamped';
import { BaoabSimulation } from '../integrators/baoab';
import type { ToySystem } from '../systems/types';

/** A scalar function of one configuration (positions x[offset .. offset + dim)). */
export interface BurstObservable {
  name: string;
  value(x: Float64Array, offset: number): number;
}

export type BurstIntegrator =
  | { kind: 'overdamped' }
  | {
      kind: 'baoab';
      /** Friction coefficient gamma (1/time). */
      friction: number;
      /** One mass for all coordinates or one per coordinate (default 1). */
      mass?: number | readonly number[];
      /** Initial velocities, nBursts x dim; default: Maxwell-Boltzmann from each burst's own stream. */
      velocities?: Float64Array;
    };

export interface BurstOptions {
  system: ToySystem;
  kT: number;
  dt: number;
  /** Starting configurations, nBursts x dim, burst-major (copied, never modified). */
  starts: Float64Array;
  /** Step counts at which to record, strictly increasing integers >= 0 (0 records the start). */
  recordSteps: readonly number[];
  seed: number;
  /** Burst b uses Rng(seed, streamBase + b); default 0. */
  streamBase?: number;
  /** Default overdamped Langevin (Euler-Maruyama with the system's mobilities). */
  integrator?: BurstIntegrator;
  /** What to record; default every coordinate of the system, named as the system names them. */
  observables?: readonly BurstObservable[];
  /** Bursts advanced together between progress calls (default 4096; results do not depend on it). */
  chunk?: number;
  /** Called after each chunk with the bursts finished so far. */
  onProgress?: (done: number, total: number) => void;
  /** Checked before each chunk; when it returns true, runBursts throws BurstsCancelledError. */
  isCancelled?: () => boolean;
}

export class BurstsCancelledError extends Error {
  constructor(readonly done: number) {
    super(`bursts cancelled after ${done} bursts`);
    this.name = 'BurstsCancelledError';
  }
}

export interface BurstRecord {
  nBursts: number;
  /** Observable names, in recording order. */
  names: string[];
  /** The recorded step counts and the burst times they are (steps x dt). */
  steps: number[];
  times: Float64Array;
  /** values[(t * names.length + k) * nBursts + b]: observable k of burst b at record time t. */
  values: Float64Array;
}

/** The nBursts values of observable k at record time t (a view, not a copy). */
export function burstColumn(record: BurstRecord, t: number, k: number): Float64Array {
  const start = (t * record.names.length + k) * record.nBursts;
  return record.values.subarray(start, start + record.nBursts);
}

/** The observables that record every coordinate of the system. */
export function coordinateObservables(system: ToySystem): BurstObservable[] {
  return system.coordinateNames.map((name, d) => ({ name, value: (x: Float64Array, off: number) => x[off + d] }));
}

function checkOptions(opts: BurstOptions): { nBursts: number; observables: readonly BurstObservable[]; chunk: number } {
  const { system } = opts;
  if (!system || typeof system.force !== 'function') throw new EngineInputError('system must be a ToySystem (use createSystem)');
  requirePositive(opts.kT, 'kT');
  requirePositive(opts.dt, 'dt');
  requireInteger(opts.seed, 'seed');
  requireInteger(opts.streamBase ?? 0, 'streamBase', 0);
  const dim = system.dim;
  const starts = opts.starts;
  if (!(starts instanceof Float64Array) || starts.length === 0 || starts.length % dim !== 0) {
    throw new EngineInputError(`starts must be a non-empty Float64Array of nBursts x ${dim} numbers (got length ${starts?.length})`);
  }
  const steps = opts.recordSteps;
  if (!Array.isArray(steps) || steps.length === 0) throw new EngineInputError('recordSteps must list at least one step count');
  for (let i = 0; i < steps.length; i++) {
    requireInteger(steps[i], `recordSteps[${i}]`, 0);
    if (i > 0 && !(steps[i] > steps[i - 1])) throw new EngineInputError(`recordSteps must increase strictly (recordSteps[${i}] = ${steps[i]} follows ${steps[i - 1]})`);
  }
  const observables = opts.observables ?? coordinateObservables(system);
  if (observables.length === 0) throw new EngineInputError('observables must list at least one observable');
  observables.forEach((o, k) => {
    if (!o || typeof o.value !== 'function' || typeof o.name !== 'string') throw new EngineInputError(`observables[${k}] must be { name, value(x, offset) }`);
  });
  const chunk = requireInteger(opts.chunk ?? 4096, 'chunk', 1);
  const integ = opts.integrator;
  if (integ && integ.kind !== 'overdamped' && integ.kind !== 'baoab') throw new EngineInputError(`integrator.kind must be 'overdamped' or 'baoab'`);
  if (integ?.kind === 'baoab' && integ.velocities && integ.velocities.length !== starts.length) {
    throw new EngineInputError(`integrator.velocities must have ${starts.length} numbers like starts (got ${integ.velocities.length})`);
  }
  return { nBursts: starts.length / dim, observables, chunk };
}

/** Runs every burst and records the observables at the chosen steps. */
export function runBursts(opts: BurstOptions): BurstRecord {
  const { nBursts, observables, chunk } = checkOptions(opts);
  const { system, kT, dt, seed } = opts;
  const dim = system.dim;
  const streamBase = opts.streamBase ?? 0;
  const steps = [...opts.recordSteps];
  const nObs = observables.length;
  const values = new Float64Array(steps.length * nObs * nBursts);
  const integ = opts.integrator ?? { kind: 'overdamped' as const };
  for (let first = 0; first < nBursts; first += chunk) {
    if (opts.isCancelled?.()) throw new BurstsCancelledError(first);
    const count = Math.min(chunk, nBursts - first);
    const positions = opts.starts.subarray(first * dim, (first + count) * dim);
    const common = { system, kT, dt, positions, seed, streamBase: streamBase + first };
    const sim =
      integ.kind === 'baoab'
        ? new BaoabSimulation({
            ...common,
            friction: integ.friction,
            ...(integ.mass !== undefined ? { mass: integ.mass } : {}),
            ...(integ.velocities ? { velocities: integ.velocities.subarray(first * dim, (first + count) * dim) } : {}),
          })
        : new OverdampedSimulation(common);
    let at = 0;
    for (let t = 0; t < steps.length; t++) {
      if (steps[t] > at) sim.run(steps[t] - at);
      at = steps[t];
      const x = sim.positions;
      for (let k = 0; k < nObs; k++) {
        const o = observables[k];
        const base = (t * nObs + k) * nBursts + first;
        for (let b = 0; b < count; b++) values[base + b] = o.value(x, b * dim);
      }
    }
    opts.onProgress?.(first + count, nBursts);
  }
  return { nBursts, names: observables.map((o) => o.name), steps, times: Float64Array.from(steps, (s) => s * dt), values };
}

export interface BurstMoments {
  /** mean[t * nObs + k] and variance[t * nObs + k] (unbiased, n - 1) over the bursts. */
  mean: Float64Array;
  variance: Float64Array;
  /** Standard errors of the mean and of the variance, treating bursts as independent. */
  meanError: Float64Array;
  varianceError: Float64Array;
}

/**
 * Mean and variance of every observable at every record time, over the bursts (or over the
 * subset `bursts` of burst indices, e.g. one half for a split-half noise floor). The variance's
 * standard error uses the fourth central moment: Var(s^2) ~ (m4 - s^4 (n - 3)/(n - 1)) / n.
 */
export function burstMoments(record: BurstRecord, bursts?: ArrayLike<number>): BurstMoments {
  const nObs = record.names.length;
  const size = record.steps.length * nObs;
  const mean = new Float64Array(size);
  const variance = new Float64Array(size);
  const meanError = new Float64Array(size);
  const varianceError = new Float64Array(size);
  const n = bursts ? bursts.length : record.nBursts;
  if (n < 2) throw new EngineInputError(`burstMoments needs at least 2 bursts (got ${n})`);
  for (let i = 0; i < size; i++) {
    const col = record.values.subarray(i * record.nBursts, (i + 1) * record.nBursts);
    const at = (j: number) => (bursts ? col[bursts[j]] : col[j]);
    let m = 0;
    for (let j = 0; j < n; j++) m += at(j);
    m /= n;
    let m2 = 0;
    let m4 = 0;
    for (let j = 0; j < n; j++) {
      const d = at(j) - m;
      const d2 = d * d;
      m2 += d2;
      m4 += d2 * d2;
    }
    const s2 = m2 / (n - 1);
    m4 /= n;
    mean[i] = m;
    variance[i] = s2;
    meanError[i] = Math.sqrt(s2 / n);
    varianceError[i] = Math.sqrt(Math.max(0, m4 - (s2 * s2 * (n - 3)) / (n - 1)) / n);
  }
  return { mean, variance, meanError, varianceError };
}
