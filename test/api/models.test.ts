/**
 * Generative models as the app runs them: a metadynamics run on the fast/slow system (linear f),
 * a score model trained on its pooled COLVAR frames in a worker thread (run kind 'train'), lifting
 * through the API against the exact conditional law p(y | x) = N(c x, s^2 kT), the consistency
 * report, tensor bookkeeping across lift calls, bit-identical resume after a crash, bad input.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiEvent, MetadParams, RunRecord } from '../../src-main/api/contract';
import { tf, Trainer } from '../../src-main/engine/generative';
import { saveModelFolder } from '../../src-main/store/model-folder';
import { call, callError, makeContext, setupProject, smallParams, tempDir, waitForFinal } from './helpers';

const dir = tempDir('liftwell-models-');
/** base64 little-endian float64 -> Float64Array (copied: small Buffers share a pool). */
const decode = (b64: string) => new Float64Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);
afterAll(() => dir.cleanup());

// V = (x^2 - 1)^2 + (y - x)^2 / (2 s^2), s = 0.5, kT = 1: p(y | x) = N(x, 0.25). y relaxes
// 1/epsilon = 10 times faster than x. dt 2e-3: the stiffest rate (mobility 10 x curvature 4 = 40)
// times dt is 0.08, well inside overdamped Euler's stable range.
const FAST_SLOW = { kind: 'fast-slow', a: 1, s: 0.5, epsilon: 0.1, f: 'linear', c: 1 } as const;
const SD_EXACT = 0.5;
// 16 walkers x 24 000 steps, a COLVAR row every 20 steps: 19 200 frames; metadynamics on x
// (barrier 1 kT, gamma 4) spreads them over x in [-1.6, 1.6].
const metad: MetadParams = {
  cvIndices: [0], sigma: [0.2], height: 0.2, pace: 100, biasFactor: 4, kT: 1, dt: 2e-3,
  steps: 24_000, walkers: 16, integrator: 'overdamped', friction: 10, mass: 1, colvarStride: 20, seed: 5,
};

let projectPath: string;
let metadRunId: string;
let modelId: string;
const home = join(dir.path, 'home');

beforeAll(async () => {
  const ctx = makeContext(home);
  const p = await setupProject(ctx, dir.path, 'Models', FAST_SLOW);
  projectPath = p.projectPath;
  const run = await call(ctx, 'startMetadRun', { projectPath, systemId: p.systemId, name: 'fs metad', params: metad });
  const done = await waitForFinal(ctx, run.id, 60_000);
  expect(done.status, done.error).toBe('completed');
  metadRunId = run.id;
  await ctx.shutdown();
});

