/**
 * Training as a resumable process: `step()` does one optimiser step; `getCheckpoint()` /
 * `Trainer.restore()` capture and restore everything that decides the future (weights, Adam
 * moments, counters, RNG states, history, best weights), so an interrupted run continues exactly
 * as if it had not stopped (same backend). `run()` loops with progress callbacks and cancellation.
 *
 * Data: rows (x_i, c_i) are split once into train/validation by holding out whole contiguous time
 * blocks of each series (split.ts; correlated neighbours of training rows would make validation
 * in-sample); the feature encoders are fitted on the training rows. Each epoch visits the training rows in a fresh seeded
 * order in minibatches (the last one may be smaller). After each epoch the validation loss is
 * computed with noise from a fixed stream (so epochs are compared on the same noise), feeding
 * early stopping (patience in epochs) and best-weights selection (score model).
 *
 * RNG streams of `seed`: 1 weight init, 2 split + epoch order, 3 training noise, 4 validation noise.
 *
 * Readback: every method that needs tensor values has a synchronous form (`step`, `getCheckpoint`,
 * `toModel`: dataSync) and an asynchronous one (`stepAsync`, `getCheckpointAsync`, `toModelAsync`:
 * `await data()`, for backends whose synchronous readback is unavailable, e.g. WebGPU). Both run
 * the same read plan (readback.ts), so they compute the same numbers on a given backend.
 */
import { EngineInputError } from '../errors';
import { Rng, type RngState } from '../random';
import { Adam } from './adam';
import { FeatureEncoder } from './features';
import { adamBeta1Of, criticLrFactorOf, criticSpec, defaultGanHyper, packOf, ganCriticStep, ganEvaluate, ganGeneratorStep, generatorSpec, type GanHyper } from './gan';
import { createMlp, disposeMlp, mlpFromValues, type Mlp } from './mlp';
import { GenerativeModel, MODEL_FORMAT, MODEL_FORMAT_VERSION, type DataFingerprint, type EpochRecord, type ModelKind, type ModelSpec } from './model';
import { readAsync, readSync, type ReadPlan } from './readback';
import { DEFAULT_SCORE_HYPER, scoreEvaluate, scoreNetSpec, scoreTrainStep, type ScoreHyper } from './score';
import { DEFAULT_BATCH_SIZE, defaultEpochs } from './defaults';
import { timeBlockSplit, validateSegments } from './split';
import { tf, type Tensor } from './tf';
import type { NamedArray } from './weights';

export interface TrainingData {
  /** n x xDim, row-major. */
  x: Float64Array;
  xDim: number;
  /** n x condDim, row-major, rows paired with x. */
  cond: Float64Array;
  condDim: number;
  /**
   * Row counts of the consecutive time series the rows come from (umbrella windows x walkers,
   * metadynamics runs), in row order. The validation split holds out whole contiguous blocks of
   * each series (split.ts). Absent: the rows are one series in their stored order.
   */
  segments?: number[];
}

export interface TrainOptions {
  model: ModelKind;
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** 'cosine': decays to 10% of learningRate over the planned steps; 'constant'. */
  lrSchedule: 'cosine' | 'constant';
  hidden: number[];
  validationFraction: number;
  /** Stop after this many epochs without a better validation loss; 0 = never stop early. */
  patience: number;
  /**
   * Decay of the exponential moving average of the score network / generator weights that the
   * model keeps (0 = off). Averaging over ~1/(1-decay) steps removes most of the minibatch noise
   * left in the last weights; validation, best-epoch selection and the saved model use the average.
   */
  emaDecay: number;
  /**
   * Score model: the weights the trained model keeps. 'best': those of the best validation epoch;
   * 'final': the last (averaged) weights, the end of the learning-rate schedule. The validation
   * curve, early stopping and the "best epoch was the last" warning are the same either way.
   */
  keptWeights: 'best' | 'final';
  periodicX: number[];
  periodicCond: number[];
  /** Period of every periodic column (default 2 pi: radians). */
  period: number;
  score: ScoreHyper;
  gan: GanHyper;
  /** Backend name to record in the model (the host knows which is in use). */
  backend: string;
}

export type TrainOptionsInput = Partial<Omit<TrainOptions, 'score' | 'gan'>> & {
  model: ModelKind;
  score?: Partial<ScoreHyper>;
  gan?: Partial<GanHyper>;
};

export interface TrainProgress {
  /** Completed epochs. */
  epoch: number;
  epochs: number;
  /** Completed optimiser steps and the planned total (fraction = step / totalSteps; ETA from rate). */
  step: number;
  totalSteps: number;
  stepsPerEpoch: number;
  fraction: number;
  /** Mean minibatch loss of the current (or just finished) epoch. */
  trainLoss: number | null;
  validationLoss: number | null;
  bestValidationLoss: number | null;
  bestEpoch: number;
  learningRate: number;
  done: boolean;
  stoppedEarly: boolean;
}

