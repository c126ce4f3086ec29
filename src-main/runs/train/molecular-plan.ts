/**
 * Plans a 'train' job on completed molecular runs (api/models.ts startTraining hands over when the
 * sources are 'molecular' runs): checks the runs, builds the internal-coordinate features and
 * counts the frames, so a bad source is refused before anything runs.
 */
import { defaultEpochs, defaultSteps } from '../../engine/generative/defaults';
import { ApiError, type TrainParams } from '../../schema';
import type { MolecularRunFile, RunFile, TrainJob } from '../run-file';
import type { LiveRuns } from '../run-kind';
import { TrainingDataError } from './data';
import { molecularKT, molecularTargetNames, planMolecularTraining, type MolecularFrames } from './molecular-data';
import { EngineInputError } from '../../engine/errors';
import { InputFileError } from '../../engine/io/errors';

const DEFAULT_BATCH = 256;
const DEFAULT_VALIDATION = 0.1;

export function planMolecularTrainJob(
  projectPath: string,
  params: TrainParams & { name: string },
  files: RunFile[],
  modelId: string,
  jobs?: LiveRuns,
): { job: TrainJob; systemId: string } {
  const other = files.find((f) => f.job.kind !== 'molecular');
  if (other) throw new ApiError('invalid-input', `sourceRunIds: "${other.run.name}" is a ${other.run.kind} run; a model is trained on molecular runs or on toy-system runs, not both.`);
  const mols = files as MolecularRunFile[];
  for (const f of mols) {
    const status = jobs?.activeRecord(projectPath, f.run.id)?.status ?? f.run.status;
    if (status !== 'completed') throw new ApiError('conflict', `sourceRunIds: "${f.run.name}" is ${status}; training needs completed runs.`);
  }
  let planned: { plan: NonNullable<TrainJob['molecular']>; frames: MolecularFrames };
  try {
    planned = planMolecularTraining(projectPath, mols, params.discardFraction ?? 0, params.holdOut ?? null);
  } catch (error) {
    if (error instanceof TrainingDataError) throw new ApiError('bad-file', error.message, { path: error.path });
    if (error instanceof ApiError) throw error;
    if (error instanceof EngineInputError || error instanceof InputFileError) throw new ApiError('bad-file', error.message);
    if (error instanceof Error) throw new ApiError('invalid-input', `sourceRunIds: ${error.message}`);
    throw error;
  }
  const { plan, frames } = planned;
  if (params.holdOut && frames.heldOutRows === 0) throw new ApiError('invalid-input', `holdOut: no frame has ${plan.cvs[0].name} in [${params.holdOut.join(', ')}]${plan.cvs[0].periodic ? ' (radians)' : ''}; hold out an interval the runs visited.`);
  if (frames.rows < 10) throw new ApiError('invalid-input', `sourceRunIds: the runs hold ${frames.rows} frames (after discard); at least 10 are needed.`);
  const validationFraction = params.validationFraction ?? DEFAULT_VALIDATION;
  const batchSize = params.batchSize ?? DEFAULT_BATCH;
  const nVal = Math.min(frames.rows - 1, Math.floor(frames.rows * validationFraction));
  const targetNames = molecularTargetNames(plan);
  const job: TrainJob = {
    kind: 'train',
    molecular: plan,
    modelId,
    modelName: params.name.trim(),
    sourceRunIds: [...params.sourceRunIds],
    colvarWidth: 0,
    condColumns: plan.cvs.map((_, i) => i),
    targetColumns: plan.free.map((_, i) => i),
    discardFraction: params.discardFraction ?? 0,
    // An interval of the FIRST CV (radians for dihedrals) whose frames are kept out of training.
    holdOut: params.holdOut ?? null,
    condIndices: plan.cvs.map((_, i) => i),
    targetIndices: [...plan.free],
    condNames: plan.cvs.map((c) => c.name),
    targetNames,
    kT: molecularKT(plan),
    rows: frames.rows,
    stepsPerEpoch: Math.ceil((frames.rows - nVal) / batchSize),
    model: params.model,
    epochs: params.epochs ?? defaultEpochs(params.model, frames.rows, batchSize, validationFraction, defaultSteps(params.model, true)),
    seed: params.seed,
    hidden: params.hidden ?? null,
    batchSize,
    learningRate: params.learningRate ?? null,
    validationFraction,
    patience: params.patience ?? null,
    backend: process.env.LIFTWELL_TF_BACKEND ?? 'auto',
  };
  return { job, systemId: plan.moleculeId };
}
