import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../../src-main/api/handlers';
import { call, callError, makeContext, setupProject, smallParams, tempDir, waitForFinal } from './helpers';

let dir: ReturnType<typeof tempDir>;
let ctx: AppContext;
let projectPath: string;
let systemId: string;

beforeAll(async () => {
  dir = tempDir();
  ctx = makeContext(join(dir.path, 'home'));
  ({ projectPath, systemId } = await setupProject(ctx, dir.path));
});
afterAll(async () => {
  await ctx.shutdown();
  dir.cleanup();
});

const start = (params: unknown) => callError(ctx, 'startUmbrellaRun', { projectPath, systemId, name: 'bad', params });

describe('input validation names the field', () => {
  test.each([
    ['spring 0', { spring: 0 }, 'params.spring'],
    ['negative kT', { kT: -1 }, 'params.kT'],
    ['NaN dt', { dt: Number.NaN }, 'params.dt'],
    ['stride above steps', { stride: 10_000, stepsPerWindow: 100 }, 'params.stride'],
    ['zero windows', { centers: { mode: 'range', min: -1, max: 1, count: 0 } }, 'params.centers'],
    ['inverted range', { centers: { mode: 'range', min: 1, max: -1, count: 3 } }, 'params.centers'],
    ['fractional walkers', { walkersPerWindow: 1.5 }, 'params.walkersPerWindow'],
  ])('%s', async (_label, over, field) => {
    const error = await start({ ...smallParams(), ...over });
    expect(error.code).toBe('invalid-input');
    expect(error.message).toContain(field);
  });

  test('a CV index the system does not have', async () => {
    const error = await start(smallParams({ cvIndex: 1 }));
    expect(error.code).toBe('invalid-input');
    expect(error.message).toContain('params.cvIndex');
  });

  test('bad system parameters', async () => {
    const neg = await callError(ctx, 'addSystem', { projectPath, name: 'x', spec: { kind: 'double-well', a: -2 } });
    expect(neg.code).toBe('invalid-input');
    expect(neg.message).toContain('spec.a');
    const choice = await callError(ctx, 'addSystem', {
      projectPath, name: 'x', spec: { kind: 'fast-slow', a: 1, s: 0.5, epsilon: 0.1, f: 'cos', c: 1 },
    });
    expect(choice.message).toContain('spec.f');
    expect((await callError(ctx, 'estimateUmbrellaCost', { params: { ...smallParams(), kT: -300 } })).message).toContain('params.kT');
  });

  test('unknown ids, paths outside open projects, path tricks', async () => {
    expect((await callError(ctx, 'startUmbrellaRun', { projectPath, systemId: 'sys-nope', name: 'r', params: smallParams() })).code).toBe('not-found');
    expect((await callError(ctx, 'cancelRun', { projectPath, runId: '../../etc' })).code).toBe('invalid-input');
    expect((await callError(ctx, 'getFes', { projectPath, runId: 'run-missing' })).code).toBe('not-found');
    const other = await callError(ctx, 'listRuns', { projectPath: join(dir.path, 'Other.liftwell') });
    expect(other.code).toBe('not-found');
    expect((await callError(ctx, 'listRuns', { projectPath: 'relative.liftwell' })).code).toBe('invalid-input');
    expect((await callError(ctx, 'nonsense' as never, {})).code).toBe('invalid-input');
  });
});

describe('app info and cost', () => {
  test('getAppInfo lists the built-in systems (the issue-4 kinds too)', async () => {
    const info = await call(ctx, 'getAppInfo', {});
    expect(info.transport).toBe('browser');
    expect(info.workers).toBe(2);
    expect(info.systems.map((s) => s.kind).sort()).toEqual(['double-well', 'embedded', 'expression', 'fast-slow', 'fast-slow-multi', 'muller-brown', 'two-mode']);
    expect(info.systems.find((s) => s.kind === 'two-mode')?.hasExactProfile).toBe(true);
    const fs = info.systems.find((s) => s.kind === 'fast-slow')!;
    expect(fs.coordinateNames).toEqual(['x', 'y']);
    expect(fs.parameters.find((p) => p.name === 'f')?.choices).toEqual(['linear', 'sin', 'cubic']);
  });

  test('estimateUmbrellaCost', async () => {
    const est = await call(ctx, 'estimateUmbrellaCost', { params: smallParams() });
    expect(est.windows).toBe(7);
    expect(est.samplesPerWindow).toBe(400);
    expect(est.walkerSteps).toBe(7 * 4 * (200 + 4000));
    expect(est.diskBytes).toBeGreaterThan(7 * 4 * 400 * 8);
    expect(est.estimatedSeconds).toBeGreaterThan(0);
    expect(est.estimatedSeconds).toBeLessThan(10);
    expect(est.workers).toBe(2);
  });
});

describe('damaged results', () => {
  test('NaN rows and empty windows give clear errors; the project stays intact', async () => {
    const run = await call(ctx, 'startUmbrellaRun', { projectPath, systemId, name: 'r', params: smallParams({ stepsPerWindow: 500 }) });
    const done = await waitForFinal(ctx, run.id);
    expect(done.status).toBe('completed');
    const projectJson = readFileSync(join(projectPath, 'project.json'), 'utf8');
    const window2 = join(projectPath, 'runs', run.id, 'window-002.npy');
    const original = readFileSync(window2);
    // Put a NaN into the data (last 8 bytes of the .npy are the last sample).
    const nan = Buffer.from(original);
    nan.writeDoubleLE(Number.NaN, nan.length - 8);
    writeFileSync(window2, nan);
    const e1 = await callError(ctx, 'getFes', { projectPath, runId: run.id });
    expect(e1.code).toBe('bad-file');
    expect(e1.message).toContain(window2);
    expect(e1.message).toMatch(/non-finite/);
    // Garbage instead of .npy.
    writeFileSync(window2, 'not an npy');
    const e2 = await callError(ctx, 'getFes', { projectPath, runId: run.id });
    expect(e2.code).toBe('bad-file');
    expect(e2.message).toContain(window2);
    writeFileSync(window2, original);
    // A range where the windows have no samples at all.
    const e3 = await callError(ctx, 'getFes', { projectPath, runId: run.id, min: 50, max: 60 });
    expect(['invalid-input', 'bad-file']).toContain(e3.code);
    const e4 = await callError(ctx, 'getFes', { projectPath, runId: run.id, min: 1, max: -1 });
    expect(e4.message).toContain('max');
    expect(readFileSync(join(projectPath, 'project.json'), 'utf8')).toBe(projectJson);
    const fes = await call(ctx, 'getFes', { projectPath, runId: run.id });
    expect(fes.windowFreeEnergies).toHaveLength(7);
  });
});
