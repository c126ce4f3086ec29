/**
 * The GPU compute page (docs/webgpu-training.md): a compute provider for the main process. It
 * starts tfjs on WebGPU, checks that the backend computes correctly (self-test.ts), registers,
 * then long-polls for training tasks and runs them with the engine's Trainer through its
 * asynchronous readback methods (stepAsync, getCheckpointAsync, toModelAsync, toArtifactsAsync:
 * WebGPU's synchronous readback is broken on some adapters), reporting progress, checkpoints and
 * the final model through the same API transport as the app (WebSocket + token in browser mode,
 * the preload bridge in Electron). The main process owns the run; this page only computes.
 */
import '@tensorflow/tfjs-backend-webgpu';
import { packArrays, tf, Trainer, type TrainerCheckpoint } from '../../../src-main/engine/generative';
import { unpackArrays } from '../../../src-main/engine/generative/weights';
import {
  base64ToBytes,
  base64ToFloat64,
  bytesToBase64,
  type AdapterInfo,
  type ComputeProgress,
  type ComputeTaskPayload,
} from '../../../src-main/runs/runtime/compute-protocol';
import { createClient, errorMessage } from '../shared/api';
import { runSelfTest, type SelfTestResult } from './self-test';

const statusEl = document.getElementById('status')!;
const lines: string[] = [];
function show(state: string, line: string): void {
  lines.push(line);
  statusEl.textContent = lines.slice(-30).join('\n');
  statusEl.dataset.state = state;
}

interface ComputeState { backend: string | null; adapter: AdapterInfo | null; selfTest: SelfTestResult | null; providerId: string | null; tasks: number; lastTask: { taskId: string; steps: number; seconds: number; outcome: string } | null }
const state: ComputeState = { backend: null, adapter: null, selfTest: null, providerId: null, tasks: 0, lastTask: null };
(window as unknown as { liftwellCompute: ComputeState }).liftwellCompute = state;

const client = createClient();
const api = client.api;

async function adapterInfo(): Promise<AdapterInfo | null> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<GPUAdapterLike | null> } }).gpu;
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter();
  if (!adapter) return null;
  const info = adapter.info ?? (adapter.requestAdapterInfo ? await adapter.requestAdapterInfo() : {});
  return { vendor: info.vendor ?? '', architecture: info.architecture ?? '', description: info.description ?? '', isFallbackAdapter: Boolean(adapter.isFallbackAdapter) };
}
interface GPUAdapterLike { info?: { vendor?: string; architecture?: string; description?: string }; requestAdapterInfo?: () => Promise<{ vendor?: string; architecture?: string; description?: string }>; isFallbackAdapter?: boolean }

function progressOf(trainer: Trainer, stepsPerSecond: number | null): ComputeProgress {
  const p = trainer.progress();
  return { step: p.step, totalSteps: p.totalSteps, epoch: p.epoch, history: trainer.lossHistory.map((h) => ({ ...h })), bestEpoch: p.bestEpoch, stoppedEarly: p.stoppedEarly, stepsPerSecond, backend: 'webgpu' };
}

function wireCheckpoint(c: TrainerCheckpoint) {
  const { specs, data } = packArrays(c.arrays);
  return { json: c.json as unknown as Record<string, unknown>, specs, data: bytesToBase64(data) };
}

const nextFrame = () => new Promise<void>((r) => setTimeout(r, 0));

