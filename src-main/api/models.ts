/**
 * Generative models in the app: training as a job (run kind 'train') on the pooled COLVAR frames
 * of completed metadynamics runs, the project's model list, lifting (sampling x at CV values) and
 * the micro-macro consistency report (SCIENCE.md section 6).
 *
 * Condition = the CV coordinate(s) of the source runs, target = the other coordinate(s) of the toy
 * system; no reweighting (the bias depends on the CV only). Lifting runs in the main process on the
 * backend initTensorflowBackend picks; loaded models are cached (a few, disposed on eviction) so
 * repeated lift calls do not reload or leak tensors.
 */
import { readFile } from 'node:fs/promises';
import { ApiError, type CallOutputs, type CallParsedInput, type ConsistencyReport, type ConsistencyRow, type ConsistencyStats, type LiftOutput, type ModelRecord, type RunRecord, type TrainRunRecord, type TrainingStatus } from './contract';
import { createSystem, fastSlowClosure } from '../engine/systems';
import type { GenerativeModel } from '../engine/generative';
import { initTensorflowBackend } from '../store/tf-backend';
import { loadModelFolder } from '../store/model-folder';
import { newId, nowIso, readProjectFile, type MetadRunFile, type RunFile, type TrainJob, type TrainRunFile } from '../store/project';
import { addModelToIndex, findModelEntry, modelRecordOf } from '../store/models';
import { colvarFields } from '../jobs/metad-files';
import { loadTrainingFrames, TrainingDataError, type TrainingFrames } from '../jobs/train-data';
import { trainFiles } from '../jobs/train-files';
import type { JobManager } from '../jobs/manager';

export interface ModelHandlerDeps {
  requireProject(path: string): Promise<string>;
  getRunFile(projectPath: string, runId: string): Promise<RunFile>;
  createAndStartRun(projectPath: string, file: RunFile): Promise<RunRecord>;
  provenance(): RunRecord['provenance'];
  jobs: JobManager;
}

type ModelCalls = 'startTraining' | 'listModels' | 'getModel' | 'getTraining' | 'lift' | 'consistencyReport';

const DEFAULT_BATCH = 256;
const DEFAULT_VALIDATION = 0.1;

// ---------------------------------------------------------------- planning

/** Checks the source runs and turns the parameters into the job stored in run.json. */
export async function planTrainJob(
  projectPath: string,
  params: CallParsedInput<'startTraining'>,
  getRunFile: ModelHandlerDeps['getRunFile'],
  modelId: string,
  jobs?: JobManager,
): Promise<{ job: TrainJob; systemId: string }> {
  const ids = params.sourceRunIds;
  if (new Set(ids).size !== ids.length) throw new ApiError('invalid-input', 'sourceRunIds: a run is listed twice.');
  const files: MetadRunFile[] = [];
  for (const id of ids) {
    const file = await getRunFile(projectPath, id);
    if (file.job.kind !== 'metad') {
      throw new ApiError('invalid-input', `sourceRunIds: "${file.run.name}" is a ${file.run.kind} run; models are trained on metadynamics runs (umbrella windows store only the CV, not the other coordinates).`);
    }
    files.push(file as MetadRunFile);
  }
  const first = files[0];
  for (const f of files.slice(1)) {
    if (JSON.stringify(f.job.system) !== JSON.stringify(first.job.system)) {
      throw new ApiError('invalid-input', `sourceRunIds: "${f.run.name}" simulates a different system (${JSON.stringify(f.job.system)}) than "${first.run.name}" (${JSON.stringify(first.job.system)}); pool runs of one system.`);
    }
    if (f.job.cvIndices.join(',') !== first.job.cvIndices.join(',')) {
      throw new ApiError('invalid-input', `sourceRunIds: "${f.run.name}" biases ${f.job.cvNames.join(', ')} but "${first.run.name}" biases ${first.job.cvNames.join(', ')}; the condition must be the same CV(s).`);
    }
    if (f.job.kT !== first.job.kT) {
      throw new ApiError('invalid-input', `sourceRunIds: "${f.run.name}" ran at kT ${f.job.kT} but "${first.run.name}" at kT ${first.job.kT}; p(x | CV) depends on the temperature.`);
    }
  }
  // Status last: runs that can never be pooled say so before runs that are merely unfinished.
  for (const f of files) {
    const status = jobs?.activeRecord(projectPath, f.run.id)?.status ?? f.run.status;
    if (status !== 'completed') throw new ApiError('conflict', `sourceRunIds: "${f.run.name}" is ${status}; training needs completed runs.`);
  }
  const system = createSystem(first.job.system);
  const names = system.coordinateNames;
  const condIndices = [...first.job.cvIndices];
  const targetIndices = names.map((_, i) => i).filter((i) => !condIndices.includes(i));
  if (targetIndices.length === 0) {
    throw new ApiError('invalid-input', `sourceRunIds: every coordinate of the ${first.job.system.kind} system (${names.join(', ')}) is a CV of these runs: there is nothing left to generate.`);
  }
  if (params.holdOut && condIndices.length !== 1) throw new ApiError('invalid-input', 'holdOut: only for a 1-D condition.');
  const colvarWidth = colvarFields(names).length;
  const plan = {
    sourceRunIds: [...ids],
    colvarWidth,
    condColumns: condIndices.map((i) => 2 + i),
    targetColumns: targetIndices.map((i) => 2 + i),
    discardFraction: params.discardFraction ?? 0,
    holdOut: params.holdOut ?? null,
  };
  let frames: TrainingFrames;
  try {
    frames = loadTrainingFrames(projectPath, plan);
  } catch (error) {
    if (error instanceof TrainingDataError) throw new ApiError('bad-file', error.message, { path: error.path });
    if (error instanceof Error && error.name === 'InputFileError') throw new ApiError('bad-file', error.message);
    throw error;
  }
  const validationFraction = params.validationFraction ?? DEFAULT_VALIDATION;
  if (frames.rows < 10) throw new ApiError('invalid-input', `sourceRunIds: the runs hold ${frames.rows} usable frames (after discard and hold-out); at least 10 are needed.`);
  const batchSize = params.batchSize ?? DEFAULT_BATCH;
  const nVal = Math.min(frames.rows - 1, Math.floor(frames.rows * validationFraction));
  const stepsPerEpoch = Math.ceil((frames.rows - nVal) / batchSize);
  const job: TrainJob = {
    kind: 'train',
    system: first.job.system,
    modelId,
    modelName: params.name.trim(),
    ...plan,
    condIndices,
    targetIndices,
    condNames: condIndices.map((i) => names[i]),
    targetNames: targetIndices.map((i) => names[i]),
    kT: first.job.kT,
    rows: frames.rows,
    stepsPerEpoch,
    model: params.model,
    epochs: params.epochs,
    seed: params.seed,
    hidden: params.hidden ?? null,
    batchSize,
    learningRate: params.learningRate ?? null,
    validationFraction,
    patience: params.patience ?? null,
    backend: process.env.LIFTWELL_TF_BACKEND ?? 'auto',
  };
  return { job, systemId: first.run.systemId };
}

