/**
 * Trains a conditional generative model in a worker thread (run kind 'train', one task).
 *
 * The TensorFlow.js backend is started here, in the worker (tfjs state is per thread), with
 * initTensorflowBackend: tfjs-node-gpu / tfjs-node when installed, else wasm (which works inside
 * worker_threads), else cpu. The backend goes into training.json, the model and its record.
 *
 * Checkpoints (every checkpointIntervalMs, at step granularity) hold the full trainer state, so a
 * run killed at any instruction resumes bit-identically on the same backend. Cancel = the manager
 * terminates the thread. Early stopping is the trainer's (patience on the validation loss).
 * Files: runs/<id>/train-checkpoint/, runs/<id>/training.json, models/<modelId>/ (saveModelFolder,
 * then model-record.json last: its presence marks the task done).
 */
import { existsSync, rmSync } from 'node:fs';
import { Trainer, type GenerativeModel, type TrainOptionsInput } from '../../engine/generative';
import { molecularTrainDefaults } from '../../engine/generative/defaults';
import { initTensorflowBackend } from '../../store/tf-backend';
import { loadCheckpoint, saveCheckpoint, saveModelFolder } from '../../store/model-folder';
import { atomicWrite } from '../../store/atomic';
import type { ModelRecord, TrainEpochPoint, TrainingStatus } from '../../schema';
import type { TrainJob } from '../run-file';
import { loadTrainingFrames } from './data';
import { trainFiles } from './files';
import { molecularModelInfo, molecularTrainOptions } from './molecular-data';
import type { TaskRunOptions } from '../run-kind';

declare const __LIFTWELL_VERSION__: string | undefined;

export interface TrainMetrics { backend: string; point: TrainEpochPoint; epochs: number; bestEpoch: number }

export interface TrainTaskOptions extends TaskRunOptions<TrainJob> {
  onMetrics?: (metrics: TrainMetrics) => void;
}

/** The engine options of a job (defaults are the engine's). */
export function trainOptionsOf(job: TrainJob, backend: string): TrainOptionsInput {
  return {
    // Molecules keep their measured settings; the job's own values below override them.
    ...(job.molecular ? molecularTrainDefaults(job.model) : {}),
    model: job.model,
    seed: job.seed,
    epochs: job.epochs,
    batchSize: job.batchSize,
    validationFraction: job.validationFraction,
    backend,
    ...(job.hidden ? { hidden: job.hidden } : {}),
    ...(job.learningRate !== null ? { learningRate: job.learningRate } : {}),
    ...(job.patience !== null ? { patience: job.patience } : {}),
    // Molecules: torsions and periodic CVs are encoded as (cos, sin) (runs/train/molecular-data.ts).
    ...(job.molecular ? molecularTrainOptions(job.molecular) : {}),
  };
}

