/** Where a molecular run keeps its files inside runs/<id>/ (shared by the worker and the API). */
import { join } from 'node:path';
import { runDir } from '../../store/paths';

export const molecularFiles = (projectPath: string, runId: string) => {
  const dir = runDir(projectPath, runId);
  return {
    checkpoint: join(dir, 'molecular-checkpoint.json'),
    /** Streamed while running; the header's frame count is fixed at every checkpoint and at the end. */
    trajectory: join(dir, 'trajectory.dcd'),
    /** Raw little-endian float64 rows appended while running: time, every CV, bias (one per frame). */
    cvRaw: join(dir, 'cv.f64'),
    /** Raw float64 rows: time, potential, kinetic, temperature, bias (one per frame). */
    energiesRaw: join(dir, 'energies.f64'),
    /** Raw float64 rows: time, centre per biased CV, sigma per biased CV, height. */
    hillsRaw: join(dir, 'hills.f64'),
    /** Final products. */
    cvNpy: join(dir, 'cv.npy'),
    energiesNpy: join(dir, 'energies.npy'),
    colvarText: join(dir, 'COLVAR'),
    hillsText: join(dir, 'HILLS'),
    fesNpy: join(dir, 'fes.npy'),
    biasState: join(dir, 'bias-state.json'),
    /** Written last: its existence marks the task done. */
    result: join(dir, 'result.json'),
  };
};

/** Columns of energies.npy. */
export const ENERGY_COLUMNS = ['time', 'potential', 'kinetic', 'temperature', 'bias'] as const;