export interface TrainerCheckpoint {
  json: TrainerCheckpointJson;
  /** Weights, optimiser moments and best weights. */
  arrays: NamedArray[];
}

export interface TrainerCheckpointJson {
  format: 'liftwell-trainer-checkpoint';
  formatVersion: 1;
  options: TrainOptions;
  fingerprint: DataFingerprint;
  epoch: number;
  stepInEpoch: number;
  step: number;
  epochLossSum: number;
  epochLossCount: number;
  epochOrderRng: RngState;
  orderRng: RngState;
  noiseRng: RngState;
  optimizerSteps: number[];
  history: EpochRecord[];
  best: { loss: number | null; epoch: number; saved: boolean };
  stoppedEarly: boolean;
}

const STREAM_INIT = 1;
const STREAM_ORDER = 2;
const STREAM_NOISE = 3;
const STREAM_VALIDATION = 4;

/** Fills defaults and validates; EngineInputError lists every problem. `rows`: the data size (sets the default epochs). */
export function resolveTrainOptions(input: TrainOptionsInput, xEncodedDim = 1, rows?: number): TrainOptions {
  const model = input.model;
  const batchSize = input.batchSize ?? DEFAULT_BATCH_SIZE;
  const validationFraction = input.validationFraction ?? 0.1;
  // No early stopping by default (the validation loss is still computed and shown, and a best
  // epoch that is the last one still warns): with the cosine schedule the final averaged weights
  // were measured better than the best-validation ones on both laws (docs/generative-defaults.md).
  const patience = input.patience ?? 0;
  const o: TrainOptions = {
    model,
    seed: input.seed ?? 0,
    epochs: input.epochs ?? (rows !== undefined ? defaultEpochs(model, rows, batchSize, validationFraction) : model === 'gan' ? 300 : 200),
    batchSize,
    // GAN 3e-3 (the critic's is criticLrFactor times it): measured on both laws, docs/generative-defaults.md.
    // Score 2e-3 (with the three layers, timePower 1.75, final weights: docs/generative-defaults.md, "third look").
    learningRate: input.learningRate ?? (model === 'gan' ? 3e-3 : 2e-3),
    lrSchedule: input.lrSchedule ?? 'cosine',
    // The GAN at 64,64: as good as 128,128 on both measured laws for half the CPU
    // (docs/generative-defaults.md); the score model needs a third layer of 128 to resolve the
    // two-mode law's modes (two layers blur them: "What limits W1", same doc).
    hidden: input.hidden ?? (model === 'gan' ? [64, 64] : [128, 128, 128]),
    validationFraction,
    patience,
    emaDecay: input.emaDecay ?? 0.999,
    // Score model without early stopping: the last averaged weights (measured better, see
    // patience); with early stopping asked for, the best epoch's, as before.
    keptWeights: input.keptWeights ?? (model === 'score' && patience === 0 ? 'final' : 'best'),
    periodicX: input.periodicX ?? [],
    periodicCond: input.periodicCond ?? [],
    period: input.period ?? 2 * Math.PI,
    score: { ...DEFAULT_SCORE_HYPER, ...(input.score ?? {}) },
    gan: { ...defaultGanHyper(xEncodedDim), ...(input.gan ?? {}) },
    backend: input.backend ?? 'unknown',
  };
  const p: string[] = [];
  if (model !== 'score' && model !== 'gan') p.push(`model must be score or gan (got ${String(model)})`);
  const int = (v: number, name: string, min: number) => {
    if (!Number.isSafeInteger(v) || v < min) p.push(`${name} must be an integer >= ${min} (got ${v})`);
  };
  const pos = (v: number, name: string) => {
    if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) p.push(`${name} must be a finite number > 0 (got ${v})`);
  };
  int(o.seed, 'seed', 0);
  int(o.epochs, 'epochs', 1);
  int(o.batchSize, 'batch size', 1);
  pos(o.learningRate, 'learning rate');
  if (o.lrSchedule !== 'cosine' && o.lrSchedule !== 'constant') p.push(`lrSchedule must be cosine or constant (got ${String(o.lrSchedule)})`);
  if (!Array.isArray(o.hidden) || o.hidden.length < 1) p.push('hidden must list at least one layer width');
  else o.hidden.forEach((h, i) => int(h, `hidden layer ${i + 1} width`, 1));
  if (!(o.validationFraction >= 0 && o.validationFraction < 1)) p.push(`validation fraction must be in [0, 1) (got ${o.validationFraction})`);
  int(o.patience, 'patience', 0);
  if (!(o.emaDecay >= 0 && o.emaDecay < 1)) p.push(`EMA decay must be in [0, 1) (got ${o.emaDecay})`);
  if (o.keptWeights !== 'best' && o.keptWeights !== 'final') p.push(`keptWeights must be best or final (got ${String(o.keptWeights)})`);
  pos(o.period, 'period');
  pos(o.score.betaMin, 'betaMin');
  if (!(o.score.betaMax > o.score.betaMin)) p.push(`betaMax must exceed betaMin (got ${o.score.betaMax})`);
  if (!(o.score.tEpsilon > 0 && o.score.tEpsilon < 0.5)) p.push(`tEpsilon must be in (0, 0.5) (got ${o.score.tEpsilon})`);
  if (o.score.timePower !== undefined && !(o.score.timePower >= 1 && o.score.timePower <= 10)) p.push(`timePower must be in [1, 10] (got ${o.score.timePower})`);
  if (!Array.isArray(o.score.fourierFrequencies) || o.score.fourierFrequencies.length < 1) p.push('fourierFrequencies must be a non-empty list');
  int(o.gan.latentDim, 'latent dimension', 1);
  int(o.gan.criticSteps, 'critic steps', 1);
  int(packOf(o.gan), 'critic pack size', 1);
  if (!(criticLrFactorOf(o.gan) > 0)) p.push(`critic learning-rate factor must be > 0 (got ${o.gan.criticLrFactor})`);
  if (!(adamBeta1Of(o.gan) >= 0 && adamBeta1Of(o.gan) < 1)) p.push(`GAN Adam beta1 must be in [0, 1) (got ${o.gan.adamBeta1})`);
  if (!(o.gan.gradientPenalty >= 0)) p.push(`gradient penalty weight must be >= 0 (got ${o.gan.gradientPenalty})`);
  if (p.length) throw new EngineInputError(p);
  return o;
}

