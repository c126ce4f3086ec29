/** Where a metadynamics run keeps its files inside runs/<id>/ (shared by the worker and the API). */
import { join } from 'node:path';
import { runDir } from '../../store/paths';

export const metadFiles = (projectPath: string, runId: string) => {
  const dir = runDir(projectPath, runId);
  return {
    checkpoint: join(dir, 'metad-checkpoint.json'),
    /** Raw little-endian float64 rows appended while running (COLVAR fields). */
    colvarRaw: join(dir, 'colvar.f64'),
    /** Raw float64 rows: time, centre per CV, sigma per CV, height. */
    hillsRaw: join(dir, 'hills.f64'),
    /** Final products. */
    colvarNpy: join(dir, 'colvar.npy'),
    colvarText: join(dir, 'COLVAR'),
    hillsText: join(dir, 'HILLS'),
    fesNpy: join(dir, 'fes.npy'),
    biasState: join(dir, 'bias-state.json'),
  };
};

/** COLVAR fields written by the recorder: time, walker, every coordinate, bias, c(t). */
export function colvarFields(coordinateNames: readonly string[]): string[] {
  return ['time', 'walker', ...coordinateNames, 'metad.bias', 'metad.rct'];
}