export async function runTrainTask(o: TrainTaskOptions): Promise<void> {
  const { job } = o;
  const now = o.now ?? (() => performance.now());
  const files = trainFiles(o.projectPath, o.runId, job.modelId);
  const choice = await initTensorflowBackend(job.backend);
  const backend = choice.backend;
  const frames = loadTrainingFrames(o.projectPath, job);
  if (frames.rows !== job.rows) throw new Error(`the source runs now hold ${frames.rows} training frames; the run was planned with ${job.rows}`);
  const data = { x: frames.target, xDim: job.targetColumns.length, cond: frames.cond, condDim: job.condColumns.length, ...(frames.segments?.length ? { segments: frames.segments } : {}) };

  const checkpoint = await loadCheckpoint(files.checkpointDir);
  if (checkpoint && checkpoint.json.options.backend !== backend) {
    throw new Error(`the checkpoint was written with the ${checkpoint.json.options.backend} backend but this worker has ${backend}; set LIFTWELL_TF_BACKEND=${checkpoint.json.options.backend} to resume exactly`);
  }
  const trainer = checkpoint ? Trainer.restore(data, checkpoint) : Trainer.create(data, trainOptionsOf(job, backend));
  try {
    const began = now();
    const stepsAtStart = trainer.progress().step;
    const writeStatus = async () => {
      const p = trainer.progress();
      const elapsed = (now() - began) / 1000;
      const status: TrainingStatus = {
        runId: o.runId,
        modelId: job.modelId,
        backend,
        epochs: job.epochs,
        history: trainer.lossHistory.map((h) => ({ ...h })),
        bestEpoch: p.bestEpoch,
        stoppedEarly: p.stoppedEarly,
        stepsPerSecond: elapsed > 0 && p.step > stepsAtStart ? (p.step - stepsAtStart) / elapsed : null,
      };
      await atomicWrite(files.status, JSON.stringify(status) + '\n');
    };
    await writeStatus();
    let lastCheckpoint = now();
    let lastProgress = -Infinity;
    let epoch = trainer.progress().epoch;
    o.onProgress?.(trainer.progress().step);
    while (!trainer.done) {
      const p = trainer.step();
      if (p.epoch !== epoch) {
        epoch = p.epoch;
        const point = trainer.lossHistory[trainer.lossHistory.length - 1];
        if (point) o.onMetrics?.({ backend, point: { ...point }, epochs: job.epochs, bestEpoch: p.bestEpoch });
        await writeStatus();
      }
      const t = now();
      if (t - lastProgress >= o.progressIntervalMs) {
        lastProgress = t;
        // Early stopping ends the run before the planned steps: report the planned total then.
        o.onProgress?.(p.done ? job.epochs * job.stepsPerEpoch : p.step);
      }
      if (!p.done && t - lastCheckpoint >= o.checkpointIntervalMs) {
        await saveCheckpoint(files.checkpointDir, trainer.getCheckpoint());
        o.onCheckpoint?.(p.step);
        lastCheckpoint = now();
      }
    }
    await writeStatus();
    await saveModelAndRecord(o.projectPath, o.runId, job, trainer.toModel(), backend, frames.heldOutRows);
  } finally {
    trainer.dispose();
  }
  if (existsSync(files.checkpointDir)) rmSync(files.checkpointDir, { recursive: true, force: true });
  o.onProgress?.(job.epochs * job.stepsPerEpoch);
}

/**
 * The trained model -> its folder (saveModelFolder) and model-record.json last (the record marks
 * the model ready). Used by the worker-thread trainer and by the WebGPU compute task. Disposes
 * the model.
 */
export async function saveModelAndRecord(projectPath: string, runId: string, job: TrainJob, model: GenerativeModel, backend: string, heldOutRows: number): Promise<void> {
  const files = trainFiles(projectPath, runId, job.modelId);
  try {
    const version = typeof __LIFTWELL_VERSION__ === 'string' ? __LIFTWELL_VERSION__ : 'dev';
    await saveModelFolder(files.model, model, `Liftwell ${version}`);
    const t = model.spec.training;
    const record: ModelRecord = {
      id: job.modelId,
      name: job.modelName,
      kind: job.model,
      status: 'ready',
      runId,
      systemId: '',
      ...(job.system ? { system: job.system } : {}),
      ...(job.molecular ? { molecule: molecularModelInfo(job.molecular) } : {}),
      sourceRunIds: [...job.sourceRunIds],
      condNames: [...job.condNames],
      targetNames: [...job.targetNames],
      condIndices: [...job.condIndices],
      targetIndices: [...job.targetIndices],
      kT: job.kT,
      created: new Date().toISOString(),
      backend,
      rows: { train: t.rows.train, validation: t.rows.validation, heldOut: heldOutRows },
      epochsRun: t.epochsRun,
      epochsPlanned: t.epochsPlanned,
      stoppedEarly: t.stoppedEarly,
      weightsFromEpoch: t.weightsFromEpoch,
      ...(t.warnings?.length ? { warnings: [...t.warnings] } : {}),
      conditionRange: model.spec.conditionRange,
      hidden: [...model.spec.hidden],
      seed: job.seed,
      ...(job.holdOut ? { holdOut: job.holdOut } : {}),
      folder: files.model,
    };
    await atomicWrite(files.record, JSON.stringify(record, null, 1) + '\n');
  } finally {
    model.dispose();
  }
}
