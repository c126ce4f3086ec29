/**
 * Files of a multiple-walker metadynamics run inside runs/<id>/ (metad-walkers-task.ts): per
 * walker w (NNN = w, 3+ digits) its DCD and raw CV / energy rows while it runs. The run's shared
 * files keep the single-walker names (runs/molecular/files.ts): the checkpoint, hills.f64, and
 * the final products, where cv.npy / energies.npy / COLVAR hold every walker's frames, walker 0's
 * first, and COLVAR and HILLS have a `walker` column.
 */
import { join } from 'node:path';
import { runDir } from '../../store/paths';
import type { MolecularJob } from '../run-file';
import { molecularFiles } from './files';
import { umbrellaWindowFiles } from './umbrella-files';

const pad = (w: number) => String(w).padStart(3, '0');

export const metadWalkerFiles = (projectPath: string, runId: string, w: number) => {
  const stem = join(runDir(projectPath, runId), `walker-${pad(w)}`);
  return {
    /** One frame every frameInterval steps; header frame count fixed at every checkpoint and at the end. */
    trajectory: `${stem}.dcd`,
    /** Raw float64 rows while running: time, every CV, bias. */
    cvRaw: `${stem}-cv.f64`,
    /** Raw float64 rows: time, potential, kinetic, temperature, bias. */
    energiesRaw: `${stem}-energies.f64`,
  };
};

/** Walkers sharing the bias of a molecular job (1 for plain MD, umbrella windows and older runs). */
export function metadWalkerCount(job: MolecularJob): number {
  return job.metad?.walkers ?? 1;
}

/**
 * The DCD files of a molecular run, in the order they read as one trajectory: umbrella windows
 * (window 0 first), metadynamics walkers (walker 0 first), or the run's one trajectory.
 */
export function molecularTrajectories(projectPath: string, runId: string, job: MolecularJob): string[] {
  const windows = job.umbrella?.windows.length ?? 0;
  if (windows > 0) return Array.from({ length: windows }, (_, k) => umbrellaWindowFiles(projectPath, runId, k).trajectory);
  const walkers = metadWalkerCount(job);
  if (walkers > 1) return Array.from({ length: walkers }, (_, w) => metadWalkerFiles(projectPath, runId, w).trajectory);
  return [molecularFiles(projectPath, runId).trajectory];
}