/** Checks shapes and values of the training arrays; messages name the array, row and column. */
export function validateTrainingData(data: TrainingData): void {
  const { x, xDim, cond, condDim } = data;
  if (!Number.isSafeInteger(xDim) || xDim < 1) throw new EngineInputError(`x must have at least one column (got ${xDim})`);
  if (!Number.isSafeInteger(condDim) || condDim < 1) throw new EngineInputError(`the condition must have at least one column (got ${condDim})`);
  if (x.length % xDim !== 0) throw new EngineInputError(`x has ${x.length} values, not a multiple of its ${xDim} columns`);
  if (cond.length % condDim !== 0) throw new EngineInputError(`cond has ${cond.length} values, not a multiple of its ${condDim} columns`);
  const n = x.length / xDim;
  const nc = cond.length / condDim;
  if (n !== nc) throw new EngineInputError(`x has ${n} rows but cond has ${nc}: rows must be paired`);
  if (n < 2) throw new EngineInputError(`need at least 2 rows to train (got ${n})`);
  if (data.segments !== undefined) validateSegments(data.segments, n);
  for (const [name, a, d] of [['x', x, xDim], ['cond', cond, condDim]] as const) {
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) throw new EngineInputError(`${name} row ${Math.floor(i / d)}, column ${i % d} is ${a[i]} (NaN/infinite values cannot be trained on)`);
    }
  }
}

export function fingerprintOf(data: TrainingData): DataFingerprint {
  let xSum = 0;
  let condSum = 0;
  for (let i = 0; i < data.x.length; i++) xSum += data.x[i];
  for (let i = 0; i < data.cond.length; i++) condSum += data.cond[i];
  return { rows: data.x.length / data.xDim, xDim: data.xDim, condDim: data.condDim, xSum, condSum, ...(data.segments ? { segments: data.segments.length } : {}) };
}

function sameFingerprint(a: DataFingerprint, b: DataFingerprint): boolean {
  const close = (u: number, v: number) => Math.abs(u - v) <= 1e-9 * Math.max(1, Math.abs(u), Math.abs(v));
  return a.rows === b.rows && a.xDim === b.xDim && a.condDim === b.condDim && close(a.xSum, b.xSum) && close(a.condSum, b.condSum) && (a.segments ?? 0) === (b.segments ?? 0);
}

/** A copy of `mlp` in non-trainable variables (the EMA), or `mlp` itself when decay is 0. */
function averageOf(mlp: Mlp, decay: number): Mlp {
  if (decay === 0) return mlp;
  return { spec: mlp.spec, params: mlp.params.map((p) => ({ name: p.name, variable: tf.tidy(() => tf.variable(p.variable.clone(), false)) })) };
}

function permutation(n: number, rng: Rng): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Rows `idx[from..to)` of an n x dim float32 array, packed. */
function gatherRows(src: Float32Array, dim: number, idx: Uint32Array, from: number, to: number): Float32Array {
  const out = new Float32Array((to - from) * dim);
  for (let r = from; r < to; r++) {
    const s = idx[r] * dim;
    for (let j = 0; j < dim; j++) out[(r - from) * dim + j] = src[s + j];
  }
  return out;
}

interface Networks {
  main: Mlp; // score net or generator
  critic: Mlp | null;
  adams: Adam[];
  /** Moving average of `main` (same spec; non-trainable variables), or `main` itself when EMA is off. */
  average: Mlp;
}

