/**
 * Lifting and the consistency report, computed in a worker thread of their own (the "model
 * thread", spawned by api/models.ts from the job worker bundle) so the main process keeps
 * answering calls while a report samples for seconds. The thread keeps a few loaded models
 * (disposed on eviction) and its own TensorFlow.js backend (initTensorflowBackend: wasm, else cpu).
 * Requests are served one at a time, in order.
 */
import { fastSlowClosure } from '../engine/systems';
import { erf } from '../engine/systems/conditional-law';
import { slicedWasserstein1, wasserstein1 } from '../engine/estimators/wasserstein';
import { tf, type GenerativeModel } from '../engine/generative';
import { initTensorflowBackend } from '../store/tf-backend';
import { loadModelFolder } from '../store/model-folder';
import { ApiError, type ApiErrorShape, type ConsistencyReport, type ConsistencyRow, type ConsistencyStats, type ModelRecord } from '../api/contract';
import type { TrainJob } from '../store/project';
import { loadTrainingFrames, TrainingDataError, type TrainingFrames } from './train-data';
import { computeMoleculeLift, type MoleculeLiftCall, type MoleculeLiftComputed } from './lift-molecular';

export interface ModelRef {
  folder: string;
  /** What the project says the folder holds (checked against the loaded model). */
  condNames: string[];
  targetNames: string[];
}

export type ModelCall =
  | { kind: 'lift'; model: ModelRef; cond: number[]; n: number; seed: number; method?: 'sde' | 'ode'; steps?: number }
  | {
      kind: 'report';
      model: ModelRef;
      record: Pick<ModelRecord, 'kind' | 'condNames' | 'targetNames' | 'conditionRange'>;
      projectPath: string;
      job: TrainJob;
      conditions?: number[];
      n: number;
      seed: number;
      method?: 'sde' | 'ode';
      steps?: number;
    }
  | MoleculeLiftCall;

export interface LiftComputed { samples: Float64Array; conditions: number[][]; warnings: string[][]; backend: string; seconds: number; tensors: number }
export type ReportComputed = Omit<ConsistencyReport, 'modelId'> & { tensors: number };

export type ModelCallMessage = { type: 'model-call'; id: number; call: ModelCall };
export type ModelCallReply = { type: 'model-call-result'; id: number; ok: true; result: LiftComputed | ReportComputed | MoleculeLiftComputed } | { type: 'model-call-result'; id: number; ok: false; error: ApiErrorShape };

// ---------------------------------------------------------------- statistics

export function stats(values: ArrayLike<number>): ConsistencyStats {
  const n = values.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += values[i];
  m /= Math.max(1, n);
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i] - m) ** 2;
  return { mean: m, sd: n > 1 ? Math.sqrt(v / (n - 1)) : 0, n };
}

// The 1D distance lives in the engine; re-exported for the report's callers and tests.
export { wasserstein1 };

const normalCdf = (x: number, m: number, sd: number) => 0.5 * (1 + erf((x - m) / (sd * Math.SQRT2)));

/** W1 between an empirical sample and N(m, sd^2): the integral of |F_n - Phi| on a fine grid (trapezoid). */
export function wasserstein1Normal(sample: ArrayLike<number>, m: number, sd: number): number {
  const s = Float64Array.from(sample).sort();
  const lo = Math.min(s[0], m - 8 * sd);
  const hi = Math.max(s[s.length - 1], m + 8 * sd);
  const points = 8000;
  const h = (hi - lo) / points;
  let k = 0;
  let w = 0;
  let prev = 0;
  for (let p = 0; p <= points; p++) {
    const t = lo + p * h;
    while (k < s.length && s[k] <= t) k++;
    const d = Math.abs(k / s.length - normalCdf(t, m, sd));
    if (p > 0) w += 0.5 * (d + prev) * h;
    prev = d;
  }
  return w;
}

/** The exact conditional law of target `t` given the condition, when the system has one. */
export function exactLaw(job: TrainJob): ((cond: number) => { mean: number; sd: number }) | null {
  const spec = job.system;
  if (!spec || spec.kind !== 'fast-slow' || job.condIndices.length !== 1 || job.condIndices[0] !== 0) return null;
  const sd = spec.s * Math.sqrt(job.kT);
  return (x) => ({ mean: fastSlowClosure(spec, x), sd });
}

// ---------------------------------------------------------------- the model thread

const CACHE_SIZE = 4;
const cache = new Map<string, GenerativeModel>();

