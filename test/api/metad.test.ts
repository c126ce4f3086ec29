/**
 * Metadynamics as the app runs it: a run through the API handlers in a worker thread, its FES
 * against the exact answer, the live preview events, the PLUMED/NumPy files, and a resume after
 * a crash that gives the same bits as an uninterrupted run.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiEvent, MetadParams } from '../../src-main/api/contract';
import { call, callError, makeContext, setupProject, tempDir, waitForFinal } from './helpers';

const dir = tempDir('liftwell-metad-');
afterAll(() => dir.cleanup());

// Double well a = 3 (barrier 3 kT): 16 walkers share the bias. 60k steps per walker deposit
// 16 * 300 = 4800 hills, enough for the well-tempered bias (gamma 8) to flatten the landscape.
const params: MetadParams = {
  cvIndices: [0],
  sigma: [0.1],
  height: 0.3,
  pace: 200,
  biasFactor: 8,
  kT: 1,
  dt: 2e-3,
  steps: 60_000,
  walkers: 16,
  integrator: 'overdamped',
  friction: 10,
  mass: 1,
  seed: 11,
};

let projectPath: string;
let systemId: string;
beforeAll(async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  ({ projectPath, systemId } = await setupProject(ctx, dir.path, 'Metad', { kind: 'double-well', a: 3 }));
  await ctx.shutdown();
});

test('a 1D metadynamics run recovers the double-well free energy and writes PLUMED files', async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  const previews: Extract<ApiEvent, { type: 'run-preview' }>[] = [];
  ctx.subscribe((e) => {
    if (e.type === 'run-preview') previews.push(e);
  });
  const run = await call(ctx, 'startMetadRun', { projectPath, systemId, name: 'metad dw', params });
  expect(run.kind).toBe('metad');
  const done = await waitForFinal(ctx, run.id, 120_000);
  expect(done.status).toBe('completed');
  expect(previews.length).toBeGreaterThan(0);
  expect(previews.at(-1)!.fes.length).toBe(previews.at(-1)!.axes[0].length);

  const result = await call(ctx, 'getMetadResult', { projectPath, runId: run.id });
  expect(result.cvNames).toEqual(['x']);
  expect(result.hills).toBe(16 * (params.steps / params.pace));
  // Heights decay as the bias fills the wells (well-tempered).
  expect(result.hillHeights.height.at(-1)!).toBeLessThan(0.5 * params.height);
  // FES vs exact V(x) where F < 4 kT, after removing the best constant: the engine's own tests
  // measure 0.05-0.1 kT RMS for runs of this length; 0.25 kT leaves room for seeds, and a
  // missing gamma/(gamma-1) factor (a 14% scale error on a 3 kT barrier, ~0.3 kT RMS) fails it.
  const axis = result.axes[0];
  const pairs = axis.map((_, i) => [result.fes[i], result.exact![i]]).filter(([, e]) => e < 4);
  const shift = pairs.reduce((s, [f, e]) => s + (f - e), 0) / pairs.length;
  const rms = Math.sqrt(pairs.reduce((s, [f, e]) => s + (f - e - shift) ** 2, 0) / pairs.length);
  console.log(`metad FES rms vs exact: ${rms.toFixed(3)} kT over ${pairs.length} nodes`);
  expect(rms).toBeLessThan(0.25);
  // c(t)-reweighted profile along x agrees with the exact one too (looser: histogram noise).
  const rw = result.reweighted[0];
  expect(rw.coordinate).toBe('x');
  const good = rw.centers.map((_, i) => [rw.pmf[i], rw.exact![i]]).filter(([p, e]) => p !== null && e! < 3) as number[][];
  const rwShift = good.reduce((s, [p, e]) => s + (p - e), 0) / good.length;
  const rwRms = Math.sqrt(good.reduce((s, [p, e]) => s + (p - e - rwShift) ** 2, 0) / good.length);
  console.log(`c(t)-reweighted rms vs exact: ${rwRms.toFixed(3)} kT over ${good.length} bins`);
  expect(rwRms).toBeLessThan(0.35);

  // Files a PLUMED user can read, and NumPy arrays.
  const runDir = join(projectPath, 'runs', run.id);
  expect(readFileSync(join(runDir, 'HILLS'), 'utf8')).toMatch(/^#! FIELDS time x sigma_x height biasf/);
  expect(readFileSync(join(runDir, 'COLVAR'), 'utf8')).toMatch(/^#! FIELDS time walker x metad.bias metad.rct/);
  for (const f of ['colvar.npy', 'fes.npy', 'bias-state.json']) expect(existsSync(join(runDir, f))).toBe(true);
  expect(existsSync(join(runDir, 'metad-checkpoint.json'))).toBe(false);

  // The umbrella-only call says what to use instead.
  expect((await callError(ctx, 'getFes', { projectPath, runId: run.id })).message).toMatch(/not an umbrella run; its free energy is shown with the run itself/);
  await ctx.shutdown();
});

test('bad metadynamics parameters are refused with the field named', async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  const bad = await callError(ctx, 'startMetadRun', { projectPath, systemId, name: 'bad', params: { ...params, biasFactor: 1 } });
  expect(bad.code).toBe('invalid-input');
  expect(bad.message).toContain('biasFactor');
  const y = await callError(ctx, 'startMetadRun', { projectPath, systemId, name: 'bad', params: { ...params, cvIndices: [1] } });
  expect(y.message).toContain('cvIndices');
  await ctx.shutdown();
});

test('a crashed metadynamics run resumes bit-identically', async () => {
  const short: MetadParams = { ...params, steps: 20_000, walkers: 8 };
  const ref = makeContext(join(dir.path, 'home'));
  const refRun = await call(ref, 'startMetadRun', { projectPath, systemId, name: 'ref', params: short });
  expect((await waitForFinal(ref, refRun.id, 120_000)).status).toBe('completed');
  await ref.shutdown();

  // Checkpoint often, then "kill -9" once a checkpoint exists.
  const ctx1 = makeContext(join(dir.path, 'home'), { checkpointIntervalMs: 10 });
  const run = await call(ctx1, 'startMetadRun', { projectPath, systemId, name: 'crash', params: short });
  const ck = join(projectPath, 'runs', run.id, 'metad-checkpoint.json');
  const t0 = Date.now();
  while (!existsSync(ck) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 5));
  await ctx1.jobs.kill();
  expect(existsSync(join(projectPath, 'runs', run.id, 'fes.npy'))).toBe(false);

  const ctx2 = makeContext(join(dir.path, 'home'));
  await call(ctx2, 'openProject', { projectPath });
  await call(ctx2, 'resumeRun', { projectPath, runId: run.id });
  expect((await waitForFinal(ctx2, run.id, 120_000)).status).toBe('completed');
  for (const f of ['fes.npy', 'colvar.npy', 'HILLS']) {
    expect(readFileSync(join(projectPath, 'runs', run.id, f)).equals(readFileSync(join(projectPath, 'runs', refRun.id, f))), f).toBe(true);
  }
  await ctx2.shutdown();
});
