/** Run kind 'metad': well-tempered metadynamics on a toy system; one task (the walkers share one bias). */
import { existsSync } from 'node:fs';
import { metadParams, type MetadParams, type MetadResult, type SystemSpec } from '../../schema';
import type { RunKind } from '../run-kind';
import { metadFiles } from './files';
import { planMetadJob } from './plan';
import { metadJobSchema, metadRunFileSchema, type MetadJob, type MetadRunFile } from './schema';

/** A unit is one step of every walker. */
export const metadKind: RunKind<MetadJob, MetadParams, SystemSpec, MetadRunFile> = {
  kind: 'metad',
  paramsSchema: metadParams,
  jobSchema: metadJobSchema,
  runFileSchema: metadRunFileSchema,
  calls: { start: 'startMetadRun', result: 'getMetadResult' },
  plan: (spec, params) => planMetadJob(spec, params),
  taskUnits: (job) => [job.steps],
  isTaskDone: (projectPath, runId) => existsSync(metadFiles(projectPath, runId).fesNpy),
  walkerStepsPerUnit: (job) => job.walkers,
  phase: (job, done) => (done ? 'done' : `metadynamics on ${job.cvNames.join(', ')} with ${job.walkers} walker${job.walkers === 1 ? '' : 's'}`),
};
