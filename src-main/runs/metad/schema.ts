/** The metadynamics job: everything the worker needs for a metadynamics run (plan.ts); stored in run.json before it starts. Every walker starts at `start`. */
import { z } from 'zod';
import { metadParams, systemSpec, type MetadRunRecord } from '../../schema';
import { RUN_SCHEMA_VERSION, runRecordBase } from '../../store/project';

export const metadJobSchema = z.object({
  kind: z.literal('metad'),
  system: systemSpec,
  cvIndices: z.array(z.number().int()),
  cvNames: z.array(z.string()),
  sigma: z.array(z.number()),
  height: z.number(),
  pace: z.number().int(),
  biasFactor: z.number(),
  kT: z.number(),
  dt: z.number(),
  steps: z.number().int(),
  walkers: z.number().int(),
  integrator: z.enum(['overdamped', 'baoab']),
  friction: z.number(),
  mass: z.number(),
  grid: z.object({ min: z.array(z.number()), max: z.array(z.number()), bins: z.array(z.number().int()) }),
  colvarStride: z.number().int(),
  start: z.array(z.number()),
  /** Seeded runs (runs/seeding/): walkers x dim starting coordinates, walker-major, instead of `start`. */
  starts: z.array(z.number()).optional(),
  seed: z.number().int(),
});
export type MetadJob = z.infer<typeof metadJobSchema>;

export const metadRunFileSchema = z.object({
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  run: z.object({ ...runRecordBase, kind: z.literal('metad'), params: metadParams }),
  job: metadJobSchema,
});
export interface MetadRunFile { schemaVersion: typeof RUN_SCHEMA_VERSION; run: MetadRunRecord; job: MetadJob }