async function runTask(task: ComputeTaskPayload): Promise<void> {
  const data = { x: base64ToFloat64(task.data.x, 'x'), xDim: task.data.xDim, cond: base64ToFloat64(task.data.cond, 'cond'), condDim: task.data.condDim, ...(task.data.segments ? { segments: task.data.segments } : {}) };
  const trainer = task.checkpoint
    ? Trainer.restore(data, { json: task.checkpoint.json, arrays: [...unpackArrays(task.checkpoint.specs, base64ToBytes(task.checkpoint.data), 'checkpoint').values()] })
    : Trainer.create(data, task.options);
  const began = performance.now();
  const startStep = trainer.progress().step;
  const rate = () => {
    const s = (performance.now() - began) / 1000;
    const n = trainer.progress().step - startStep;
    return s > 0 && n > 0 ? n / s : null;
  };
  show('training', `task ${task.taskId}: ${trainer.totalSteps} steps`);
  try {
    // An immediate report tells the main process the task arrived (and is its first heartbeat).
    if ((await api.reportComputeProgress({ taskId: task.taskId, progress: progressOf(trainer, null) })).cancel) return;
    let lastReport = performance.now();
    let lastCheckpoint = performance.now();
    while (!trainer.done) {
      await trainer.stepAsync();
      const t = performance.now();
      if (trainer.done) break;
      if (t - lastReport >= task.progressIntervalMs) {
        const checkpoint = t - lastCheckpoint >= task.checkpointIntervalMs ? wireCheckpoint(await trainer.getCheckpointAsync()) : undefined;
        if (checkpoint) lastCheckpoint = t;
        lastReport = t;
        const reply = await api.reportComputeProgress({ taskId: task.taskId, progress: progressOf(trainer, rate()), ...(checkpoint ? { checkpoint } : {}) });
        if (reply.cancel) {
          show('idle', `task ${task.taskId}: cancelled at step ${trainer.progress().step}`);
          state.lastTask = { taskId: task.taskId, steps: trainer.progress().step - startStep, seconds: (performance.now() - began) / 1000, outcome: 'cancelled' };
          return;
        }
        await nextFrame();
      }
    }
    const seconds = (performance.now() - began) / 1000;
    const model = await trainer.toModelAsync();
    const a = await model.toArtifactsAsync().finally(() => model.dispose());
    await api.completeComputeTask({
      taskId: task.taskId,
      progress: progressOf(trainer, rate()),
      artifacts: { spec: a.spec as unknown as Record<string, unknown>, weightSpecs: a.weightSpecs, weightData: bytesToBase64(a.weightData) },
    });
    state.lastTask = { taskId: task.taskId, steps: trainer.progress().step - startStep, seconds, outcome: 'completed' };
    show('idle', `task ${task.taskId}: done, ${trainer.progress().step - startStep} steps in ${seconds.toFixed(1)} s`);
  } finally {
    trainer.dispose();
  }
}

async function main(): Promise<void> {
  const adapter = await adapterInfo();
  if (!adapter) {
    show('no-webgpu', 'This browser exposes no WebGPU adapter (navigator.gpu missing or requestAdapter() gave none); nothing to do.');
    return;
  }
  state.adapter = adapter;
  show('starting', `adapter: ${[adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' ') || 'unknown'}${adapter.isFallbackAdapter ? ' (fallback)' : ''}`);
  let selfTest: SelfTestResult;
  try {
    if (!(await tf.setBackend('webgpu'))) throw new Error('tf.setBackend("webgpu") returned false');
    await tf.ready();
    selfTest = await runSelfTest();
    state.backend = tf.getBackend();
  } catch (error) {
    selfTest = { ok: false, message: `the WebGPU backend did not start: ${errorMessage(error)}` };
  }
  state.selfTest = selfTest;
  show(selfTest.ok ? 'starting' : 'unusable', `backend ${state.backend ?? 'none'}; self-test ${selfTest.ok ? 'passed (training reads values asynchronously)' : `FAILED: ${selfTest.message}`}`);
  const provider = await api.registerComputeProvider({ kind: 'webgpu', adapterInfo: adapter, selfTest: { ok: selfTest.ok, ...(selfTest.message ? { message: selfTest.message.slice(0, 2000) } : {}) } });
  state.providerId = provider.providerId;
  if (!provider.usable) return;
  show('idle', `registered as ${provider.providerId}${provider.software ? ' (software adapter: used only when asked for device "webgpu")' : ''}; waiting for training tasks`);
  for (;;) {
    let task: ComputeTaskPayload | null;
    try {
      task = await api.claimComputeTask({ providerId: provider.providerId, waitMs: 10_000 });
    } catch (error) {
      show('error', `claim failed: ${errorMessage(error)}; retrying`);
      await new Promise((r) => setTimeout(r, 2000));
      continue;
    }
    if (!task) continue;
    state.tasks++;
    try {
      await runTask(task);
    } catch (error) {
      const message = errorMessage(error);
      show('idle', `task ${task.taskId} failed: ${message}`);
      state.lastTask = { taskId: task.taskId, steps: 0, seconds: 0, outcome: `failed: ${message}` };
      await api.failComputeTask({ taskId: task.taskId, message: `on ${state.backend}: ${message}` }).catch(() => {});
    }
  }
}

void main().catch((error) => show('error', `stopped: ${errorMessage(error)}`));
