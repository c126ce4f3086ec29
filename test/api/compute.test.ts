/**
 * The compute-provider protocol (WebGPU training path, docs/webgpu-training.md) with a fake
 * in-process provider that trains with the engine's Trainer on the test process's tfjs backend:
 * claim -> progress + checkpoint -> complete (model saved, lifting works), cancel, a provider that
 * goes silent (explicit 'webgpu' fails clearly; 'auto' falls back to the worker thread), and the
 * device choice rules.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MetadParams } from '../../src-main/api/contract';
import { packArrays, tf, Trainer } from '../../src-main/engine/generative';
import { base64ToFloat64, bytesToBase64, type ComputeProgress, type ComputeTaskPayload } from '../../src-main/runs/runtime/compute-protocol';
import { call, callError, makeContext, setupProject, tempDir, waitForFinal } from './helpers';

const dir = tempDir('liftwell-compute-');
afterAll(() => dir.cleanup());
const home = join(dir.path, 'home');
const FAST_SLOW = { kind: 'fast-slow', a: 1, s: 0.5, epsilon: 0.1, f: 'linear', c: 1 } as const;
// A short metadynamics run: 4 walkers x 4000 steps, a frame every 10 steps = 1600 frames (enough rows to train a tiny net).
const metad: MetadParams = {
  cvIndices: [0], sigma: [0.2], height: 0.2, pace: 100, biasFactor: 4, kT: 1, dt: 2e-3,
  steps: 4000, walkers: 4, integrator: 'overdamped', friction: 10, mass: 1, colvarStride: 10, seed: 3,
};
const HARDWARE = { vendor: 'test-vendor', architecture: 'test-gpu', description: 'fake in-process provider', isFallbackAdapter: false };
const train = { model: 'score', epochs: 3, seed: 1, hidden: [8], batchSize: 256 } as const;

let projectPath: string;
let metadRunId: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const ctx = makeContext(home);
  const p = await setupProject(ctx, dir.path, 'Compute', FAST_SLOW);
  projectPath = p.projectPath;
  const run = await call(ctx, 'startMetadRun', { projectPath, systemId: p.systemId, name: 'fs metad', params: metad });
  const done = await waitForFinal(ctx, run.id, 60_000);
  expect(done.status, done.error).toBe('completed');
  metadRunId = run.id;
  await ctx.shutdown();
});

type Ctx = ReturnType<typeof makeContext>;

function progressOf(t: Trainer): ComputeProgress {
  const p = t.progress();
  return { step: p.step, totalSteps: p.totalSteps, epoch: p.epoch, history: t.lossHistory.map((h) => ({ ...h })), bestEpoch: p.bestEpoch, stoppedEarly: p.stoppedEarly, stepsPerSecond: null, backend: 'webgpu' };
}

/** What the compute page does, on the test's tfjs backend: train, report, checkpoint once, complete. */
async function fakeProvide(ctx: Ctx, task: ComputeTaskPayload): Promise<void> {
  const x = base64ToFloat64(task.data.x, 'x');
  const cond = base64ToFloat64(task.data.cond, 'cond');
  const trainer = Trainer.create({ x, xDim: task.data.xDim, cond, condDim: task.data.condDim }, task.options);
  try {
    let checkpointed = false;
    while (!trainer.done) {
      trainer.step();
      let checkpoint;
      if (!checkpointed && trainer.progress().epoch >= 1) {
        const c = trainer.getCheckpoint();
        const { specs, data } = packArrays(c.arrays);
        checkpoint = { json: c.json as unknown as Record<string, unknown>, specs, data: bytesToBase64(data) };
        checkpointed = true;
      }
      const reply = await call(ctx, 'reportComputeProgress', { taskId: task.taskId, progress: progressOf(trainer), ...(checkpoint ? { checkpoint } : {}) });
      expect(reply.cancel).toBe(false);
    }
    const model = trainer.toModel();
    const a = model.toArtifacts();
    model.dispose();
    await call(ctx, 'completeComputeTask', { taskId: task.taskId, progress: progressOf(trainer), artifacts: { spec: a.spec as unknown as Record<string, unknown>, weightSpecs: a.weightSpecs, weightData: bytesToBase64(a.weightData) } });
  } finally {
    trainer.dispose();
  }
}

test('claim -> progress + checkpoint -> complete: the main process saves the model, records webgpu, lifting works', async () => {
  const ctx = makeContext(home);
  try {
    const provider = await call(ctx, 'registerComputeProvider', { kind: 'webgpu', adapterInfo: HARDWARE, selfTest: { ok: true } });
    expect(provider.software).toBe(false);
    expect(await call(ctx, 'claimComputeTask', { providerId: provider.providerId, waitMs: 0 })).toBeNull();
    const checkpoints: number[] = [];
    ctx.subscribe((e) => {
      if (e.type === 'run-progress') checkpoints.push(e.fraction);
    });
    const run = await call(ctx, 'startTraining', { projectPath, name: 'on gpu', sourceRunIds: [metadRunId], device: 'auto', ...train });
    expect(run).toMatchObject({ device: 'webgpu' });
    const task = await call(ctx, 'claimComputeTask', { providerId: provider.providerId, waitMs: 20_000 });
    expect(task).not.toBeNull();
    expect(task!.options.backend).toBe('webgpu');
    expect(task!.checkpoint).toBeNull();
    await fakeProvide(ctx, task!);
    const done = await waitForFinal(ctx, run.id, 30_000);
    expect(done.status, done.error).toBe('completed');
    const [model] = (await call(ctx, 'listModels', { projectPath })).filter((m) => m.runId === run.id);
    expect(model).toMatchObject({ status: 'ready', backend: 'webgpu', epochsRun: 3 });
    expect((await call(ctx, 'getTraining', { projectPath, runId: run.id })).history).toHaveLength(3);
    // The checkpoint directory is removed once the model is saved.
    expect(existsSync(join(projectPath, 'runs', run.id, 'train-checkpoint'))).toBe(false);
    const lifted = await call(ctx, 'lift', { projectPath, modelId: model.id, cond: [0.5], n: 50, seed: 1 });
    expect(lifted.n).toBe(50);
    expect(checkpoints.length).toBeGreaterThan(0);
  } finally {
    await ctx.shutdown();
  }
});

