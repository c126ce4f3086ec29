/**
 * Learned CVs (diffusion maps): outputs of the embedding, its FES and the restriction checks.
 * Part of the shared vocabulary (schema/): api/contract re-exports it; store and runs import it from here.
 */
import { z } from 'zod';
import { finite, positive } from './numbers';

/** Largest number of points computeDiffusionMap returns for display (the .npy keeps every frame). */
export const DMAP_MAX_DISPLAY_POINTS = 20_000;

/** A diffusion map of the frames of a completed metadynamics run (api/learned-cvs.ts). */
export interface DiffusionMapOutput {
  runId: string;
  /** Coordinates the kernel distances were taken in (embedded system: the observed q1, q2, q3). */
  inputCoordinates: string[];
  /** Frames used (colvar rows; every walker), and the rows of colvar.npy they came from. */
  frames: number;
  framesInRun: number;
  components: number;
  /** lambda_1..lambda_K (the trivial lambda_0 = 1 left out). */
  eigenvalues: number[];
  epsilon: number;
  epsilonMode: 'auto' | 'given';
  /** The kernel-sum scan behind epsilon 'auto': epsilon grid, ln of the kernel sum, its slope in ln epsilon (null at the ends); null when epsilon was given. */
  epsilonScan: { grid: number[]; logSum: number[]; slope: (number | null)[]; maxSlope: number; maxSlopeEpsilon: number; nearestNeighbourFloor: number; pointsUsed: number } | null;
  alpha: number;
  landmarks: number;
  solver: 'dense' | 'lanczos';
  seconds: number;
  /**
   * Thinned for plotting (at most maxPoints, evenly spaced in frame order): colvar row index,
   * diffusion coordinates psi_1..psi_K (each a list over the shown points), and per-frame
   * variables to colour by (every coordinate of the system, observed coordinates, bias, time).
   */
  display: { rows: number[]; coordinates: number[][]; variables: { name: string; values: number[] }[] };
  colorBy: string;
  /** Spearman rank correlation of psi_1 with each coordinate of the system, over every frame used. */
  correlations: { coordinate: string; spearman: number }[];
  warnings: string[];
  /** analyses/<runId>/dmap.json and dmap-coordinates.npy (frames x K, float64). */
  files: { json: string; coordinates: string };
}

/** Most points restrictToLearnedCv extends in one call. */
export const LEARNED_CV_MAX_POINTS = 100_000;

/** Free energy along a stored diffusion coordinate psi_k by c(t) reweighting (analysis/learned-cvs/use-map.ts). */
export interface LearnedCvFesOutput {
  runId: string;
  component: number;
  kT: number;
  /** Bin centres along psi_k (diffusion coordinate lambda_k psi_k, as stored) and -kT ln p (min 0, null where empty). */
  centers: number[];
  fes: (number | null)[];
  /** Frames per bin (after the discarded start). */
  counts: number[];
  framesUsed: number;
  framesDiscarded: number;
  /** Kish effective sample size of the c(t) weights. */
  effectiveSamples: number;
  /**
   * Where psi_1 is a monotone function of a coordinate with an exact marginal (the embedded
   * system's hidden slow x): the exact F(x) pushed through the relation psi_1 = g(x), g the
   * bin-wise median of psi_1 per x bin (made monotone), bin-integrated so the Jacobian is included.
   */
  exact?: {
    coordinate: string;
    fes: (number | null)[];
    /** The relation g: x bin centres and median psi_k. */
    relation: { x: number[]; psi: number[] };
    /** Spearman correlation of psi_k with the coordinate over the frames. */
    spearman: number;
  };
  /** 2D systems: the exact Boltzmann density of (x, y) pushed through the learned CV itself (quadrature + Nystrom). */
  exactPushforward?: (number | null)[];
  warnings: string[];
}

/** Diffusion coordinates of new points by the stored Nystrom extension. */
export interface RestrictToLearnedCvOutput {
  runId: string;
  inputCoordinates: string[];
  components: number;
  points: number;
  /** coordinates[k][i]: lambda_(k+1) psi_(k+1) of point i. */
  coordinates: number[][];
}

/** Restriction of fresh exact samples of the embedded system at fixed hidden x. */
export interface SampleEmbeddedCheckOutput {
  runId: string;
  inputCoordinates: string[];
  samplesPerX: number;
  rows: {
    x: number;
    /** Mean and standard deviation of psi_1 of n fresh samples y ~ p(y | x), observed and restricted. */
    mean: number;
    sd: number;
    /** psi_1(x) of the map: the median relation of the run's frames (null outside their x range). */
    mapped: number | null;
    /** psi_1 of the single point (x, E[y | x]). */
    atMeanY: number;
  }[];
  /** Spread of psi_1 over the run's frames (max - min), to judge the sizes above. */
  psiRange: number;
}

// ---------------------------------------------------------------- options of the learned-CV analyses (the API's calls add the run)

/** A diffusion map of a run's frames. */
export const diffusionMapOptions = z.object({
  /** Coordinates to measure distances in (system or observed names); default: all (embedded: observed). */
  coordinates: z.array(z.string().min(1).max(40)).min(1).max(32).optional(),
  /** Non-trivial diffusion coordinates wanted. */
  components: z.number().int().min(1).max(10).default(2),
  epsilon: z.union([z.literal('auto'), positive()]).default('auto'),
  /** Density normalisation (1 removes the sampling density, so biased frames are fine). */
  alpha: z.number().min(0).max(1).default(1),
  /** Landmark points the eigenproblem is solved on (default min(frames, 1500)); the rest by Nystrom. */
  landmarks: z.number().int().min(10).max(5000).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  /** Variable to colour the embedding by (default the first coordinate of the system). */
  colorBy: z.string().min(1).max(40).optional(),
  maxPoints: z.number().int().min(100).max(DMAP_MAX_DISPLAY_POINTS).default(5000),
});
export type DiffusionMapOptions = z.infer<typeof diffusionMapOptions>;
/** The free energy along a stored diffusion coordinate. */
export const learnedCvFesOptions = z.object({
  /** Which stored diffusion coordinate (1-based). */
  component: z.number().int().min(1).max(10).default(1),
  bins: z.number().int().min(5).max(400).default(50),
});
export type LearnedCvFesOptions = z.infer<typeof learnedCvFesOptions>;
/** New points through the stored map (points: base64 of little-endian Float64Array, n x the map's input dimension). */
export const restrictToLearnedCvOptions = z.object({ points: z.string().min(1).max(Math.ceil((LEARNED_CV_MAX_POINTS * 10 * 8 * 4) / 3) + 4).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64') });
export type RestrictToLearnedCvOptions = z.infer<typeof restrictToLearnedCvOptions>;
/** Fresh exact samples of the embedded system at fixed hidden x, through the map. */
export const sampleEmbeddedCheckOptions = z.object({
  xs: z.array(finite()).min(1).max(50),
  n: z.number().int().min(2).max(20_000).default(500),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
});
export type SampleEmbeddedCheckOptions = z.infer<typeof sampleEmbeddedCheckOptions>;
