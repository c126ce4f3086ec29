/** Run kind 'ensemble': a walker ensemble on a toy system; one task (one thread integrates every walker). */
import { existsSync } from 'node:fs';
import { ensembleParams, type EnsembleParams, type EnsembleResult, type SystemSpec } from '../../schema';
import type { RunKind } from '../run-kind';
import { ensembleFiles } from './files';
import { planEnsembleJob } from './plan';
import { ensembleJobSchema, ensembleRunFileSchema, type EnsembleJob, type EnsembleRunFile } from './schema';

/** A unit is one step of every walker. */
export const ensembleKind: RunKind<EnsembleJob, EnsembleParams, SystemSpec, EnsembleRunFile> = {
  kind: 'ensemble',
  paramsSchema: ensembleParams,
  jobSchema: ensembleJobSchema,
  runFileSchema: ensembleRunFileSchema,
  calls: { start: 'startEnsembleRun', result: 'getEnsembleResult' },
  plan: (spec, params) => planEnsembleJob(spec, params),
  taskUnits: (job) => [job.steps],
  isTaskDone: (projectPath, runId) => existsSync(ensembleFiles(projectPath, runId).summary),
  walkerStepsPerUnit: (job) => job.walkers,
  phase: (job, done) => (done ? 'done' : `ensemble of ${job.walkers.toLocaleString('en-US')} walkers${job.umbrella ? ' (umbrella)' : ''}`),
};
