/**
 * Well-tempered metadynamics studies: run parameters and the result of a finished run.
 * Part of the shared vocabulary (schema/): api/contract re-exports it; store and runs import it from here.
 */
import { z } from 'zod';
import { finite, positive } from './numbers';
import { LIMITS } from './limits';
import { seedingSpec } from './seeding';

export const metadParams = z.object({
  /** Coordinates used as CVs: [0] (x), [1] (y) or [0, 1] (x and y). */
  cvIndices: z.array(z.number().int().min(0).max(1)).min(1).max(2),
  /** Gaussian width per CV. */
  sigma: z.array(positive()).min(1).max(2),
  /** Initial hill height, energy units. */
  height: positive(),
  /** Steps between hill depositions. */
  pace: z.number().int().min(1),
  /** Well-tempered bias factor gamma > 1. */
  biasFactor: finite().refine((v) => v > 1, 'must be greater than 1'),
  kT: positive(),
  dt: positive(),
  /** Integration steps per walker. */
  steps: z.number().int().min(1).max(LIMITS.metadSteps),
  /** Walkers sharing one bias (multiple-walker metadynamics). */
  walkers: z.number().int().min(1).max(LIMITS.metadWalkers),
  integrator: z.enum(['overdamped', 'baoab']).default('overdamped'),
  /** BAOAB only. */
  friction: positive().default(10),
  mass: positive().default(1),
  /** Grid bins per CV; default: bin width sigma/2. */
  gridBins: z.array(z.number().int().min(4).max(LIMITS.metadGridBins)).min(1).max(2).optional(),
  /** Keep a COLVAR row (every walker) every this many steps; default: pace. */
  colvarStride: z.number().int().min(1).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  /** Seeded start (runs/seeding/): every walker starts from its given configuration instead of `start`. */
  seeding: seedingSpec.optional(),
})
  .refine((p) => p.sigma.length === p.cvIndices.length, { message: 'give one sigma per CV', path: ['sigma'] })
  .refine((p) => new Set(p.cvIndices).size === p.cvIndices.length, { message: 'the CVs must be different coordinates', path: ['cvIndices'] })
  .refine((p) => !p.gridBins || p.gridBins.length === p.cvIndices.length, { message: 'give one bin count per CV', path: ['gridBins'] });
export type MetadParams = z.infer<typeof metadParams>;

/** Result of a metadynamics run: the FES on the bias grid, and reweighted profiles. */
export interface MetadResult {
  runId: string;
  cvNames: string[];
  kT: number;
  biasFactor: number;
  /** Grid nodes per CV. */
  axes: number[][];
  /** FES on the grid, energy units, min 0; row-major with the first CV slowest. */
  fes: number[];
  /** Exact FES on the same grid (min 0) when the system has one. */
  exact?: number[];
  hills: number;
  /** Hill height against time (well-tempered decay shows convergence). */
  hillHeights: { time: number[]; height: number[] };
  /** FES along each coordinate of the system by c(t) reweighting of the COLVAR frames. */
  reweighted: { coordinate: string; centers: number[]; pmf: (number | null)[]; exact?: number[]; effectiveSamples: number }[];
  /** Files in the run folder a user can take elsewhere. */
  files: { hills: string; colvar: string; fes: string };
}
