/** Where a walker-ensemble run keeps its files inside runs/<id>/ (shared by the worker and the API). */
import { join } from 'node:path';
import { runDir } from '../../store/paths';

export const ensembleFiles = (projectPath: string, runId: string) => {
  const dir = runDir(projectPath, runId);
  return {
    /** Binary checkpoint (runs/ensemble/checkpoint.ts): positions, step, histograms, RNG states. */
    checkpoint: join(dir, 'ensemble-checkpoint.bin'),
    /** Counts per coordinate, float64 (dim, bins). */
    histogramsNpy: join(dir, 'histograms.npy'),
    /** 2D systems: counts on bins x bins, float64 (first coordinate slowest). */
    histogram2dNpy: join(dir, 'histogram2d.npy'),
    /** Written last (marks the task done): executor, reason, backend, timing, sample counts. */
    summary: join(dir, 'ensemble.json'),
  };
};

/** What ensemble.json holds. */
export interface EnsembleSummary {
  schemaVersion: 1;
  executor: 'cpu' | 'tensor';
  executorReason: string;
  backend: string | null;
  /** Integration seconds summed over every attempt up to the last checkpoint plus the final one. */
  seconds: number;
  walkerSteps: number;
  samples: number;
  outside: number[];
}
