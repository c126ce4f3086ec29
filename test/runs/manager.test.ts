import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiEvent, UmbrellaParamsInput } from '../../src-main/api/contract';
import type { AppContext } from '../../src-main/api/handlers';
import { call, makeContext, setupProject, smallParams, tempDir, waitForFinal } from '../api/helpers';

let dir: ReturnType<typeof tempDir>;
const contexts: AppContext[] = [];
beforeEach(() => {
  dir = tempDir();
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.shutdown()));
  dir.cleanup();
});

function context(workers: number, home = 'home'): AppContext {
  const ctx = makeContext(join(dir.path, home), { workers, checkpointIntervalMs: 20 });
  contexts.push(ctx);
  return ctx;
}

function windowBytes(projectPath: string, runId: string, windows: number, suffix = ''): Buffer[] {
  return Array.from({ length: windows }, (_, k) => readFileSync(join(projectPath, 'runs', runId, `window-${String(k).padStart(3, '0')}${suffix}.npy`)));
}
/** window-NNN-x.npy: every coordinate of every sample (the training data of generative models). */
const configurationBytes = (projectPath: string, runId: string, windows: number) => windowBytes(projectPath, runId, windows, '-x');

async function runToEnd(ctx: AppContext, name: string, params: UmbrellaParamsInput, spec?: unknown) {
  const { projectPath, systemId } = await setupProject(ctx, dir.path, name, spec);
  const run = await call(ctx, 'startUmbrellaRun', { projectPath, systemId, name, params });
  const done = await waitForFinal(ctx, run.id);
  expect(done.status).toBe('completed');
  return { projectPath, runId: run.id };
}

async function until(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!predicate()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('determinism', () => {
  test('1 and 2 workers give byte-identical .npy (1D and 2D systems)', async () => {
    const p = smallParams({ stepsPerWindow: 3000, centers: { mode: 'list', values: [-1, -0.2, 0.5] } });
    const one = context(1, 'h1');
    const two = context(2, 'h2');
    const a = await runToEnd(one, 'A', p);
    const b = await runToEnd(two, 'B', p);
    expect(windowBytes(a.projectPath, a.runId, 3)).toEqual(windowBytes(b.projectPath, b.runId, 3));
    const fs = { kind: 'fast-slow', a: 1, s: 0.5, epsilon: 0.2, f: 'sin', c: 1 };
    const p2 = smallParams({ cvIndex: 0, dt: 5e-4, stepsPerWindow: 2000, centers: { mode: 'range', min: -1, max: 1, count: 3 } });
    const c = await runToEnd(one, 'C', p2, fs);
    const d = await runToEnd(two, 'D', p2, fs);
    expect(windowBytes(c.projectPath, c.runId, 3)).toEqual(windowBytes(d.projectPath, d.runId, 3));
    expect(configurationBytes(c.projectPath, c.runId, 3)).toEqual(configurationBytes(d.projectPath, d.runId, 3));
    // A different seed gives different samples.
    const e = await runToEnd(two, 'E', { ...p, seed: 8 });
    expect(windowBytes(e.projectPath, e.runId, 3)[0]).not.toEqual(windowBytes(a.projectPath, a.runId, 3)[0]);
  });
});

// Long enough to be stopped part-way on any machine (~18M walker-steps), small files (stride 100).
const longParams = smallParams({
  centers: { mode: 'list', values: [-1, 0, 1] },
  stepsPerWindow: 1_500_000,
  stride: 100,
  walkersPerWindow: 4,
  equilibrationSteps: 1000,
});

describe('warm-up', () => {
  test('threads started before the run (warmUp, as the CLI does) compute the same bytes', async () => {
    const p = smallParams({ stepsPerWindow: 2000, centers: { mode: 'list', values: [-1, 0, 1] } });
    const cold = context(2, 'cold');
    const warm = context(2, 'warm');
    warm.jobs.warmUp(5); // more than the pool: starts its 2 threads, no more
    const a = await runToEnd(cold, 'cold', p);
    const b = await runToEnd(warm, 'warm', p);
    expect(windowBytes(b.projectPath, b.runId, 3)).toEqual(windowBytes(a.projectPath, a.runId, 3));
    await warm.shutdown();
    warm.jobs.warmUp(1); // after shutdown: a no-op
  });
});

describe('cancel', () => {
  test('stops promptly and records cancelled', async () => {
    const ctx = context(2);
    const { projectPath, systemId } = await setupProject(ctx, dir.path, 'Cancel');
    const p = { ...longParams, stepsPerWindow: 50_000_000, stride: 10_000 };
    const run = await call(ctx, 'startUmbrellaRun', { projectPath, systemId, name: 'long', params: p });
    let fraction = 0;
    ctx.subscribe((e: ApiEvent) => {
      if (e.type === 'run-progress' && e.runId === run.id) fraction = e.fraction;
    });
    await until(() => fraction > 0);
    const t0 = performance.now();
    const cancelled = await call(ctx, 'cancelRun', { projectPath, runId: run.id });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.progress).toBeLessThan(1);
    const onDisk = JSON.parse(readFileSync(join(projectPath, 'runs', run.id, 'run.json'), 'utf8'));
    expect(onDisk.run.status).toBe('cancelled');
    expect((await call(ctx, 'listRuns', { projectPath }))[0].status).toBe('cancelled');
    const again = await call(ctx, 'cancelRun', { projectPath, runId: run.id }).catch((e: { code: string }) => e.code);
    expect(again).toBe('conflict');
  });
});