export class Trainer {
  readonly options: TrainOptions;
  readonly stepsPerEpoch: number;
  private readonly xEncoder: FeatureEncoder;
  private readonly condEncoder: FeatureEncoder;
  private readonly fingerprint: DataFingerprint;
  private readonly trainX: Float32Array;
  private readonly trainC: Float32Array;
  private readonly valX: Float32Array;
  private readonly valC: Float32Array;
  private readonly nTrain: number;
  private readonly nVal: number;
  private readonly validationBlocks: number;
  private readonly condMin: (number | null)[];
  private readonly condMax: (number | null)[];
  private readonly nets: Networks;
  private orderRng: Rng;
  private noiseRng: Rng;
  private epochOrderState: RngState;
  private order: Uint32Array;
  private epoch = 0;
  private stepInEpoch = 0;
  private stepCount = 0;
  private epochLossSum = 0;
  private epochLossCount = 0;
  private history: EpochRecord[] = [];
  private bestLoss: number | null = null;
  private bestEpoch = 0;
  private bestWeights: Float32Array[] | null = null;
  private stoppedEarly = false;
  private disposed = false;
  /** True while a plan runs (an async one spans awaits: no other call may interleave). */
  private busy = false;

  private constructor(data: TrainingData, options: TrainOptions, restoreFrom?: TrainerCheckpoint) {
    validateTrainingData(data);
    this.options = options;
    this.fingerprint = fingerprintOf(data);
    const n = this.fingerprint.rows;
    const o = options;

    // Split: whole contiguous time blocks of each series are held out (split.ts), never shuffled rows.
    const splitRng = new Rng(o.seed, STREAM_ORDER);
    const split = timeBlockSplit(n, data.segments, o.validationFraction, splitRng);
    const nVal = split.validation.length;
    this.nVal = nVal;
    this.nTrain = n - nVal;
    this.validationBlocks = split.blocks.length;
    const order = new Uint32Array(n);
    order.set(split.train);
    order.set(split.validation, this.nTrain);
    const rows = (a: Float64Array, d: number, from: number, to: number) => {
      const out = new Float64Array((to - from) * d);
      for (let r = from; r < to; r++) out.set(a.subarray(order[r] * d, order[r] * d + d), (r - from) * d);
      return out;
    };
    const trainXRaw = rows(data.x, data.xDim, 0, this.nTrain);
    const trainCRaw = rows(data.cond, data.condDim, 0, this.nTrain);
    this.xEncoder = FeatureEncoder.fit(trainXRaw, data.xDim, o.periodicX, o.period, 'x');
    this.condEncoder = FeatureEncoder.fit(trainCRaw, data.condDim, o.periodicCond, o.period, 'cond');
    this.trainX = Float32Array.from(this.xEncoder.encode(trainXRaw));
    this.trainC = Float32Array.from(this.condEncoder.encode(trainCRaw));
    this.valX = Float32Array.from(this.xEncoder.encode(rows(data.x, data.xDim, this.nTrain, n)));
    this.valC = Float32Array.from(this.condEncoder.encode(rows(data.cond, data.condDim, this.nTrain, n)));
    this.condMin = [];
    this.condMax = [];
    for (let j = 0; j < data.condDim; j++) {
      if (this.condEncoder.isPeriodic(j)) {
        this.condMin.push(null);
        this.condMax.push(null);
        continue;
      }
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < this.nTrain; i++) {
        const v = trainCRaw[i * data.condDim + j];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      this.condMin.push(lo);
      this.condMax.push(hi);
    }
    this.stepsPerEpoch = Math.ceil(this.nTrain / o.batchSize);

    // Networks (seeded init; a restore overwrites the values).
    const initRng = new Rng(o.seed, STREAM_INIT);
    const xe = this.xEncoder.encodedDim;
    const ce = this.condEncoder.encodedDim;
    if (o.model === 'score') {
      const main = createMlp(scoreNetSpec(xe, ce, o.score, o.hidden), 'score', initRng);
      this.nets = { main, critic: null, adams: [new Adam(main.params.map((p) => p.variable), { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 })], average: averageOf(main, o.emaDecay) };
    } else {
      const main = createMlp(generatorSpec(xe, ce, o.gan, o.hidden), 'generator', initRng);
      const critic = createMlp(criticSpec(xe, ce, o.hidden, packOf(o.gan)), 'critic', initRng);
      // Adam(beta1, 0.9): the WGAN-GP paper used beta1 0.5; a high beta1 makes the adversarial game
      // oscillate, and 0 (the default now, gan.ts) did better still on the two-mode law.
      const adamOptions = { beta1: adamBeta1Of(o.gan), beta2: 0.9, epsilon: 1e-8 };
      this.nets = {
        main,
        critic,
        adams: [new Adam(main.params.map((p) => p.variable), adamOptions), new Adam(critic.params.map((p) => p.variable), adamOptions)],
        average: averageOf(main, o.emaDecay),
      };
    }

    this.orderRng = splitRng; // continues after the split permutation
    this.noiseRng = new Rng(o.seed, STREAM_NOISE);
    this.epochOrderState = this.orderRng.getState();
    this.order = permutation(this.nTrain, this.orderRng);
    if (restoreFrom) this.applyCheckpoint(restoreFrom);
  }

