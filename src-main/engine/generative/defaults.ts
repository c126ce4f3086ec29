/**
 * Training defaults that need no tfjs (the API plans jobs with them in the main process).
 */
import type { ModelKind } from './model';

/**
 * Defaults chosen by measurement (docs/generative-defaults.md): a number of optimiser steps rather
 * than of epochs, so small and large data sets both get a model trained to the same point.
 */
export const DEFAULT_BATCH_SIZE = 256;
/** Score model: optimiser steps a default run aims at (early stopping may end it sooner). */
export const DEFAULT_SCORE_STEPS = 4000;
/** GAN: critic steps a default run aims at (a generator step every criticSteps). */
export const DEFAULT_GAN_STEPS = 5000;
const MIN_DEFAULT_EPOCHS = 20;
const MAX_DEFAULT_EPOCHS = 2000;

/** Epochs of a default run on `rows` rows: the target steps over the steps per epoch, within [20, 2000]. */
export function defaultEpochs(model: ModelKind, rows: number, batchSize = DEFAULT_BATCH_SIZE, validationFraction = 0.1): number {
  const train = Math.max(1, rows - Math.min(rows - 1, Math.floor(rows * validationFraction)));
  const stepsPerEpoch = Math.ceil(train / batchSize);
  const steps = model === 'gan' ? DEFAULT_GAN_STEPS : DEFAULT_SCORE_STEPS;
  return Math.min(MAX_DEFAULT_EPOCHS, Math.max(MIN_DEFAULT_EPOCHS, Math.round(steps / stepsPerEpoch)));
}
