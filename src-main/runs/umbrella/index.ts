/** Run kind 'umbrella': umbrella windows on a toy system; one task per window. */
import { existsSync } from 'node:fs';
import { umbrellaParams, type SystemSpec, type UmbrellaParams } from '../../schema';
import { windowFilePath } from '../../store/project';
import type { RunKind } from '../run-kind';
import { planUmbrellaJob } from './plan';
import { umbrellaJobSchema, umbrellaRunFileSchema, type UmbrellaJob, type UmbrellaRunFile } from './schema';

/** Integration steps each walker of an umbrella window makes in total. */
export function umbrellaStepsPerWalker(job: UmbrellaJob): number {
  return job.equilibrationSteps + job.samplesPerWindow * job.stride;
}

export const umbrellaKind: RunKind<UmbrellaJob, UmbrellaParams, SystemSpec, UmbrellaRunFile> = {
  kind: 'umbrella',
  paramsSchema: umbrellaParams,
  jobSchema: umbrellaJobSchema,
  runFileSchema: umbrellaRunFileSchema,
  calls: { start: 'startUmbrellaRun', result: 'getFes' },
  plan: (spec, params) => planUmbrellaJob(spec, params),
  taskUnits: (job) => job.windows.map(() => umbrellaStepsPerWalker(job)),
  isTaskDone: (projectPath, runId, _job, k) => existsSync(windowFilePath(projectPath, runId, k)),
  walkerStepsPerUnit: (job) => job.walkers,
  phase: (job, done) => `sampling: ${done} of ${job.windows.length} windows done`,
};
