/**
 * API calls. Analyses of a run: free-energy surfaces, region free energies, learned CVs (diffusion maps) and their checks.
 * Each call is a zod input schema; its output type is in the interface below. index.ts joins them.
 */
import { z } from 'zod';
import { runRef } from './common';
import { finite, positive } from '../../schema/numbers';
import type { FesResult } from '../../schema/fes';
import { type DiffusionMapOutput, diffusionMapOptions, type LearnedCvFesOutput, learnedCvFesOptions, type RestrictToLearnedCvOutput, restrictToLearnedCvOptions, type SampleEmbeddedCheckOutput, sampleEmbeddedCheckOptions } from '../../schema/learned-cvs';
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
    /** Coordinates to measure distances in (system or observed names); default: all (embedded: observed). */
    input: runRef.extend(diffusionMapOptions.shape),
  },
  learnedCvFes: {
    /** Which stored diffusion coordinate (1-based). */
    input: runRef.extend(learnedCvFesOptions.shape),
  },
  restrictToLearnedCv: {
    /** points: base64 of little-endian Float64Array, n x (the map's input dimension). */
    input: runRef.extend(restrictToLearnedCvOptions.shape),
  },
  sampleEmbeddedCheck: {
    input: runRef.extend(sampleEmbeddedCheckOptions.shape),
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
