/**
 * Overdamped Langevin (Brownian) dynamics, Euler-Maruyama:
 *   x_{n+1} = x_n + m F(x_n) dt + sqrt(2 kT m dt) xi,   xi ~ N(0, 1) per coordinate,
 * with F = -grad(V + W) and per-coordinate mobility m. Simulation/Reporter split as in OpenMM.
 *
 * Determinism: walker w draws from its own Rng(seed, streamBase + w), one normal per
 * coordinate per step in coordinate order. Walkers are independent, so run() advances each
 * walker through a whole chunk of steps (up to the next reporter event) in a tight loop with
 * no allocation; the result is bit-identical to step-by-step advancing, and getState/setState
 * resume a run bit-identically (tested in test/engine/overdamped.test.ts).
 */
import { EngineInputError, SimulationDivergedError } from '../errors';
import { Rng, type RngState } from '../random';
import { assertHarmonicBias, type HarmonicBias } from '../bias/umbrella';
import type { ToySystem } from '../systems/types';
import { fromIntervalReporter, runSteps, type IntervalReporter } from './simulation';

/**
 * A general bias W(x) (e.g. well-tempered metadynamics, engine/bias/metad.ts), applied on top
 * of the optional harmonic `bias`. It may change only between run() chunks, i.e. from a
 * reporter, which keeps walker-major chunked advancing bit-identical to step-by-step.
 */
export interface Bias {
  /** Adds -grad W of the point x[offset..] to out[outOffset..]; returns W. */
  addForce(x: Float64Array, offset: number, out: Float64Array, outOffset: number): number;
  /** W of the point x[offset..]. */
  energy(x: Float64Array, offset: number): number;
  /** Throws EngineInputError if the bias cannot act on a system of this dimension. */
  checkDimension?(dim: number): void;
}

export interface OverdampedOptions {
  system: ToySystem;
  kT: number;
  dt: number;
  bias?: HarmonicBias | null;
  generalBias?: Bias | null;
  positions: Float64Array; // nWalkers * dim, walker-major; copied
  seed: number;
  streamBase: number; // walker w uses new Rng(seed, streamBase + w)
}

/** Reports after every step where step % interval == 0 (runs through the shared step loop, integrators/simulation.ts). */
export type Reporter = IntervalReporter<OverdampedSimulation>;

export interface OverdampedState {
  step: number;
  positions: number[];
  rngStates: RngState[];
}

export class OverdampedSimulation {
  readonly system: ToySystem;
  readonly kT: number;
  readonly dt: number;
  readonly bias: HarmonicBias | null;
  readonly generalBias: Bias | null;
  readonly seed: number;
  readonly streamBase: number;
  readonly nWalkers: number;
  readonly dim: number;
  readonly positions: Float64Array;
  step = 0;
  reporters: Reporter[] = [];
  private rngs: Rng[];
  private readonly force: Float64Array;
  private readonly drift: Float64Array;
  private readonly noise: Float64Array;
  /** Scratch for a block of normals (Rng.normals). */
  private readonly normals: Float64Array;

