/**
 * Generative models trained on umbrella sampling (SCIENCE.md section 2): windows on x of the
 * fast/slow system keep every coordinate of every sample (window-NNN-x.npy); a score model trained
 * on the pooled windows (no reweighting: the bias depends on x only, so p_bias(y | x) = p(y | x))
 * lifts y at x values between window centres against the exact law p(y | x) = N(c x, s^2 kT).
 * Also: the two window files agree, umbrella and metadynamics runs pool, old-format runs are refused,
 * and a window resumed from an old checkpoint (no configurations) still finishes (without -x.npy).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { umbrellaParams, type MetadParams, type UmbrellaParamsInput } from '../../src-main/api/contract';
import { decodeNpy } from '../../src-main/engine/io/npy';
import type { AppContext } from '../../src-main/api/handlers';
import { planUmbrellaJob } from '../../src-main/runs/umbrella/plan';
import { runWindow, type WindowCheckpoint } from '../../src-main/runs/umbrella/window-task';
import { sourceCvIndices, sourceRuns, sourceSummary } from '../../src-renderer/src/features/models/models';
import { call, callError, makeContext, setupProject, tempDir, waitForFinal } from './helpers';

const dir = tempDir('liftwell-models-umbrella-');
const decode = (b64: string) => new Float64Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);
const npy = (path: string) => {
  const bytes = readFileSync(path);
  return decodeNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
};

// V = (x^2 - 1)^2 + (y - x)^2 / (2 s^2), s = 0.5, kT = 1: p(y | x) = N(x, 0.25); y relaxes
// 1/epsilon = 10 times faster than x. As in models.test.ts, dt 2e-3 keeps the stiffest rate
// (y: 10 x 4 = 40; x: spring 25 + curvature <= 12) times dt below 0.1.
const FAST_SLOW = { kind: 'fast-slow', a: 1, s: 0.5, epsilon: 0.1, f: 'linear', c: 1 } as const;
const SD_EXACT = 0.5;
// 7 windows on x at -1.2, -0.8, ..., 1.2 (spacing 0.4); spring 25 gives each window an x spread
// of ~0.2 s.d., so neighbours overlap and the midpoints lie 1 s.d. from two centres.
// 16 walkers x 170 samples (stride 20 steps = 0.04 time units, about the x relaxation time 1/25 and
// 3 y relaxation times): 7 x 16 x 170 = 19 040 frames, as many as the metadynamics run of models.test.ts.
const WINDOWS = 7;
const WALKERS = 16;
const SAMPLES = 170;
const umbrella: UmbrellaParamsInput = {
  cvIndex: 0, centers: { mode: 'range', min: -1.2, max: 1.2, count: WINDOWS }, spring: 25, kT: 1, dt: 2e-3,
  stepsPerWindow: SAMPLES * 20, stride: 20, walkersPerWindow: WALKERS, equilibrationSteps: 500, seed: 11,
};

let ctx: AppContext;
let projectPath: string;
let systemId: string;
let umbrellaRunId: string;
const home = join(dir.path, 'home');

async function completed(runId: string) {
  const done = await waitForFinal(ctx, runId, 30_000);
  expect(done.status, done.error).toBe('completed');
}

beforeAll(async () => {
  ctx = makeContext(home);
  ({ projectPath, systemId } = await setupProject(ctx, dir.path, 'Umbrella models', FAST_SLOW));
  const run = await call(ctx, 'startUmbrellaRun', { projectPath, systemId, name: 'fs umbrella', params: umbrella });
  await completed(run.id);
  umbrellaRunId = run.id;
});
afterAll(async () => {
  await ctx.shutdown();
  dir.cleanup();
});

test('each window keeps every coordinate of every sample; its CV column is window-NNN.npy', () => {
  const runDir = join(projectPath, 'runs', umbrellaRunId);
  for (let k = 0; k < WINDOWS; k++) {
    const stem = join(runDir, `window-${String(k).padStart(3, '0')}`);
    const cv = npy(`${stem}.npy`);
    const x = npy(`${stem}-x.npy`);
    expect(cv.shape).toEqual([WALKERS, SAMPLES]);
    expect(x.shape).toEqual([WALKERS, SAMPLES, 2]);
    let mismatches = 0;
    for (let i = 0; i < WALKERS * SAMPLES; i++) if (x.data[2 * i] !== cv.data[i]) mismatches++;
    expect(mismatches).toBe(0);
    // y is a sampled coordinate, not a copy of x.
    expect(x.data[1]).not.toBe(x.data[0]);
  }
});

test('a score model trained on the pooled windows lifts y between window centres as the exact law', async () => {
  const run = await call(ctx, 'startTraining', {
    projectPath, name: 'score y|x (umbrella)', sourceRunIds: [umbrellaRunId], model: 'score', epochs: 25, seed: 1, hidden: [32, 32], holdOut: [0.5, 0.7],
  });
  await completed(run.id);
  const m = (await call(ctx, 'listModels', { projectPath })).find((r) => r.runId === run.id)!;
  expect(m).toMatchObject({ status: 'ready', condNames: ['x'], targetNames: ['y'], sourceRunIds: [umbrellaRunId] });
  // Every sample of every window and walker is a row (trained, validation or held out).
  expect(m.rows!.train + m.rows!.validation + m.rows!.heldOut).toBe(WINDOWS * WALKERS * SAMPLES);
  expect(m.rows!.heldOut).toBeGreaterThan(0);

  // Midpoints between centres (-0.6, 0.2; 1.0) and 0.6 inside the hold-out (no training frame there).
  // Tolerances as in models.test.ts (same network, epochs and about the same number of rows): 0.25 s.d.
  // on the mean, 25% on the s.d.; they still fail a model that ignores x (mean error >= 1.2 s.d. at
  // x = -0.6 and 1.0) or gives the marginal spread of y (s.d. ~ 1.1, +120%).
  const conds = [-0.6, 0.2, 1.0, 0.6];
  const n = 2000;
  const lifted = await call(ctx, 'lift', { projectPath, modelId: m.id, cond: conds, n, seed: 3 });
  const all = decode(lifted.samples);
  const lines: string[] = [];
  conds.forEach((x, k) => {
    const s = all.subarray(k * n, (k + 1) * n);
    const mean = s.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    lines.push(`x=${x}: mean error ${((mean - x) / SD_EXACT).toFixed(3)} s.d., s.d. error ${(100 * (sd / SD_EXACT - 1)).toFixed(1)}%`);
    expect(Math.abs(mean - x) / SD_EXACT).toBeLessThan(0.25);
    expect(Math.abs(sd / SD_EXACT - 1)).toBeLessThan(0.25);
  });
  console.log(`umbrella-trained score model (${m.rows!.train} rows, ${m.backend}) vs exact:\n  ${lines.join('\n  ')}`);

  // The report's simulation statistics come from the pooled window frames; held-out frames (never
  // trained on) sit where the exact law says: +-halfWidth bin, a few hundred frames, s.e.m. ~0.03.
  const report = await call(ctx, 'consistencyReport', { projectPath, modelId: m.id, conditions: [-0.6, 0.2, 0.6], n: 400, seed: 2, steps: 200 });
  for (const r of report.rows) {
    expect(r.simulationFrames).toBeGreaterThanOrEqual(50);
    expect(r.targets[0].simulation!.n).toBe(r.simulationFrames);
    expect(Math.abs(r.targets[0].simulation!.mean - r.cond[0])).toBeLessThan(0.15);
  }
  expect(report.rows.map((r) => r.heldOut)).toEqual([false, false, true]);
});

test('umbrella and metadynamics runs of the same system, CV and kT pool into one training set', async () => {
  const metad: MetadParams = {
    cvIndices: [0], sigma: [0.2], height: 0.2, pace: 100, biasFactor: 4, kT: 1, dt: 2e-3,
    steps: 2000, walkers: 4, integrator: 'overdamped', friction: 10, mass: 1, colvarStride: 20, seed: 5,
  };
  const md = await call(ctx, 'startMetadRun', { projectPath, systemId, name: 'fs metad', params: metad });
  await completed(md.id);
  const frames = npy(join(projectPath, 'runs', md.id, 'colvar.npy')).shape[0];
  const run = await call(ctx, 'startTraining', { projectPath, name: 'pooled', sourceRunIds: [umbrellaRunId, md.id], model: 'score', epochs: 1, seed: 0, hidden: [8] });
  await completed(run.id);
  const m = (await call(ctx, 'listModels', { projectPath })).find((r) => r.runId === run.id)!;
  expect(m.rows!.train + m.rows!.validation + m.rows!.heldOut).toBe(WINDOWS * WALKERS * SAMPLES + frames);
  // The Models view's source list offers both completed runs (not the training runs), biasing x.
  const offered = sourceRuns(await call(ctx, 'listRuns', { projectPath }));
  expect(offered.map((r) => r.id).sort()).toEqual([umbrellaRunId, md.id].sort());
  expect(offered.map(sourceCvIndices)).toEqual([[0], [0]]);
  expect(sourceSummary(offered.find((r) => r.kind === 'umbrella')!)).toMatch(/^umbrella · 7 windows × 16×3,?400 steps$/);
  // Another kT changes p(y | x): refused.
  const hot = await call(ctx, 'startUmbrellaRun', { projectPath, systemId, name: 'hot', params: { ...umbrella, kT: 2, stepsPerWindow: 200, equilibrationSteps: 0, walkersPerWindow: 2 } });
  await completed(hot.id);
  const e = await callError(ctx, 'startTraining', { projectPath, name: 'x', sourceRunIds: [umbrellaRunId, hot.id], model: 'score', epochs: 1, seed: 0 });
  expect(e.message).toMatch(/kT/);
});

test('an umbrella run made before configurations were kept is refused with a clear message', async () => {
  const old = await call(ctx, 'startUmbrellaRun', { projectPath, systemId, name: 'old', params: { ...umbrella, stepsPerWindow: 200, equilibrationSteps: 0, walkersPerWindow: 2 } });
  await completed(old.id);
  // What an older Liftwell left: window-NNN.npy only.
  const runDir = join(projectPath, 'runs', old.id);
  for (const f of readdirSync(runDir)) if (f.endsWith('-x.npy')) unlinkSync(join(runDir, f));
  const e = await callError(ctx, 'startTraining', { projectPath, name: 'x', sourceRunIds: [old.id], model: 'score', epochs: 1, seed: 0 });
  expect(e.code).toBe('invalid-input');
  expect(e.message).toContain('"old"');
  expect(e.message).toContain('run made by an older Liftwell keeps only CV samples; rerun it to train on it');
  // Its FES still works: window-NNN.npy is unchanged.
  const fes = await call(ctx, 'getFes', { projectPath, runId: old.id, bins: 20 });
  expect(fes.windowCenters).toHaveLength(WINDOWS);
  expect(fes.pmf.some((v) => v !== null)).toBe(true);
});

test('a window resumed from a checkpoint of an older Liftwell (no configurations) finishes without -x.npy', () => {
  // 16 walkers x 400 samples: production runs in 3 chunks, so a checkpoint falls between them.
  const job = planUmbrellaJob(FAST_SLOW, umbrellaParams.parse({ ...umbrella, centers: { mode: 'list', values: [0.3] }, stepsPerWindow: 8000, equilibrationSteps: 100 }));
  const raw = join(dir.path, 'raw');
  let t = 0;
  const options = (runId: string, onCheckpoint?: (step: number) => void) => {
    mkdirSync(join(raw, 'runs', runId), { recursive: true });
    // A fake clock: a checkpoint after every chunk.
    return { projectPath: raw, runId, job, windowIndex: 0, checkpointIntervalMs: 1, progressIntervalMs: 1e9, now: () => t++, onCheckpoint };
  };
  const file = (runId: string, name: string) => join(raw, 'runs', runId, name);
  runWindow(options('run-reference'));
  expect(() => runWindow(options('run-old', (step) => { if (step > 100) throw new Error('killed'); }))).toThrow('killed');
  const ck = JSON.parse(readFileSync(file('run-old', 'checkpoint-000.json'), 'utf8')) as WindowCheckpoint;
  expect(ck.samplesDone).toBeGreaterThan(0);
  expect(ck.samplesDone).toBeLessThan(400);
  expect(ck.configurations).toBeDefined();
  delete ck.configurations;
  writeFileSync(file('run-old', 'checkpoint-000.json'), JSON.stringify(ck));
  runWindow(options('run-old'));
  expect(readFileSync(file('run-old', 'window-000.npy')).equals(readFileSync(file('run-reference', 'window-000.npy')))).toBe(true);
  expect(existsSync(file('run-reference', 'window-000-x.npy'))).toBe(true);
  expect(existsSync(file('run-old', 'window-000-x.npy'))).toBe(false);
  expect(existsSync(file('run-old', 'checkpoint-000.json'))).toBe(false);
});