test('train a score model on the metad frames, lift against the exact conditional law, report', async () => {
  const ctx = makeContext(home);
  const metrics: Extract<ApiEvent, { type: 'train-metrics' }>[] = [];
  const progress: Extract<ApiEvent, { type: 'run-progress' }>[] = [];
  ctx.subscribe((e) => {
    if (e.type === 'train-metrics') metrics.push(e);
    if (e.type === 'run-progress') progress.push(e);
  });
  const run = await call(ctx, 'startTraining', {
    projectPath, name: 'score y|x', sourceRunIds: [metadRunId], model: 'score', epochs: 25, seed: 1, hidden: [32, 32], holdOut: [0.3, 0.5],
  });
  expect(run.kind).toBe('train');
  const done = await waitForFinal(ctx, run.id, 60_000);
  expect(done.status, done.error).toBe('completed');
  // One loss point per epoch, live, with the backend the worker picked (wasm here: no native tfjs).
  expect(metrics.length).toBe(25);
  expect(metrics[0].backend).toMatch(/^(wasm|cpu|node|node-gpu)$/);
  expect(metrics.at(-1)!.point.trainLoss).toBeLessThan(metrics[0].point.trainLoss);
  expect(progress.some((p) => p.etaSeconds !== null)).toBe(true);

  const models = await call(ctx, 'listModels', { projectPath });
  expect(models).toHaveLength(1);
  const m = models[0];
  modelId = m.id;
  expect(m).toMatchObject({ status: 'ready', kind: 'score', condNames: ['x'], targetNames: ['y'], sourceRunIds: [metadRunId], backend: metrics[0].backend });
  expect(m.rows!.heldOut).toBeGreaterThan(0);
  const training = await call(ctx, 'getTraining', { projectPath, runId: run.id });
  expect(training.history).toHaveLength(25);
  expect(training.backend).toBe(m.backend);
  console.log(`training: ${m.rows!.train} rows, ${m.epochsRun} epochs, ${training.stepsPerSecond?.toFixed(0)} optimiser steps/s on ${m.backend} (32x32 score net, batch 256, in a worker thread)`);

  // Lift at x = -1 and x = 0.9 (dense data) and 0.4 (inside the hold-out: no training frame there).
  // Tolerances: the engine's test reaches 0.05 s.d. / 10% with 3800 steps on 12 000 rows; this
  // model has ~1700 steps on ~16 000 rows and 32-unit layers, so errors 2-4x larger are expected;
  // 0.25 s.d. on the mean and 25% on the s.d. still fail a model that ignores x (mean error 1.8-2
  // s.d. at x = +-0.9..1) or collapses to the marginal spread of y (s.d. ~ 1.1, +120%).
  const lifted = await call(ctx, 'lift', { projectPath, modelId, cond: [-1, 0.9, 0.4], n: 2000, seed: 3 });
  expect(lifted.conditions).toEqual([[-1], [0.9], [0.4]]);
  const all = decode(lifted.samples);
  expect(all.length).toBe(3 * 2000);
  const rows: string[] = [];
  [-1, 0.9, 0.4].forEach((x, k) => {
    const s = all.subarray(k * 2000, (k + 1) * 2000);
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / (s.length - 1));
    rows.push(`x=${x}: mean error ${((mean - x) / SD_EXACT).toFixed(3)} s.d., s.d. error ${(100 * (sd / SD_EXACT - 1)).toFixed(1)}%`);
    expect(Math.abs(mean - x) / SD_EXACT).toBeLessThan(0.25);
    expect(Math.abs(sd / SD_EXACT - 1)).toBeLessThan(0.25);
  });
  console.log(`lift vs exact (${m.backend}, ${lifted.seconds.toFixed(2)} s for 6000 samples):\n  ${rows.join('\n  ')}`);
  expect(lifted.warnings.every((w) => w.length === 0)).toBe(true);
  const outside = await call(ctx, 'lift', { projectPath, modelId, cond: [3.5], n: 10, seed: 0 });
  expect(outside.warnings[0][0]).toMatch(/outside the trained range/);

  // Tensors: lifting through the API does not leak (the model is cached, intermediates disposed).
  // (Lifting runs in the model thread; each reply carries tf.memory().numTensors there.)
  const first = await call(ctx, 'lift', { projectPath, modelId, cond: [0], n: 50, seed: 0, steps: 50 });
  expect(first.tensors).toBeGreaterThan(0); // the cached model's weights
  for (let i = 0; i < 3; i++) {
    const again = await call(ctx, 'lift', { projectPath, modelId, cond: [0.2, -0.5], n: 50, seed: i, steps: 50 });
    expect(again.tensors).toBe(first.tensors);
  }
  // The main process never loaded a model: no tensors here at all.
  expect(tf.memory().numTensors).toBe(0);

  const report = await call(ctx, 'consistencyReport', { projectPath, modelId, n: 400, seed: 2, steps: 200 });
  console.log(`consistency report: ${report.rows.length} conditions + closure in ${report.seconds.toFixed(1)} s`);
  expect(report.rows.length).toBe(12);
  const held = report.rows.filter((r) => r.heldOut);
  // The default grid plus the hold-out centre 0.4; grid points inside [0.3, 0.5] are held out too.
  expect(held.length).toBeGreaterThanOrEqual(1);
  expect(held.every((r) => r.cond[0] >= 0.3 && r.cond[0] <= 0.5)).toBe(true);
  const centre = held.find((r) => Math.abs(r.cond[0] - 0.4) < 1e-12)!;
  expect(centre).toBeDefined();
  // A coordinate CV: the restriction holds by construction, stated once, not reported as a check.
  expect(report.restriction.byConstruction).toBe(true);
  console.log(`report verdict ${report.verdict.overall}: ${report.rows.map((r) => `${r.cond[0].toFixed(2)} ${r.verdict} (ratio ${r.worstRatio?.toFixed(1)} [mean ${r.targets[0].vsExact?.mean.ratio.toFixed(1)} sd ${r.targets[0].vsExact?.sd.ratio.toFixed(1)} w1 ${r.targets[0].vsExact?.w1.ratio.toFixed(1)}; err ${r.targets[0].meanErrorSd?.toFixed(3)} sd ${r.targets[0].sdRelativeError?.toFixed(3)}], evolve z ${r.evolve?.worstZ.toFixed(1)}, ref frames ${r.simulationFrames}, sim-vs-exact ${r.targets[0].simulationVsExact?.worstRatio.toFixed(1)})`).join('\n  ')}\n  advice: ${report.verdict.advice.join(' | ')}`);
  expect(report.exactLaw).toMatch(/N\(f\(x\), s\^2 kT\)/);
  // Every condition is judged against the exact law, with lift-evolve-restrict bursts over 5 fast
  // relaxation times: tau = 1 / (mobility 10 x curvature 1/s^2 = 4) = 0.025, 5 tau / dt = 62.5 -> 63 steps.
  expect(report.evolveSettings).toMatchObject({ dt: 2e-3, integrator: 'overdamped' });
  expect(report.evolveSettings!.steps.at(-1)).toBe(63);
  for (const r of report.rows) {
    expect(r.judgedAgainst).toBe('exact');
    expect(r.verdict).not.toBeNull();
    expect(r.evolve!.times.at(-1)).toBeCloseTo(63 * 2e-3, 12);
    expect(r.evolve!.series.map((x) => x.name)).toEqual(['x', 'y']);
  }
  // The simulated reference (local-linear at x*, no bin-width bias) agrees with the exact law within
  // its own split-half floor at most conditions (a check of the reference, not of the model).
  const refRatios = report.rows.map((r) => r.targets[0].simulationVsExact!.worstRatio).sort((a, b) => a - b);
  expect(refRatios[Math.floor(refRatios.length / 2)]).toBeLessThan(3);
  // This model meets the lift tolerances above: not poor (good, or marginal where 400 samples resolve its few-% s.d. error).
  expect(report.verdict.overall).not.toBe('poor');
  for (const r of report.rows) {
    const t = r.targets[0];
    expect(t.exact!.mean).toBeCloseTo(r.cond[0], 12);
    expect(t.exact!.sd).toBe(SD_EXACT);
    expect(t.w1GeneratedVsExact).toBeGreaterThan(0);
    if (r.simulationFrames >= 5) expect(t.simulation!.n).toBe(r.simulationFrames);
  }
  // Held-out simulation frames (never trained on) agree with the exact law: a check of the report's binning.
  // (+-halfWidth bin around 0.4, a few hundred frames: the standard error of the mean is ~0.03.)
  expect(Math.abs(centre.targets[0].simulation!.mean - 0.4)).toBeLessThan(0.1);
  expect(Math.abs(centre.targets[0].meanErrorSd!)).toBeLessThan(0.3);
  expect(report.closure!.exact).toEqual(report.closure!.cond);

  // A deliberately undertrained model (1 epoch, 8 units): poor against the exact law, with advice.
  const weak = await call(ctx, 'startTraining', { projectPath, name: 'undertrained', sourceRunIds: [metadRunId], model: 'score', epochs: 1, seed: 1, hidden: [8] });
  expect((await waitForFinal(ctx, weak.id, 60_000)).status).toBe('completed');
  const weakId = (await call(ctx, 'listModels', { projectPath })).find((x) => x.runId === weak.id)!.id;
  const poor = await call(ctx, 'consistencyReport', { projectPath, modelId: weakId, n: 400, seed: 2, steps: 100 });
  console.log(`undertrained: ${poor.verdict.overall}; worst ratios ${poor.rows.map((r) => r.worstRatio?.toFixed(0)).join(' ')}; advice: ${poor.verdict.advice.join(' | ')}`);
  expect(poor.verdict.overall).toBe('poor');
  expect(poor.rows.filter((r) => r.verdict === 'poor').length).toBeGreaterThanOrEqual(6);
  expect(poor.verdict.advice.join(' ')).toMatch(/Train longer/);
  const detail = await call(ctx, 'getModel', { projectPath, modelId, maxPoints: 500 });
  expect(detail.data.cond.length).toBeLessThanOrEqual(500);
  expect(detail.data.heldOut.some(Boolean)).toBe(true);
  await ctx.shutdown();
});

