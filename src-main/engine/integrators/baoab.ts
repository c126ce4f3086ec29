/**
 * Underdamped Langevin dynamics by the BAOAB splitting (Leimkuhler & Matthews, Appl. Math. Res.
 * Express 2013; J. Chem. Phys. 138, 174102, 2013):
 *   B: v += (dt/2) F(x)/m
 *   A: x += (dt/2) v
 *   O: v = c v + sqrt((1 - c^2) kT/m) N(0,1),  c = exp(-friction dt)
 *   A: x += (dt/2) v
 *   B: v += (dt/2) F(x)/m      (F at the new position, reused by the next step's first B)
 * with F = -grad(V + W), per-coordinate mass m. BAOAB's configurational distribution is exact
 * for harmonic potentials at any stable dt and has O(dt^2) error in general, much smaller
 * than other splittings; the kinetic temperature carries an O(dt^2) error.
 *
 * Determinism as OverdampedSimulation: walker w draws from Rng(seed, streamBase + w), one normal
 * per coordinate per step in coordinate order; walkers are advanced chunk by chunk between
 * reporter events. The force is recomputed from the positions at the start of every chunk (a
 * reporter may have changed a bias, e.g. a metadynamics hill), which gives bit-identical results
 * for any chunking because the force is a deterministic function of position and bias; so
 * getState/setState (positions, velocities, RNG states) resume bit-identically.
 */
import { EngineInputError, SimulationDivergedError, requirePositive } from '../errors';
import { Rng, type RngState } from '../random';
import { assertHarmonicBias, type HarmonicBias } from '../bias/umbrella';
import type { Bias } from './overdamped';
import type { ToySystem } from '../systems/types';
import { fromIntervalReporter, runSteps, type IntervalReporter } from './simulation';

export interface BaoabOptions {
  system: ToySystem;
  kT: number;
  dt: number;
  /** Friction coefficient gamma (1/time). */
  friction: number;
  /** One mass for all coordinates or one per coordinate (default 1). */
  mass?: number | readonly number[];
  bias?: HarmonicBias | null;
  generalBias?: Bias | null;
  positions: Float64Array; // nWalkers * dim, walker-major; copied
  /** Initial velocities (same layout); default: drawn from Maxwell-Boltzmann with each walker's stream. */
  velocities?: Float64Array;
  seed: number;
  streamBase: number;
}

/** Reports after every step where step % interval == 0 (runs through the shared step loop, integrators/simulation.ts). */
export type BaoabReporter = IntervalReporter<BaoabSimulation>;

export interface BaoabState {
  step: number;
  positions: number[];
  velocities: number[];
  rngStates: RngState[];
}

export class BaoabSimulation {
  readonly system: ToySystem;
  readonly kT: number;
  readonly dt: number;
  readonly friction: number;
  readonly mass: Float64Array;
  readonly bias: HarmonicBias | null;
  readonly generalBias: Bias | null;
  readonly nWalkers: number;
  readonly dim: number;
  readonly positions: Float64Array;
  readonly velocities: Float64Array;
  step = 0;
  reporters: BaoabReporter[] = [];
  private rngs: Rng[];
  private readonly force: Float64Array;
  private readonly halfKick: Float64Array; // dt / (2 m)
  private readonly noise: Float64Array; // sqrt((1 - c^2) kT / m)
  private readonly c: number;

  constructor(opts: BaoabOptions) {
    const { system } = opts;
    if (!system || typeof system.force !== 'function') throw new EngineInputError('system must be a ToySystem (use createSystem)');
    const kT = requirePositive(opts.kT, 'kT');
    const dt = requirePositive(opts.dt, 'dt');
    const friction = requirePositive(opts.friction, 'friction');
    if (!Number.isSafeInteger(opts.seed)) throw new EngineInputError(`seed must be a safe integer (got ${String(opts.seed)})`);
    if (!Number.isSafeInteger(opts.streamBase) || opts.streamBase < 0) throw new EngineInputError(`streamBase must be a non-negative integer (got ${String(opts.streamBase)})`);
    const dim = system.dim;
    const pos = opts.positions;
    if (!(pos instanceof Float64Array) || pos.length === 0 || pos.length % dim !== 0) {
      throw new EngineInputError(`positions must be a non-empty Float64Array of nWalkers * ${dim} numbers (got length ${pos?.length})`);
    }
    for (let i = 0; i < pos.length; i++) if (!Number.isFinite(pos[i])) throw new EngineInputError(`positions[${i}] is not finite`);
    const m = opts.mass ?? 1;
    const mass = typeof m === 'number' ? new Float64Array(dim).fill(m) : Float64Array.from(m);
    if (mass.length !== dim) throw new EngineInputError(`mass needs 1 or ${dim} values (got ${mass.length})`);
    mass.forEach((v, i) => requirePositive(v, `mass[${i}]`));
    if (opts.bias) assertHarmonicBias(opts.bias, dim);
    if (opts.generalBias) opts.generalBias.checkDimension?.(dim);
    this.system = system;
    this.kT = kT;
    this.dt = dt;
    this.friction = friction;
    this.mass = mass;
    this.bias = opts.bias ? { ...opts.bias } : null;
    this.generalBias = opts.generalBias ?? null;
    this.dim = dim;
    this.nWalkers = pos.length / dim;
    this.positions = Float64Array.from(pos);
    this.rngs = [];
    for (let w = 0; w < this.nWalkers; w++) this.rngs.push(new Rng(opts.seed, opts.streamBase + w));
    this.c = Math.exp(-friction * dt);
    this.halfKick = Float64Array.from(mass, (mi) => dt / (2 * mi));
    this.noise = Float64Array.from(mass, (mi) => Math.sqrt(((1 - this.c * this.c) * kT) / mi));
    this.force = new Float64Array(dim);
    if (opts.velocities) {
      if (!(opts.velocities instanceof Float64Array) || opts.velocities.length !== pos.length) {
        throw new EngineInputError(`velocities must be a Float64Array of ${pos.length} numbers`);
      }
      this.velocities = Float64Array.from(opts.velocities);
    } else {
      this.velocities = new Float64Array(pos.length);
      for (let w = 0; w < this.nWalkers; w++) {
        for (let d = 0; d < dim; d++) this.velocities[w * dim + d] = Math.sqrt(kT / mass[d]) * this.rngs[w].normal();
      }
    }
  }

