/** Run kind 'train': training a generative model on the frames of finished runs; one task. */
import { existsSync } from 'node:fs';
import { trainParams, type ModelRecord, type TrainParams } from '../../schema';
import type { RunFile } from '../run-file';
import type { LiveRuns, RunKind } from '../run-kind';
import { trainFiles } from './files';
import { planTrainJob } from './plan';
import { trainJobSchema, trainRunFileSchema, type TrainJob, type TrainRunFile } from './schema';

/** Names for a one-line phase: up to four as a list, more as a count (a molecule has ~50 internal coordinates). */
export function phaseNames(names: readonly string[], what = 'coordinates'): string {
  return names.length <= 4 ? names.join(', ') : `${names.length} ${what} (${names.slice(0, 2).join(', ')}, …)`;
}

/** What planning reads besides the params: the source runs (through getRunFile) and the new model's name and id. */
export interface TrainPlanSource {
  projectPath: string;
  name: string;
  modelId: string;
  getRunFile(projectPath: string, runId: string): Promise<RunFile>;
  jobs?: LiveRuns;
}

/** A unit is one optimiser step (epochs x steps per epoch). */
export const trainKind: RunKind<TrainJob, TrainParams, TrainPlanSource, TrainRunFile> = {
  kind: 'train',
  paramsSchema: trainParams,
  jobSchema: trainJobSchema,
  runFileSchema: trainRunFileSchema,
  calls: { start: 'startTraining', result: 'getModel' },
  plan: async ({ projectPath, name, modelId, getRunFile, jobs }, params) => (await planTrainJob(projectPath, { ...params, projectPath, name }, getRunFile, modelId, jobs)).job,
  taskUnits: (job) => [job.epochs * job.stepsPerEpoch],
  isTaskDone: (projectPath, runId, job) => existsSync(trainFiles(projectPath, runId, job.modelId).record),
  // "walker-steps per second" reads as optimiser steps per second for training.
  walkerStepsPerUnit: () => 1,
  phase: (job, done) => (done ? 'done' : `training a ${job.model} model of ${phaseNames(job.targetNames)} | ${phaseNames(job.condNames, 'CVs')} (${job.epochs} epochs x ${job.stepsPerEpoch} steps)`),
  /** The model the run trained (its record: status, provenance, names). */
};