/** Runs a training run to the end (optionally crashing it once a checkpoint exists) and returns weights.bin. */
async function trainWeights(name: string, crash: boolean): Promise<{ bytes: Buffer; run: RunRecord }> {
  const params = { projectPath, name, sourceRunIds: [metadRunId], model: 'score' as const, epochs: 6, seed: 9, hidden: [16, 16], batchSize: 512 };
  let ctx = makeContext(home, { checkpointIntervalMs: crash ? 30 : 60_000 });
  const run = await call(ctx, 'startTraining', params);
  const modelFolder = () => join(projectPath, 'models', (run as Extract<RunRecord, { kind: 'train' }>).modelId);
  if (crash) {
    const ck = join(projectPath, 'runs', run.id, 'train-checkpoint', 'checkpoint.json');
    const t0 = Date.now();
    while (!existsSync(ck) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 10));
    expect(existsSync(ck)).toBe(true);
    await ctx.jobs.kill();
    expect(existsSync(join(modelFolder(), 'weights.bin'))).toBe(false);
    ctx = makeContext(home);
    const listed = await call(ctx, 'listRuns', { projectPath });
    expect(listed.find((r) => r.id === run.id)!.status).toBe('interrupted');
    await call(ctx, 'resumeRun', { projectPath, runId: run.id });
  }
  const done = await waitForFinal(ctx, run.id, 60_000);
  expect(done.status, done.error).toBe('completed');
  await ctx.shutdown();
  return { bytes: readFileSync(join(modelFolder(), 'weights.bin')), run };
}

