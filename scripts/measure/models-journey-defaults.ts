// The fast/slow model of the e2e models journey (test/e2e/models.mjs, "a model trained with the form defaults is judged good"), without Chromium: the same metadynamics run through the API, the same training job (form defaults, seed 1), trained in this process with optional TrainOptions overrides, then the consistency report the GUI computes (n 500, seed 0). Prints the overall verdict, the worst mean / s.d. errors the journey logs, and per condition: verdict, mean error (s.d.), s.d. error.
// Usage: npx tsx scripts/measure/models-journey-defaults.ts '{"dir":"/tmp/journey-fs","seed":1,"train":{"learningRate":0.003},"reportSeeds":[0,1,2]}'  (dir caches the project and its metadynamics run between calls; needs out/node/worker.mjs: npm run build:node)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Trainer } from '../../src-main/engine/generative';
import { initTensorflowBackend } from '../../src-main/store/tf-backend';
import { readRunFile } from '../../src-main/runs/run-file';
import { planTrainJob } from '../../src-main/runs/train/plan';
import { loadTrainingFrames } from '../../src-main/runs/train/data';
import { trainOptionsOf } from '../../src-main/runs/train/task';
import { computeConsistencyReport } from '../../src-main/runs/train/consistency-report';
import type { MetadParams } from '../../src-main/api/contract';
import { call, makeContext, setupProject, waitForFinal } from '../../test/api/helpers';

const cfg = JSON.parse(process.argv[2] ?? '{}');
const dir: string = cfg.dir ?? '/tmp/liftwell-journey-fs';
// The journey's system and metadynamics run (test/e2e/models.mjs FS, MD; the wizard's dynamics defaults, as test/api/models.test.ts).
const FAST_SLOW = { kind: 'fast-slow', a: 1, s: 0.5, epsilon: 0.1, f: 'linear', c: 1 } as const;
const metad: MetadParams = {
  cvIndices: [0], sigma: [0.2], height: 0.2, pace: 100, biasFactor: 4, kT: 1, dt: 2e-3,
  steps: 24_000, walkers: 16, integrator: 'overdamped', friction: 10, mass: 1, colvarStride: 20, seed: 5,
};
const statePath = join(dir, 'state.json');
if (!existsSync(statePath)) {
  mkdirSync(dir, { recursive: true });
  const ctx = makeContext(join(dir, 'home'));
  const p = await setupProject(ctx, dir, 'Models', FAST_SLOW);
  const run = await call(ctx, 'startMetadRun', { projectPath: p.projectPath, systemId: p.systemId, name: 'fs metad', params: metad });
  const done = await waitForFinal(ctx, run.id, 600_000);
  if (done.status !== 'completed') throw new Error(`metadynamics run ${done.status}: ${done.error}`);
  await ctx.shutdown();
  writeFileSync(statePath, JSON.stringify({ projectPath: p.projectPath, metadRunId: run.id }));
}
const { projectPath, metadRunId } = JSON.parse(readFileSync(statePath, 'utf8'));
const backend = (await initTensorflowBackend('wasm')).backend;
const { job } = await planTrainJob(projectPath, { projectPath, name: 'defaults', sourceRunIds: [metadRunId], model: cfg.model ?? 'score', seed: cfg.seed ?? 1 }, readRunFile, 'measure');
const frames = loadTrainingFrames(projectPath, job);
const data = { x: frames.target, xDim: job.targetColumns.length, cond: frames.cond, condDim: job.condColumns.length, ...(frames.segments?.length ? { segments: frames.segments } : {}) };
const t0 = performance.now();
const c0 = process.cpuUsage();
const trainer = Trainer.create(data, { ...trainOptionsOf(job, backend), ...(cfg.train ?? {}) });
const p = await trainer.run();
const model = trainer.toModel();
trainer.dispose();
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(c0).user / 1e6;
const t = model.spec.training;
// The journey computes one report (seed 0); more report seeds show how much its verdict owes to the 500 lifted samples.
for (const reportSeed of (cfg.reportSeeds ?? [0]) as number[]) {
  const report = computeConsistencyReport({
    model, frames: loadTrainingFrames(projectPath, job), job, projectPath, n: 500, seed: reportSeed,
    record: { kind: job.model, condNames: ['x'], targetNames: ['y'], conditionRange: model.spec.conditionRange },
    training: { epochs: p.epoch, bestEpoch: t.weightsFromEpoch, stoppedEarly: p.stoppedEarly, hidden: null },
  });
  const targets = report.rows.map((r) => r.targets[0]).filter((x) => x.meanErrorSd !== null);
  const worstMean = Math.max(...targets.map((x) => Math.abs(x.meanErrorSd!)));
  const worstSd = Math.max(...targets.map((x) => Math.abs(x.sdRelativeError!)));
  console.log(JSON.stringify({
    cfg, reportSeed, backend, rows: job.rows, epochs: `${p.epoch}/${job.epochs}`, steps: p.step, best: t.weightsFromEpoch, stoppedEarly: p.stoppedEarly, wall: wall.toFixed(1), cpu: cpu.toFixed(1),
    verdict: report.verdict.overall, worstMean: worstMean.toFixed(3), worstSd: (100 * worstSd).toFixed(1),
    perCondition: report.rows.map((r) => `${r.cond[0].toFixed(2)}:${r.verdict}:${r.targets[0].meanErrorSd?.toFixed(3)}:${r.targets[0].sdRelativeError === null ? '-' : (100 * r.targets[0].sdRelativeError).toFixed(1) + '%'}`).join(' '),
  }));
}
