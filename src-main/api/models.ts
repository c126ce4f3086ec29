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
import { ApiError, type CallOutputs, type CallParsedInput, type ConsistencyReport, type LiftOutput, type MetadRunRecord, type ModelRecord, type MoleculeLiftOutput, type RunRecord, type TrainRunRecord, type TrainingStatus, type UmbrellaRunRecord } from './contract';
import { createSystem } from '../engine/systems';
import { DEFAULT_BATCH_SIZE, defaultEpochs } from '../engine/generative/defaults';
import { newId, readProjectFile, type MetadJob, type RunFile, type TrainJob, type TrainRunFile, type UmbrellaJob } from '../store/project';
import { addModelToIndex, findModelEntry, modelRecordOf } from '../store/models';
import { colvarFields } from '../runs/metad/files';
import { loadTrainingFrames, OLD_UMBRELLA_RUN, TrainingDataError, windowsWithoutConfigurations, type TrainingFrames } from '../runs/train/data';
import { jobCvIndices } from '../runs/umbrella/window-task';
import { trainFiles } from '../runs/train/files';
import type { ModelRef } from '../runs/train/lift';
import { ModelThread } from '../runs/runtime/model-thread';
import { planMolecularTrainJob } from '../runs/train/molecular-plan';
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

const DEFAULT_BATCH = DEFAULT_BATCH_SIZE;
const DEFAULT_VALIDATION = 0.1;

// ---------------------------------------------------------------- planning

/** Checks the source runs and turns the parameters into the job stored in run.json. */
export async function planTrainJob(
  projectPath: string,
  params: CallParsedInput<'startTraining'>,
  getRunFile: ModelHandlerDeps['getRunFile'],
  modelId: string,
  jobs?: JobManager,
): Promise<{ job: TrainJob; systemId: string }> {
  const ids = params.sourceRunIds;
  if (new Set(ids).size !== ids.length) throw new ApiError('invalid-input', 'sourceRunIds: a run is listed twice.');
  const files: { run: MetadRunRecord | UmbrellaRunRecord; job: MetadJob | UmbrellaJob; cvIndices: number[] }[] = [];
  const sources: RunFile[] = [];
  for (const id of ids) sources.push(await getRunFile(projectPath, id));
  // Molecular runs: DCD frames as internal coordinates, condition = their CVs (runs/train/molecular-plan.ts).
  if (sources.some((f) => f.job.kind === 'molecular')) return planMolecularTrainJob(projectPath, params, sources, modelId, jobs);
  for (const file of sources) {
    if (file.job.kind !== 'metad' && file.job.kind !== 'umbrella') {
      throw new ApiError('invalid-input', `sourceRunIds: "${file.run.name}" is a ${file.run.kind} run; models are trained on metadynamics or umbrella runs.`);
    }
    files.push({ run: file.run as MetadRunRecord | UmbrellaRunRecord, job: file.job, cvIndices: file.job.kind === 'metad' ? file.job.cvIndices : jobCvIndices(file.job) });
  }
  const cvNamesOf = (f: (typeof files)[number]) => (f.job.kind === 'metad' ? f.job.cvNames : f.cvIndices.map((i) => createSystem(f.job.system).coordinateNames[i]));
  const first = files[0];
  for (const f of files.slice(1)) {
    if (JSON.stringify(f.job.system) !== JSON.stringify(first.job.system)) {
      throw new ApiError('invalid-input', `sourceRunIds: "${f.run.name}" simulates a different system (${JSON.stringify(f.job.system)}) than "${first.run.name}" (${JSON.stringify(first.job.system)}); pool runs of one system.`);
    }
    if (f.cvIndices.join(',') !== first.cvIndices.join(',')) {
      throw new ApiError('invalid-input', `sourceRunIds: "${f.run.name}" biases ${cvNamesOf(f).join(', ')} but "${first.run.name}" biases ${cvNamesOf(first).join(', ')}; the condition must be the same CV(s).`);
    }
    if (f.job.kT !== first.job.kT) {
      throw new ApiError('invalid-input', `sourceRunIds: "${f.run.name}" ran at kT ${f.job.kT} but "${first.run.name}" at kT ${first.job.kT}; p(x | CV) depends on the temperature.`);
    }
  }
  // Status last: runs that can never be pooled say so before runs that are merely unfinished.
  for (const f of files) {
    const status = jobs?.activeRecord(projectPath, f.run.id)?.status ?? f.run.status;
    if (status !== 'completed') throw new ApiError('conflict', `sourceRunIds: "${f.run.name}" is ${status}; training needs completed runs.`);
  }
  // Umbrella runs of versions that kept only the CV samples have nothing to learn from.
  for (const f of files) {
    if (f.job.kind === 'umbrella' && windowsWithoutConfigurations(projectPath, f.run.id, f.job.windows.length).length) {
      throw new ApiError('invalid-input', `sourceRunIds: "${f.run.name}": umbrella ${OLD_UMBRELLA_RUN}.`);
    }
  }
  const system = createSystem(first.job.system);
  const names = system.coordinateNames;
  const condIndices = [...first.cvIndices];
  const targetIndices = names.map((_, i) => i).filter((i) => !condIndices.includes(i));
  if (targetIndices.length === 0) {
    throw new ApiError('invalid-input', `sourceRunIds: every coordinate of the ${first.job.system.kind} system (${names.join(', ')}) is a CV of these runs: there is nothing left to generate.`);
  }
  if (params.holdOut && condIndices.length !== 1) throw new ApiError('invalid-input', 'holdOut: only for a 1-D condition.');
  const colvarWidth = colvarFields(names).length;
  const plan = {
    sourceRunIds: [...ids],
    colvarWidth,
    condColumns: condIndices.map((i) => 2 + i),
    targetColumns: targetIndices.map((i) => 2 + i),
    discardFraction: params.discardFraction ?? 0,
    holdOut: params.holdOut ?? null,
  };
  let frames: TrainingFrames;
  try {
    frames = loadTrainingFrames(projectPath, plan);
  } catch (error) {
    if (error instanceof TrainingDataError) throw new ApiError('bad-file', error.message, { path: error.path });
    if (error instanceof InputFileError) throw new ApiError('bad-file', error.message);
    throw error;
  }
  const validationFraction = params.validationFraction ?? DEFAULT_VALIDATION;
  if (frames.rows < 10) throw new ApiError('invalid-input', `sourceRunIds: the runs hold ${frames.rows} usable frames (after discard and hold-out); at least 10 are needed.`);
  const batchSize = params.batchSize ?? DEFAULT_BATCH;
  const nVal = Math.min(frames.rows - 1, Math.floor(frames.rows * validationFraction));
  const stepsPerEpoch = Math.ceil((frames.rows - nVal) / batchSize);
  const job: TrainJob = {
    kind: 'train',
    system: first.job.system,
    modelId,
    modelName: params.name.trim(),
    ...plan,
    condIndices,
    targetIndices,
    condNames: condIndices.map((i) => names[i]),
    targetNames: targetIndices.map((i) => names[i]),
    kT: first.job.kT,
    rows: frames.rows,
    stepsPerEpoch,
    model: params.model,
    epochs: params.epochs ?? defaultEpochs(params.model, frames.rows, batchSize, validationFraction),
    seed: params.seed,
    hidden: params.hidden ?? null,
    batchSize,
    learningRate: params.learningRate ?? null,
    validationFraction,
    patience: params.patience ?? null,
    backend: process.env.LIFTWELL_TF_BACKEND ?? 'auto',
  };
  return { job, systemId: first.run.systemId };
}

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
      const file: TrainRunFile = { schemaVersion: 1, run, job };
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