export async function modelFor(ref: ModelRef): Promise<{ model: GenerativeModel; backend: string }> {
  const choice = await initTensorflowBackend();
  let model = cache.get(ref.folder);
  if (model) cache.delete(ref.folder);
  else {
    model = await loadModelFolder(ref.folder);
    if (model.spec.xDim !== ref.targetNames.length || model.spec.condDim !== ref.condNames.length) {
      const spec = model.spec;
      model.dispose();
      throw new ApiError('bad-file', `${ref.folder}: this folder holds a model of ${spec.xDim} value(s) given ${spec.condDim}, not the model of ${ref.targetNames.join(', ')} given ${ref.condNames.join(', ')} this project trained (was it copied from elsewhere?).`, { path: ref.folder });
    }
  }
  cache.set(ref.folder, model);
  while (cache.size > CACHE_SIZE) {
    const [oldKey, old] = cache.entries().next().value!;
    cache.delete(oldKey);
    old.dispose();
  }
  return { model, backend: choice.backend };
}

function engineError(error: unknown): never {
  if (error instanceof Error && error.name === 'EngineInputError') throw new ApiError('invalid-input', error.message);
  throw error;
}

function framesOf(projectPath: string, job: TrainJob): TrainingFrames {
  try {
    return loadTrainingFrames(projectPath, job);
  } catch (error) {
    if (error instanceof TrainingDataError) throw new ApiError('bad-file', error.message, { path: error.path });
    throw error;
  }
}

export async function computeLift(call: Extract<ModelCall, { kind: 'lift' }>): Promise<LiftComputed> {
  const { model, backend } = await modelFor(call.model);
  const began = performance.now();
  const cd = call.model.condNames.length;
  const dim = call.model.targetNames.length;
  const count = call.cond.length / cd;
  const samples = new Float64Array(count * call.n * dim);
  const conditions: number[][] = [];
  const warnings: string[][] = [];
  for (let k = 0; k < count; k++) {
    const c = call.cond.slice(k * cd, k * cd + cd);
    try {
      const result = model.lift(c, call.n, { seed: call.seed + k, ...(call.method ? { method: call.method } : {}), ...(call.steps ? { steps: call.steps } : {}) });
      samples.set(result.samples, k * call.n * dim);
      warnings.push(result.warnings);
    } catch (error) {
      engineError(error);
    }
    conditions.push(c);
  }
  return { samples, conditions, warnings, backend, seconds: (performance.now() - began) / 1000, tensors: tf.memory().numTensors };
}

