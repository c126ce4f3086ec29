/**
 * Overdamped walkers split across worker threads (`liftwell sample` on the CPU kernel).
 *
 * Walkers are independent and walker w always draws from Rng(seed, streamBase + w), so thread t
 * running walkers [a, b) as its own OverdampedSimulation with streamBase + a computes exactly the
 * numbers a single thread would: the final positions are bit-identical for any thread count
 * (tested in test/runs/walker-slices.test.ts). Small jobs run inline: starting a thread costs
 * more than it saves.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { createSystem } from '../../engine/systems';
import type { AnySystemSpec } from '../../engine/systems/types';
import { OverdampedSimulation } from '../../engine/integrators/overdamped';
import { SimulationDivergedError } from '../../engine/errors';
import { LiftwellError, type LiftwellErrorShape } from '../../schema/errors';

export interface WalkerSliceJob {
  spec: AnySystemSpec;
  kT: number;
  dt: number;
  seed: number;
  streamBase: number;
  steps: number;
  /** Walker-major start positions of the slice. */
  positions: Float64Array;
}

/** Below this many walker-steps per extra thread, threads are not worth their start-up (~50 ms). */
export const MIN_WALKER_STEPS_PER_THREAD = 2_000_000;

/** Runs one slice in this thread; returns the final positions. */
export function runWalkerSlice(job: WalkerSliceJob): Float64Array {
  const sim = new OverdampedSimulation({ system: createSystem(job.spec), kT: job.kT, dt: job.dt, positions: job.positions, seed: job.seed, streamBase: job.streamBase });
  sim.run(job.steps);
  return sim.positions;
}

/** How many threads to use: the request (or the machine's cores), no more than walkers and work allow. */
export function sliceThreadCount(walkers: number, steps: number, requested?: number): number {
  const wanted = requested ?? availableParallelism();
  const byWork = Math.max(1, Math.floor((walkers * steps) / MIN_WALKER_STEPS_PER_THREAD));
  return Math.max(1, Math.min(wanted, walkers, requested === undefined ? byWork : wanted));
}

/** Contiguous walker ranges [start, end) of near-equal size. */
export function walkerRanges(walkers: number, threads: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let t = 0; t < threads; t++) ranges.push([Math.floor((t * walkers) / threads), Math.floor(((t + 1) * walkers) / threads)]);
  return ranges;
}

/**
 * Runs all walkers on `threads` threads (1 = inline). `workerScript` is the bundled
 * out/node/walkers.mjs (src-main/runs/runtime/walker-slices-worker.ts).
 */
export async function runWalkerSlices(job: WalkerSliceJob, threads: number, workerScript: URL): Promise<Float64Array> {
  const dim = createSystem(job.spec).dim;
  const walkers = job.positions.length / dim;
  if (threads <= 1) return runWalkerSlice(job);
  const out = new Float64Array(job.positions.length);
  const ranges = walkerRanges(walkers, threads);
  // The last slice runs here, the others in threads: one thread fewer to start.
  const [lastStart, lastEnd] = ranges[ranges.length - 1];
  const inThreads = ranges.slice(0, -1).map(([start, end]) => runInThread({ ...job, streamBase: job.streamBase + start, positions: job.positions.slice(start * dim, end * dim) }, workerScript, start));
  // Let the threads start before this thread becomes busy.
  await new Promise((resolve) => setImmediate(resolve));
  try {
    out.set(runWalkerSlice({ ...job, streamBase: job.streamBase + lastStart, positions: job.positions.slice(lastStart * dim, lastEnd * dim) }), lastStart * dim);
  } catch (error) {
    if (error instanceof SimulationDivergedError) throw new SimulationDivergedError(error.walker + lastStart, error.step);
    throw error;
  }
  const results = await Promise.all(inThreads);
  ranges.slice(0, -1).forEach(([start], t) => out.set(results[t], start * dim));
  return out;
}

function runInThread(job: WalkerSliceJob, workerScript: URL, firstWalker: number): Promise<Float64Array> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerScript, { workerData: job });
    worker.once('message', (m: { ok: true; positions: Float64Array } | { ok: false; error: LiftwellErrorShape; walker?: number; step?: number }) => {
      void worker.terminate();
      if (m.ok) resolve(m.positions);
      else if (m.walker !== undefined && m.step !== undefined) reject(new SimulationDivergedError(m.walker + firstWalker, m.step));
      else reject(LiftwellError.fromShape(m.error));
    });
    worker.once('error', reject);
  });
}