describe('resume', () => {
  test('after a crash (workers killed, run.json still says running) the result is bit-identical', async () => {
    const reference = await runToEnd(context(2, 'ref'), 'Reference', longParams);

    const ctx1 = context(2);
    const { projectPath, systemId } = await setupProject(ctx1, dir.path, 'Crash');
    const run = await call(ctx1, 'startUmbrellaRun', { projectPath, systemId, name: 'crash', params: longParams });
    const ck = (k: number) => join(projectPath, 'runs', run.id, `checkpoint-00${k}.json`);
    await until(() => existsSync(ck(0)) && existsSync(ck(1)));
    await ctx1.jobs.kill(); // as kill -9: nothing more is written
    expect(JSON.parse(readFileSync(join(projectPath, 'runs', run.id, 'run.json'), 'utf8')).run.status).toBe('running');
    const windowsBefore = [0, 1, 2].filter((k) => existsSync(join(projectPath, 'runs', run.id, `window-00${k}.npy`)));
    expect(windowsBefore.length).toBeLessThan(3);

    const ctx2 = context(1);
    const opened = await call(ctx2, 'openProject', { projectPath });
    expect(opened.runs[0].status).toBe('interrupted');
    const fractions: number[] = [];
    ctx2.subscribe((e: ApiEvent) => {
      if (e.type === 'run-progress') fractions.push(e.fraction);
    });
    const resumed = await call(ctx2, 'resumeRun', { projectPath, runId: run.id });
    expect(['queued', 'running']).toContain(resumed.status);
    const done = await waitForFinal(ctx2, run.id);
    expect(done.status).toBe('completed');
    // It continued from the checkpoints instead of starting over.
    expect(fractions[0]).toBeGreaterThan(0);
    expect(windowBytes(projectPath, run.id, 3)).toEqual(windowBytes(reference.projectPath, reference.runId, 3));
    // The checkpoints carried the configurations kept before the kill too.
    expect(configurationBytes(projectPath, run.id, 3)).toEqual(configurationBytes(reference.projectPath, reference.runId, 3));
  });

  test('after a clean shutdown the run is interrupted and resumes to the same result', async () => {
    const p = { ...longParams, stepsPerWindow: 600_000 };
    const reference = await runToEnd(context(2, 'ref'), 'Reference', p);
    const ctx1 = makeContext(join(dir.path, 'home'), { workers: 2, checkpointIntervalMs: 20 });
    const { projectPath, systemId } = await setupProject(ctx1, dir.path, 'Shutdown');
    const run = await call(ctx1, 'startUmbrellaRun', { projectPath, systemId, name: 'stop', params: p });
    await until(() => existsSync(join(projectPath, 'runs', run.id, 'checkpoint-000.json')));
    await ctx1.shutdown();
    expect(JSON.parse(readFileSync(join(projectPath, 'runs', run.id, 'run.json'), 'utf8')).run.status).toBe('interrupted');
    const ctx2 = context(2);
    // Recent projects are usable without reopening.
    expect((await call(ctx2, 'listRuns', { projectPath }))[0].status).toBe('interrupted');
    await call(ctx2, 'resumeRun', { projectPath, runId: run.id });
    expect((await waitForFinal(ctx2, run.id)).status).toBe('completed');
    expect(windowBytes(projectPath, run.id, 3)).toEqual(windowBytes(reference.projectPath, reference.runId, 3));
    const completedAgain = await call(ctx2, 'resumeRun', { projectPath, runId: run.id }).catch((e: { code: string }) => e.code);
    expect(completedAgain).toBe('conflict');
  });
});