test('a training run killed mid-way resumes from its checkpoint to the same weights, bit for bit', async () => {
  const straight = await trainWeights('straight', false);
  const resumed = await trainWeights('crashed', true);
  expect(resumed.bytes.length).toBe(straight.bytes.length);
  expect(resumed.bytes.equals(straight.bytes)).toBe(true);
});

test('cancel stops a training run (the model is not usable); a GAN model trains and lifts', async () => {
  const ctx = makeContext(home);
  const long = await call(ctx, 'startTraining', { projectPath, name: 'long', sourceRunIds: [metadRunId], model: 'score', epochs: 5000, seed: 0, hidden: [16] });
  await new Promise<void>((resolve) => {
    const off = ctx.subscribe((e) => {
      if (e.type === 'train-metrics' && e.runId === long.id) {
        off();
        resolve();
      }
    });
  });
  const cancelled = await call(ctx, 'cancelRun', { projectPath, runId: long.id });
  expect(cancelled.status).toBe('cancelled');
  const listed = (await call(ctx, 'listModels', { projectPath })).find((m) => m.runId === long.id)!;
  expect(listed.status).toBe('cancelled');
  expect((await callError(ctx, 'lift', { projectPath, modelId: listed.id, cond: [0], n: 5, seed: 0 })).code).toBe('conflict');

  const gan = await call(ctx, 'startTraining', { projectPath, name: 'gan', sourceRunIds: [metadRunId], model: 'gan', epochs: 3, seed: 0, hidden: [16, 16], batchSize: 512 });
  const ganDone = await waitForFinal(ctx, gan.id, 60_000);
  expect(ganDone.status, ganDone.error).toBe('completed');
  const gm = (await call(ctx, 'listModels', { projectPath })).find((m) => m.runId === gan.id)!;
  expect(gm.kind).toBe('gan');
  const out = await call(ctx, 'lift', { projectPath, modelId: gm.id, cond: [0.5], n: 100, seed: 1 });
  expect(decode(out.samples).every(Number.isFinite)).toBe(true);
  await ctx.shutdown();
});

