/**
 * A trained conditional generator: feature encoders + network weights + the description needed to
 * rebuild it (ModelSpec, plain JSON). Lifting = sampling n rows of x at one condition value.
 * Artifacts (spec + tfjs weight specs + bytes) are what the store writes to a model folder.
 */
import { EngineInputError } from '../errors';
import { Rng } from '../random';
import { FeatureEncoder, type EncoderJson } from './features';
import { defaultGanHyper, generatorSpec, sampleGan, type GanHyper } from './gan';
import { disposeMlp, mlpFromValues, type Mlp, type MlpSpec } from './mlp';
import { DEFAULT_SCORE_SAMPLING, sampleScore, scoreNetSpec, type ScoreHyper, type ScoreSampler } from './score';
import { readAsync, readSync, type ReadPlan } from './readback';
import { packArrays, unpackArrays, type NamedArray, type WeightSpec } from './weights';

export const MODEL_FORMAT = 'liftwell-generative-model';
/** Bump when a saved model can no longer be read by older code; readers refuse newer versions. */
export const MODEL_FORMAT_VERSION = 1;

export type ModelKind = 'score' | 'gan';

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  /** null when there is no validation split. */
  validationLoss: number | null;
  learningRate: number;
}

export interface TrainingRecord {
  backend: string;
  seed: number;
  epochsPlanned: number;
  epochsRun: number;
  steps: number;
  /** Epoch whose weights the model holds (best validation loss for the score model). */
  weightsFromEpoch: number;
  stoppedEarly: boolean;
  cancelled: boolean;
  rows: { train: number; validation: number };
  /** How the validation rows were chosen (absent in models saved before time blocks). */
  validation?: { split: 'time-blocks'; blocks: number };
  /** What a user should know about this training (e.g. the best epoch was the last); absent in older models. */
  warnings?: string[];
  options: { batchSize: number; learningRate: number; lrSchedule: string; validationFraction: number; patience: number; emaDecay: number };
  history: EpochRecord[];
  /** Sums and sizes of the training arrays (checks a resume uses the same data). */
  dataFingerprint: DataFingerprint;
}

export interface DataFingerprint {
  rows: number;
  xDim: number;
  condDim: number;
  xSum: number;
  condSum: number;
  /** Number of time series the rows came from (absent: one series in stored order). */
  segments?: number;
}

export interface ModelSpec {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  kind: ModelKind;
  /** Raw dimensions of the generated rows and of the condition. */
  xDim: number;
  condDim: number;
  features: { x: EncoderJson; cond: EncoderJson };
  hidden: number[];
  score?: ScoreHyper;
  gan?: GanHyper;
  /** Per raw condition column, the training range (periodic columns: null, every value is inside). */
  conditionRange: { min: (number | null)[]; max: (number | null)[] };
  training: TrainingRecord;
}

export interface ModelArtifacts {
  spec: ModelSpec;
  /** The network(s) as MLP descriptions (for model.json's modelTopology). */
  topology: Record<string, MlpSpec>;
  weightSpecs: WeightSpec[];
  weightData: Uint8Array;
}

export interface LiftOptions {
  /** Default 0. Same seed, model and backend: the same samples. */
  seed?: number;
  /** Score model: 'sde' (reverse SDE, Euler-Maruyama, default) or 'ode' (probability flow, Heun). */
  method?: ScoreSampler;
  /** Score model integration steps (default 500). */
  steps?: number;
  /** Rows per network batch (memory bound; part of what a seed reproduces). Default 8192. */
  chunk?: number;
}

export interface LiftResult {
  /** n x xDim, row-major, raw units (periodic columns in [-P/2, P/2]). */
  samples: Float64Array;
  n: number;
  dim: number;
  /** Human-readable warnings (condition outside the trained range). */
  warnings: string[];
}

/** The network roles a model keeps for lifting, with their specs. */
export function liftingNetworks(spec: Pick<ModelSpec, 'kind' | 'hidden' | 'score' | 'gan'>, xEnc: number, cEnc: number): Record<string, MlpSpec> {
  if (spec.kind === 'score') return { score: scoreNetSpec(xEnc, cEnc, spec.score!, spec.hidden) };
  return { generator: generatorSpec(xEnc, cEnc, spec.gan ?? defaultGanHyper(xEnc), spec.hidden) };
}

