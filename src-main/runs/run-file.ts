/**
 * run.json of any run kind: the union of every kind's run-file schema (runs/<kind>/schema.ts) and
 * the readers the API, the CLI and the runtime use. The store reads and checks the versioned
 * envelope (store/project.ts readRunFileWith); the job's shape is the run kind's, so the store
 * needs no knowledge of run kinds and imports nothing from runs/.
 */
import { z } from 'zod';
import { ApiError } from '../schema';
import { readRunFileWith, type ProjectFile } from '../store/project';
import { umbrellaRunFileSchema, type UmbrellaJob, type UmbrellaRunFile } from './umbrella/schema';
import { metadRunFileSchema, type MetadJob, type MetadRunFile } from './metad/schema';
import { molecularRunFileSchema, type MolecularJob, type MolecularRunFile } from './molecular/schema';
import { trainRunFileSchema, type TrainJob, type TrainRunFile } from './train/schema';
import { ensembleRunFileSchema, type EnsembleJob, type EnsembleRunFile } from './ensemble/schema';

export type { UmbrellaJob, UmbrellaRunFile, MetadJob, MetadRunFile, MolecularJob, MolecularRunFile, TrainJob, TrainRunFile, EnsembleJob, EnsembleRunFile };
export type { MolecularTrainPlan } from './train/schema';

/** Every kind's run file (one member per kind; test/runs/registry.test.ts checks it matches runs/registry.ts). */
export const runFileSchema = z.union([umbrellaRunFileSchema, metadRunFileSchema, molecularRunFileSchema, trainRunFileSchema, ensembleRunFileSchema]);
/** Every kind of job a run can hold (one member per kind; see runs/registry.ts). */
export type Job = UmbrellaJob | MetadJob | MolecularJob | TrainJob | EnsembleJob;
/** run.json: the record and the job of one run, of any kind (narrow on job.kind). */
export type RunFile = UmbrellaRunFile | MetadRunFile | MolecularRunFile | TrainRunFile | EnsembleRunFile;

export async function readRunFile(projectPath: string, runId: string): Promise<RunFile> {
  const data = await readRunFileWith(projectPath, runId, runFileSchema);
  return data as RunFile;
}

/**
 * All runs of the project index, oldest first. A damaged or unreadable run file does not hide the
 * project: it is left out and its problem (naming the file) is returned in `problems`.
 */
export async function readAllRuns(projectPath: string, project: ProjectFile): Promise<{ runs: RunFile[]; problems: string[] }> {
  const runs: RunFile[] = [];
  const problems: string[] = [];
  for (const entry of project.runs) {
    try {
      runs.push(await readRunFile(projectPath, entry.id));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      problems.push(error.message);
    }
  }
  return { runs, problems };
}
