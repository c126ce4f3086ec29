/**
 * Free-energy surfaces as the API returns them: 1D/2D grids with errors and basins.
 * Part of the shared vocabulary (schema/): api/contract re-exports it; store and runs import it from here.
 */


/** A basin of the free-energy surface (steepest-descent watershed, shallow basins merged). */
export interface FesBasin {
  id: number;
  /** Location of the basin's lowest bin, one number per CV. */
  minimum: number[];
  /** -kT ln of the basin probability, relative to the lowest basin (energy units of kT). */
  freeEnergy: number;
  /** Standard error (bootstrap, or MBAR covariance); null when no error was asked for. */
  error: number | null;
  /** The same basin (same bins) integrated exactly, relative to the same reference basin. */
  exactFreeEnergy?: number | null;
}

/** 2D umbrella studies: the surface on the grid, [ix][iy] at (xCenters[ix], yCenters[iy]). */
export interface FesGrid2d {
  xName: string;
  yName: string;
  xCenters: number[];
  yCenters: number[];
  periodic: [boolean, boolean];
  /** Energy units of kT, minimum 0; null in empty bins. */
  pmf: (number | null)[][];
  pmfError?: (number | null)[][];
  /** Basin id per bin, -1 for empty bins. */
  basinMap: number[][];
  /** Samples per bin, all windows. */
  counts: number[][];
  /** Window centres [c1, c2], in window order. */
  windowCenters: [number, number][];
  /** Exact surface -kT ln exp(-V/kT) = V - min V on the same grid, when the system has one. */
  exact?: { pmf: number[][] };
}

export interface FesResult {
  runId: string;
  /** 1 (profile) or 2 (surface in `grid`; centers/pmf then hold the marginal along the first CV). Absent = 1. */
  dims?: 1 | 2;
  estimator?: 'wham' | 'mbar';
  cvName: string;
  kT: number;
  centers: number[];
  /** Energy units of kT, minimum 0; null in empty bins. */
  pmf: (number | null)[];
  windowCenters: number[];
  windowFreeEnergies: number[];
  /** histograms[k][b]: samples of window k in bin b. */
  histograms: number[][];
  /** Symmetric overlap matrix between windows, 0..1. */
  overlap: number[][];
  iterations: number;
  converged: boolean;
  tolerance: number;
  warnings: string[];
  /** Present when the system has an exact answer along this CV. */
  exact?: { centers: number[]; pmf: number[]; windowFreeEnergies: number[] };
  /** Standard error of the PMF per bin (relative to the lowest bin), when errors were asked for. */
  pmfError?: (number | null)[];
  windowFreeEnergiesError?: (number | null)[];
  /** How the errors were obtained, e.g. 'bootstrap (100 replicates, seed 1)' or 'MBAR asymptotic covariance'. */
  errorMethod?: string;
  /** threads: how many threads computed the replicates (the numbers do not depend on it). */
  bootstrap?: { replicates: number; seed: number; unconverged: number; threads?: number };
  /** Statistical inefficiency g per window (largest over its CVs), always computed. */
  statisticalInefficiency?: number[];
  /** Samples per window before/after decorrelation (after = before when not subsampled). */
  subsampling?: { applied: boolean; samplesBefore: number[]; samplesAfter: number[]; keptFraction: number };
  basins?: FesBasin[];
  /** 1D: basin id per bin (-1 empty). */
  basinLabels?: number[];
  /** 2D studies only. */
  grid?: FesGrid2d;
  /** Wall-clock seconds: one estimate, the bootstrap, and the whole call (for the UI's time hints). */
  timing?: { estimateSeconds: number; bootstrapSeconds: number; totalSeconds: number };
}