  /** A fresh trainer. Throws EngineInputError for bad data or options. */
  static create(data: TrainingData, options: TrainOptionsInput): Trainer {
    validateTrainingData(data);
    const periodicCount = (options.periodicX ?? []).length;
    return new Trainer(data, resolveTrainOptions(options, data.xDim + periodicCount, data.x.length / data.xDim));
  }

  /** Continues from a checkpoint; the data must be the same arrays the checkpoint was made with. */
  static restore(data: TrainingData, checkpoint: TrainerCheckpoint): Trainer {
    const json = checkpoint?.json;
    if (!json || json.format !== 'liftwell-trainer-checkpoint') throw new EngineInputError('not a Liftwell training checkpoint');
    if (json.formatVersion > 1) throw new EngineInputError(`checkpoint written by a newer Liftwell (format version ${json.formatVersion})`);
    validateTrainingData(data);
    if (!sameFingerprint(fingerprintOf(data), json.fingerprint)) {
      throw new EngineInputError('the training data differ from the data this checkpoint was made with (rows, columns or values)');
    }
    // Checkpoints from before packing, TTUR and the beta1 option existed trained an unpacked critic
    // at the generator's learning rate with Adam beta1 0.5: keep that (pack 1, factor 1, beta1 0.5),
    // whatever the defaults are now.
    // Score checkpoints from before keptWeights and timePower existed kept the best-validation
    // weights and drew uniform noise levels: keep that too (the defaults are now 'final' and 1.75).
    const gan = json.options.gan;
    const options = json.options.model === 'gan'
      ? { ...json.options, gan: { ...gan, pack: packOf(gan), criticLrFactor: criticLrFactorOf(gan), adamBeta1: adamBeta1Of(gan) } }
      : { ...json.options, keptWeights: json.options.keptWeights ?? 'best', score: { ...json.options.score, timePower: json.options.score?.timePower ?? 1 } };
    return new Trainer(data, resolveTrainOptions(options, 1), checkpoint);
  }

  private get networksInOrder(): Mlp[] {
    return this.nets.critic ? [this.nets.main, this.nets.critic] : [this.nets.main];
  }

  private get allParams() {
    return this.networksInOrder.flatMap((m) => m.params);
  }

  get totalSteps(): number {
    return this.options.epochs * this.stepsPerEpoch;
  }

  get done(): boolean {
    return this.stoppedEarly || this.epoch >= this.options.epochs;
  }

  learningRateAt(step: number): number {
    const o = this.options;
    if (o.lrSchedule === 'constant') return o.learningRate;
    const progress = Math.min(1, step / Math.max(1, this.totalSteps));
    return o.learningRate * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
  }

  progress(): TrainProgress {
    const last = this.history[this.history.length - 1];
    return {
      epoch: this.epoch,
      epochs: this.options.epochs,
      step: this.stepCount,
      totalSteps: this.totalSteps,
      stepsPerEpoch: this.stepsPerEpoch,
      fraction: this.done ? 1 : this.stepCount / this.totalSteps,
      trainLoss: this.epochLossCount > 0 ? this.epochLossSum / this.epochLossCount : (last?.trainLoss ?? null),
      validationLoss: last?.validationLoss ?? null,
      bestValidationLoss: this.bestLoss,
      bestEpoch: this.bestEpoch,
      learningRate: this.learningRateAt(this.stepCount),
      done: this.done,
      stoppedEarly: this.stoppedEarly,
    };
  }

  get lossHistory(): readonly EpochRecord[] {
    return this.history;
  }

  /** One optimiser step (and, at an epoch's end, validation + early stopping). No-op when done. */
  step(): TrainProgress {
    return readSync(this.exclusive(() => this.stepPlan()));
  }

  /** step() with asynchronous readback (same numbers on the same backend). */
  stepAsync(): Promise<TrainProgress> {
    return readAsync(this.exclusive(() => this.stepPlan()));
  }

  /** Runs `make()`'s plan with the trainer marked busy; refuses a disposed or busy trainer. */
  private *exclusive<T>(make: () => ReadPlan<T>): ReadPlan<T> {
    if (this.disposed) throw new EngineInputError('the trainer has been disposed');
    if (this.busy) throw new EngineInputError('the trainer is busy (await the previous asynchronous call first)');
    this.busy = true;
    try {
      return yield* make();
    } finally {
      this.busy = false;
    }
  }

