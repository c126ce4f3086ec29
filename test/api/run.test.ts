import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiEvent } from '../../src-main/api/contract';
import type { AppContext } from '../../src-main/api/handlers';
import { decodeNpy } from '../../src-main/engine/io/npy';
import { call, makeContext, setupProject, smallParams, tempDir, waitForFinal } from './helpers';

let dir: ReturnType<typeof tempDir>;
let ctx: AppContext;
beforeAll(() => {
  dir = tempDir();
  ctx = makeContext(join(dir.path, 'home'));
});
afterAll(async () => {
  await ctx.shutdown();
  dir.cleanup();
});

test('umbrella study on the double well, end to end through the handlers', async () => {
  const { projectPath, systemId } = await setupProject(ctx, dir.path, 'Double well');
  const events: ApiEvent[] = [];
  ctx.subscribe((e) => events.push(e));
  const params = smallParams({ stepsPerWindow: 60_000, walkersPerWindow: 8, stride: 20 });
  const run = await call(ctx, 'startUmbrellaRun', { projectPath, systemId, name: 'dw umbrella', params });
  expect(['queued', 'running']).toContain(run.status);
  if (run.kind !== 'umbrella') throw new Error('expected an umbrella run');
  expect(run.windowCenters).toHaveLength(7);
  // The job description is on disk before it runs.
  const runJson = JSON.parse(readFileSync(join(projectPath, 'runs', run.id, 'run.json'), 'utf8'));
  expect(runJson.job.windows).toHaveLength(7);
  expect(runJson.job.seed).toBe(7);

  const done = await waitForFinal(ctx, run.id);
  expect(done.status).toBe('completed');
  expect(done.progress).toBe(1);
  const statuses = events.filter((e) => e.type === 'run-status').map((e) => (e.type === 'run-status' ? e.run.status : ''));
  expect(statuses).toEqual(['queued', 'running', 'completed']);
  const progress = events.filter((e) => e.type === 'run-progress');
  expect(progress.length).toBeGreaterThan(1);
  const last = progress.at(-1)!;
  expect(last.type === 'run-progress' && last.fraction).toBe(1);
  expect(progress.some((e) => e.type === 'run-progress' && e.walkerStepsPerSecond !== null && e.walkerStepsPerSecond > 0)).toBe(true);

  for (let k = 0; k < 7; k++) {
    const file = join(projectPath, 'runs', run.id, `window-${String(k).padStart(3, '0')}.npy`);
    const { shape, data } = decodeNpy(readFileSync(file));
    expect(shape).toEqual([8, 3000]);
    expect(data.every(Number.isFinite)).toBe(true);
    expect(existsSync(join(projectPath, 'runs', run.id, `checkpoint-${String(k).padStart(3, '0')}.json`))).toBe(false);
  }

  const fes = await call(ctx, 'getFes', { projectPath, runId: run.id });
  expect(fes.cvName).toBe('x');
  expect(fes.centers).toHaveLength(100);
  expect(fes.histograms).toHaveLength(7);
  expect(fes.overlap).toHaveLength(7);
  expect(fes.converged).toBe(true);
  expect(fes.exact).toBeDefined();
  // Window free energies vs quadrature: 7 x 8 walkers x 3000 correlated samples; 0.3 kT is
  // several standard errors at this size yet catches any bias/sign error (values span ~1.4 kT).
  fes.windowFreeEnergies.forEach((f, k) => expect(Math.abs(f - fes.exact!.windowFreeEnergies[k])).toBeLessThan(0.3));
  // PMF vs exact in the well-sampled middle (shift both to agree at the minimum).
  for (let i = 0; i < fes.centers.length; i++) {
    const x = fes.centers[i];
    if (Math.abs(x) < 1.3 && fes.pmf[i] !== null) expect(Math.abs(fes.pmf[i]! - fes.exact!.pmf[i])).toBeLessThan(0.35);
  }
  expect(existsSync(join(projectPath, 'analyses', run.id, 'fes.json'))).toBe(true);

  // Reopen after a "restart": a new context on the same user data sees the project and run.
  const ctx2 = makeContext(join(dir.path, 'home'));
  try {
    const recent = await call(ctx2, 'listRecentProjects', {});
    expect(recent[0].path).toBe(projectPath);
    const reopened = await call(ctx2, 'openProject', { projectPath });
    expect(reopened.systems).toHaveLength(1);
    expect(reopened.runs.map((r) => [r.id, r.status])).toEqual([[run.id, 'completed']]);
    expect((await call(ctx2, 'getFes', { projectPath, runId: run.id, bins: 40 })).centers).toHaveLength(40);
  } finally {
    await ctx2.shutdown();
  }
});
