/**
 * What the JobManager needs to know about each kind of run, without running it: how the job
 * splits into independent tasks, how much work each is (for progress and ETA), and whether a
 * task already finished (its result file exists, so a resume skips it). The worker-side code
 * that runs a task lives in runs/runtime/run-task.ts.
 */
import { existsSync } from 'node:fs';
import { windowFilePath } from '../store/project';
import type { EnsembleJob, Job, MetadJob, MolecularJob, TrainJob, UmbrellaJob } from './run-file';
import { metadFiles } from './metad/files';
import { ensembleFiles } from './ensemble/files';
import { molecularFiles } from './molecular/files';
import { umbrellaWindowFiles, umbrellaWindowSteps } from './molecular/umbrella-files';
import { trainFiles } from './train/files';

export interface JobKind<J extends Job> {
  /** Work units of each task, by task index (umbrella: integration steps per walker of a window). */
  taskUnits(job: J): number[];
  isTaskDone(projectPath: string, runId: string, job: J, taskIndex: number): boolean;
  /** Walker-steps per work unit, for the throughput shown to the user. */
  walkerStepsPerUnit(job: J): number;
  /** Words for the progress line. */
  phase(job: J, tasksDone: number): string;
}

/** Integration steps each walker of an umbrella window makes in total. */
export function umbrellaStepsPerWalker(job: UmbrellaJob): number {
  return job.equilibrationSteps + job.samplesPerWindow * job.stride;
}

const umbrella: JobKind<UmbrellaJob> = {
  taskUnits: (job) => job.windows.map(() => umbrellaStepsPerWalker(job)),
  isTaskDone: (projectPath, runId, _job, k) => existsSync(windowFilePath(projectPath, runId, k)),
  walkerStepsPerUnit: (job) => job.walkers,
  phase: (job, done) => `sampling: ${done} of ${job.windows.length} windows done`,
};

/** Metadynamics: one task (the walkers share one bias); a unit is one step of every walker. */
const metad: JobKind<MetadJob> = {
  taskUnits: (job) => [job.steps],
  isTaskDone: (projectPath, runId) => existsSync(metadFiles(projectPath, runId).fesNpy),
  walkerStepsPerUnit: (job) => job.walkers,
  phase: (job, done) => (done ? 'done' : `metadynamics on ${job.cvNames.join(', ')} with ${job.walkers} walker${job.walkers === 1 ? '' : 's'}`),
};

/** Walker ensemble: one task (one thread integrates every walker); a unit is one step of every walker. */
const ensemble: JobKind<EnsembleJob> = {
  taskUnits: (job) => [job.steps],
  isTaskDone: (projectPath, runId) => existsSync(ensembleFiles(projectPath, runId).summary),
  walkerStepsPerUnit: (job) => job.walkers,
  phase: (job, done) => (done ? 'done' : `ensemble of ${job.walkers.toLocaleString('en-US')} walkers${job.umbrella ? ' (umbrella)' : ''}`),
};

/**
 * Molecular dynamics (optionally metadynamics): one task; a unit is one time step. Umbrella
 * windows: one task per window (equilibration + sampling steps).
 */
const molecular: JobKind<MolecularJob> = {
  taskUnits: (job) => (job.umbrella ? job.umbrella.windows.map(() => umbrellaWindowSteps(job)) : [job.steps]),
  isTaskDone: (projectPath, runId, job, k) =>
    existsSync(job.umbrella ? umbrellaWindowFiles(projectPath, runId, k).cvNpy : molecularFiles(projectPath, runId).result),
  walkerStepsPerUnit: () => 1,
  phase: (job, done) =>
    job.umbrella
      ? `umbrella windows on ${job.umbrella.cvIndices.map((i) => job.cvs[i].name).join(', ')}: ${done} of ${job.umbrella.windows.length} done`
      : done ? 'done' : job.metad ? `metadynamics on ${job.metad.cvIndices.map((i) => job.cvs[i].name).join(', ')}` : 'molecular dynamics',
};

/** Names for a one-line phase: up to four as a list, more as a count (a molecule has ~50 internal coordinates). */
export function phaseNames(names: readonly string[], what = 'coordinates'): string {
  return names.length <= 4 ? names.join(', ') : `${names.length} ${what} (${names.slice(0, 2).join(', ')}, …)`;
}

/** Training a generative model: one task; a unit is one optimiser step (epochs x steps per epoch). */
const train: JobKind<TrainJob> = {
  taskUnits: (job) => [job.epochs * job.stepsPerEpoch],
  isTaskDone: (projectPath, runId, job) => existsSync(trainFiles(projectPath, runId, job.modelId).record),
  // "walker-steps per second" reads as optimiser steps per second for training.
  walkerStepsPerUnit: () => 1,
  phase: (job, done) => (done ? 'done' : `training a ${job.model} model of ${phaseNames(job.targetNames)} | ${phaseNames(job.condNames, 'CVs')} (${job.epochs} epochs x ${job.stepsPerEpoch} steps)`),
};

const kinds: { [K in Job['kind']]: JobKind<Extract<Job, { kind: K }>> } = { umbrella, metad, molecular, train, ensemble };

export function jobKindOf<J extends Job>(job: J): JobKind<J> {
  return kinds[job.kind] as unknown as JobKind<J>;
}