  private *stepPlan(): ReadPlan<TrainProgress> {
    if (this.done) return this.progress();
    const o = this.options;
    const from = this.stepInEpoch * o.batchSize;
    const to = Math.min(this.nTrain, from + o.batchSize);
    const xe = this.xEncoder.encodedDim;
    const ce = this.condEncoder.encodedDim;
    const x = gatherRows(this.trainX, xe, this.order, from, to);
    const c = gatherRows(this.trainC, ce, this.order, from, to);
    const lr = this.learningRateAt(this.stepCount);
    // Score: [minibatch loss]; GAN: [E D(real), E D(fake)] of the critic step.
    let lossTensors: Tensor[];
    if (o.model === 'score') {
      lossTensors = [scoreTrainStep(this.nets.main, this.nets.adams[0], x, c, to - from, o.score, this.noiseRng, lr)];
    } else {
      lossTensors = ganCriticStep(this.nets.main, this.nets.critic!, this.nets.adams[1], x, c, to - from, o.gan, this.noiseRng, lr * criticLrFactorOf(o.gan));
    }
    let loss: number;
    try {
      if (o.model === 'gan' && (this.stepCount + 1) % o.gan.criticSteps === 0) {
        ganGeneratorStep(this.nets.main, this.nets.critic!, this.nets.adams[0], c, to - from, o.gan, this.noiseRng, lr);
      }
      this.updateAverage();
      const values = yield lossTensors;
      loss = o.model === 'score' ? values[0][0] : values[0][0] - values[1][0];
    } finally {
      lossTensors.forEach((t) => t.dispose());
    }
    if (!Number.isFinite(loss)) {
      throw new EngineInputError(`training diverged at step ${this.stepCount + 1} (loss ${loss}); lower the learning rate`);
    }
    this.epochLossSum += loss;
    this.epochLossCount++;
    this.stepCount++;
    this.stepInEpoch++;
    if (this.stepInEpoch >= this.stepsPerEpoch) yield* this.endEpoch(lr);
    return this.progress();
  }

  /** EMA update with the usual warm-up min(decay, (1 + k) / (10 + k)) so early averages are not stuck at the init. */
  private updateAverage(): void {
    const { main, average } = this.nets;
    if (average === main) return;
    const k = this.stepCount;
    const d = Math.min(this.options.emaDecay, (1 + k) / (10 + k));
    tf.tidy(() => {
      average.params.forEach((a, i) => a.variable.assign(tf.add(tf.mul(a.variable, d), tf.mul(main.params[i].variable, 1 - d))));
    });
  }

  /**
   * Mean validation loss with noise from a fixed stream. Small validation sets are visited several
   * times (to >= 2048 evaluations, at most 16 passes) with fresh noise each pass: the DSM loss of one
   * row is dominated by its noise draw, and early stopping should not react to that.
   */
  private *validationLoss(): ReadPlan<number | null> {
    if (this.nVal === 0) return null;
    const rng = new Rng(this.options.seed, STREAM_VALIDATION);
    const xe = this.xEncoder.encodedDim;
    const ce = this.condEncoder.encodedDim;
    const passes = Math.min(16, Math.ceil(2048 / this.nVal));
    const chunk = 4096;
    // All chunks are evaluated first and read in one batch (one round trip on a GPU); the sum
    // below runs in the same order as chunk-by-chunk reading would.
    const parts: { loss: Tensor; rows: number }[] = [];
    try {
      for (let pass = 0; pass < passes; pass++) {
        for (let from = 0; from < this.nVal; from += chunk) {
          const to = Math.min(this.nVal, from + chunk);
          const x = this.valX.slice(from * xe, to * xe);
          const c = this.valC.slice(from * ce, to * ce);
          const loss =
            this.options.model === 'score'
              ? scoreEvaluate(this.nets.average, x, c, to - from, this.options.score, rng)
              : ganEvaluate(this.nets.average, this.nets.critic!, x, c, to - from, this.options.gan, rng);
          parts.push({ loss, rows: to - from });
        }
      }
      const values = yield parts.map((p) => p.loss);
      let sum = 0;
      parts.forEach((p, i) => (sum += values[i][0] * p.rows));
      return sum / (this.nVal * passes);
    } finally {
      parts.forEach((p) => p.loss.dispose());
    }
  }

  private *endEpoch(lr: number): ReadPlan<void> {
    const trainLoss = this.epochLossSum / Math.max(1, this.epochLossCount);
    const validationLoss = yield* this.validationLoss();
    this.epoch++;
    this.history.push({ epoch: this.epoch, trainLoss, validationLoss, learningRate: lr });
    this.epochLossSum = 0;
    this.epochLossCount = 0;
    this.stepInEpoch = 0;
    this.epochOrderState = this.orderRng.getState();
    this.order = permutation(this.nTrain, this.orderRng);
    // Best weights / early stopping follow the validation loss (the score model's DSM loss is a
    // proper criterion; a WGAN's Wasserstein estimate is tracked but only used if patience > 0).
    if (validationLoss !== null && (this.bestLoss === null || validationLoss < this.bestLoss)) {
      this.bestLoss = validationLoss;
      this.bestEpoch = this.epoch;
      if (this.options.model === 'score') this.bestWeights = yield this.nets.average.params.map((p) => p.variable);
    } else if (validationLoss !== null && this.options.patience > 0 && this.epoch - this.bestEpoch >= this.options.patience) {
      this.stoppedEarly = true;
    }
  }

