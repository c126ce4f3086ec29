/**
 * The walker-ensemble job: everything the worker needs for a walker-ensemble run (plan.ts); stored in run.json.
 *
 * - backend: tfjs backend preference the worker starts when the executor decision needs one.
 * - ranges, bins: histogram range per coordinate (the system's box widened by 10%) and bins per axis.
 * - start: null = every walker starts uniformly in the system's box (its own seeded draw); else this point.
 */
import { z } from 'zod';
import { ensembleParams, systemSpec, type EnsembleRunRecord } from '../../schema';
import { RUN_SCHEMA_VERSION, runRecordBase } from '../../store/project';

export const ensembleJobSchema = z.object({
  kind: z.literal('ensemble'),
  system: systemSpec,
  coordinateNames: z.array(z.string()),
  walkers: z.number().int(),
  steps: z.number().int(),
  dt: z.number(),
  kT: z.number(),
  umbrella: z.object({ cvIndices: z.array(z.number().int()), centers: z.array(z.number()), springs: z.array(z.number()) }).nullable(),
  executor: z.enum(['auto', 'cpu', 'tensor']),
  backend: z.string(),
  ranges: z.array(z.tuple([z.number(), z.number()])),
  bins: z.number().int(),
  equilibrationSteps: z.number().int(),
  stride: z.number().int(),
  start: z.array(z.number()).nullable(),
  /** Seeded runs (runs/seeding/): configurations (k x dim, k <= walkers) the walkers start from in turn; replaces `start`. */
  starts: z.array(z.number()).optional(),
  seed: z.number().int(),
});
export type EnsembleJob = z.infer<typeof ensembleJobSchema>;

export const ensembleRunFileSchema = z.object({
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  run: z.object({
    ...runRecordBase,
    kind: z.literal('ensemble'),
    params: ensembleParams,
    executor: z.enum(['cpu', 'tensor']).optional(),
    executorReason: z.string().optional(),
    backend: z.string().nullable().optional(),
  }),
  job: ensembleJobSchema,
});
export interface EnsembleRunFile { schemaVersion: typeof RUN_SCHEMA_VERSION; run: EnsembleRunRecord; job: EnsembleJob }