export async function computeReport(call: Extract<ModelCall, { kind: 'report' }>): Promise<ReportComputed> {
  const { model } = await modelFor(call.model);
  const { record, job, n, seed, method, steps } = call;
  const began = performance.now();
  const f = framesOf(call.projectPath, job);
  let lo = record.conditionRange?.min[0] ?? null;
  let hi = record.conditionRange?.max[0] ?? null;
  if (lo === null || hi === null) {
    lo = Infinity;
    hi = -Infinity;
    for (const v of f.cond) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const width = hi - lo;
  const halfWidth = width / 40;
  const holdOut = job.holdOut;
  let conds = call.conditions;
  if (!conds) {
    conds = Array.from({ length: 11 }, (_, i) => lo! + 0.05 * width + (0.9 * width * i) / 10);
    if (holdOut) conds.push(0.5 * (holdOut[0] + holdOut[1]));
    conds.sort((a, b) => a - b);
  }
  const exact = exactLaw(job);
  const td = record.targetNames.length;
  const lift = (c: number, count: number, s: number) => {
    try {
      return model.lift([c], count, { seed: s, ...(method ? { method } : {}), ...(steps ? { steps } : {}) });
    } catch (error) {
      return engineError(error);
    }
  };
  /** Target columns of the frames within +-halfWidth of c (hold-out frames inside the hold-out). */
  const nearby = (c: number, held: boolean) => {
    const cs = held ? f.heldOutCond : f.cond;
    const ts = held ? f.heldOutTarget : f.target;
    const cols: number[][] = Array.from({ length: td }, () => []);
    for (let r = 0; r < cs.length; r++) {
      if (Math.abs(cs[r] - c) <= halfWidth) for (let j = 0; j < td; j++) cols[j].push(ts[r * td + j]);
    }
    return cols;
  };
  const inHoldOut = (c: number) => !!holdOut && c >= holdOut[0] && c <= holdOut[1];
  const rows: ConsistencyRow[] = conds.map((c, k) => {
    const held = inHoldOut(c);
    const result = lift(c, n, seed + k);
    const sim = nearby(c, held);
    const law = exact?.(c) ?? null;
    // Several target coordinates: their joint law too, by the sliced distance (seeded directions).
    let slicedW1GeneratedVsSimulation: number | null = null;
    if (td > 1 && sim[0].length >= 5) {
      const simRows = new Float64Array(sim[0].length * td);
      for (let r = 0; r < sim[0].length; r++) for (let j = 0; j < td; j++) simRows[r * td + j] = sim[j][r];
      slicedW1GeneratedVsSimulation = slicedWasserstein1(result.samples.subarray(0, n * td), simRows, td, { projections: 64, seed: seed + k });
    }
    return {
      cond: [c],
      heldOut: held,
      simulationFrames: sim[0].length,
      slicedW1GeneratedVsSimulation,
      warnings: result.warnings,
      targets: record.targetNames.map((name, j) => {
        const gen = new Float64Array(n);
        for (let i = 0; i < n; i++) gen[i] = result.samples[i * td + j];
        const g = stats(gen);
        const hasSim = sim[j].length >= 5;
        const exactTarget = law && j === 0 ? law : null;
        return {
          name,
          generated: g,
          simulation: hasSim ? stats(sim[j]) : null,
          exact: exactTarget,
          w1GeneratedVsSimulation: hasSim ? wasserstein1(gen, sim[j]) : null,
          w1GeneratedVsExact: exactTarget ? wasserstein1Normal(gen, exactTarget.mean, exactTarget.sd) : null,
          w1SimulationVsExact: exactTarget && hasSim ? wasserstein1Normal(sim[j], exactTarget.mean, exactTarget.sd) : null,
          meanErrorSd: exactTarget ? (g.mean - exactTarget.mean) / exactTarget.sd : null,
          sdRelativeError: exactTarget ? g.sd / exactTarget.sd - 1 : null,
        };
      }),
    };
  });
  // Closure E[target_0 | cond] on a dense grid (fewer samples per point: a curve, not a test).
  const grid = Array.from({ length: 25 }, (_, i) => lo! + (width * i) / 24);
  const closureN = Math.min(n, 200);
  const closure = {
    target: record.targetNames[0],
    cond: grid,
    generated: grid.map((c, k) => {
      const r = lift(c, closureN, seed + 10_000 + k);
      let s = 0;
      for (let i = 0; i < closureN; i++) s += r.samples[i * td];
      return s / closureN;
    }),
    simulation: grid.map((c) => {
      const col = nearby(c, inHoldOut(c))[0];
      return col.length >= 5 ? stats(col).mean : null;
    }),
    exact: exact ? grid.map((c) => exact(c).mean) : null,
  };
  const spec = job.system;
  const cv = record.condNames[0];
  return {
    condNames: record.condNames,
    targetNames: record.targetNames,
    halfWidth,
    n,
    seed,
    method: record.kind === 'gan' ? 'gan' : (method ?? 'sde'),
    rows,
    restriction: {
      maxError: 0,
      note: `The condition ${cv} is a coordinate of the system and is passed through unchanged, so the restriction error |R(L(${cv}*)) - ${cv}*| is 0 by construction; it becomes informative for molecules and learned CVs.`,
    },
    closure,
    exactLaw: exact && spec?.kind === 'fast-slow' ? `p(y | x) = N(f(x), s^2 kT) with f = ${spec.f} (c = ${spec.c}), s = ${spec.s}, kT = ${job.kT}` : null,
    seconds: (performance.now() - began) / 1000,
    tensors: tf.memory().numTensors,
  };
}

let queue: Promise<unknown> = Promise.resolve();

/** Worker side: answers one model call (calls are served in arrival order). */
export function answerModelCall(message: ModelCallMessage, post: (reply: ModelCallReply, transfer?: ArrayBuffer[]) => void): Promise<void> {
  const next = queue.then(async () => {
    try {
      const c = message.call;
      const result = c.kind === 'lift' ? await computeLift(c) : c.kind === 'lift-molecule' ? await computeMoleculeLift(c, modelFor) : await computeReport(c);
      post({ type: 'model-call-result', id: message.id, ok: true, result });
    } catch (error) {
      const shape: ApiErrorShape =
        error instanceof ApiError ? error.toShape() : { code: 'internal', message: error instanceof Error ? error.message : String(error) };
      post({ type: 'model-call-result', id: message.id, ok: false, error: shape });
    }
  });
  queue = next;
  return next;
}
