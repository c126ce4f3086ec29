/**
 * User-drawn regions of CV space and their free energies.
 * Part of the shared vocabulary (schema/): api/contract re-exports it; store and runs import it from here.
 */
import { z } from 'zod';
import { finite } from './numbers';

/** A region of CV space (engine/estimators/regions.ts: closed regions, periodic wrap when min > max). */
const regionBound = finite().nullable().optional();
export const regionSchema = z.discriminatedUnion('kind', [
  z.object({ name: z.string().trim().min(1).max(80), kind: z.literal('interval'), min: regionBound, max: regionBound }),
  z.object({ name: z.string().trim().min(1).max(80), kind: z.literal('rectangle'), xMin: regionBound, xMax: regionBound, yMin: regionBound, yMax: regionBound }),
  z.object({ name: z.string().trim().min(1).max(80), kind: z.literal('polygon'), points: z.array(z.tuple([finite(), finite()])).max(2000) }),
]);
export type RegionSpec = z.infer<typeof regionSchema>;

/** Free energies of user-drawn regions of a run's free-energy surface (analysis/regions.ts). */
export interface RegionFreeEnergiesResult {
  runId: string;
  /** Where the probabilities come from. */
  source: 'umbrella-mbar' | 'umbrella-wham' | 'metad-reweighted' | 'metad-grid' | 'molecular-grid';
  dims: 1 | 2;
  cvNames: string[];
  /** The space the regions were tested in (periodic axes have period max - min). */
  axes: { min: number; max: number; periodic: boolean }[];
  kT: number;
  /** 'energy': the toy system's energy units (those of kT); 'kJ/mol': molecules. */
  energyUnit: 'energy' | 'kJ/mol';
  regions: {
    name: string;
    /** Probability of the region (of everything the estimate covers). */
    probability: number;
    /** -kT ln P relative to the first region (null when P = 0). */
    freeEnergy: number | null;
    /** The same, relative to the most probable region. */
    freeEnergyFromLowest: number | null;
    /** Standard error of freeEnergy (vs the first region); null when the method gives none. */
    error: number | null;
    /** Samples (frames) inside, for sample-based estimates; null for grid ones. */
    samples: number | null;
    /** Grid bins/nodes inside (with a finite free energy). */
    bins: number | null;
    /** Metadynamics: the same difference from c(t)-reweighted frames (the value, when source is 'metad-reweighted'). */
    reweightedFreeEnergy?: number | null;
    /** Metadynamics: the same difference integrated from the final bias grid (no error of its own), for comparison. */
    gridFreeEnergy?: number | null;
  }[];
  /** Every pair i < j: F_to - F_from and its standard error. */
  differences: { from: string; to: string; deltaF: number | null; error: number | null }[];
  /** How errors were obtained, or why there are none. */
  errorMethod: string;
  warnings: string[];
}
