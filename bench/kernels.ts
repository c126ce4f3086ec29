// Bundled by bench/run.mjs (esbuild) into bench/.build/kernels.mjs.
import { OverdampedSimulation } from '../src-main/engine/integrators/overdamped';
import { createSystem } from '../src-main/engine/systems';
import { wham1d, type UmbrellaWindow } from '../src-main/engine/estimators/wham';
import { Rng } from '../src-main/engine/random';

/** Same setup as bench/c/overdamped_mb.c: MB scale 1, kT 15, dt 1e-4, start in the deepest minimum. */
export function overdampedMB(walkers: number, steps: number): { walkerSteps: number; seconds: number; checksum: number } {
  const pos = new Float64Array(2 * walkers);
  for (let w = 0; w < walkers; w++) {
    pos[2 * w] = -0.558;
    pos[2 * w + 1] = 1.442;
  }
  const sim = new OverdampedSimulation({ system: createSystem({ kind: 'muller-brown', scale: 1 }), kT: 15, dt: 1e-4, positions: pos, seed: 2024, streamBase: 0 });
  const t0 = performance.now();
  sim.run(steps);
  const seconds = (performance.now() - t0) / 1000;
  let checksum = 0;
  for (const v of sim.positions) checksum += v;
  return { walkerSteps: walkers * steps, seconds, checksum };
}

/** Synthetic umbrella data on the double well (a = 2, kT = 1): windows + options. */
export function whamProblem(K: number, bins: number, samplesPerWindow: number): { windows: UmbrellaWindow[]; bins: number; min: number; max: number } {
  const windows: UmbrellaWindow[] = [];
  for (let k = 0; k < K; k++) {
    const center = -1.6 + (3.2 * k) / (K - 1);
    const spring = 30;
    const rng = new Rng(7, k);
    const s = new Float64Array(samplesPerWindow);
    const sd = Math.sqrt(1 / spring);
    for (let i = 0; i < samplesPerWindow; ) {
      const x = center + sd * rng.normal();
      if (rng.uniform() < Math.exp(-2 * (x * x - 1) ** 2)) s[i++] = x;
    }
    windows.push({ center, spring, samples: s });
  }
  return { windows, bins, min: -2.1, max: 2.1 };
}

/**
 * Solves at the default tolerance (1e-10 kT) and times it; the per-iteration cost is
 * (t(full) - t(1 iteration)) / (iterations - 1), so one-off setup (histograms, overlap) is excluded.
 */
export function whamSolve(p: ReturnType<typeof whamProblem>, method: 'auto' | 'log' = 'auto', repeats = 5): { iterations: number; seconds: number; perIteration: number; f: number[] } {
  const opts = { bins: p.bins, min: p.min, max: p.max, kT: 1, method };
  let best = Infinity;
  let bestSetup = Infinity;
  let r = wham1d(p.windows, opts);
  for (let i = 0; i < repeats; i++) {
    let t0 = performance.now();
    r = wham1d(p.windows, opts);
    best = Math.min(best, performance.now() - t0);
    t0 = performance.now();
    wham1d(p.windows, { ...opts, maxIterations: 1 });
    bestSetup = Math.min(bestSetup, performance.now() - t0);
  }
  return { iterations: r.iterations, seconds: best / 1000, perIteration: (best - bestSetup) / 1000 / (r.iterations - 1), f: Array.from(r.windowFreeEnergies) };
}
