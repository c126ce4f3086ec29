/**
 * The training job: everything the worker needs to train a model (see plan.ts planTrainJob); stored in run.json.
 *
 * - system: the toy system; absent for molecular training (see `molecular`).
 * - molecular (MolecularTrainPlan; molecular-data.ts): where the frames are and how they are
 *   featurised. Paths are relative to the project folder (as in the source runs' jobs); `cvs` are
 *   the condition (every CV of the source runs); `trajectories` the DCD files pooled in this order
 *   (frames counted at planning); `zmatrix` an engine/generative/molecular-features.ts
 *   InternalCoordinateSpec; `free` the internal coordinates the model generates, the others held at
 *   `frozen` values (constrained bonds). `cvCoordinates`/`offsets` (models planned since the CVs are
 *   imposed exactly, engine/generative/molecular-targets.ts): per CV the internal coordinate set
 *   from the condition (-1: projected), and the torsions modelled as offsets from an anchor on the
 *   same bond; absent in older plans (they generated the CVs).
 * - sourceRunIds: source runs (umbrella, metadynamics or molecular), pooled in this order.
 * - colvarWidth, condColumns, targetColumns: columns of colvar.npy: condition = the runs' CVs, target = the other coordinates.
 * - rows, stepsPerEpoch: rows used for training (after discard and hold-out) and the optimiser steps per epoch.
 * - backend: backend preference ('auto' unless LIFTWELL_TF_BACKEND says otherwise).
 */
import { z } from 'zod';
import { MOLECULAR_INTEGRATORS, systemSpec, trainParams, type TrainRunRecord } from '../../schema';
import { RUN_SCHEMA_VERSION, runRecordBase } from '../../store/project';

export const trainJobSchema = z.object({
  kind: z.literal('train'),
  system: systemSpec.optional(),
  molecular: z
    .object({
      moleculeId: z.string(),
      moleculeName: z.string(),
      topologyFile: z.string(),
      coordinatesFile: z.string(),
      temperature: z.number(),
      /** The source runs' Langevin scheme (the first run's), used by the lift's relaxation; older models read as 'baoab'. */
      integrator: z.enum(MOLECULAR_INTEGRATORS).default('baoab'),
      cvs: z.array(z.object({ name: z.string(), definition: z.string(), periodic: z.boolean() })),
      trajectories: z.array(z.object({ runId: z.string(), file: z.string(), frames: z.number().int() })),
      zmatrix: z.unknown(),
      free: z.array(z.number().int()),
      frozen: z.array(z.object({ index: z.number().int(), value: z.number() })),
      cvCoordinates: z.array(z.number().int()).optional(),
      offsets: z.array(z.object({ coordinate: z.number().int(), anchor: z.number().int() })).optional(),
    })
    .optional(),
  modelId: z.string(),
  modelName: z.string(),
  sourceRunIds: z.array(z.string()),
  colvarWidth: z.number().int(),
  condColumns: z.array(z.number().int()),
  targetColumns: z.array(z.number().int()),
  condIndices: z.array(z.number().int()),
  targetIndices: z.array(z.number().int()),
  condNames: z.array(z.string()),
  targetNames: z.array(z.string()),
  kT: z.number(),
  discardFraction: z.number(),
  holdOut: z.tuple([z.number(), z.number()]).nullable(),
  rows: z.number().int(),
  stepsPerEpoch: z.number().int(),
  model: z.enum(['score', 'gan']),
  epochs: z.number().int(),
  seed: z.number().int(),
  hidden: z.array(z.number().int()).nullable(),
  batchSize: z.number().int(),
  learningRate: z.number().nullable(),
  validationFraction: z.number(),
  patience: z.number().int().nullable(),
  backend: z.string(),
});
export type TrainJob = z.infer<typeof trainJobSchema>;
/** Training on molecular runs: where the frames are and how they are featurised (see above). */
export type MolecularTrainPlan = NonNullable<TrainJob['molecular']>;

export const trainRunFileSchema = z.object({
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  run: z.object({ ...runRecordBase, system: systemSpec.optional(), kind: z.literal('train'), params: trainParams, modelId: z.string(), device: z.enum(['worker', 'webgpu']).optional(), deviceReason: z.string().optional() }),
  job: trainJobSchema,
});
export interface TrainRunFile { schemaVersion: typeof RUN_SCHEMA_VERSION; run: TrainRunRecord; job: TrainJob }
