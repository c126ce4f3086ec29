/**
 * Planning a training run (run kind 'train'): checks the source runs (completed, one system, the
 * same CVs and temperature, frames to learn from) and turns the startTraining parameters into the
 * job stored in run.json. Molecular source runs are planned by molecular-plan.ts.
 */
import { ApiError, type MetadRunRecord, type TrainParams, type UmbrellaRunRecord } from '../../schema';
import { InputFileError } from '../../engine/io/errors';
import { createSystem } from '../../engine/systems';
import { DEFAULT_BATCH_SIZE, defaultEpochs } from '../../engine/generative/defaults';
import type { MetadJob, RunFile, TrainJob, UmbrellaJob } from '../run-file';
import { colvarFields } from '../metad/files';
import { loadTrainingFrames, OLD_UMBRELLA_RUN, TrainingDataError, windowsWithoutConfigurations, type TrainingFrames } from './data';
import { jobCvIndices } from '../umbrella/window-task';
import { planMolecularTrainJob } from './molecular-plan';
import type { LiveRuns } from '../run-kind';

/** What startTraining passes in: the training parameters plus the project and the model's name. */
export type TrainStartInput = TrainParams & { projectPath: string; name: string };

const DEFAULT_BATCH = DEFAULT_BATCH_SIZE;
const DEFAULT_VALIDATION = 0.1;

/** Checks the source runs and turns the parameters into the job stored in run.json. */
export async function planTrainJob(
  projectPath: string,
  params: TrainStartInput,
  getRunFile: (projectPath: string, runId: string) => Promise<RunFile>,
  modelId: string,
  jobs?: LiveRuns,
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
