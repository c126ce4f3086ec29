/**
 * The project's generative models: models/<id>/ holds the model folder (model.json, weights.bin,
 * liftwell-model.json; store/model-folder.ts) and model-record.json (ModelRecord: provenance,
 * backend, CV/target names), written last by the training worker. project.json's optional
 * `models` index lists them in creation order with the run that trains them; the index is only
 * written by the main thread (at startTraining), so workers never race on project.json.
 */
import { readFile } from 'node:fs/promises';
import { ApiError, type ModelRecord, type RunRecord } from '../../schema';
import { modelDir, trainFiles } from './files';
import { molecularModelInfo } from './molecular-data';
import { readProjectFile, updateProjectFile, type ProjectFile } from '../../store/project';
import { readRunFile, type TrainRunFile } from '../run-file';

export async function addModelToIndex(projectPath: string, entry: { id: string; name: string; created: string; runId: string }): Promise<void> {
  await updateProjectFile(projectPath, (p) => {
    p.models = [...(p.models ?? []), entry];
  });
}

/** model-record.json of a finished model, or null when the worker has not written it (yet). */
export async function readModelRecordFile(projectPath: string, runId: string, modelId: string): Promise<ModelRecord | null> {
  const path = trainFiles(projectPath, runId, modelId).record;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ApiError('io', `Cannot read ${path}: ${(error as Error).message}`, { path });
  }
  try {
    const record = JSON.parse(text) as ModelRecord;
    if (record.id !== modelId) throw new Error(`it describes model ${String(record.id)}`);
    return record;
  } catch (error) {
    throw new ApiError('bad-file', `${path} is damaged or belongs to another model (${(error as Error).message}).`, { path });
  }
}

/** The record of one model, ready or not; `liveRun` gives the current status of its training run. */
export async function modelRecordOf(projectPath: string, entry: NonNullable<ProjectFile['models']>[number], liveRun?: RunRecord | null): Promise<ModelRecord> {
  const file = (await readRunFile(projectPath, entry.runId)) as TrainRunFile;
  if (file.job.kind !== 'train') throw new ApiError('bad-file', `run ${entry.runId} of model ${entry.id} is not a training run.`);
  const run = liveRun ?? file.run;
  const ready = await readModelRecordFile(projectPath, entry.runId, entry.id);
  if (ready) return { ...ready, name: entry.name, systemId: file.run.systemId, folder: modelDir(projectPath, entry.id) };
  const job = file.job;
  const status: ModelRecord['status'] =
    run.status === 'queued' || run.status === 'running' ? 'training' : run.status === 'completed' ? 'failed' : run.status;
  return {
    id: entry.id,
    name: entry.name,
    kind: job.model,
    status,
    runId: entry.runId,
    systemId: file.run.systemId,
    ...(job.system ? { system: job.system } : {}),
    ...(job.molecular ? { molecule: molecularModelInfo(job.molecular) } : {}),
    sourceRunIds: [...job.sourceRunIds],
    condNames: [...job.condNames],
    targetNames: [...job.targetNames],
    condIndices: [...job.condIndices],
    targetIndices: [...job.targetIndices],
    kT: job.kT,
    created: entry.created,
    seed: job.seed,
    epochsPlanned: job.epochs,
    ...(job.holdOut ? { holdOut: job.holdOut } : {}),
    folder: modelDir(projectPath, entry.id),
  };
}

export async function findModelEntry(projectPath: string, modelId: string): Promise<NonNullable<ProjectFile['models']>[number]> {
  const project = await readProjectFile(projectPath);
  const entry = (project.models ?? []).find((m) => m.id === modelId);
  if (!entry) throw new ApiError('not-found', `modelId: there is no model ${modelId} in ${projectPath}.`);
  return entry;
}
