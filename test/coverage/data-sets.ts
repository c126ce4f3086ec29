/**
 * Cheap correlated data sets with exact answers, for the coverage of error bars
 * (test/coverage/error-bar-coverage.test.ts).
 *
 * Umbrella: windows on the double well V = a (x^2 - 1)^2 sampled by a random-walk Metropolis
 * chain in the biased potential V + k/2 (x - c)^2. Its stationary law is exactly the biased
 * Boltzmann law (no time-step bias, unlike a Langevin integrator), so quadrature gives exact
 * window and region free energies, and a small proposal step makes the stored series as
 * correlated as wanted (statistical inefficiency g ~ 20-60 here) at one random draw per sample.
 *
 * Metadynamics: well-tempered metadynamics with the engine's overdamped integrator, grid bias
 * and COLVAR recorder, on the same double well; exact region free energies by quadrature of
 * exp(-V/kT) (the Euler-Maruyama bias at dt = 1e-3 is ~0.1% of V'' dt, far below the errors).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { encodeNpy } from '../../src-main/engine/io/npy';
import { Rng } from '../../src-main/engine/random';
import { windowFilePath } from '../../src-main/store/project';
import type { UmbrellaJob } from '../../src-main/runs/run-file';
import { createSystem } from '../../src-main/engine/systems';
import { OverdampedSimulation } from '../../src-main/engine/integrators/overdamped';
import { WellTemperedMetad } from '../../src-main/engine/bias/metad';
import { ColvarRecorder } from '../../src-main/engine/bias/metad-colvar';

export const A = 2;
export const KT = 1;
export const V = (x: number) => A * (x * x - 1) ** 2;
export const CENTERS = Array.from({ length: 9 }, (_, k) => -1.5 + (3 * k) / 8);
export const SPRING = 20;
/** Two regions of different exact free energy (the well is symmetric, the intervals are not). */
export const REGION_A = { name: 'A', kind: 'interval' as const, min: -1.4, max: -0.6 };
export const REGION_B = { name: 'B', kind: 'interval' as const, min: 0.3, max: 1.1 };

/** -kT ln integral of exp(-(V + bias)/kT) over [lo, hi], midpoint rule with h = 2e-5 (error << 1e-6 kT). */
function logIntegral(lo: number, hi: number, bias: (x: number) => number): number {
  const h = 2e-5;
  let s = 0;
  for (let x = lo + h / 2; x < hi; x += h) s += Math.exp(-(V(x) + bias(x)) / KT);
  return -KT * Math.log(s * h);
}

/** Exact f_K-1 - f_0 of the windows (last minus first). */
export function exactLastWindow(): number {
  const f = (c: number) => logIntegral(-4, 4, (x) => 0.5 * SPRING * (x - c) ** 2);
  return f(CENTERS[CENTERS.length - 1]) - f(CENTERS[0]);
}

/** Exact F_B - F_A of the two regions. */
export function exactRegionDifference(): number {
  const none = () => 0;
  return logIntegral(REGION_B.min, REGION_B.max, none) - logIntegral(REGION_A.min, REGION_A.max, none);
}

export interface UmbrellaSetOptions {
  walkers: number;
  samplesPerWalker: number;
  /** Metropolis proposal half-width (smaller = more correlated). */
  step: number;
}

/** One Metropolis chain in window k: `n` stored samples after `burn` discarded steps. */
function chain(rng: Rng, c: number, n: number, step: number, burn: number): Float64Array {
  const u = (x: number) => (V(x) + 0.5 * SPRING * (x - c) ** 2) / KT;
  let x = c;
  let ux = u(x);
  const out = new Float64Array(n);
  for (let i = -burn; i < n; i++) {
    const y = x + step * (2 * rng.uniform() - 1);
    const uy = u(y);
    if (uy <= ux || rng.uniform() < Math.exp(ux - uy)) {
      x = y;
      ux = uy;
    }
    if (i >= 0) out[i] = x;
  }
  return out;
}

/**
 * Writes an umbrella run's window files (walkers x samples, as the app stores them) under
 * projectPath and returns the run's job as the analyses read it.
 */
export function writeUmbrellaSet(projectPath: string, runId: string, seed: number, o: UmbrellaSetOptions): UmbrellaJob {
  const windows = CENTERS.map((c, k) => {
    const data = new Float64Array(o.walkers * o.samplesPerWalker);
    for (let w = 0; w < o.walkers; w++) data.set(chain(new Rng(seed, k * 64 + w), c, o.samplesPerWalker, o.step, 2000), w * o.samplesPerWalker);
    const path = windowFilePath(projectPath, runId, k);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, encodeNpy(data, [o.walkers, o.samplesPerWalker]));
    return { index: k, centers: [c], springs: [SPRING], start: [c] };
  });
  return {
    kind: 'umbrella',
    system: { kind: 'double-well', a: A },
    cvIndex: 0,
    windows,
    kT: KT,
    dt: 1e-3,
    walkers: o.walkers,
    equilibrationSteps: 2000,
    stepsPerWindow: o.samplesPerWalker,
    stride: 1,
    samplesPerWindow: o.walkers * o.samplesPerWalker,
    seed,
    streamStride: 64,
  };
}

export interface MetadFrames {
  /** COLVAR columns in the app's order: time, walker, x, metad.bias, metad.rct. */
  x: Float64Array;
  bias: Float64Array;
  rct: Float64Array;
  walkers: number;
}

/** A well-tempered metadynamics run on the double well, frames every `stride` steps. */
export function metadFrames(seed: number, o: { walkers: number; steps: number; stride: number }): MetadFrames {
  const system = createSystem({ kind: 'double-well', a: A });
  const metad = new WellTemperedMetad({ cvs: [{ index: 0 }], sigma: [0.15], height: 0.3, pace: 50, biasFactor: 4, kT: KT, grid: { min: [-2.5], max: [2.5] }, outside: 'flat' });
  const positions = new Float64Array(o.walkers).fill(-1);
  const sim = new OverdampedSimulation({ system, kT: KT, dt: 1e-3, positions, seed, streamBase: 0, generalBias: metad });
  const rec = new ColvarRecorder(o.stride, metad, system.coordinateNames);
  sim.reporters.push(rec, metad.reporter());
  sim.run(o.steps);
  const [, , x, bias, rct] = rec.columns();
  return { x, bias, rct, walkers: o.walkers };
}