export class GenerativeModel {
  readonly xEncoder: FeatureEncoder;
  readonly condEncoder: FeatureEncoder;
  private disposed = false;

  /** Takes ownership of `networks` (disposed with the model). */
  constructor(
    readonly spec: ModelSpec,
    private readonly networks: Record<string, Mlp>,
  ) {
    this.xEncoder = FeatureEncoder.fromJSON(spec.features.x, 'features.x');
    this.condEncoder = FeatureEncoder.fromJSON(spec.features.cond, 'features.cond');
  }

  /** Warnings for a condition value: wrong length/NaN throw; outside the trained range warns. */
  conditionWarnings(cond: readonly number[]): string[] {
    this.checkCondition(cond);
    const warnings: string[] = [];
    const { min, max } = this.spec.conditionRange;
    cond.forEach((v, j) => {
      const lo = min[j];
      const hi = max[j];
      if (lo === null || hi === null) return;
      if (v < lo || v > hi) {
        warnings.push(`condition ${j} = ${v} is outside the trained range [${lo}, ${hi}]: the model extrapolates there`);
      }
    });
    return warnings;
  }

  private checkCondition(cond: readonly number[]): void {
    if (!Array.isArray(cond) && !ArrayBuffer.isView(cond)) throw new EngineInputError('condition must be a list of numbers');
    if (cond.length !== this.spec.condDim) {
      throw new EngineInputError(`condition needs ${this.spec.condDim} value(s) (the model was trained on ${this.spec.condDim} condition column(s)); got ${cond.length}`);
    }
    cond.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new EngineInputError(`condition ${j} must be a finite number (got ${String(v)})`);
    });
  }

  /** n generated rows at condition `cond` (raw units). */
  lift(cond: readonly number[], n: number, options: LiftOptions = {}): LiftResult {
    if (this.disposed) throw new EngineInputError('the model has been disposed');
    const warnings = this.conditionWarnings(cond);
    if (!Number.isSafeInteger(n) || n < 1) throw new EngineInputError(`number of samples must be an integer >= 1 (got ${n})`);
    const seed = options.seed ?? 0;
    if (!Number.isSafeInteger(seed) || seed < 0) throw new EngineInputError(`seed must be a non-negative integer (got ${seed})`);
    const method = options.method ?? DEFAULT_SCORE_SAMPLING.method;
    if (method !== 'sde' && method !== 'ode') throw new EngineInputError(`sampling method must be sde or ode (got ${String(method)})`);
    const steps = options.steps ?? DEFAULT_SCORE_SAMPLING.steps;
    if (!Number.isSafeInteger(steps) || steps < 1) throw new EngineInputError(`sampling steps must be an integer >= 1 (got ${steps})`);
    const chunk = options.chunk ?? 8192;
    if (!Number.isSafeInteger(chunk) || chunk < 1) throw new EngineInputError(`chunk must be an integer >= 1 (got ${chunk})`);

    const condEncoded = Float32Array.from(this.condEncoder.encode(Float64Array.from(cond)));
    const rng = new Rng(seed, 0);
    const e = this.xEncoder.encodedDim;
    const encoded = new Float32Array(n * e);
    for (let start = 0; start < n; start += chunk) {
      const m = Math.min(chunk, n - start);
      const part =
        this.spec.kind === 'score'
          ? sampleScore(this.networks.score, this.spec.score!, condEncoded, m, rng, { method, steps })
          : sampleGan(this.networks.generator, this.spec.gan!, condEncoded, m, rng);
      encoded.set(part, start * e);
    }
    return { samples: this.xEncoder.decode(encoded), n, dim: this.spec.xDim, warnings };
  }

  /** Spec + weights for saving; the model stays usable. */
  toArtifacts(): ModelArtifacts {
    return readSync(this.artifactsPlan());
  }

  /** toArtifacts() with asynchronous readback (backends without synchronous readback, e.g. WebGPU). */
  toArtifactsAsync(): Promise<ModelArtifacts> {
    return readAsync(this.artifactsPlan());
  }

  private *artifactsPlan(): ReadPlan<ModelArtifacts> {
    if (this.disposed) throw new EngineInputError('the model has been disposed');
    const topology: Record<string, MlpSpec> = {};
    const params = Object.entries(this.networks).flatMap(([role, mlp]) => {
      topology[role] = mlp.spec;
      return mlp.params;
    });
    const values = yield params.map((p) => p.variable);
    const arrays: NamedArray[] = params.map((p, i) => ({ name: p.name, shape: [...p.variable.shape], data: values[i] }));
    const { specs, data } = packArrays(arrays);
    return { spec: this.spec, topology, weightSpecs: specs, weightData: data };
  }

  /** Rebuilds a model from artifacts; EngineInputError (naming `what`) when they do not fit together. */
  static fromArtifacts(artifacts: Pick<ModelArtifacts, 'spec' | 'weightSpecs' | 'weightData'>, what = 'model'): GenerativeModel {
    const spec = validateModelSpec(artifacts.spec, what);
    const xEnc = FeatureEncoder.fromJSON(spec.features.x, `${what}: features.x`);
    const cEnc = FeatureEncoder.fromJSON(spec.features.cond, `${what}: features.cond`);
    const values = unpackArrays(artifacts.weightSpecs, artifacts.weightData, what);
    const byName = new Map([...values].map(([name, a]) => [name, a.data]));
    const networks: Record<string, Mlp> = {};
    try {
      for (const [role, mlpSpec] of Object.entries(liftingNetworks(spec, xEnc.encodedDim, cEnc.encodedDim))) {
        networks[role] = mlpFromValues(mlpSpec, role, byName);
      }
    } catch (error) {
      Object.values(networks).forEach(disposeMlp);
      throw new EngineInputError(`${what}: ${(error as Error).message}`);
    }
    return new GenerativeModel(spec, networks);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Object.values(this.networks).forEach(disposeMlp);
  }
}

