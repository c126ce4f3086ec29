/**
 * Overdamped Langevin (Euler-Maruyama) for a whole walker ensemble as batched tensor operations
 * on the active tfjs backend: the same update as the CPU kernel (engine/integrators/overdamped.ts)
 *   x_{n+1} = x_n + m F(x_n) dt + sqrt(2 kT m dt) xi,   F = -grad(V + W_umbrella),
 * with positions a [walkers, dim] float32 tensor that stays on the device between steps and the
 * force from the system's shared formula (./forces.ts) evaluated column-wise.
 *
 * Random numbers: xi comes from tf.randomNormal with a per-step seed hashed from
 * (seed, streamBase, step), so a run is reproducible per seed on a given backend. This stream
 * is NOT the CPU kernel's per-walker Rng stream: the two executions agree statistically (same
 * stationary law, same moments within standard errors: test/engine/tensor-overdamped.test.ts),
 * never bitwise. Arithmetic is float32 (tfjs), the CPU kernel's float64.
 *
 * Memory: each step runs inside tf.tidy and only the new positions survive it, so the number
 * of live tensors is constant over a run (tested). Call dispose() when done.
 *
 * Limitation (measured where a GPU is lent): tfjs-core generates randomNormal in host JS and
 * uploads it, so on GPU backends the noise costs about what the CPU kernel's normals cost; the
 * device does the force and update. A device-side counter-based generator would lift that cap.
 */
import { EngineInputError, SimulationDivergedError } from '../errors';
import { assertHarmonicBias, type HarmonicBias } from '../bias/umbrella';
import type { ToySystem } from '../systems/types';
import { tf, type Tensor } from '../generative/tf';
import { tensorAlgebra } from './algebra';
import { biasedForceFormula, type ForceFormula } from './forces';
import { fromIntervalReporter, runSteps, type IntervalReporter } from '../integrators/simulation';

export interface TensorOverdampedOptions {
  system: ToySystem;
  kT: number;
  dt: number;
  bias?: HarmonicBias | null;
  positions: Float64Array; // nWalkers * dim, walker-major; copied to the device
  seed: number;
  streamBase?: number;
}

/** Reports after every step where step % interval == 0 (runs through the shared step loop, integrators/simulation.ts). */
export type TensorReporter = IntervalReporter<TensorOverdamped>;

/** 32-bit avalanche (murmur3 finaliser). */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The per-step noise seed: a 53-bit hash of (seed, streamBase, step). 53 bits (not 32) so that
 * two steps of a long run practically never share a seed (birthday bound ~ steps^2 / 2^54).
 */
export function stepNoiseSeed(seed: number, streamBase: number, step: number): number {
  const words = [seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0, streamBase >>> 0, Math.floor(streamBase / 2 ** 32) >>> 0, step >>> 0, Math.floor(step / 2 ** 32) >>> 0];
  let h1 = 0x9e3779b9;
  let h2 = 0x7f4a7c15;
  for (const w of words) {
    h1 = fmix32((h1 ^ w) + 0x6a09e667);
    h2 = fmix32((h2 ^ Math.imul(w, 0x2545f491)) + 0xbb67ae85);
  }
  // tfjs treats a falsy seed as "unseeded" (Math.random), so 0 maps to 1.
  return (h1 >>> 11) * 2 ** 32 + h2 || 1;
}

export class TensorOverdamped {
  readonly system: ToySystem;
  readonly kT: number;
  readonly dt: number;
  readonly bias: HarmonicBias | null;
  readonly seed: number;
  readonly streamBase: number;
  readonly nWalkers: number;
  readonly dim: number;
  step = 0;
  reporters: TensorReporter[] = [];
  private x: Tensor;
  private readonly driftScale: Tensor; // m dt per coordinate, [dim]
  private readonly noiseScale: Tensor; // sqrt(2 kT m dt) per coordinate, [dim]
  private readonly force: ForceFormula;
  private disposed = false;

