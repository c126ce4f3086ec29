/**
 * What the Jobs table's throughput column counts for each kind of run: the manager reports
 * "units per second", which are walker-steps for sampling runs, MD steps for a molecular run
 * and optimiser steps for training (runs/registry.ts walkerStepsPerUnit).
 */
import type { RunRecord } from '../../../../src-main/api/contract';

export function rateUnit(run: Pick<RunRecord, 'kind'>): string {
  switch (run.kind) {
    case 'train':
      return 'optimiser steps/s';
    case 'molecular':
      return 'MD steps/s';
    default:
      return 'walker-steps/s';
  }
}