test('cancelRun: the provider is told to stop at its next report', async () => {
  const ctx = makeContext(home);
  try {
    const provider = await call(ctx, 'registerComputeProvider', { kind: 'webgpu', adapterInfo: HARDWARE, selfTest: { ok: true } });
    const run = await call(ctx, 'startTraining', { projectPath, name: 'cancel me', sourceRunIds: [metadRunId], device: 'webgpu', ...train });
    const task = (await call(ctx, 'claimComputeTask', { providerId: provider.providerId, waitMs: 20_000 }))!;
    const progress: ComputeProgress = { step: 1, totalSteps: 10, epoch: 0, history: [], bestEpoch: 0, stoppedEarly: false, stepsPerSecond: null, backend: 'webgpu' };
    expect((await call(ctx, 'reportComputeProgress', { taskId: task.taskId, progress })).cancel).toBe(false);
    const cancelled = await call(ctx, 'cancelRun', { projectPath, runId: run.id });
    expect(cancelled.status).toBe('cancelled');
    expect((await call(ctx, 'reportComputeProgress', { taskId: task.taskId, progress })).cancel).toBe(true);
    expect((await callError(ctx, 'completeComputeTask', { taskId: task.taskId, progress, artifacts: { spec: {}, weightSpecs: [], weightData: '' } })).code).toBe('conflict');
  } finally {
    await ctx.shutdown();
  }
});

test('a provider that goes silent: explicit webgpu fails naming the cause; auto falls back to the worker thread', async () => {
  const ctx = makeContext(home, { computeProviderTimeoutMs: 600 });
  try {
    const a = await call(ctx, 'registerComputeProvider', { kind: 'webgpu', adapterInfo: HARDWARE, selfTest: { ok: true } });
    const explicit = await call(ctx, 'startTraining', { projectPath, name: 'lost', sourceRunIds: [metadRunId], device: 'webgpu', ...train });
    expect(await call(ctx, 'claimComputeTask', { providerId: a.providerId, waitMs: 20_000 })).not.toBeNull();
    // ... and never reports again.
    const failed = await waitForFinal(ctx, explicit.id, 20_000);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/WebGPU task was lost.*stopped answering/);

    const b = await call(ctx, 'registerComputeProvider', { kind: 'webgpu', adapterInfo: HARDWARE, selfTest: { ok: true } });
    const auto = await call(ctx, 'startTraining', { projectPath, name: 'falls back', sourceRunIds: [metadRunId], device: 'auto', ...train });
    expect(auto).toMatchObject({ device: 'webgpu' });
    expect(await call(ctx, 'claimComputeTask', { providerId: b.providerId, waitMs: 20_000 })).not.toBeNull();
    const done = await waitForFinal(ctx, auto.id, 40_000);
    expect(done.status, done.error).toBe('completed');
    const [model] = (await call(ctx, 'listModels', { projectPath })).filter((m) => m.runId === auto.id);
    expect(model.backend).toMatch(/^(wasm|cpu|node|node-gpu)$/);
  } finally {
    await ctx.shutdown();
  }
});

test('device choice: webgpu needs a usable provider; auto skips software adapters and failed self-tests', async () => {
  const ctx = makeContext(home);
  try {
    expect((await callError(ctx, 'startTraining', { projectPath, name: 'x', sourceRunIds: [metadRunId], device: 'webgpu', ...train })).message).toMatch(/no WebGPU compute page is connected/);
    await call(ctx, 'registerComputeProvider', { kind: 'webgpu', adapterInfo: { ...HARDWARE, vendor: 'google', architecture: 'swiftshader' }, selfTest: { ok: false, message: 'readSync returned zeros' } });
    expect((await callError(ctx, 'startTraining', { projectPath, name: 'x', sourceRunIds: [metadRunId], device: 'webgpu', ...train })).message).toMatch(/cannot train: .*swiftshader.*readSync returned zeros/);
    const sw = await call(ctx, 'registerComputeProvider', { kind: 'webgpu', adapterInfo: { ...HARDWARE, vendor: 'google', architecture: 'swiftshader' }, selfTest: { ok: true } });
    expect(sw.software).toBe(true);
    const run = await call(ctx, 'startTraining', { projectPath, name: 'auto on sw', sourceRunIds: [metadRunId], device: 'auto', ...train });
    expect(run).toMatchObject({ device: 'worker' });
    expect((run as { deviceReason?: string }).deviceReason).toMatch(/software/);
    await waitForFinal(ctx, run.id, 40_000);
  } finally {
    await ctx.shutdown();
  }
});
