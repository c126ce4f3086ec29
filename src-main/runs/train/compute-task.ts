/**
 * A 'train' task whose job asks for a compute provider (job.backend 'webgpu' or 'webgpu,<local>'):
 * runs in a job worker thread like any task, but instead of training it offers the task to the
 * main-thread broker (compute-broker.ts), which hands it to the GPU compute page; this thread then
 * turns the provider's reports into the same things a local training writes: progress, live
 * metrics, training.json, checkpoints (through the store), the model folder and its record.
 *
 * Cancel: the manager terminates this thread; the broker sees the run inactive at the provider's
 * next report and tells it to stop. Provider lost / failed: with a local fallback preference the
 * task trains in this thread from scratch (a WebGPU checkpoint does not resume bit-identically on
 * another backend, so it is removed); without one the task fails, keeping the last checkpoint so
 * resumeRun continues on a compute page.
 */
import { BroadcastChannel } from 'node:worker_threads';
import { existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { GenerativeModel, packArrays, tf, unpackArrays } from '../../engine/generative';
import { atomicWrite } from '../../store/atomic';
import { loadCheckpoint, saveCheckpoint } from '../../store/model-folder';
import type { TrainingStatus } from '../../schema';
import { loadTrainingFrames } from './data';
import { trainFiles } from './files';
import { runTrainTask, saveModelAndRecord, trainOptionsOf, type TrainTaskOptions } from './task';
import {
  COMPUTE_CHANNEL,
  base64ToBytes,
  bytesToBase64,
  computeBackendOf,
  float64ToBase64,
  type ComputeProgress,
  type ComputeTaskPayload,
  type FromBroker,
  type ToBroker,
} from '../runtime/compute-protocol';

export const COMPUTE_BACKEND = 'webgpu';

export async function runComputeTrainTask(o: TrainTaskOptions & { channelName?: string }): Promise<void> {
  const { job } = o;
  const route = computeBackendOf(job.backend);
  if (!route) throw new Error(`job backend ${job.backend} is not a compute-provider backend`);
  const files = trainFiles(o.projectPath, o.runId, job.modelId);
  const frames = loadTrainingFrames(o.projectPath, job);
  if (frames.rows !== job.rows) throw new Error(`the source runs now hold ${frames.rows} training frames; the run was planned with ${job.rows}`);

  let checkpoint = await loadCheckpoint(files.checkpointDir);
  if (checkpoint && checkpoint.json.options.backend !== COMPUTE_BACKEND) {
    if (route.fallback !== null) return fallBack(o, route.fallback, `a ${checkpoint.json.options.backend} checkpoint exists`);
    throw new Error(`the checkpoint was written with the ${checkpoint.json.options.backend} backend; this run trains on WebGPU. Start a new training to use WebGPU.`);
  }
  const taskId = `${o.runId}-${randomBytes(4).toString('hex')}`;
  const packed = checkpoint ? packArrays(checkpoint.arrays) : null;
  const payload: ComputeTaskPayload = {
    taskId,
    runId: o.runId,
    modelId: job.modelId,
    options: trainOptionsOf(job, COMPUTE_BACKEND),
    data: { x: float64ToBase64(frames.target), xDim: job.targetColumns.length, cond: float64ToBase64(frames.cond), condDim: job.condColumns.length, ...(frames.segments?.length ? { segments: frames.segments } : {}) },
    checkpoint: checkpoint && packed ? { json: checkpoint.json, specs: packed.specs, data: bytesToBase64(packed.data) } : null,
    checkpointIntervalMs: o.checkpointIntervalMs,
    progressIntervalMs: Math.max(200, o.progressIntervalMs),
  };
  checkpoint = null;

  const channel = new BroadcastChannel(o.channelName ?? COMPUTE_CHANNEL);
  const post = (m: ToBroker) => channel.postMessage(m);
  let epochsSeen = 0;
  const writeStatus = async (p: ComputeProgress) => {
    const status: TrainingStatus = {
      runId: o.runId,
      modelId: job.modelId,
      backend: COMPUTE_BACKEND,
      epochs: job.epochs,
      history: p.history.map((h) => ({ ...h })),
      bestEpoch: p.bestEpoch,
      stoppedEarly: p.stoppedEarly,
      stepsPerSecond: p.stepsPerSecond,
    };
    await atomicWrite(files.status, JSON.stringify(status) + '\n');
  };
  const onReport = async (p: ComputeProgress) => {
    o.onProgress?.(p.stoppedEarly && p.step < p.totalSteps ? job.epochs * job.stepsPerEpoch : p.step);
    if (p.history.length > epochsSeen) {
      for (const point of p.history.slice(epochsSeen)) o.onMetrics?.({ backend: COMPUTE_BACKEND, point: { ...point }, epochs: job.epochs, bestEpoch: p.bestEpoch });
      epochsSeen = p.history.length;
      await writeStatus(p);
    }
  };

  type Outcome = { kind: 'complete'; m: Extract<FromBroker, { type: 'complete' }> } | { kind: 'lost' | 'failed'; message: string };
  let outcome: Outcome;
  try {
    await writeStatus({ step: 0, totalSteps: job.epochs * job.stepsPerEpoch, epoch: 0, history: [], bestEpoch: 0, stoppedEarly: false, stepsPerSecond: null, backend: COMPUTE_BACKEND });
    outcome = await new Promise<Outcome>((resolve, reject) => {
      // Reports are handled one at a time, in order (checkpoint writes are async).
      let chain = Promise.resolve();
      channel.onmessage = (event) => {
        const m = (event as { data: FromBroker }).data;
        if (!m || m.taskId !== taskId) return;
        chain = chain
          .then(async () => {
            if (m.type === 'progress') await onReport(m.progress);
            else if (m.type === 'checkpoint') {
              const arrays = [...unpackArrays(m.checkpoint.specs, base64ToBytes(m.checkpoint.data), 'checkpoint from the compute page').values()];
              await saveCheckpoint(files.checkpointDir, { json: m.checkpoint.json, arrays });
              await onReport(m.progress);
              o.onCheckpoint?.(m.progress.step);
            } else if (m.type === 'complete') {
              await onReport(m.progress);
              resolve({ kind: 'complete', m });
            } else if (m.type === 'lost' || m.type === 'failed') resolve({ kind: m.type, message: m.message });
          })
          .catch(reject);
      };
      post({ type: 'offer', taskId, projectPath: o.projectPath, runId: o.runId, payload });
    });
  } finally {
    post({ type: 'withdraw', taskId });
    channel.close();
  }

  if (outcome.kind !== 'complete') {
    const what = outcome.kind === 'lost' ? `the WebGPU task was lost (${outcome.message})` : `the WebGPU compute page failed: ${outcome.message}`;
    if (route.fallback !== null) return fallBack(o, route.fallback, what);
    const kept = existsSync(files.checkpointDir) ? ' The last checkpoint is kept: open the compute page and resume the run.' : '';
    throw new Error(`${what}.${kept}`);
  }

  await saveModel(o, outcome.m.artifacts, frames.heldOutRows);
  if (existsSync(files.checkpointDir)) rmSync(files.checkpointDir, { recursive: true, force: true });
  o.onProgress?.(job.epochs * job.stepsPerEpoch);
}

/** Trains in this worker thread instead (device 'auto' whose provider went away). */
async function fallBack(o: TrainTaskOptions, preference: string, why: string): Promise<void> {
  const files = trainFiles(o.projectPath, o.runId, o.job.modelId);
  rmSync(files.checkpointDir, { recursive: true, force: true });
  process.emitWarning(`${o.runId}: ${why}; training in the worker thread instead`);
  await runTrainTask({ ...o, job: { ...o.job, backend: preference } });
}

/** The provider's artifacts -> model folder (checked by rebuilding the model) + model-record.json last. */
async function saveModel(o: TrainTaskOptions, artifacts: Extract<FromBroker, { type: 'complete' }>['artifacts'], heldOutRows: number): Promise<void> {
  const { job } = o;
  // Rebuilding the networks validates the artifacts; cpu is enough for that (no kernels run).
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  const model = GenerativeModel.fromArtifacts({ spec: artifacts.spec, weightSpecs: artifacts.weightSpecs, weightData: base64ToBytes(artifacts.weightData) }, 'model from the compute page');
  await saveModelAndRecord(o.projectPath, o.runId, job, model, model.spec.training.backend, heldOutRows);
}
