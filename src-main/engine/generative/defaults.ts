/**
 * Training defaults that need no tfjs (the API plans jobs with them in the main process).
 */
import type { ModelKind } from './model';

/**
 * Defaults chosen by measurement (docs/generative-defaults.md): a number of optimiser steps rather
 * than of epochs, so small and large data sets both get a model trained to the same point.
 */
export const DEFAULT_BATCH_SIZE = 256;
/**
 * Score model: optimiser steps a default run aims at (early stopping may end it sooner). 12,000
 * for the three-layer network (docs/generative-defaults.md, "third look"); molecular models keep
 * the 4,000 they were measured with (MOLECULAR_SCORE_STEPS).
 */
export const DEFAULT_SCORE_STEPS = 12_000;
export const MOLECULAR_SCORE_STEPS = 4000;
/** GAN: critic steps a default run aims at (a generator step every criticSteps). */
export const DEFAULT_GAN_STEPS = 5000;
const MIN_DEFAULT_EPOCHS = 20;
const MAX_DEFAULT_EPOCHS = 2000;

/** Optimiser steps a default run aims at (critic steps for the GAN). */
export function defaultSteps(model: ModelKind, molecular = false): number {
  if (model === 'gan') return DEFAULT_GAN_STEPS;
  return molecular ? MOLECULAR_SCORE_STEPS : DEFAULT_SCORE_STEPS;
}

/** Epochs of a default run on `rows` rows: the target steps over the steps per epoch, within [20, 2000]. */
export function defaultEpochs(model: ModelKind, rows: number, batchSize = DEFAULT_BATCH_SIZE, validationFraction = 0.1, steps = defaultSteps(model)): number {
  const train = Math.max(1, rows - Math.min(rows - 1, Math.floor(rows * validationFraction)));
  const stepsPerEpoch = Math.ceil(train / batchSize);
  return Math.min(MAX_DEFAULT_EPOCHS, Math.max(MIN_DEFAULT_EPOCHS, Math.round(steps / stepsPerEpoch)));
}

/**
 * Settings molecular models keep from before the two-mode measurements. Score: 128,128, learning
 * rate 1e-3, uniform noise levels, patience 30, best-validation weights (and 4,000 steps:
 * defaultSteps). GAN: 128,128, learning rate 5e-4, 5 critic steps at the generator's rate,
 * gradient-penalty weight 10, Adam beta1 0.5. The new defaults (trainer.ts, score.ts, gan.ts) were
 * measured on the fast/slow and two-mode laws only, not on alanine dipeptide, so molecular
 * training stays as it was measured (docs/generative-defaults.md). User-given options override these.
 */
export function molecularTrainDefaults(model: ModelKind): {
  learningRate?: number;
  patience?: number;
  hidden?: number[];
  keptWeights?: 'best' | 'final';
  score?: { timePower: number };
  gan?: { criticSteps: number; criticLrFactor: number; gradientPenalty: number; adamBeta1: number };
} {
  return model === 'score'
    ? { learningRate: 1e-3, patience: 30, hidden: [128, 128], keptWeights: 'best', score: { timePower: 1 } }
    : { learningRate: 5e-4, hidden: [128, 128], gan: { criticSteps: 5, criticLrFactor: 1, gradientPenalty: 10, adamBeta1: 0.5 } };
}
