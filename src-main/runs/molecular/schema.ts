/**
 * The molecular job: everything the worker needs for a molecular run (plan.ts, umbrella-plan.ts); stored in run.json.
 *
 * - topologyFile, coordinatesFile: paths relative to the project folder (systems/<id>/...).
 * - cvs: definitions with 1-based atoms ("phi=dihedral(5,7,9,15)"), names and periodicity.
 * - metad.grid: grid per biased CV (periodic CVs: their period).
 * - umbrella: windows (umbrella-task.ts), one task per window; `steps` are each window's sampling
 *   steps after equilibrationSteps. `windows` holds one centre per restrained CV for every window
 *   (product of the lists, first CV slowest); `shape` the number of centres per restrained CV.
 *   Absent in runs made before umbrella existed.
 */
import { z } from 'zod';
import { MOLECULAR_INTEGRATORS, molecularRunParams, type MolecularRunRecord } from '../../schema';
import { RUN_SCHEMA_VERSION, runRecordCommon } from '../../store/project';

export const molecularJobSchema = z.object({
  kind: z.literal('molecular'),
  moleculeId: z.string(),
  topologyFile: z.string(),
  coordinatesFile: z.string(),
  temperature: z.number(),
  friction: z.number(),
  dt: z.number(),
  steps: z.number().int(),
  constraints: z.enum(['none', 'hbonds']),
  /** Langevin scheme; runs made before the choice existed ran BAOAB and read as 'baoab' (same numbers on resume). */
  integrator: z.enum(MOLECULAR_INTEGRATORS).default('baoab'),
  minimize: z.boolean(),
  seed: z.number().int(),
  frameInterval: z.number().int(),
  cvs: z.array(z.object({ name: z.string(), definition: z.string(), periodic: z.boolean() })),
  metad: z
    .object({
      cvIndices: z.array(z.number().int()),
      sigma: z.array(z.number()),
      height: z.number(),
      pace: z.number().int(),
      biasFactor: z.number(),
      grid: z.object({ min: z.array(z.number()), max: z.array(z.number()), bins: z.array(z.number().int()) }),
      /** Walkers sharing the bias (metad-walkers-task.ts); runs made before walkers existed read as 1. */
      walkers: z.number().int().min(1).default(1),
    })
    .nullable(),
  umbrella: z
    .object({
      cvIndices: z.array(z.number().int()),
      windows: z.array(z.array(z.number())),
      shape: z.array(z.number().int()),
      springs: z.array(z.number()),
      equilibrationSteps: z.number().int(),
    })
    .nullable()
    .optional(),
  /** Seeded runs (runs/seeding/): the start structure (atoms x 3, nm) of the run, or of each umbrella window. */
  starts: z.array(z.array(z.number())).optional(),
});
export type MolecularJob = z.infer<typeof molecularJobSchema>;

export const molecularRunFileSchema = z.object({
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  run: z.object({ ...runRecordCommon, kind: z.literal('molecular'), moleculeId: z.string(), moleculeName: z.string(), params: molecularRunParams }),
  job: molecularJobSchema,
});
export interface MolecularRunFile { schemaVersion: typeof RUN_SCHEMA_VERSION; run: MolecularRunRecord; job: MolecularJob }
