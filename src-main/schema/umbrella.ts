/**
 * Umbrella sampling studies: window centres, seeding and the run parameters, and the cost estimate shown before a run starts.
 * Part of the shared vocabulary (schema/): api/contract re-exports it; store and runs import it from here.
 */
import { z } from 'zod';
import { finite, positive } from './numbers';
import { LIMITS } from './limits';
import { seedingSpec } from './seeding';

export const windowCentersSpec = z.union([
  z.object({ mode: z.literal('range'), min: finite(), max: finite(), count: z.number().int().min(1).max(LIMITS.windows) })
    .refine((r) => r.count === 1 || r.max > r.min, 'max must be greater than min'),
  z.object({ mode: z.literal('list'), values: z.array(finite()).min(1).max(LIMITS.windows) }),
]);
export type WindowCentersSpec = z.infer<typeof windowCentersSpec>;


export const umbrellaParams = z.object({
  /** Index of the coordinate used as CV (0 = x, 1 = y). */
  cvIndex: z.number().int().min(0).max(1),
  centers: windowCentersSpec,
  /**
   * Spring constant per CV (cvIndex's, then secondCv's): W = sum_i 0.5 k_i (cv_i - centre_i)^2,
   * energy units of kT (engine/bias/restraint.ts). The parsed params always hold springs.
   */
  springs: z.array(positive()).min(1).max(2).optional(),
  /** Convenience input: one spring constant for every CV (the parsed params hold it as springs). */
  spring: positive().optional(),
  kT: positive(),
  dt: positive(),
  stepsPerWindow: z.number().int().min(1).max(LIMITS.steps),
  /** Keep the CV every `stride` steps. */
  stride: z.number().int().min(1),
  walkersPerWindow: z.number().int().min(1).max(LIMITS.umbrellaWalkers),
  /** Steps discarded at the start of each window before samples are kept. */
  equilibrationSteps: z.number().int().min(0).default(0),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  /**
   * 2D grid study (optional; absent = 1D on cvIndex): a second coordinate as CV with its own
   * centres (its spring is springs[1]). Windows sit at every (c1, c2) of centers x secondCv.centers,
   * window index i * n2 + j; bias 0.5 k1 (q1 - c1)^2 + 0.5 k2 (q2 - c2)^2.
   */
  secondCv: z
    .object({
      cvIndex: z.number().int().min(0).max(1),
      centers: windowCentersSpec,
      /** Convenience input (the v1 shape): the second CV's spring, parsed into springs[1]. */
      spring: positive().optional(),
    })
    .optional(),
  /** Seeded start (runs/seeding/): walkers start from given configurations instead of the pulled start. */
  seeding: seedingSpec.optional(),
})
  .refine((p) => p.stride <= p.stepsPerWindow, { message: 'stride must not exceed steps per window', path: ['stride'] })
  .refine((p) => !p.secondCv || p.secondCv.cvIndex !== p.cvIndex, { message: 'the second CV must be a different coordinate', path: ['secondCv', 'cvIndex'] })
  .refine((p) => (p.spring === undefined) !== (p.springs === undefined), { message: 'give springs (one spring constant per CV) or spring (the same for every CV), not both', path: ['springs'] })
  .refine((p) => !p.springs || p.springs.length === (p.secondCv ? 2 : 1), { message: 'give one spring constant per CV (2 with a second CV, else 1)', path: ['springs'] })
  .refine((p) => !p.springs || p.secondCv?.spring === undefined, { message: 'give the second CV\'s spring in springs, not secondCv.spring', path: ['secondCv', 'spring'] })
  .transform(({ spring, secondCv, ...p }) => ({
    ...p,
    ...(secondCv ? { secondCv: { cvIndex: secondCv.cvIndex, centers: secondCv.centers } } : {}),
    springs: p.springs ?? (secondCv ? [spring!, secondCv.spring ?? spring!] : [spring!]),
  }));
/** Parsed umbrella parameters: springs always set, one per CV. */
export type UmbrellaParams = z.infer<typeof umbrellaParams>;
/** What a caller may send: springs, or one spring for every CV. */
export type UmbrellaParamsInput = z.input<typeof umbrellaParams>;

export interface CostEstimate {
  windows: number;
  walkerSteps: number;
  /** Samples kept per walker in each window (a window holds this times walkersPerWindow). */
  samplesPerWindow: number;
  diskBytes: number;
  /** From this machine's measured kernel throughput and worker count. */
  estimatedSeconds: number;
  workers: number;
}