  /**
   * Loops step() until done or `signal.aborted`. `onProgress` gets a snapshot after every epoch and
   * every `progressEverySteps` steps; `yieldToHost` (e.g. () => new Promise(r => setImmediate(r)))
   * is awaited every `yieldEverySteps` so a worker can receive its cancel message.
   */
  async run(opts: {
    signal?: { readonly aborted: boolean };
    onProgress?: (p: TrainProgress) => void;
    progressEverySteps?: number;
    yieldToHost?: () => Promise<void>;
    yieldEverySteps?: number;
  } = {}): Promise<TrainProgress & { cancelled: boolean }> {
    const every = opts.progressEverySteps ?? 0;
    const yieldEvery = opts.yieldEverySteps ?? 10;
    while (!this.done) {
      if (opts.signal?.aborted) return { ...this.progress(), cancelled: true };
      const epochBefore = this.epoch;
      const p = this.step();
      if (opts.onProgress && (p.epoch !== epochBefore || (every > 0 && p.step % every === 0))) opts.onProgress(p);
      if (opts.yieldToHost && p.step % yieldEvery === 0) await opts.yieldToHost();
    }
    return { ...this.progress(), cancelled: false };
  }

  /** Everything that decides the future of this run (see Trainer.restore). */
  getCheckpoint(): TrainerCheckpoint {
    return readSync(this.exclusive(() => this.checkpointPlan()));
  }

  /** getCheckpoint() with asynchronous readback. */
  getCheckpointAsync(): Promise<TrainerCheckpoint> {
    return readAsync(this.exclusive(() => this.checkpointPlan()));
  }

  private *checkpointPlan(): ReadPlan<TrainerCheckpoint> {
    const arrays: NamedArray[] = [];
    const params = this.allParams;
    const paramValues = yield params.map((p) => p.variable);
    params.forEach((p, i) => arrays.push({ name: `param:${p.name}`, shape: [...p.variable.shape], data: paramValues[i] }));
    for (let a = 0; a < this.nets.adams.length; a++) {
      const state = yield* this.nets.adams[a].readState();
      const netParams = a === 0 ? this.nets.main.params : this.nets.critic!.params;
      netParams.forEach((p, i) => {
        arrays.push({ name: `adam${a}:m:${p.name}`, shape: [...p.variable.shape], data: state.m[i] });
        arrays.push({ name: `adam${a}:v:${p.name}`, shape: [...p.variable.shape], data: state.v[i] });
      });
    }
    if (this.nets.average !== this.nets.main) {
      const average = this.nets.average.params;
      const emaValues = yield average.map((p) => p.variable);
      average.forEach((p, i) => arrays.push({ name: `ema:${p.name}`, shape: [...p.variable.shape], data: emaValues[i] }));
    }
    this.bestWeights?.forEach((w, i) => arrays.push({ name: `best:${this.nets.main.params[i].name}`, shape: [...this.nets.main.params[i].variable.shape], data: w.slice() }));
    return {
      json: {
        format: 'liftwell-trainer-checkpoint',
        formatVersion: 1,
        options: this.options,
        fingerprint: this.fingerprint,
        epoch: this.epoch,
        stepInEpoch: this.stepInEpoch,
        step: this.stepCount,
        epochLossSum: this.epochLossSum,
        epochLossCount: this.epochLossCount,
        epochOrderRng: this.epochOrderState,
        orderRng: this.orderRng.getState(),
        noiseRng: this.noiseRng.getState(),
        optimizerSteps: this.nets.adams.map((a) => a.t),
        history: this.history.map((h) => ({ ...h })),
        best: { loss: this.bestLoss, epoch: this.bestEpoch, saved: this.bestWeights !== null },
        stoppedEarly: this.stoppedEarly,
      },
      arrays,
    };
  }