test('bad input: no runs, an umbrella run, runs of different systems, a model folder from elsewhere', async () => {
  const ctx = makeContext(home);
  expect((await callError(ctx, 'startTraining', { projectPath, name: 'x', sourceRunIds: [], model: 'score', epochs: 1, seed: 0 })).code).toBe('invalid-input');
  expect((await callError(ctx, 'startTraining', { projectPath, name: 'x', sourceRunIds: ['run-nope'], model: 'score', epochs: 1, seed: 0 })).code).toBe('not-found');

  const dw = await call(ctx, 'addSystem', { projectPath, name: 'dw', spec: { kind: 'double-well', a: 2 } });
  const umb = await call(ctx, 'startUmbrellaRun', { projectPath, systemId: dw.id, name: 'u', params: smallParams({ stepsPerWindow: 200, stride: 10, equilibrationSteps: 0, centers: { mode: 'range', min: -1, max: 1, count: 2 } }) });
  expect((await waitForFinal(ctx, umb.id)).status).toBe('completed');
  const e1 = await callError(ctx, 'startTraining', { projectPath, name: 'x', sourceRunIds: [umb.id], model: 'score', epochs: 1, seed: 0 });
  // (Umbrella runs are training data now, test/api/models-umbrella.test.ts; this 1-D one has no
  // coordinate besides its CV.)
  expect(e1.code).toBe('invalid-input');
  expect(e1.message).toMatch(/double-well system \(x\) is a CV of these runs: there is nothing left to generate/);

  const mb = await call(ctx, 'addSystem', { projectPath, name: 'mb', spec: { kind: 'muller-brown', scale: 1 } });
  const other = await call(ctx, 'startMetadRun', { projectPath, systemId: mb.id, name: 'mb', params: { ...metad, kT: 15, sigma: [0.1], height: 1.5, dt: 1e-4, steps: 200, walkers: 2 } });
  const otherDone = await waitForFinal(ctx, other.id);
  // (Finished or not, a run of another system is refused for that reason first.)
  void otherDone;
  const e2 = await callError(ctx, 'startTraining', { projectPath, name: 'x', sourceRunIds: [metadRunId, other.id], model: 'gan', epochs: 1, seed: 0 });
  expect(e2.code).toBe('invalid-input');
  expect(e2.message).toMatch(/different system/);

  // A model folder replaced by one from elsewhere (another program's file, then a Liftwell model
  // of a different shape) gives a clear bad-file error, not garbage samples.
  const folder = join(projectPath, 'models', modelId);
  const spec = readFileSync(join(folder, 'liftwell-model.json'), 'utf8');
  writeFileSync(join(folder, 'liftwell-model.json'), JSON.stringify({ format: 'keras-model', formatVersion: 1 }));
  const e3 = await callError(ctx, 'lift', { projectPath, modelId, cond: [0], n: 5, seed: 0 });
  expect(e3.code).toBe('bad-file');
  expect(e3.message).toMatch(/not a Liftwell generative model/);
  const parsed = JSON.parse(spec);
  parsed.formatVersion = 99;
  writeFileSync(join(folder, 'liftwell-model.json'), JSON.stringify(parsed));
  expect((await callError(ctx, 'lift', { projectPath, modelId, cond: [0], n: 5, seed: 0 })).message).toMatch(/newer Liftwell/);
  writeFileSync(join(folder, 'liftwell-model.json'), spec);
  expect((await call(ctx, 'lift', { projectPath, modelId, cond: [0], n: 5, seed: 0, steps: 20 })).n).toBe(5);
  expect((await callError(ctx, 'lift', { projectPath, modelId, cond: [], n: 5, seed: 0 })).code).toBe('invalid-input');
  await ctx.shutdown();

  // A valid Liftwell model of another shape (2 values given 2) copied over this one.
  const foreign = Trainer.create(
    { x: Float64Array.from({ length: 40 }, (_, i) => Math.sin(i)), xDim: 2, cond: Float64Array.from({ length: 40 }, (_, i) => Math.cos(i)), condDim: 2 },
    { model: 'gan', epochs: 1, seed: 0, hidden: [4], backend: 'test' },
  );
  foreign.step();
  const fm = foreign.toModel();
  foreign.dispose();
  await saveModelFolder(folder, fm);
  fm.dispose();
  const fresh = makeContext(home);
  const e4 = await callError(fresh, 'lift', { projectPath, modelId, cond: [0], n: 5, seed: 0 });
  expect(e4.code).toBe('bad-file');
  expect(e4.message).toMatch(/not the model of y given x this project trained/);
  await fresh.shutdown();
});
