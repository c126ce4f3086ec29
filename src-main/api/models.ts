/**
 * Generative models in the app: training as a job (run kind 'train') on the pooled frames of
 * completed metadynamics runs (COLVAR) and umbrella runs (window-NNN-x.npy), the project's model
 * list, lifting (sampling x at CV values) and the micro-macro consistency report (SCIENCE.md section 6).
 *
 * Condition = the CV coordinate(s) of the source runs, target = the other coordinate(s) of the toy
 * system; no reweighting (the bias depends on the CV only). Lifting runs in the main process on the
 * backend initTensorflowBackend picks; loaded models are cached (a few, disposed on eviction) so
 * repeated lift calls do not reload or leak tensors. Lifting and reports run in the model thread
 * (runs/runtime/model-thread.ts, runs/train/lift.ts), so the main process never blocks on sampling.
 */
import { readFile } from 'node:fs/promises';
import { ApiError, type CallOutputs, type CallParsedInput, type ConsistencyReport, type LiftOutput, type ModelRecord, type MoleculeLiftOutput, type RunRecord, type TrainRunRecord, type TrainingStatus } from './contract';
import { newId, readProjectFile, RUN_SCHEMA_VERSION } from '../store/project';
import type { RunFile, TrainJob, TrainRunFile } from '../runs/run-file';
import { addModelToIndex, findModelEntry, modelRecordOf } from '../runs/train/models';
import { loadTrainingFrames, TrainingDataError, type TrainingFrames } from '../runs/train/data';
import { trainFiles } from '../runs/train/files';
import type { ModelRef } from '../runs/train/lift';
import { ModelThread } from '../runs/runtime/model-thread';
import { planTrainJob } from '../runs/train/plan';
import type { JobManager } from '../runs/runtime/manager';
import type { ComputeBroker, DeviceChoice } from '../runs/runtime/compute-broker';
import { InputFileError } from '../engine/io/errors';

export interface ModelHandlerDeps {
  requireProject(path: string): Promise<string>;
  getRunFile(projectPath: string, runId: string): Promise<RunFile>;
  createAndStartRun(projectPath: string, file: RunFile): Promise<RunRecord>;
  newRunFields(name: string): Pick<RunRecord, 'id' | 'name' | 'status' | 'created' | 'progress' | 'provenance'>;
  jobs: JobManager;
  /** The job worker bundle; lifting and reports run in a thread of it (runs/runtime/model-thread.ts). */
  workerScript: URL | string;
  /** WebGPU compute pages (device option of startTraining); absent = always the worker thread. */
  compute?: ComputeBroker;
}

type ModelCalls = 'startTraining' | 'listModels' | 'getModel' | 'getTraining' | 'lift' | 'consistencyReport' | 'liftMolecule';

/**
 * Worker thread or WebGPU compute page (docs/webgpu-training.md). Only toy-system jobs (COLVAR
 * frames) go to a compute page; 'webgpu' there falls back to the worker thread when the page goes
 * away only if the request was 'auto' (job.backend 'webgpu,<local>').
 */
function placeTraining(compute: ComputeBroker | undefined, device: 'auto' | 'cpu' | 'webgpu', job: TrainJob): DeviceChoice {
  const toy = !(job as { molecular?: unknown }).molecular;
  if (device === 'webgpu' && !toy) throw new ApiError('invalid-input', 'device: WebGPU training is offered for toy-system runs only; use "cpu" or "auto" for molecular runs.');
  if (!compute || !toy) return { device: 'worker', reason: compute ? 'molecular runs train in the worker thread' : 'no compute broker in this process' };
  return compute.chooseDevice(device);
}

// ---------------------------------------------------------------- handlers

