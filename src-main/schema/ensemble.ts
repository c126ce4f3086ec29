/**
 * Walker ensembles (plain sampling): run parameters, profiles and the result.
 * Part of the shared vocabulary (schema/): api/contract re-exports it; store and runs import it from here.
 */
import { z } from 'zod';
import { finite, positive } from './numbers';
import { LIMITS } from './limits';
import { seedingSpec } from './seeding';

/**
 * A large ensemble of independent overdamped walkers (10^4-10^6) integrated by the CPU kernel or
 * the batched tensor integrator (engine/integrators/executor.ts); histograms of every walker,
 * no per-sample storage (runs/ensemble/task.ts).
 */
export const ensembleParams = z
  .object({
    walkers: z.number().int().min(1).max(LIMITS.ensembleWalkers),
    /** Integration steps per walker, equilibration included. */
    steps: z.number().int().min(1).max(LIMITS.steps),
    dt: positive(),
    kT: positive(),
    /**
     * Optional harmonic restraint 0.5 k (x[i] - c)^2 on one coordinate (engine/bias/restraint.ts),
     * as {cvIndices: [i], centers: [c], springs: [k]}; {cvIndex, center, spring} is accepted too.
     */
    umbrella: z
      .object({
        cvIndices: z.array(z.number().int().min(0).max(63)).length(1, 'the ensemble restrains one coordinate').optional(),
        centers: z.array(finite()).length(1, 'give one centre').optional(),
        springs: z.array(positive()).length(1, 'give one spring constant').optional(),
        cvIndex: z.number().int().min(0).max(63).optional(),
        center: finite().optional(),
        spring: positive().optional(),
      })
      .refine((u) => (u.cvIndices === undefined) !== (u.cvIndex === undefined), { message: 'give cvIndices (or cvIndex)', path: ['cvIndices'] })
      .refine((u) => (u.centers === undefined) !== (u.center === undefined), { message: 'give centers (or center)', path: ['centers'] })
      .refine((u) => (u.springs === undefined) !== (u.spring === undefined), { message: 'give springs (or spring)', path: ['springs'] })
      .transform((u) => ({ cvIndices: u.cvIndices ?? [u.cvIndex!], centers: u.centers ?? [u.center!], springs: u.springs ?? [u.spring!] }))
      .nullable()
      .default(null),
    executor: z.enum(['auto', 'cpu', 'tensor']).default('auto'),
    /** Histogram bins per coordinate (and per axis of the 2D histogram of 2D systems). */
    bins: z.number().int().min(8).max(1000).default(80),
    /** First steps not histogrammed. */
    equilibrationSteps: z.number().int().min(0).default(0),
    /** Histogram every walker every this many steps. */
    stride: z.number().int().min(1).default(10),
    /** Where walkers start: uniformly in the system's box (relaxes fastest), or all at the lowest grid point. */
    start: z.enum(['box', 'minimum']).default('box'),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    /**
     * Seeded start (runs/seeding/): walkers start from the given configurations (one block, or one
     * configuration per walker), cycling through them when there are fewer than walkers; replaces `start`.
     */
    seeding: seedingSpec.optional(),
  })
  .refine((p) => p.equilibrationSteps + p.stride <= p.steps, { message: 'steps must exceed equilibrationSteps by at least one stride (nothing would be histogrammed)', path: ['steps'] });
export type EnsembleParams = z.infer<typeof ensembleParams>;

/** One histogram FES along a coordinate, beside the exact answer where there is one. */
export interface EnsembleProfile {
  coordinate: string;
  centers: number[];
  /** -kT ln of the histogram (energy units, min 0); null for empty bins. */
  fes: (number | null)[];
  /** Exact FES on the same centres (min 0) when the system has one (dimension <= 2). */
  exact: number[] | null;
  /**
   * 'unbiased': the umbrella acts on this coordinate only, so W is removed bin by bin and fes
   * is the unbiased free energy; 'biased': the umbrella acts on another coordinate, fes is the
   * biased marginal and exact is the exact biased marginal (see analysis/ensemble-result.ts).
   */
  meaning: 'unbiased' | 'biased';
  /** RMS of fes - exact - best constant over bins with exact < 4 kT (energy units), or null. */
  rmsVsExact: number | null;
}

export interface EnsembleResult {
  runId: string;
  coordinateNames: string[];
  kT: number;
  walkers: number;
  steps: number;
  executor: 'cpu' | 'tensor';
  executorReason: string;
  /** tfjs backend the worker started (null when tfjs was not consulted). */
  backend: string | null;
  /** Walker-steps per second of the integration (histogramming included), over the whole run. */
  walkerStepsPerSecond: number | null;
  seconds: number;
  /** Walker positions histogrammed per coordinate, and those outside the histogram range. */
  samples: number;
  outside: number[];
  profiles: EnsembleProfile[];
  /** 2D systems: FES on bins x bins (row-major, first coordinate slowest), unbiased pointwise. */
  fes2d: { axes: number[][]; fes: (number | null)[]; exact: number[] | null; rmsVsExact: number | null } | null;
}
