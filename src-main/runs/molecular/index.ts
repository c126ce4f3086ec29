/**
 * Run kind 'molecular': molecular dynamics (optionally metadynamics) on an imported molecule, one
 * task where a unit is one time step; or umbrella windows, one task per window (equilibration +
 * sampling steps).
 */
import { existsSync } from 'node:fs';
import { molecularRunParams, type MolecularResult, type MolecularRunParams, type MoleculeRecord } from '../../schema';
import type { ParsedMolecule } from '../../store/molecules';
import type { RunKind } from '../run-kind';
import { molecularFiles } from './files';
import { planMolecularJob } from './plan';
import { molecularJobSchema, molecularRunFileSchema, type MolecularJob, type MolecularRunFile } from './schema';
import { umbrellaWindowFiles, umbrellaWindowSteps } from './umbrella-files';
import { metadWalkerCount } from './walker-files';

/** What planning reads besides the params: the molecule's record and its parsed files. */
export interface MolecularPlanSource {
  record: MoleculeRecord;
  molecule: ParsedMolecule;
}

export const molecularKind: RunKind<MolecularJob, MolecularRunParams, MolecularPlanSource, MolecularRunFile> = {
  kind: 'molecular',
  paramsSchema: molecularRunParams,
  jobSchema: molecularJobSchema,
  runFileSchema: molecularRunFileSchema,
  calls: { start: 'startMolecularRun', result: 'getMolecularResult' },
  plan: ({ record, molecule }, params) => planMolecularJob(record, molecule, params),
  taskUnits: (job) => (job.umbrella ? job.umbrella.windows.map(() => umbrellaWindowSteps(job)) : [job.steps]),
  isTaskDone: (projectPath, runId, job, k) =>
    existsSync(job.umbrella ? umbrellaWindowFiles(projectPath, runId, k).cvNpy : molecularFiles(projectPath, runId).result),
  walkerStepsPerUnit: (job) => metadWalkerCount(job),
  phase: (job, done) =>
    job.umbrella
      ? `umbrella windows on ${job.umbrella.cvIndices.map((i) => job.cvs[i].name).join(', ')}: ${done} of ${job.umbrella.windows.length} done`
      : done ? 'done' : job.metad ? `metadynamics on ${job.metad.cvIndices.map((i) => job.cvs[i].name).join(', ')}${metadWalkerCount(job) > 1 ? `, ${metadWalkerCount(job)} walkers` : ''}` : 'molecular dynamics',
};