  constructor(opts: TensorOverdampedOptions) {
    const { system, kT, dt } = opts;
    const streamBase = opts.streamBase ?? 0;
    const problems: string[] = [];
    if (!system || typeof system.force !== 'function') problems.push('system must be a ToySystem (use createSystem)');
    if (typeof kT !== 'number' || !Number.isFinite(kT) || !(kT > 0)) problems.push(`kT must be a finite number > 0 (got ${String(kT)})`);
    if (typeof dt !== 'number' || !Number.isFinite(dt) || !(dt > 0)) problems.push(`dt must be a finite number > 0 (got ${String(dt)})`);
    if (!Number.isSafeInteger(opts.seed) || opts.seed < 0) problems.push(`seed must be a non-negative safe integer (got ${String(opts.seed)})`);
    if (!Number.isSafeInteger(streamBase) || streamBase < 0) problems.push(`streamBase must be a non-negative integer (got ${String(streamBase)})`);
    if (problems.length) throw new EngineInputError(problems);
    const dim = system.dim;
    const pos = opts.positions;
    if (!(pos instanceof Float64Array) || pos.length === 0 || pos.length % dim !== 0) {
      throw new EngineInputError(`positions must be a non-empty Float64Array of nWalkers * ${dim} numbers (got length ${pos?.length})`);
    }
    for (let i = 0; i < pos.length; i++) {
      if (!Number.isFinite(pos[i])) throw new EngineInputError(`positions[${i}] (walker ${Math.floor(i / dim)}, ${system.coordinateNames[i % dim]}) is not finite`);
    }
    if (opts.bias) assertHarmonicBias(opts.bias, dim);
    this.system = system;
    this.kT = kT;
    this.dt = dt;
    this.bias = opts.bias ? { ...opts.bias } : null;
    this.seed = opts.seed;
    this.streamBase = streamBase;
    this.dim = dim;
    this.nWalkers = pos.length / dim;
    this.force = biasedForceFormula(system.spec, this.bias);
    const drift = Array.from(system.mobility, (m) => m * dt);
    const noise = Array.from(system.mobility, (m) => Math.sqrt(2 * kT * m * dt));
    this.driftScale = tf.tensor1d(drift, 'float32');
    this.noiseScale = tf.tensor1d(noise, 'float32');
    this.x = tf.tensor2d(Float32Array.from(pos), [this.nWalkers, dim], 'float32');
  }

  /** Name of the tfjs backend the tensors live on. */
  get backend(): string {
    return tf.getBackend();
  }

  /** Advances nSteps; reporters fire after every step where step % interval == 0 (the shared step loop, integrators/simulation.ts). */
  run(nSteps: number): void {
    this.assertLive();
    if (!Number.isSafeInteger(nSteps) || nSteps < 0) throw new EngineInputError(`nSteps must be a non-negative integer (got ${String(nSteps)})`);
    runSteps(this, nSteps, this.reporters.map(fromIntervalReporter));
  }

  /** Stepper: integrates exactly nSteps steps, no reporting (the noise of a step depends on (seed, step) only). */
  integrate(nSteps: number): void {
    this.assertLive();
    this.advance(nSteps);
  }

  private advance(nSteps: number): void {
    const shape: [number, number] = [this.nWalkers, this.dim];
    for (let s = 0; s < nSteps; s++) {
      const seed = stepNoiseSeed(this.seed, this.streamBase, this.step);
      const next = tf.tidy(() => {
        const columns = this.dim === 1 ? [tf.reshape(this.x, [this.nWalkers])] : tf.unstack(this.x, 1);
        const f = this.force(tensorAlgebra, columns);
        const force = this.dim === 1 ? tf.reshape(f[0], shape) : tf.stack(f, 1);
        const xi = tf.randomNormal(shape, 0, 1, 'float32', seed);
        return tf.add(tf.add(this.x, tf.mul(force, this.driftScale)), tf.mul(xi, this.noiseScale));
      });
      this.x.dispose();
      this.x = next;
      this.step++;
    }
    // One device sync per chunk (not per step): a NaN/Inf anywhere makes the max non-finite.
    const worst = tf.tidy(() => tf.max(tf.abs(this.x)).dataSync()[0]);
    if (!Number.isFinite(worst)) {
      const values = this.x.dataSync();
      let bad = 0;
      while (bad < values.length && Number.isFinite(values[bad])) bad++;
      throw new SimulationDivergedError(Math.floor(bad / this.dim), this.step);
    }
  }

  /** Positions read back from the device (walker-major, float64 copy). Synchronous. */
  readPositions(): Float64Array {
    this.assertLive();
    return Float64Array.from(this.x.dataSync());
  }

  /** Positions read back without blocking the thread (preferred on GPU backends). */
  async readPositionsAsync(): Promise<Float64Array> {
    this.assertLive();
    return Float64Array.from(await this.x.data());
  }

  /** Replaces the positions (e.g. to restart); the step counter is kept. */
  setPositions(positions: Float64Array): void {
    this.assertLive();
    if (!(positions instanceof Float64Array) || positions.length !== this.nWalkers * this.dim) {
      throw new EngineInputError(`positions must be a Float64Array of ${this.nWalkers * this.dim} numbers`);
    }
    this.x.dispose();
    this.x = tf.tensor2d(Float32Array.from(positions), [this.nWalkers, this.dim], 'float32');
  }

  /** Frees the device memory; the simulation cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.x.dispose();
    this.driftScale.dispose();
    this.noiseScale.dispose();
  }

  private assertLive(): void {
    if (this.disposed) throw new EngineInputError('TensorOverdamped was disposed');
  }
}
