/**
 * The umbrella job: everything a worker needs to run one umbrella window; stored in run.json
 * before the run starts (the run-file envelope is store/project.ts's).
 *
 * - windows: per window, every walker starts at `start` (CV at the centre; see plan.ts for the
 *   rest). `centers`/`springs`: one per CV (in jobCvIndices order), the restraint's AT and KAPPA
 *   (engine/bias/restraint.ts). Seeded runs add `starts`: walkers x dim starting coordinates.
 * - cvIndices: 2D grid studies only: the coordinates used as CVs ([cvIndex, second]); absent = 1D on cvIndex.
 * - gridShape: 2D grid studies only: centres per CV; window k = i * gridShape[1] + j.
 * - streamStride: walker w of window k uses RNG stream k * streamStride + w.
 */
import { z } from 'zod';
import { systemSpec, umbrellaParams, type UmbrellaRunRecord } from '../../schema';
import { RUN_SCHEMA_VERSION, runRecordBase } from '../../store/project';

export const umbrellaJobSchema = z.object({
  kind: z.literal('umbrella'),
  system: systemSpec,
  cvIndex: z.number().int(),
  windows: z.array(
    z.object({
      index: z.number().int(),
      start: z.array(z.number()),
      centers: z.array(z.number()),
      springs: z.array(z.number()),
      starts: z.array(z.number()).optional(),
    }),
  ),
  cvIndices: z.array(z.number().int()).optional(),
  gridShape: z.array(z.number().int()).optional(),
  kT: z.number(),
  dt: z.number(),
  walkers: z.number().int(),
  equilibrationSteps: z.number().int(),
  stepsPerWindow: z.number().int(),
  stride: z.number().int(),
  samplesPerWindow: z.number().int(),
  seed: z.number().int(),
  streamStride: z.number().int(),
});
export type UmbrellaJob = z.infer<typeof umbrellaJobSchema>;

export const umbrellaRunFileSchema = z.object({
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  run: z.object({ ...runRecordBase, kind: z.literal('umbrella'), params: umbrellaParams, windowCenters: z.array(z.number()) }),
  job: umbrellaJobSchema,
});
export interface UmbrellaRunFile { schemaVersion: typeof RUN_SCHEMA_VERSION; run: UmbrellaRunRecord; job: UmbrellaJob }