/** Structural checks of a spec read from disk (the store checks format/version first). */
export function validateModelSpec(spec: unknown, what: string): ModelSpec {
  const s = spec as ModelSpec;
  const problems: string[] = [];
  if (!s || typeof s !== 'object') throw new EngineInputError(`${what}: not a model description`);
  if (s.format !== MODEL_FORMAT) problems.push(`format is ${JSON.stringify(s.format)}, not ${MODEL_FORMAT}`);
  if (!Number.isSafeInteger(s.formatVersion) || s.formatVersion < 1) problems.push('formatVersion missing');
  else if (s.formatVersion > MODEL_FORMAT_VERSION) problems.push(`written by a newer Liftwell (format version ${s.formatVersion}; this one reads up to ${MODEL_FORMAT_VERSION})`);
  if (s.kind !== 'score' && s.kind !== 'gan') problems.push(`unknown model kind ${JSON.stringify(s.kind)}`);
  if (!Number.isSafeInteger(s.xDim) || s.xDim < 1) problems.push('xDim must be an integer >= 1');
  if (!Number.isSafeInteger(s.condDim) || s.condDim < 1) problems.push('condDim must be an integer >= 1');
  if (!Array.isArray(s.hidden) || s.hidden.length < 1 || !s.hidden.every((h) => Number.isSafeInteger(h) && h >= 1)) problems.push('hidden must list layer widths');
  if (s.kind === 'score' && (!s.score || !Array.isArray(s.score.fourierFrequencies))) problems.push('score hyper-parameters missing');
  if (s.kind === 'gan' && (!s.gan || !Number.isSafeInteger(s.gan.latentDim))) problems.push('gan hyper-parameters missing');
  const range = s.conditionRange;
  if (!range || !Array.isArray(range.min) || !Array.isArray(range.max) || range.min.length !== s.condDim || range.max.length !== s.condDim) problems.push('conditionRange must have condDim entries');
  if (!s.features || s.features.x?.rawDim !== s.xDim || s.features.cond?.rawDim !== s.condDim) problems.push('features do not match xDim/condDim');
  if (problems.length) throw new EngineInputError(problems.map((p) => `${what}: ${p}`));
  return s;
}
