/**
 * Walkers split across threads give exactly the single-thread numbers (each walker keeps its
 * own random stream), whatever the thread count; a diverging walker is named by its global index.
 * Uses the bundled worker (out/node/walkers.mjs, built by test/global-setup.ts).
 */
import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { OverdampedSimulation } from '../../src-main/engine/integrators/overdamped';
import { createSystem } from '../../src-main/engine/systems';
import { runWalkerSlices, sliceThreadCount, walkerRanges, type WalkerSliceJob } from '../../src-main/runs/runtime/walker-slices';

const script = pathToFileURL(join(import.meta.dirname, '../../out/node/walkers.mjs'));

function job(walkers: number, steps: number, dt = 1e-4): WalkerSliceJob {
  const positions = new Float64Array(2 * walkers);
  for (let w = 0; w < walkers; w++) positions.set([-0.558 + 0.01 * w, 1.442], 2 * w);
  return { spec: { kind: 'muller-brown', scale: 1 }, kT: 15, dt, seed: 9, streamBase: 3, steps, positions };
}

describe('walker slices across threads', () => {
  it('ranges cover every walker once', () => {
    expect(walkerRanges(7, 3)).toEqual([[0, 2], [2, 4], [4, 7]]);
    expect(sliceThreadCount(1000, 10, 2)).toBe(2);
    expect(sliceThreadCount(1, 1e9, 8)).toBe(1);
    expect(sliceThreadCount(64, 10)).toBe(1); // too little work to gain from a thread
  });

  it('gives the single-thread bits for 1, 2 and 3 threads', async () => {
    const j = job(7, 2000);
    const reference = new OverdampedSimulation({ system: createSystem(j.spec), kT: j.kT, dt: j.dt, positions: j.positions, seed: j.seed, streamBase: j.streamBase });
    reference.run(j.steps);
    for (const threads of [1, 2, 3]) {
      const out = await runWalkerSlices(j, threads, script);
      expect(Array.from(out)).toEqual(Array.from(reference.positions));
    }
  });

  it('names the diverging walker by its index in the whole ensemble', async () => {
    const j = job(4, 50, 1e-4);
    j.positions.set([40, 40], 2 * 1); // walker 1 starts far up the MB wall and blows up
    await expect(runWalkerSlices(j, 2, script)).rejects.toThrow(/walker 1 diverged/);
    j.positions.set([-0.558, 1.442], 2 * 1);
    j.positions.set([40, 40], 2 * 3);
    await expect(runWalkerSlices(j, 2, script)).rejects.toThrow(/walker 3 diverged/);
  });
});