// ---------------------------------------------------------------- statistics

function stats(values: ArrayLike<number>): ConsistencyStats {
  const n = values.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += values[i];
  m /= Math.max(1, n);
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i] - m) ** 2;
  return { mean: m, sd: n > 1 ? Math.sqrt(v / (n - 1)) : 0, n };
}

/** 1-D Wasserstein-1 distance between two empirical samples: the integral of |F_a - F_b|. */
export function wasserstein1(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let t = Math.min(sa[0], sb[0]);
  let w = 0;
  while (i < sa.length || j < sb.length) {
    const next = j >= sb.length || (i < sa.length && sa[i] <= sb[j]) ? sa[i] : sb[j];
    w += Math.abs(i / sa.length - j / sb.length) * (next - t);
    t = next;
    if (i < sa.length && sa[i] === next) i++;
    else j++;
  }
  return w;
}

/** erf, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7: far below the sampling noise it is compared with). */
function erf(x: number): number {
  const s = Math.sign(x);
  const z = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * z);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return s * y;
}
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
function exactLaw(job: TrainJob): ((cond: number) => { mean: number; sd: number }) | null {
  const spec = job.system;
  if (spec.kind !== 'fast-slow' || job.condIndices.length !== 1 || job.condIndices[0] !== 0) return null;
  const sd = spec.s * Math.sqrt(job.kT);
  return (x) => ({ mean: fastSlowClosure(spec, x), sd });
}

// ---------------------------------------------------------------- handlers