  constructor(opts: OverdampedOptions) {
    const { system, kT, dt } = opts;
    const problems: string[] = [];
    if (!system || typeof system.force !== 'function') problems.push('system must be a ToySystem (use createSystem)');
    if (typeof kT !== 'number' || !Number.isFinite(kT) || !(kT > 0)) problems.push(`kT must be a finite number > 0 (got ${String(kT)})`);
    if (typeof dt !== 'number' || !Number.isFinite(dt) || !(dt > 0)) problems.push(`dt must be a finite number > 0 (got ${String(dt)})`);
    if (!Number.isSafeInteger(opts.seed)) problems.push(`seed must be a safe integer (got ${String(opts.seed)})`);
    if (!Number.isSafeInteger(opts.streamBase) || opts.streamBase < 0) {
      problems.push(`streamBase must be a non-negative integer (got ${String(opts.streamBase)})`);
    }
    if (problems.length) throw new EngineInputError(problems);
    const dim = system.dim;
    const pos = opts.positions;
    if (!(pos instanceof Float64Array) || pos.length === 0 || pos.length % dim !== 0) {
      throw new EngineInputError(`positions must be a non-empty Float64Array of nWalkers * ${dim} numbers (got length ${pos?.length})`);
    }
    for (let i = 0; i < pos.length; i++) {
      if (!Number.isFinite(pos[i])) {
        throw new EngineInputError(`positions[${i}] (walker ${Math.floor(i / dim)}, ${system.coordinateNames[i % dim]}) is not finite`);
      }
    }
    if (opts.bias) assertHarmonicBias(opts.bias, dim);
    if (opts.generalBias) {
      if (typeof opts.generalBias.addForce !== 'function') throw new EngineInputError('generalBias must have an addForce method');
      opts.generalBias.checkDimension?.(dim);
    }
    this.system = system;
    this.kT = kT;
    this.dt = dt;
    this.bias = opts.bias ? { ...opts.bias } : null;
    this.generalBias = opts.generalBias ?? null;
    this.seed = opts.seed;
    this.streamBase = opts.streamBase;
    this.dim = dim;
    this.nWalkers = pos.length / dim;
    this.positions = Float64Array.from(pos);
    this.rngs = [];
    for (let w = 0; w < this.nWalkers; w++) this.rngs.push(new Rng(opts.seed, opts.streamBase + w));
    this.force = new Float64Array(dim);
    this.drift = new Float64Array(dim);
    this.noise = new Float64Array(dim);
    this.normals = new Float64Array(dim * Math.max(1, Math.floor(1024 / dim)));
    for (let d = 0; d < dim; d++) {
      const m = system.mobility[d];
      this.drift[d] = m * dt;
      this.noise[d] = Math.sqrt(2 * kT * m * dt);
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

  private advance(nSteps: number): void {
    const dim = this.dim;
    const pos = this.positions;
    const f = this.force;
    const drift = this.drift;
    const noise = this.noise;
    const system = this.system;
    const bias = this.bias;
    const hasBias = bias !== null;
    const bcv = hasBias ? bias.cvIndex : 0;
    const bc = hasBias ? bias.center : 0;
    const bk = hasBias ? bias.spring : 0;
    const bp = hasBias && bias.period !== undefined ? bias.period : 0;
    const general = this.generalBias;
    // Normals are drawn in blocks (Rng.normals: the same sequence as one normal() per
    // coordinate per step, generated in a register-friendly loop), then consumed in order.
    const normals = this.normals;
    const blockSteps = Math.floor(normals.length / dim);
    for (let w = 0; w < this.nWalkers; w++) {
      const rng = this.rngs[w];
      const off = w * dim;
      for (let s0 = 0; s0 < nSteps; s0 += blockSteps) {
        const block = Math.min(blockSteps, nSteps - s0);
        rng.normals(normals, block * dim);
        let k = 0;
        for (let s = 0; s < block; s++) {
          const v = system.force(pos, off, f, 0);
          if (v - v !== 0) throw new SimulationDivergedError(w, this.step + s0 + s);
          if (hasBias) {
            let d = pos[off + bcv] - bc;
            if (bp > 0) d -= bp * Math.round(d / bp);
            f[bcv] -= bk * d;
          }
          if (general !== null) general.addForce(pos, off, f, 0);
          for (let d = 0; d < dim; d++) {
            pos[off + d] += drift[d] * f[d] + noise[d] * normals[k++];
          }
        }
      }
    }
  }

  /** Potential energy (without bias) of walker w. */
  energy(walker: number): number {
    return this.system.energy(this.positions, walker * this.dim);
  }

  /** JSON-safe checkpoint. */
  getState(): OverdampedState {
    return {
      step: this.step,
      positions: Array.from(this.positions),
      rngStates: this.rngs.map((r) => r.getState()),
    };
  }

  setState(s: OverdampedState): void {
    if (!s || !Number.isSafeInteger(s.step) || s.step < 0) throw new EngineInputError('state.step must be a non-negative integer');
    if (!Array.isArray(s.positions) || s.positions.length !== this.positions.length) {
      throw new EngineInputError(`state.positions must have ${this.positions.length} numbers (got ${s.positions?.length})`);
    }
    if (!Array.isArray(s.rngStates) || s.rngStates.length !== this.nWalkers) {
      throw new EngineInputError(`state.rngStates must have ${this.nWalkers} entries (got ${s.rngStates?.length})`);
    }
    for (let i = 0; i < s.positions.length; i++) {
      if (typeof s.positions[i] !== 'number' || !Number.isFinite(s.positions[i])) throw new EngineInputError(`state.positions[${i}] is not finite`);
    }
    const rngs = s.rngStates.map((r) => Rng.fromState(r));
    this.positions.set(s.positions);
    this.rngs = rngs;
    this.step = s.step;
  }
}

/**
 * Reporter that records one coordinate (or all) of every walker at each report, in report
 * order then walker order, into a growable Float64Array (e.g. the CV time series of a window).
 */
export class CoordinateRecorder implements Reporter {
  private buf: Float64Array;
  private n = 0;
  constructor(
    readonly interval: number,
    readonly coordinate: number | 'all' = 0,
    initialCapacity = 1024,
  ) {
    this.buf = new Float64Array(Math.max(16, initialCapacity));
  }
  report(sim: OverdampedSimulation): void {
    const need = this.coordinate === 'all' ? sim.positions.length : sim.nWalkers;
    if (this.n + need > this.buf.length) {
      const next = new Float64Array(Math.max(this.buf.length * 2, this.n + need));
      next.set(this.buf.subarray(0, this.n));
      this.buf = next;
    }
    if (this.coordinate === 'all') {
      this.buf.set(sim.positions, this.n);
    } else {
      const dim = sim.dim;
      const c = this.coordinate;
      for (let w = 0; w < sim.nWalkers; w++) this.buf[this.n + w] = sim.positions[w * dim + c];
    }
    this.n += need;
  }
  /** The recorded values (a copy). */
  values(): Float64Array {
    return this.buf.slice(0, this.n);
  }
  get length(): number {
    return this.n;
  }
}
