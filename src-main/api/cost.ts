/**
 * Cost estimate of an umbrella study from this machine's measured kernel throughput.
 * Calibration: ~60 ms of the overdamped kernel on the Muller-Brown potential (the most
 * expensive built-in force: six exponentials per step), 64 walkers; measured once and cached,
 * so estimates err on the long side for the cheaper systems.
 */
import type { CostEstimate, UmbrellaParams } from './contract';
import { OverdampedSimulation } from '../engine/integrators/overdamped';
import { createSystem } from '../engine/systems';
import { samplesPerWindow, windowCount } from '../runs/umbrella/plan';

let cachedThroughput: number | null = null;

/** Walker-steps per second of one thread (cached after the first call). */
export function kernelThroughput(): number {
  if (cachedThroughput !== null) return cachedThroughput;
  const system = createSystem({ kind: 'muller-brown', scale: 1 });
  const walkers = 64;
  const positions = new Float64Array(walkers * 2);
  for (let w = 0; w < walkers; w++) {
    positions[2 * w] = -0.558;
    positions[2 * w + 1] = 1.442;
  }
  const sim = new OverdampedSimulation({ system, kT: 10, dt: 1e-5, bias: null, positions, seed: 1, streamBase: 0 });
  sim.run(50); // warm-up (JIT)
  let steps = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < 60) {
    sim.run(200);
    steps += 200;
    elapsed = performance.now() - t0;
  }
  cachedThroughput = (steps * walkers) / (elapsed / 1000);
  return cachedThroughput;
}

/**
 * `dim`: coordinates of the system (the request names no system; the built-in toy systems are 2-D,
 * so 2 unless a caller knows better).
 */
export function estimateCost(p: UmbrellaParams, workers: number, throughput = kernelThroughput(), dim = 2): CostEstimate {
  const windows = windowCount(p);
  // A 2D grid study keeps both CVs of every sample.
  const cvs = p.secondCv ? 2 : 1;
  const S = samplesPerWindow(p);
  const perWindow = p.walkersPerWindow * (p.equilibrationSteps + S * p.stride);
  const walkerSteps = perWindow * windows;
  const used = Math.max(1, Math.min(workers, windows));
  // Windows are whole tasks: the slowest worker runs ceil(windows / workers) of them.
  const estimatedSeconds = (Math.ceil(windows / used) * perWindow) / throughput;
  // Per window: window-NNN.npy (the CVs) and window-NNN-x.npy (every coordinate), each with a 128-byte header.
  const diskBytes = windows * (256 + p.walkersPerWindow * S * 8 * (cvs + Math.max(dim, cvs))) + 4096;
  return { windows, walkerSteps, samplesPerWindow: S, diskBytes, estimatedSeconds, workers: used };
}
