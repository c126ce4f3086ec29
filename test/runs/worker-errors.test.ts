/**
 * Errors thrown inside real worker threads (the bundled out/node/*.mjs, built by
 * test/global-setup.ts) reach the caller with their code and the user's message: the thread
 * posts the classified shape, the main side rebuilds a LiftwellError (schema/errors.ts).
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runWalkerSlices, type WalkerSliceJob } from '../../src-main/runs/runtime/walker-slices';
import { LiftwellError } from '../../src-main/schema/errors';
import { SimulationDivergedError } from '../../src-main/engine/errors';
import { toErrorShape } from '../../src-main/api/dispatch';
import type { AppContext } from '../../src-main/api/handlers';
import { call, makeContext, setupProject, smallParams, tempDir, waitForFinal } from '../api/helpers';

const walkersScript = pathToFileURL(join(import.meta.dirname, '../../out/node/walkers.mjs'));

function job(walkers: number): WalkerSliceJob {
  const positions = new Float64Array(2 * walkers);
  for (let w = 0; w < walkers; w++) positions.set([-0.558 + 0.01 * w, 1.442], 2 * w);
  return { spec: { kind: 'muller-brown', scale: 1 }, kT: 15, dt: 1e-4, seed: 9, streamBase: 3, steps: 20, positions };
}

describe('walker-slice threads', () => {
  test('bad input in a thread arrives as invalid-input with the engine message', async () => {
    const j = job(4);
    j.positions[0] = Number.NaN; // walker 0 lies in the first slice, computed in a thread
    const error = await runWalkerSlices(j, 2, walkersScript).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LiftwellError);
    expect(toErrorShape(error)).toMatchObject({ code: 'invalid-input', message: 'positions[0] (walker 0, x) is not finite' });
  });

  test('a divergence in a thread is rebuilt as SimulationDivergedError (global walker index)', async () => {
    const j = job(4);
    j.positions.set([40, 40], 2 * 1);
    const error = await runWalkerSlices({ ...j, steps: 50 }, 2, walkersScript).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimulationDivergedError);
    expect(toErrorShape(error)).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/^walker 1 diverged/) });
  });
});

describe('job worker threads', () => {
  let dir: ReturnType<typeof tempDir>;
  let ctx: AppContext;
  beforeEach(() => {
    dir = tempDir();
    ctx = makeContext(join(dir.path, 'home'), { workers: 1 });
  });
  afterEach(async () => {
    await ctx.shutdown();
    dir.cleanup();
  });

  test('a diverging window fails its run with code invalid-input and the engine words', async () => {
    const { projectPath, systemId } = await setupProject(ctx, dir.path, 'Diverges');
    // dt = 5 on the double well: x grows cubically each step and overflows within a few steps.
    const params = smallParams({ dt: 5, stepsPerWindow: 200, equilibrationSteps: 0, centers: { mode: 'list', values: [0.5] } });
    const run = await call(ctx, 'startUmbrellaRun', { projectPath, systemId, name: 'too large dt', params });
    const done = await waitForFinal(ctx, run.id);
    expect(done.status).toBe('failed');
    expect(done.errorCode).toBe('invalid-input');
    expect(done.error).toMatch(/^Window 0: walker \d+ diverged \(non-finite energy\) at step \d+; reduce dt/);
    // The code is stored with the run: listRuns (a new session) reports it too.
    const [listed] = await call(ctx, 'listRuns', { projectPath });
    expect(listed).toMatchObject({ status: 'failed', errorCode: 'invalid-input', error: done.error });
  });
});