  /** Advances nSteps; reporters fire after every step where step % interval == 0 (the shared step loop, ./simulation.ts). */
  run(nSteps: number): void {
    if (!Number.isSafeInteger(nSteps) || nSteps < 0) throw new EngineInputError(`nSteps must be a non-negative integer (got ${String(nSteps)})`);
    runSteps(this, nSteps, this.reporters.map(fromIntervalReporter));
  }

  /** Stepper: integrates exactly nSteps steps, no reporting (walker-major, bit-identical for any chunking). */
  integrate(nSteps: number): void {
    this.advance(nSteps);
    this.step += nSteps;
  }

  /** Total force (system + biases) at walker offset `off` into this.force; returns V + W. */
  private computeForce(off: number): number {
    const f = this.force;
    const pos = this.positions;
    let v = this.system.force(pos, off, f, 0);
    const b = this.bias;
    if (b !== null) {
      let d = pos[off + b.cvIndex] - b.center;
      if (b.period !== undefined) d -= b.period * Math.round(d / b.period);
      f[b.cvIndex] -= b.spring * d;
      v += 0.5 * b.spring * d * d;
    }
    if (this.generalBias !== null) v += this.generalBias.addForce(pos, off, f, 0);
    return v;
  }

  private advance(nSteps: number): void {
    const dim = this.dim;
    const pos = this.positions;
    const vel = this.velocities;
    const f = this.force;
    const kick = this.halfKick;
    const noise = this.noise;
    const c = this.c;
    const halfDt = 0.5 * this.dt;
    for (let w = 0; w < this.nWalkers; w++) {
      const rng = this.rngs[w];
      const off = w * dim;
      let e = this.computeForce(off);
      if (e - e !== 0) throw new SimulationDivergedError(w, this.step);
      for (let s = 0; s < nSteps; s++) {
        for (let d = 0; d < dim; d++) {
          const k = off + d;
          let v = vel[k] + kick[d] * f[d]; // B
          let x = pos[k] + halfDt * v; // A
          v = c * v + noise[d] * rng.normal(); // O
          x += halfDt * v; // A
          pos[k] = x;
          vel[k] = v;
        }
        e = this.computeForce(off);
        if (e - e !== 0) throw new SimulationDivergedError(w, this.step + s + 1);
        for (let d = 0; d < dim; d++) vel[off + d] += kick[d] * f[d]; // B
      }
    }
  }

  /** Kinetic energy 0.5 sum m v^2 of walker w. */
  kineticEnergy(walker: number): number {
    let k = 0;
    for (let d = 0; d < this.dim; d++) {
      const v = this.velocities[walker * this.dim + d];
      k += 0.5 * this.mass[d] * v * v;
    }
    return k;
  }

  /** Potential energy (without bias) of walker w. */
  energy(walker: number): number {
    return this.system.energy(this.positions, walker * this.dim);
  }

  getState(): BaoabState {
    return {
      step: this.step,
      positions: Array.from(this.positions),
      velocities: Array.from(this.velocities),
      rngStates: this.rngs.map((r) => r.getState()),
    };
  }

  setState(s: BaoabState): void {
    if (!s || !Number.isSafeInteger(s.step) || s.step < 0) throw new EngineInputError('state.step must be a non-negative integer');
    for (const [name, arr] of [['positions', s.positions], ['velocities', s.velocities]] as const) {
      if (!Array.isArray(arr) || arr.length !== this.positions.length) throw new EngineInputError(`state.${name} must have ${this.positions.length} numbers (got ${arr?.length})`);
      for (let i = 0; i < arr.length; i++) if (typeof arr[i] !== 'number' || !Number.isFinite(arr[i])) throw new EngineInputError(`state.${name}[${i}] is not finite`);
    }
    if (!Array.isArray(s.rngStates) || s.rngStates.length !== this.nWalkers) {
      throw new EngineInputError(`state.rngStates must have ${this.nWalkers} entries (got ${s.rngStates?.length})`);
    }
    const rngs = s.rngStates.map((r) => Rng.fromState(r));
    this.positions.set(s.positions);
    this.velocities.set(s.velocities);
    this.rngs = rngs;
    this.step = s.step;
  }
}