export function createModelHandlers(deps: ModelHandlerDeps): { [K in ModelCalls]: (input: CallParsedInput<K>) => Promise<CallOutputs[K]> } {
  const thread = new ModelThread(deps.workerScript);

  async function trainRun(projectPath: string, runId: string): Promise<TrainRunFile> {
    const file = await deps.getRunFile(projectPath, runId);
    if (file.job.kind !== 'train') throw new ApiError('invalid-input', `The run "${file.run.name}" is not a training run.`);
    return file as TrainRunFile;
  }

  /** A ready model's record and job; the model itself is loaded (and cached) by the model thread. */
  async function readyModel(projectPath: string, modelId: string): Promise<{ record: ModelRecord; job: TrainJob; ref: ModelRef }> {
    const entry = await findModelEntry(projectPath, modelId);
    const record = await modelRecordOf(projectPath, entry, deps.jobs.activeRecord(projectPath, entry.runId));
    if (record.status !== 'ready') throw new ApiError('conflict', `The model "${record.name}" is ${record.status === 'training' ? 'still training' : `not usable (${record.status})`}.`);
    const job = (await trainRun(projectPath, entry.runId)).job;
    return { record, job, ref: { folder: record.folder, condNames: record.condNames, targetNames: record.targetNames } };
  }

  function frames(projectPath: string, job: TrainJob): TrainingFrames {
    try {
      return loadTrainingFrames(projectPath, job);
    } catch (error) {
      if (error instanceof TrainingDataError) throw new ApiError('bad-file', error.message, { path: error.path });
      throw error;
    }
  }

  return {
    async startTraining({ projectPath, name, ...params }) {
      const path = await deps.requireProject(projectPath);
      const modelId = newId('model');
      const { job, systemId } = await planTrainJob(path, { projectPath, name, ...params }, deps.getRunFile, modelId, deps.jobs);
      const placement = placeTraining(deps.compute, params.device ?? 'auto', job);
      if (placement.device === 'webgpu') job.backend = params.device === 'webgpu' ? 'webgpu' : `webgpu,${job.backend}`;
      const run: TrainRunRecord = {
        ...deps.newRunFields(name),
        kind: 'train',
        systemId,
        system: job.system,
        params,
        modelId,
        device: placement.device,
        deviceReason: placement.reason,
      };
      const file: TrainRunFile = { schemaVersion: RUN_SCHEMA_VERSION, run, job };
      // The index entry first (main thread only), then the run: a model always has its run on disk.
      await addModelToIndex(path, { id: modelId, name: run.name, created: run.created, runId: run.id });
      return deps.createAndStartRun(path, file);
    },

    async listModels({ projectPath }) {
      const path = await deps.requireProject(projectPath);
      const project = await readProjectFile(path);
      const out: ModelRecord[] = [];
      for (const entry of project.models ?? []) {
        try {
          out.push(await modelRecordOf(path, entry, deps.jobs.activeRecord(path, entry.runId)));
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
        }
      }
      return out;
    },

    async getTraining({ projectPath, runId }) {
      const path = await deps.requireProject(projectPath);
      const file = await trainRun(path, runId);
      const status = trainFiles(path, runId, file.job.modelId).status;
      try {
        return JSON.parse(await readFile(status, 'utf8')) as TrainingStatus;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return { runId, modelId: file.job.modelId, backend: null, epochs: file.job.epochs, history: [], bestEpoch: 0, stoppedEarly: false, stepsPerSecond: null };
        }
        throw new ApiError('bad-file', `${status}: ${(error as Error).message}`, { path: status });
      }
    },

    async getModel({ projectPath, modelId, maxPoints }) {
      const path = await deps.requireProject(projectPath);
      const entry = await findModelEntry(path, modelId);
      const record = await modelRecordOf(path, entry, deps.jobs.activeRecord(path, entry.runId));
      const file = await trainRun(path, entry.runId);
      const f = frames(path, file.job);
      const cd = file.job.condColumns.length;
      const td = file.job.targetColumns.length;
      const total = f.rows + f.heldOutRows;
      const stride = Math.max(1, Math.ceil(total / maxPoints));
      const data = { cond: [] as number[][], target: [] as number[][], heldOut: [] as boolean[], total };
      for (let i = 0; i < total; i += stride) {
        const held = i >= f.rows;
        const r = held ? i - f.rows : i;
        const c = held ? f.heldOutCond : f.cond;
        const t = held ? f.heldOutTarget : f.target;
        data.cond.push(Array.from(c.subarray(r * cd, r * cd + cd)));
        data.target.push(Array.from(t.subarray(r * td, r * td + td)));
        data.heldOut.push(held);
      }
      let history: TrainingStatus['history'] = [];
      try {
        history = (JSON.parse(await readFile(trainFiles(path, entry.runId, modelId).status, 'utf8')) as TrainingStatus).history;
      } catch {
        /* not started yet */
      }
      return { record, history, data };
    },

    async lift({ projectPath, modelId, cond, n, seed, method, steps }): Promise<LiftOutput> {
      const path = await deps.requireProject(projectPath);
      const { record, ref } = await readyModel(path, modelId);
      const cd = record.condNames.length;
      if (cond.length % cd !== 0) throw new ApiError('invalid-input', `cond: the model is conditioned on ${cd} value(s) (${record.condNames.join(', ')}); got ${cond.length} numbers, not a multiple of ${cd}.`);
      const out = await thread.call({ kind: 'lift', model: ref, cond, n, seed, ...(method ? { method } : {}), ...(steps ? { steps } : {}) });
      return {
        modelId,
        condNames: record.condNames,
        targetNames: record.targetNames,
        conditions: out.conditions,
        n,
        dim: record.targetNames.length,
        samples: Buffer.from(out.samples.buffer, out.samples.byteOffset, out.samples.byteLength).toString('base64'),
        warnings: out.warnings,
        backend: out.backend,
        seconds: out.seconds,
        tensors: out.tensors,
      };
    },

    async liftMolecule({ projectPath, modelId, cond, n, seed, relax, halfWidth }): Promise<MoleculeLiftOutput> {
      const path = await deps.requireProject(projectPath);
      const { record, job, ref } = await readyModel(path, modelId);
      if (!job.molecular) throw new ApiError('invalid-input', `The model "${record.name}" was trained on a toy system, not a molecule; use lift.`);
      const { positions, ...out } = await thread.call({ kind: 'lift-molecule', model: ref, projectPath: path, job, cond, n, seed, ...(relax ? { relax } : {}), ...(halfWidth ? { halfWidth } : {}) });
      return { modelId, ...out, positions: Buffer.from(positions.buffer, positions.byteOffset, positions.byteLength).toString('base64') };
    },

    async consistencyReport({ projectPath, modelId, conditions, n, seed, method, steps, evolve }): Promise<ConsistencyReport> {
      const path = await deps.requireProject(projectPath);
      const { record, job, ref } = await readyModel(path, modelId);
      if (job.molecular) throw new ApiError('invalid-input', `The model "${record.name}" is a molecular model: its report (restriction errors, energies vs simulation, torsion statistics) comes with liftMolecule at each CV value.`);
      if (record.condNames.length !== 1) throw new ApiError('invalid-input', 'The consistency report needs a model with a 1-D condition.');
      const { tensors: _tensors, ...report } = await thread.call({
        kind: 'report',
        model: ref,
        record: { kind: record.kind, condNames: record.condNames, targetNames: record.targetNames, conditionRange: record.conditionRange },
        projectPath: path,
        job,
        ...(conditions ? { conditions } : {}),
        n,
        seed,
        ...(method ? { method } : {}),
        ...(steps ? { steps } : {}),
        ...(evolve !== undefined ? { evolve } : {}),
        training:
          record.epochsRun !== undefined && record.weightsFromEpoch !== undefined
            ? { epochs: record.epochsRun, bestEpoch: record.weightsFromEpoch, stoppedEarly: record.stoppedEarly ?? false, hidden: record.hidden ?? null }
            : null,
      });
      return { modelId, ...report };
    },
  };
}
