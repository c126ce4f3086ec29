/**
 * Seeded starts, shared by every run kind (runs/seeding/): where a run's windows or walkers start
 * instead of the kind's default start (pulled start, lowest grid point, the molecule's file).
 * Part of the shared vocabulary (schema/): api/contract re-exports it; runs import it from here.
 */
import { z } from 'zod';
import { finite } from './numbers';

/**
 * `starts`: configurations, either one block per task (an umbrella window; the whole run for
 * metadynamics, ensembles and molecular MD) holding walkers x dim numbers (walker-major), or one
 * configuration per walker (tasks x walkers of them, task-major). Molecules: dim = atoms x 3, nm.
 * Configurations lifted by a model at each window's condition, or frames of an earlier run.
 *
 * `source`, `modelId`, `conditions`, `seed` (lifted) and `runId`, `frames` (frames) are the
 * provenance kept in run.json with the parameters. With source 'frames', `runId` and `frames`
 * but no `starts`, the start call reads those frames of that run itself (api/seeding.ts).
 */
export const seedingSpec = z.object({
  source: z.enum(['lifted', 'frames']),
  modelId: z.string().min(1).optional(),
  /** Lifted: the condition (CV values) each block was lifted at. */
  conditions: z.array(z.array(finite()).min(1).max(8)).min(1).max(100_000).optional(),
  runId: z.string().min(1).optional(),
  /** Frames: 0-based frame indices of the earlier run (negative: from the end, -1 = last), in walker order. */
  frames: z.array(z.number().int()).min(1).max(100_000).optional(),
  seed: z.number().int().min(0).optional(),
  starts: z.array(z.array(finite()).min(1).max(4096 * 64)).min(1).max(100_000).optional(),
})
  .refine((s) => s.starts !== undefined || (s.source === 'frames' && s.runId !== undefined && s.frames !== undefined), {
    message: 'give starts (the configurations), or source "frames" with runId and frames (the frames of that run to start from)',
    path: ['starts'],
  });
export type SeedingSpec = z.infer<typeof seedingSpec>;
