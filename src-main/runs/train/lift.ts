/**
 * Lifting and the consistency report, computed in a worker thread of their own (the "model
 * thread", spawned by api/models.ts from the job worker bundle) so the main process keeps
 * answering calls while a report samples for seconds. The thread keeps a few loaded models
 * (disposed on eviction) and its own TensorFlow.js backend (initTensorflowBackend: wasm, else cpu).
 * Requests are served one at a time, in order.
 */
import { gaussianLaw, wasserstein1ToLaw } from '../../engine/systems/conditional-law';
import { wasserstein1 } from '../../engine/estimators/wasserstein';
import { computeConsistencyReport, exactLawOf, stats, type ReportRequest } from './consistency-report';
import { tf, type GenerativeModel } from '../../engine/generative';
import { initTensorflowBackend } from '../../store/tf-backend';
import { loadModelFolder } from '../../store/model-folder';
import { ApiError, type ApiErrorShape, type ConsistencyReport, type ConsistencyStats, type ModelRecord } from '../../schema';
import type { TrainJob } from '../run-file';
import { loadTrainingFrames, TrainingDataError, type TrainingFrames } from './data';
import { toErrorShape } from '../../schema/error-shape';
import { EngineInputError } from '../../engine/errors';
import { computeMoleculeLift, type MoleculeLiftCall, type MoleculeLiftComputed } from './lift-molecular';

import type { ModelRef } from './model-ref';
export type { ModelRef };

export type ModelCall =
  | { kind: 'lift'; model: ModelRef; cond: number[]; n: number; seed: number; method?: 'sde' | 'ode'; steps?: number }
  | ({ kind: 'report'; model: ModelRef } & ReportRequest)
  | MoleculeLiftCall;

export interface LiftComputed { samples: Float64Array; conditions: number[][]; warnings: string[][]; backend: string; seconds: number; tensors: number }
export type ReportComputed = Omit<ConsistencyReport, 'modelId'> & { tensors: number };

export type ModelCallMessage = { type: 'model-call'; id: number; call: ModelCall };
export type ModelCallReply = { type: 'model-call-result'; id: number; ok: true; result: LiftComputed | ReportComputed | MoleculeLiftComputed } | { type: 'model-call-result'; id: number; ok: false; error: ApiErrorShape };

// ---------------------------------------------------------------- statistics

// Mean, s.d. and count of a sample (the report's statistics), re-exported for callers and tests.
export { stats };

// The 1D distance lives in the engine; re-exported for the report's callers and tests.
export { wasserstein1 };

/** W1 between an empirical sample and N(m, sd^2) (engine/systems/conditional-law.ts). */
export function wasserstein1Normal(sample: ArrayLike<number>, m: number, sd: number): number {
  return wasserstein1ToLaw(sample, gaussianLaw(m, sd));
}

/** The exact conditional law of target 0 given the condition, when the system has one. */
export function exactLaw(job: TrainJob): ((cond: number) => { mean: number; sd: number }) | null {
  const spec = job.system;
  if (!spec || job.condIndices.length !== 1) return null;
  // Target 0 of the model (jobs made before targetIndices was recorded: y, coordinate 1).
  const law = exactLawOf(spec, job.kT, job.condIndices[0], job.targetIndices?.[0] ?? 1);
  return law ? (x) => ({ mean: law(x).mean, sd: law(x).sd }) : null;
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
  if (error instanceof EngineInputError) throw new ApiError('invalid-input', error.message);
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
  const began = performance.now();
  const { kind: _kind, model: _ref, ...request } = call;
  const report = computeConsistencyReport({ ...request, model, frames: framesOf(call.projectPath, call.job) });
  return { ...report, seconds: (performance.now() - began) / 1000, tensors: tf.memory().numTensors };
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
      post({ type: 'model-call-result', id: message.id, ok: false, error: toErrorShape(error) });
    }
  });
  queue = next;
  return next;
}
