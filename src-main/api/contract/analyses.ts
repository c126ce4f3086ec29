/**
 * API calls. Analyses of a run: free-energy surfaces, region free energies, learned CVs (diffusion maps) and their checks.
 * Each call is a zod input schema; its output type is in the interface below. index.ts joins them.
 */
import { z } from 'zod';
import { runRef } from './common';
import { finite, positive } from '../../schema/numbers';
import type { FesResult } from '../../schema/fes';
import { DMAP_MAX_DISPLAY_POINTS, type DiffusionMapOutput, LEARNED_CV_MAX_POINTS, type LearnedCvFesOutput, type RestrictToLearnedCvOutput, type SampleEmbeddedCheckOutput } from '../../schema/learned-cvs';
import { type RegionFreeEnergiesResult, regionSchema } from '../../schema/regions';

export const analysisCalls = {
  getFes: {
    input: runRef.extend({
      bins: z.number().int().min(5).max(2000).optional(),
      min: finite().optional(),
      max: finite().optional(),
      /** 2D studies: bins and range of the second CV (default: like the first). */
      binsY: z.number().int().min(5).max(400).optional(),
      minY: finite().optional(),
      maxY: finite().optional(),
      estimator: z.enum(['wham', 'mbar']).default('wham'),
      /** Bootstrap replicates (0 = none; MBAR then reports its asymptotic errors). */
      bootstrap: z.number().int().min(0).max(1000).default(0),
      seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
      /** Decorrelate each window by its statistical inefficiency before estimating. */
      subsample: z.boolean().default(false),
      /** Basins shallower than this (kT units) are merged; default 0.5. */
      minDepth: z.number().min(0).max(100).optional(),
    })
      .refine((p) => p.bootstrap === 0 || p.bootstrap >= 2, { message: 'bootstrap needs at least 2 replicates (or 0 for none)', path: ['bootstrap'] }),
  },
  regionFreeEnergies: {
    input: runRef.extend({
      regions: z.array(regionSchema).min(1).max(50),
      /** Umbrella runs: MBAR (binless, default) or WHAM (bin level). */
      estimator: z.enum(['wham', 'mbar']).default('mbar'),
      /** Umbrella runs: bootstrap replicates for the errors (0 = MBAR covariance; WHAM then has none). */
      bootstrap: z.number().int().min(0).max(1000).default(0),
      seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
      /** Umbrella runs: decorrelate each window by its statistical inefficiency first. */
      subsample: z.boolean().default(false),
    }).refine((p) => p.bootstrap === 0 || p.bootstrap >= 2, { message: 'bootstrap needs at least 2 replicates (or 0 for none)', path: ['bootstrap'] }),
  },
  computeDiffusionMap: {
    input: runRef.extend({
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
    }),
  },
  learnedCvFes: {
    input: runRef.extend({
      /** Which stored diffusion coordinate (1-based). */
      component: z.number().int().min(1).max(10).default(1),
      bins: z.number().int().min(5).max(400).default(50),
    }),
  },
  restrictToLearnedCv: {
    /** points: base64 of little-endian Float64Array, n x (the map's input dimension). */
    input: runRef.extend({ points: z.string().min(1).max(Math.ceil((LEARNED_CV_MAX_POINTS * 10 * 8 * 4) / 3) + 4).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64') }),
  },
  sampleEmbeddedCheck: {
    input: runRef.extend({
      xs: z.array(finite()).min(1).max(50),
      n: z.number().int().min(2).max(20_000).default(500),
      seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    }),
  },
} as const;

/** Output type of each call above. */
export interface AnalysisCallOutputs {
  getFes: FesResult;
  regionFreeEnergies: RegionFreeEnergiesResult;
  computeDiffusionMap: DiffusionMapOutput;
  learnedCvFes: LearnedCvFesOutput;
  restrictToLearnedCv: RestrictToLearnedCvOutput;
  sampleEmbeddedCheck: SampleEmbeddedCheckOutput;
}
