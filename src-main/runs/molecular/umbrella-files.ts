/**
 * Files of a molecular umbrella run inside runs/<id>/: per window k (NNN = k, 3+ digits) the
 * streamed raw rows and DCD while it runs, its checkpoint, and window-NNN-cv.npy written last
 * (its existence marks the window done). The analysis (analysis/umbrella-fes/molecular.ts) adds the
 * concatenated cv.npy / energies.npy / COLVAR, fes.npy and result.json (runs/molecular/files.ts names).
 */
import { join } from 'node:path';
import { runDir } from '../../store/paths';
import type { MolecularJob } from '../run-file';

const pad = (k: number) => String(k).padStart(3, '0');

export const umbrellaWindowFiles = (projectPath: string, runId: string, k: number) => {
  const dir = runDir(projectPath, runId);
  const stem = join(dir, `window-${pad(k)}`);
  return {
    checkpoint: `${stem}-checkpoint.json`,
    /** One frame per sample; header frame count fixed at every checkpoint and at the end. */
    trajectory: `${stem}.dcd`,
    /** Raw float64 rows while running: time, every CV, restraint energy. */
    cvRaw: `${stem}-cv.f64`,
    /** Raw float64 rows: time, potential, kinetic, temperature, restraint energy. */
    energiesRaw: `${stem}-energies.f64`,
    energiesNpy: `${stem}-energies.npy`,
    /** frames x cvs; written last. */
    cvNpy: `${stem}-cv.npy`,
  };
};

/** Work units (time steps) of one window: equilibration + sampling. */
export function umbrellaWindowSteps(job: MolecularJob): number {
  return (job.umbrella?.equilibrationSteps ?? 0) + job.steps;
}