export function createModelHandlers(deps: ModelHandlerDeps): { [K in ModelCalls]: (input: CallParsedInput<K>) => Promise<CallOutputs[K]> } {
  /** Loaded models by folder, most recently used last. */
  const cache = new Map<string, { model: GenerativeModel; backend: string }>();
  const CACHE_SIZE = 4;

  async function trainRun(projectPath: string, runId: string): Promise<TrainRunFile> {
    const file = await deps.getRunFile(projectPath, runId);
    if (file.job.kind !== 'train') throw new ApiError('invalid-input', `The run "${file.run.name}" is not a training run.`);
    return file as TrainRunFile;
  }

  async function readyModel(projectPath: string, modelId: string): Promise<{ record: ModelRecord; job: TrainJob; model: GenerativeModel; backend: string }> {
    const entry = await findModelEntry(projectPath, modelId);
    const record = await modelRecordOf(projectPath, entry, deps.jobs.activeRecord(projectPath, entry.runId));
    if (record.status !== 'ready') throw new ApiError('conflict', `The model "${record.name}" is ${record.status === 'training' ? 'still training' : `not usable (${record.status})`}.`);
    const job = (await trainRun(projectPath, entry.runId)).job;
    const choice = await initTensorflowBackend();
    const key = record.folder;
    let hit = cache.get(key);
    if (hit) cache.delete(key);
    else {
      const model = await loadModelFolder(record.folder);
      if (model.spec.xDim !== record.targetNames.length || model.spec.condDim !== record.condNames.length) {
        model.dispose();
        throw new ApiError('bad-file', `${record.folder}: this folder holds a model of ${model.spec.xDim} value(s) given ${model.spec.condDim}, not the model of ${record.targetNames.join(', ')} given ${record.condNames.join(', ')} this project trained (was it copied from elsewhere?).`, { path: record.folder });
      }
      hit = { model, backend: choice.backend };
    }
    cache.set(key, hit);
    while (cache.size > CACHE_SIZE) {
      const [oldKey, old] = cache.entries().next().value!;
      cache.delete(oldKey);
      old.model.dispose();
    }
    return { record, job, model: hit.model, backend: choice.backend };
  }

  function frames(projectPath: string, job: TrainJob): TrainingFrames {
    try {
      return loadTrainingFrames(projectPath, job);
    } catch (error) {
      if (error instanceof TrainingDataError) throw new ApiError('bad-file', error.message, { path: error.path });
      throw error;
    }
  }

  function engineError(error: unknown): never {
    if (error instanceof Error && error.name === 'EngineInputError') throw new ApiError('invalid-input', error.message);
    throw error;
  }

  return {
    async startTraining({ projectPath, name, ...params }) {
      const path = await deps.requireProject(projectPath);
      const modelId = newId('model');
      const { job, systemId } = await planTrainJob(path, { projectPath, name, ...params }, deps.getRunFile, modelId, deps.jobs);
      const created = nowIso();
      const run: TrainRunRecord = {
        id: newId('run'),
        name: name.trim(),
        kind: 'train',
        systemId,
        system: job.system,
        params,
        modelId,
        status: 'queued',
        created,
        progress: 0,
        provenance: deps.provenance(),
      };
      const file: TrainRunFile = { schemaVersion: 1, run, job };
      // The index entry first (main thread only), then the run: a model always has its run on disk.
      await addModelToIndex(path, { id: modelId, name: name.trim(), created, runId: run.id });
      return deps.createAndStartRun(path, file);
    },

    async listModels({ projectPath }) {
      const path = await deps.requireProject(projectPath);
      const project = await readProjectFile(path);
      const out: ModelRecord[] = [];
      for (const entry of project.models ?? []) {
        try {
          out.push(await modelRecordOf(path, entry, deps.jobs.activeRecord(path, entry.runId)));
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
        }
      }
      return out;
    },

    async getTraining({ projectPath, runId }) {
      const path = await deps.requireProject(projectPath);
      const file = await trainRun(path, runId);
      const status = trainFiles(path, runId, file.job.modelId).status;
      try {
        return JSON.parse(await readFile(status, 'utf8')) as TrainingStatus;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return { runId, modelId: file.job.modelId, backend: null, epochs: file.job.epochs, history: [], bestEpoch: 0, stoppedEarly: false, stepsPerSecond: null };
        }
        throw new ApiError('bad-file', `${status}: ${(error as Error).message}`, { path: status });
      }
    },

    async getModel({ projectPath, modelId, maxPoints }) {
      const path = await deps.requireProject(projectPath);
      const entry = await findModelEntry(path, modelId);
      const record = await modelRecordOf(path, entry, deps.jobs.activeRecord(path, entry.runId));
      const file = await trainRun(path, entry.runId);
      const f = frames(path, file.job);
      const cd = file.job.condColumns.length;
      const td = file.job.targetColumns.length;
      const total = f.rows + f.heldOutRows;
      const stride = Math.max(1, Math.ceil(total / maxPoints));
      const data = { cond: [] as number[][], target: [] as number[][], heldOut: [] as boolean[], total };
      for (let i = 0; i < total; i += stride) {
        const held = i >= f.rows;
        const r = held ? i - f.rows : i;
        const c = held ? f.heldOutCond : f.cond;
        const t = held ? f.heldOutTarget : f.target;
        data.cond.push(Array.from(c.subarray(r * cd, r * cd + cd)));
        data.target.push(Array.from(t.subarray(r * td, r * td + td)));
        data.heldOut.push(held);
      }
      let history: TrainingStatus['history'] = [];
      try {
        history = (JSON.parse(await readFile(trainFiles(path, entry.runId, modelId).status, 'utf8')) as TrainingStatus).history;
      } catch {
        /* not started yet */
      }
      return { record, history, data };
    },

    async lift({ projectPath, modelId, cond, n, seed, method, steps }): Promise<LiftOutput> {
      const path = await deps.requireProject(projectPath);
      const { record, model, backend } = await readyModel(path, modelId);
      const cd = record.condNames.length;
      if (cond.length % cd !== 0) throw new ApiError('invalid-input', `cond: the model is conditioned on ${cd} value(s) (${record.condNames.join(', ')}); got ${cond.length} numbers, not a multiple of ${cd}.`);
      const began = performance.now();
      const count = cond.length / cd;
      const dim = record.targetNames.length;
      const out = new Float64Array(count * n * dim);
      const conditions: number[][] = [];
      const warnings: string[][] = [];
      for (let k = 0; k < count; k++) {
        const c = cond.slice(k * cd, k * cd + cd);
        try {
          const result = model.lift(c, n, { seed: seed + k, ...(method ? { method } : {}), ...(steps ? { steps } : {}) });
          out.set(result.samples, k * n * dim);
          warnings.push(result.warnings);
        } catch (error) {
          engineError(error);
        }
        conditions.push(c);
      }
      return {
        modelId,
        condNames: record.condNames,
        targetNames: record.targetNames,
        conditions,
        n,
        dim,
        samples: Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('base64'),
        warnings,
        backend,
        seconds: (performance.now() - began) / 1000,
      };
    },

    async consistencyReport({ projectPath, modelId, conditions, n, seed, method, steps }): Promise<ConsistencyReport> {
      const path = await deps.requireProject(projectPath);
      const { record, job, model } = await readyModel(path, modelId);
      if (record.condNames.length !== 1) throw new ApiError('invalid-input', 'The consistency report needs a model with a 1-D condition.');
      const began = performance.now();
      const f = frames(path, job);
      const lo = record.conditionRange?.min[0] ?? Math.min(...f.cond);
      const hi = record.conditionRange?.max[0] ?? Math.max(...f.cond);
      const width = hi - lo;
      const halfWidth = width / 40;
      const holdOut = job.holdOut;
      let conds = conditions;
      if (!conds) {
        conds = Array.from({ length: 11 }, (_, i) => lo + 0.05 * width + (0.9 * width * i) / 10);
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
      /** Target column j of the frames within +-halfWidth of c (hold-out frames inside the hold-out). */
      const nearby = (c: number, held: boolean) => {
        const cs = held ? f.heldOutCond : f.cond;
        const ts = held ? f.heldOutTarget : f.target;
        const cols: number[][] = Array.from({ length: td }, () => []);
        for (let r = 0; r < cs.length; r++) {
          if (Math.abs(cs[r] - c) <= halfWidth) for (let j = 0; j < td; j++) cols[j].push(ts[r * td + j]);
        }
        return cols;
      };
      const rows: ConsistencyRow[] = conds.map((c, k) => {
        const held = !!holdOut && c >= holdOut[0] && c <= holdOut[1];
        const result = lift(c, n, seed + k);
        const sim = nearby(c, held);
        const law = exact?.(c) ?? null;
        return {
          cond: [c],
          heldOut: held,
          simulationFrames: sim[0].length,
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
      const grid = Array.from({ length: 25 }, (_, i) => lo + (width * i) / 24);
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
          const held = !!holdOut && c >= holdOut[0] && c <= holdOut[1];
          const col = nearby(c, held)[0];
          return col.length >= 5 ? stats(col).mean : null;
        }),
        exact: exact ? grid.map((c) => exact(c).mean) : null,
      };
      const spec = job.system;
      return {
        modelId,
        condNames: record.condNames,
        targetNames: record.targetNames,
        halfWidth,
        n,
        seed,
        method: record.kind === 'gan' ? 'gan' : (method ?? 'sde'),
        rows,
        restriction: {
          maxError: 0,
          note: `The condition ${record.condNames[0]} is a coordinate of the system and is passed through unchanged, so the restriction error |R(L(${record.condNames[0]}*)) - ${record.condNames[0]}*| is 0 by construction; it becomes informative for molecules and learned CVs.`,
        },
        closure,
        exactLaw: exact && spec.kind === 'fast-slow' ? `p(y | x) = N(f(x), s^2 kT) with f = ${spec.f} (c = ${spec.c}), s = ${spec.s}, kT = ${job.kT}` : null,
        seconds: (performance.now() - began) / 1000,
      };
    },
  };
}
