/**
 * API calls. Runs: starting umbrella, metadynamics and ensemble runs, listing, cancelling and resuming runs, where they compute, their results.
 * Each call is a zod input schema; its output type is in the interface below. index.ts joins them.
 */
import { z } from 'zod';
import { projectRef, runRef } from './common';
import { executorSettingsSchema, type ExecutorSettings } from '../../schema/executor';
import { type CostEstimate, umbrellaParams } from '../../schema/umbrella';
import { type MetadResult, metadParams } from '../../schema/metad';
import { type EnsembleResult, ensembleParams } from '../../schema/ensemble';
import type { RunRecord } from '../../schema/records';

export const runCalls = {
  estimateUmbrellaCost: { input: z.object({ params: umbrellaParams }) },
  startUmbrellaRun: {
    input: projectRef.extend({ systemId: z.string().min(1), name: z.string().trim().min(1).max(120), params: umbrellaParams }),
  },
  listRuns: { input: projectRef },
  /** Where the project's runs compute: local worker threads or a Slurm cluster (executor.json). */
  getExecutorSettings: { input: projectRef },
  setExecutorSettings: { input: projectRef.extend({ settings: executorSettingsSchema }) },
  cancelRun: { input: runRef },
  resumeRun: { input: runRef },
  startMetadRun: {
    input: projectRef.extend({ systemId: z.string().min(1), name: z.string().trim().min(1).max(120), params: metadParams }),
  },
  getMetadResult: { input: runRef },
  startEnsembleRun: {
    input: projectRef.extend({ systemId: z.string().min(1), name: z.string().trim().min(1).max(120), params: ensembleParams }),
  },
  getEnsembleResult: { input: runRef },
} as const;

/** Output type of each call above. */
export interface RunCallOutputs {
  estimateUmbrellaCost: CostEstimate;
  startUmbrellaRun: RunRecord;
  listRuns: RunRecord[];
  getExecutorSettings: ExecutorSettings;
  setExecutorSettings: ExecutorSettings;
  cancelRun: RunRecord;
  resumeRun: RunRecord;
  startMetadRun: RunRecord;
  getMetadResult: MetadResult;
  startEnsembleRun: RunRecord;
  getEnsembleResult: EnsembleResult;
}