  private applyCheckpoint(checkpoint: TrainerCheckpoint): void {
    const j = checkpoint.json;
    const byName = new Map(checkpoint.arrays.map((a) => [a.name, a.data]));
    const need = (name: string, size: number): Float32Array => {
      const v = byName.get(name);
      if (!v || v.length !== size) throw new EngineInputError(`checkpoint: array ${name} missing or of the wrong size`);
      return v;
    };
    tf.tidy(() => {
      for (const p of this.allParams) p.variable.assign(tf.tensor(need(`param:${p.name}`, p.variable.size), p.variable.shape));
      if (this.nets.average !== this.nets.main) {
        for (const p of this.nets.average.params) p.variable.assign(tf.tensor(need(`ema:${p.name}`, p.variable.size), p.variable.shape));
      }
    });
    this.nets.adams.forEach((adam, a) => {
      const params = a === 0 ? this.nets.main.params : this.nets.critic!.params;
      adam.setState({
        t: j.optimizerSteps[a],
        m: params.map((p) => need(`adam${a}:m:${p.name}`, p.variable.size)),
        v: params.map((p) => need(`adam${a}:v:${p.name}`, p.variable.size)),
      });
    });
    this.bestWeights = j.best.saved ? this.nets.main.params.map((p) => need(`best:${p.name}`, p.variable.size).slice()) : null;
    this.bestLoss = j.best.loss;
    this.bestEpoch = j.best.epoch;
    this.epoch = j.epoch;
    this.stepInEpoch = j.stepInEpoch;
    this.stepCount = j.step;
    this.epochLossSum = j.epochLossSum;
    this.epochLossCount = j.epochLossCount;
    this.history = j.history.map((h) => ({ ...h }));
    this.stoppedEarly = j.stoppedEarly;
    // The current epoch's order is regenerated from the RNG state at its start.
    const epochRng = Rng.fromState(j.epochOrderRng);
    this.order = permutation(this.nTrain, epochRng);
    this.epochOrderState = j.epochOrderRng;
    this.orderRng = Rng.fromState(j.orderRng);
    this.noiseRng = Rng.fromState(j.noiseRng);
  }

  /**
   * The trained model (score: the best-validation weights when there is a validation split and
   * keptWeights is 'best', else the last averaged weights; GAN:
   * the current generator). Independent of the trainer: dispose both separately.
   */
  toModel(extra: { cancelled?: boolean } = {}): GenerativeModel {
    return readSync(this.exclusive(() => this.modelPlan(extra)));
  }

  /** toModel() with asynchronous readback. */
  toModelAsync(extra: { cancelled?: boolean } = {}): Promise<GenerativeModel> {
    return readAsync(this.exclusive(() => this.modelPlan(extra)));
  }

  private *modelPlan(extra: { cancelled?: boolean }): ReadPlan<GenerativeModel> {
    const o = this.options;
    const useBest = this.bestWeights !== null && o.keptWeights === 'best';
    const main = this.nets.average;
    const current = useBest ? this.bestWeights! : yield main.params.map((p) => p.variable);
    const values = new Map(main.params.map((p, i) => [p.name, current[i]]));
    const copy = mlpFromValues(main.spec, o.model === 'score' ? 'score' : 'generator', values);
    const spec: ModelSpec = {
      format: MODEL_FORMAT,
      formatVersion: MODEL_FORMAT_VERSION,
      kind: o.model,
      xDim: this.fingerprint.xDim,
      condDim: this.fingerprint.condDim,
      features: { x: this.xEncoder.toJSON(), cond: this.condEncoder.toJSON() },
      hidden: [...o.hidden],
      ...(o.model === 'score' ? { score: { ...o.score } } : { gan: { ...o.gan } }),
      conditionRange: { min: [...this.condMin], max: [...this.condMax] },
      training: {
        backend: o.backend,
        seed: o.seed,
        epochsPlanned: o.epochs,
        epochsRun: this.epoch,
        steps: this.stepCount,
        weightsFromEpoch: useBest ? this.bestEpoch : this.epoch,
        stoppedEarly: this.stoppedEarly,
        cancelled: extra.cancelled ?? false,
        rows: { train: this.nTrain, validation: this.nVal },
        validation: { split: 'time-blocks', blocks: this.validationBlocks },
        warnings: this.warnings(),
        options: { batchSize: o.batchSize, learningRate: o.learningRate, lrSchedule: o.lrSchedule, validationFraction: o.validationFraction, patience: o.patience, emaDecay: o.emaDecay },
        history: this.history.map((h) => ({ ...h })),
        dataFingerprint: { ...this.fingerprint },
      },
    };
    return new GenerativeModel(spec, o.model === 'score' ? { score: copy } : { generator: copy });
  }

  /**
   * Words for what the training record should make a user look at. The score model keeps the
   * weights of its best validation epoch; when that is the last epoch the loss was still falling
   * and more epochs would likely help. (A WGAN's validation number is the critic's estimate,
   * which moves with the critic, so its best epoch says nothing of this kind.)
   */
  warnings(): string[] {
    const out: string[] = [];
    if (this.options.model === 'score' && this.nVal > 0 && this.epoch > 1 && this.bestEpoch === this.epoch && !this.stoppedEarly) {
      out.push(`The best validation loss came at the last epoch (${this.epoch} of ${this.options.epochs}): the model was still improving. Train longer (more epochs) or with more data.`);
    }
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    if (this.busy) throw new EngineInputError('the trainer is busy (await the previous asynchronous call first)');
    this.disposed = true;
    if (this.nets.average !== this.nets.main) disposeMlp(this.nets.average);
    this.networksInOrder.forEach(disposeMlp);
    this.nets.adams.forEach((a) => a.dispose());
  }
}
