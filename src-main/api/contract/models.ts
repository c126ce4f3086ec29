/**
 * API calls. Generative models: training, listing, lifting (toy systems and molecules) and consistency reports.
 * Each call is a zod input schema; its output type is in the interface below. index.ts joins them.
 */
import { z } from 'zod';
import { projectRef, runRef } from './common';
import { finite, positive } from '../../schema/numbers';
import { type ConsistencyReport, type LiftOutput, type ModelDetail, type ModelRecord, type MoleculeLiftOutput, type TrainingStatus, trainParams } from '../../schema/models';
import type { RunRecord } from '../../schema/records';

export const modelCalls = {
  startTraining: { input: projectRef.extend({ name: z.string().trim().min(1).max(120) }).extend(trainParams.shape) },
  listModels: { input: projectRef },
  getModel: { input: projectRef.extend({ modelId: z.string().min(1), maxPoints: z.number().int().min(10).max(100_000).default(3000) }) },
  getTraining: { input: runRef },
  lift: {
    input: projectRef.extend({
      modelId: z.string().min(1),
      /** One condition (condDim values) or several, concatenated (a grid). */
      cond: z.array(finite()).min(1).max(10_000),
      n: z.number().int().min(1).max(100_000),
      seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
      method: z.enum(['sde', 'ode']).optional(),
      steps: z.number().int().min(1).max(5000).optional(),
    }).refine((p) => p.cond.length * p.n <= 2_000_000, { message: 'conditions x n must be at most 2,000,000', path: ['n'] }),
  },
  consistencyReport: {
    input: projectRef.extend({
      modelId: z.string().min(1),
      /** 1-D condition values to judge; default a grid over the trained range plus the hold-out centre. */
      conditions: z.array(finite()).min(1).max(200).optional(),
      n: z.number().int().min(10).max(20_000).default(500),
      seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
      method: z.enum(['sde', 'ode']).optional(),
      steps: z.number().int().min(1).max(5000).optional(),
      /** Lift-evolve-restrict bursts at each condition (default on). */
      evolve: z.boolean().optional(),
    }),
  },
  liftMolecule: {
    input: projectRef.extend({
      modelId: z.string().min(1),
      /** One value per CV of the model (rad for dihedrals). */
      cond: z.array(finite()).min(1).max(8),
      n: z.number().int().min(1).max(500),
      seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
      /**
       * Restrained relaxation: `ps` of Langevin dynamics at the training temperature under
       * k (CV - target)^2 / 2 on every CV (kJ/mol per unit^2; default 5000), then the CVs imposed again.
       */
      relax: z.object({ ps: positive().max(100), k: positive().max(1e7).optional() }).optional(),
      /** Half-width of the CV window for simulated frames (default 0.15 rad / nm). */
      halfWidth: positive().optional(),
    }),
  },
} as const;

/** Output type of each call above. */
export interface ModelCallOutputs {
  startTraining: RunRecord;
  listModels: ModelRecord[];
  getModel: ModelDetail;
  getTraining: TrainingStatus;
  lift: LiftOutput;
  consistencyReport: ConsistencyReport;
  liftMolecule: MoleculeLiftOutput;
}
