/** Conditional generative models (score-based VP-SDE and WGAN-GP) for lifting p(x | condition). */
export { selectBackend, parseBackendPreference, currentBackend, BACKEND_ORDER, type BackendName, type BackendLoaders, type BackendChoice } from './backend';
export { FeatureEncoder, type EncoderJson } from './features';
export { DEFAULT_SCORE_HYPER, DEFAULT_SCORE_SAMPLING, type ScoreHyper, type ScoreSampler } from './score';
export { defaultGanHyper, type GanHyper } from './gan';
export {
  GenerativeModel,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  validateModelSpec,
  type ModelSpec,
  type ModelArtifacts,
  type ModelKind,
  type LiftOptions,
  type LiftResult,
  type TrainingRecord,
  type EpochRecord,
} from './model';
export {
  Trainer,
  resolveTrainOptions,
  validateTrainingData,
  type TrainingData,
  type TrainOptions,
  type TrainOptionsInput,
  type TrainProgress,
  type TrainerCheckpoint,
  type TrainerCheckpointJson,
} from './trainer';
export { packArrays, unpackArrays, type NamedArray, type WeightSpec } from './weights';
export { tf } from './tf';
export { defaultEpochs, DEFAULT_BATCH_SIZE, DEFAULT_SCORE_STEPS, DEFAULT_GAN_STEPS } from './defaults';

import { Trainer, type TrainingData, type TrainOptionsInput, type TrainProgress } from './trainer';
import type { GenerativeModel } from './model';

/**
 * Trains to completion (or cancellation) and returns the model; the trainer is disposed.
 * For checkpoints/resume use Trainer directly.
 */
export async function trainModel(
  data: TrainingData,
  options: TrainOptionsInput,
  hooks: Parameters<Trainer['run']>[0] = {},
): Promise<{ model: GenerativeModel; progress: TrainProgress; cancelled: boolean }> {
  const trainer = Trainer.create(data, options);
  try {
    const result = await trainer.run(hooks);
    return { model: trainer.toModel({ cancelled: result.cancelled }), progress: result, cancelled: result.cancelled };
  } finally {
    trainer.dispose();
  }
}
