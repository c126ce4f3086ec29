/**
 * `liftwell run STUDY.json`: sampling -> estimate -> model -> lift -> closures/meanForce ->
 * dynamics, headless, through the same API handlers as the app (project folder in DIR, runs in
 * worker threads, checkpoints), every stage cached by a hash of its inputs (stage-cache.ts).
 * Writes DIR/report.json and a self-contained DIR/report.html.
 */
import type { ExecutorSettings } from '../schema/executor';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FesResult, LiftOutput, RunRecord, UmbrellaParams } from '../api/contract';
import { ApiError } from '../api/contract';
import type { AppContext } from '../api/handlers';
import { createSystem } from '../engine/systems';
import { exactProfile } from '../engine/estimators/exact';
import type { ToySystem } from '../engine/systems/types';
import { atomicWriteSync } from '../store/atomic';
import { callApi, decodeFloat64, waitForRun } from './api-client';
import { projectSystemFor } from './project-system';
import { closureReports, effectiveDynamics, meanForceReport, offsetRms, type Trajectories } from './analysis';
import { renderReportHtml } from './report-html';
import { samplingRange, type AlongCoordinateStudy, type CoordinateStudy, type Study } from './schema';
import { runLearnedCvStudy } from './learned-cv-study';
import { contentHash, StageCache } from './stage-cache';
import type { StudyReport } from './report';
import { readSamplingFrames, type SamplingStageValue } from './sampling-runs';
import { estimateFromMetad, startCoordinateMetad } from './metad-sampling';
import { adaptiveReport, diagnoseTrapping, runAdaptiveRounds, type FirstRoundFes, type RoundsContext } from './rounds';

export interface StudyRunOptions {
  outDir: string;
  /** Where the study's runs compute (saved as the project's setting); absent: as the project says. */
  executor?: ExecutorSettings | null;
  resume: boolean;
  context: AppContext;
  appVersion: string;
  /** One line of progress (stderr in the CLI). */
  log: (line: string) => void;
  /** Live fraction of the running stage. */
  progress?: (stage: string, fraction: number, etaSeconds: number | null) => void;
  /** Set by Ctrl-C. */
  isCancelled: () => boolean;
  /** Called with the run to cancel when the user interrupts. */
  onActiveRun?: (runId: string | null, projectPath: string) => void;
  /**
   * In-project mode (the app's Studies view): put the runs and the model in this project, already
   * open, instead of creating DIR/<name>.liftwell; outDir then is the study's folder inside it.
   */
  projectPath?: string;
  /** Each stage as it starts and ends (the Studies view's pipeline). */
  onStage?: (stage: string, status: 'running' | 'cached' | 'done', seconds: number | null) => void;
}

import { StudyCancelledError } from './cancelled';
export { StudyCancelledError } from './cancelled';

/**
 * Bumped when the numerics of the cheap analysis stages (closures, mean force, dynamics) change,
 * so that --resume recomputes them; sampling and training are keyed by their options only.
 */
const ANALYSIS_VERSION = 2;

const STAGES = ['sampling', 'estimate', 'model', 'seeding', 'lift', 'consistency', 'closures', 'meanForce', 'dynamics'] as const;

function gridOf(spec: number[] | { range: [number, number]; count: number }): number[] {
  if (Array.isArray(spec)) return [...spec];
  const [lo, hi] = spec.range;
  return Array.from({ length: spec.count }, (_, i) => lo + ((hi - lo) * i) / (spec.count - 1));
}

function umbrellaParams(study: CoordinateStudy, cvIndex: number): UmbrellaParams {
  const s = study.sampling;
  return {
    cvIndex,
    centers: s.centers ? { mode: 'list', values: s.centers } : { mode: 'range', min: s.range![0], max: s.range![1], count: s.windows! },
    springs: [s.spring],
    kT: study.kT,
    dt: s.dt,
    stepsPerWindow: s.steps,
    stride: s.stride,
    walkersPerWindow: s.walkers,
    equilibrationSteps: s.equilibration,
    seed: study.seed,
  };
}

/**
 * The seeded umbrella windows after a metad or md first round: seeding.spring, the sampling's dt,
 * stride and walkers (the rounds set the centres, steps, walkers, seed and starts).
 */
function seededWindowParams(study: AlongCoordinateStudy, cvIndex: number): UmbrellaParams {
  const s = study.sampling;
  const [lo, hi] = samplingRange(s);
  return {
    cvIndex, centers: { mode: 'list', values: [(lo + hi) / 2] }, springs: [study.seeding!.spring!], kT: study.kT, dt: s.dt,
    stepsPerWindow: s.steps, stride: s.stride, walkersPerWindow: s.walkers, equilibrationSteps: 0, seed: study.seed,
  };
}

export { readTrajectories } from './sampling-runs';

/** Full configurations from lifted targets: the CV coordinate set to the condition. */
export function assemble(system: ToySystem, cvIndex: number, lift: LiftOutput): Float64Array[] {
  const samples = decodeFloat64(lift.samples);
  const dim = system.dim;
  const targets = system.coordinateNames.map((_, i) => i).filter((i) => i !== cvIndex);
  return lift.conditions.map((cond, c) => {
    const rows = new Float64Array(lift.n * dim);
    for (let i = 0; i < lift.n; i++) {
      rows[i * dim + cvIndex] = cond[0];
      targets.forEach((d, j) => (rows[i * dim + d] = samples[(c * lift.n + i) * lift.dim + j]));
    }
    return rows;
  });
}

/** The estimate stage of a metad / md study as the rounds' first-round FES (kT; bins holding frames are visited). */
function firstRoundFes(e: { centers: number[]; F: (number | null)[]; dF: (number | null)[] | null }, kT: number): FirstRoundFes {
  const toKT = (v: number | null) => (v === null ? null : v / kT);
  return { centers: e.centers, F: e.F.map(toKT), dF: (e.dF ?? e.F.map(() => null)).map(toKT), visited: e.centers.filter((_, k) => e.F[k] !== null) };
}

/** `count` rows (of `dim` numbers) cycling through the rows of `rows`. */
function tileRows(rows: Float64Array, dim: number, count: number): Float64Array {
  const have = rows.length / dim;
  if (have === count) return rows;
  const out = new Float64Array(count * dim);
  for (let i = 0; i < count; i++) out.set(rows.subarray((i % have) * dim, (i % have + 1) * dim), i * dim);
  return out;
}

export async function runStudy(study: Study, studyFileText: string, opts: StudyRunOptions): Promise<StudyReport> {
  if (study.learnedCv) return runLearnedCvStudy({ ...study, learnedCv: study.learnedCv }, studyFileText, opts);
  if (!study.sampling) throw new ApiError('invalid-input', 'the study has no sampling stage');
  return runCoordinateStudy({ ...study, sampling: study.sampling }, studyFileText, opts);
}

async function runCoordinateStudy(study: AlongCoordinateStudy, studyFileText: string, opts: StudyRunOptions): Promise<StudyReport> {
  const { context, log } = opts;
  const cache = new StageCache(opts.outDir);
  if (cache.exists() && !opts.resume) {
    throw new ApiError('conflict', `${opts.outDir} already holds a study (study-state.json); pass --resume to continue it (unchanged stages are reused), or choose another --out`);
  }
  const system = createSystem(study.system);
  const cvName = study.cvs[0];
  const cvIndex = system.coordinateNames.indexOf(cvName);
  if (cvIndex < 0) throw new ApiError('invalid-input', `cvs: "${cvName}" is not a coordinate of the ${study.system.kind} system (${system.coordinateNames.join(', ')})`);
  const t0 = Date.now();
  const wall: Record<string, { seconds: number; cached: boolean }> = {};
  const checkCancel = (stage: string) => {
    if (opts.isCancelled()) throw new StudyCancelledError(stage);
  };

  // Adaptive rounds add their own stages (round-N, trapping; study/rounds.ts).
  async function stage<T>(name: (typeof STAGES)[number] | `round-${number}` | 'trapping', inputs: unknown, work: (key: string) => Promise<T>): Promise<{ key: string; value: T }> {
    const key = contentHash({ name, inputs });
    checkCancel(name);
    const hit = cache.cached<T>(name, key);
    if (hit !== null) {
      wall[name] = { seconds: cache.state.stages[name].wallSeconds ?? 0, cached: true };
      log(`${name}: cached (${key})`);
      opts.onStage?.(name, 'cached', wall[name].seconds);
      return { key, value: hit };
    }
    log(`${name}: running`);
    opts.onStage?.(name, 'running', null);
    const start = Date.now();
    const value = await work(key);
    const seconds = (Date.now() - start) / 1000;
    cache.finish(name, key, value, seconds, cache.state.stages[name]?.runId);
    wall[name] = { seconds, cached: false };
    log(`${name}: done in ${seconds.toFixed(1)} s`);
    opts.onStage?.(name, 'done', seconds);
    return { key, value };
  }

  async function followRun(stageName: string, key: string, start: () => Promise<RunRecord>): Promise<RunRecord> {
    const pending = cache.unfinished(stageName, key);
    let run: RunRecord;
    if (pending?.runId) {
      const records = await callApi(context, 'listRuns', { projectPath: projectPath() });
      const existing = records.find((r) => r.id === pending.runId);
      if (existing?.status === 'completed') return existing;
      log(`${stageName}: resuming run ${pending.runId}`);
      run = await callApi(context, 'resumeRun', { projectPath: projectPath(), runId: pending.runId });
    } else {
      run = await start();
      cache.begin(stageName, key, run.id);
    }
    opts.onActiveRun?.(run.id, projectPath());
    const finished = await waitForRun(context, run.id, (f, eta) => opts.progress?.(stageName, f, eta));
    opts.onActiveRun?.(null, projectPath());
    if (finished.status === 'cancelled' || finished.status === 'interrupted') throw new StudyCancelledError(stageName);
    if (finished.status !== 'completed') throw new ApiError('internal', `${stageName}: run ${finished.id} ${finished.status}${finished.error ? `: ${finished.error}` : ''}`);
    return finished;
  }

  // Project folder: DIR/<name>.liftwell, created once and recorded in the state.
  const projectName = study.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'study';
  mkdirSync(opts.outDir, { recursive: true }); // --out names the folder: consent to create it
  if (opts.projectPath) {
    cache.state.projectPath = opts.projectPath;
    cache.save();
  } else if (!cache.state.projectPath || !existsSync(cache.state.projectPath)) {
    const project = await callApi(context, 'createProject', { parentDir: opts.outDir, name: projectName });
    cache.state.projectPath = project.path;
    cache.save();
  } else {
    await callApi(context, 'openProject', { projectPath: cache.state.projectPath });
  }
  const projectPath = () => cache.state.projectPath!;
  if (opts.executor) await callApi(context, 'setExecutorSettings', { projectPath: projectPath(), settings: opts.executor });

  // Umbrella studies re-run their windows (same-windows) or choose new ones (adaptive); after a
  // metad or md first round every seeded round is umbrella windows at centres chosen by rule.
  const umbrellaStudy = study.sampling.method === 'umbrella' ? (study as CoordinateStudy) : null;
  const samplingInputs = { system: study.system, kT: study.kT, cv: cvName, sampling: study.sampling, seed: study.seed };
  const sampling = await stage('sampling', samplingInputs, async (key): Promise<SamplingStageValue> => {
    if (!umbrellaStudy) {
      const s = study.sampling as Exclude<AlongCoordinateStudy['sampling'], { method: 'umbrella' }>;
      const run = await followRun('sampling', key, async () => {
        const sys = await projectSystemFor(context, projectPath(), study.system);
        return startCoordinateMetad(context, projectPath(), sys.id, study.name, s, cvIndex, study.kT, study.seed);
      });
      return { runId: run.id, windowCenters: [], steps: s.walkers * s.steps, method: s.method };
    }
    const params = umbrellaParams(umbrellaStudy, cvIndex);
    const run = await followRun('sampling', key, async () => {
      const sys = await projectSystemFor(context, projectPath(), study.system);
      return callApi(context, 'startUmbrellaRun', { projectPath: projectPath(), systemId: sys.id, name: `${study.name}: umbrella`, params });
    });
    const centers = run.kind === 'umbrella' ? run.windowCenters : [];
    const u = umbrellaStudy.sampling;
    return { runId: run.id, windowCenters: centers, steps: centers.length * u.walkers * (u.steps + u.equilibration), method: 'umbrella' };
  });
  checkCancel('sampling');
  const range = samplingRange(study.sampling);

  const estimate = await stage('estimate', { upstream: sampling.key, estimate: study.estimate, range }, async () => {
    if (!umbrellaStudy) {
      return estimateFromMetad(context, projectPath(), sampling.value, system, cvIndex, study.kT, { bins: study.estimate.bins, min: range[0], max: range[1] });
    }
    const fes: FesResult = await callApi(context, 'getFes', {
      projectPath: projectPath(), runId: sampling.value.runId, bins: study.estimate.bins, min: range[0], max: range[1],
      estimator: study.estimate.estimator, bootstrap: study.estimate.bootstrap, subsample: study.estimate.subsample, seed: study.seed,
    });
    return {
      cv: cvName, centers: fes.centers, F: fes.pmf, dF: fes.pmfError ?? null, unit: 'kT' as const, kT: study.kT,
      // The app's pmf is in energy units; report F in kT as the issue's keys say.
      exact: fes.exact ? { centers: fes.exact.centers, F: fes.exact.pmf } : null,
      estimator: study.estimate.estimator, errorMethod: fes.errorMethod ?? null, warnings: fes.warnings,
    };
  });

  let trajectories: Trajectories | null = null;
  const frames = () => (trajectories ??= readSamplingFrames(projectPath(), sampling.value, system.coordinateNames));

  const seedingRounds = !!study.seeding && study.seeding.rounds >= 2 && !!study.model;
  const adaptive = seedingRounds && (study.seeding!.select === 'adaptive' || !umbrellaStudy);
  // After metad / md, "same-windows" is one seeded round at the centres the rules choose, the model
  // trained once (as an umbrella study's same-windows round); "adaptive" runs the whole loop.
  const roundsStudy: AlongCoordinateStudy = umbrellaStudy || !study.seeding || study.seeding.select === 'adaptive'
    ? study : { ...study, seeding: { ...study.seeding, rounds: 2, retrain: false } };
  const rc: RoundsContext | null = (umbrellaStudy || adaptive) ? {
    study: roundsStudy, spring: umbrellaStudy ? umbrellaStudy.sampling.spring : study.seeding!.spring!,
    system, cvIndex, range, context, projectPath, log, checkCancel,
    stage: (name, inputs, work) => stage(name as `round-${number}`, inputs, work),
    followRun, umbrellaParams: () => (umbrellaStudy ? umbrellaParams(umbrellaStudy, cvIndex) : seededWindowParams(study, cvIndex)),
    liftStarts: async (modelId, centres, walkers, seed) => {
      const lifted = await callApi(context, 'lift', { projectPath: projectPath(), modelId, cond: centres, n: walkers, seed });
      return assemble(system, cvIndex, lifted).map((rows) => Array.from(rows));
    },
  } : null;
  const trapping = adaptive && rc && umbrellaStudy ? await diagnoseTrapping(rc, sampling) : null;
  // Trapped windows' frames hold the wrong mode weights: the model leaves their interval out
  // (unless the study names its own hold-out) and lifts there by interpolation in the condition.
  const trappingHoldOut = study.model?.holdOut ? null : trapping?.value.holdOut ?? null;
  const model = study.model
    ? await stage('model', { upstream: sampling.key, model: study.model, seed: study.seed, ...(trappingHoldOut ? { trappingHoldOut } : {}) }, async (key) => {
        const m = { ...study.model!, ...(trappingHoldOut ? { holdOut: trappingHoldOut } : {}) };
        const run = await followRun('model', key, () =>
          callApi(context, 'startTraining', {
            projectPath: projectPath(), name: `${study.name}: model`, sourceRunIds: [sampling.value.runId], model: m.kind, epochs: m.epochs, seed: study.seed,
            ...(m.hidden ? { hidden: m.hidden } : {}), ...(m.batchSize ? { batchSize: m.batchSize } : {}), ...(m.learningRate ? { learningRate: m.learningRate } : {}),
            ...(m.holdOut ? { holdOut: m.holdOut } : {}), device: 'cpu',
          }),
        );
        if (run.kind !== 'train') throw new ApiError('internal', 'model: the training run has no model');
        return { runId: run.id, modelId: run.modelId };
      })
    : null;

  const lift = model && study.lift
    ? await stage('lift', { upstream: model.key, lift: study.lift, seed: study.seed }, async () => {
        const conditions = gridOf(study.lift!.conditions);
        const out = await callApi(context, 'lift', {
          projectPath: projectPath(), modelId: model.value.modelId, cond: conditions, n: study.lift!.n, seed: study.seed + 1,
          ...(study.lift!.steps ? { steps: study.lift!.steps } : {}),
        });
        return { output: out };
      })
    : null;

  const consistency = model
    ? await stage('consistency', { upstream: model.key, seed: study.seed }, async () => {
        const r = await callApi(context, 'consistencyReport', { projectPath: projectPath(), modelId: model.value.modelId, n: 500, seed: study.seed + 2 });
        const t0s = r.rows.map((row) => row.targets[0]);
        const mean = (xs: (number | null)[]) => {
          const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
          return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
        };
        const wasserstein = mean(t0s.map((t) => t.w1GeneratedVsSimulation));
        const noiseFloor = mean(t0s.map((t) => t.w1SimulationVsExact));
        const vsExact = mean(t0s.map((t) => t.w1GeneratedVsExact));
        // The consistency report's own verdict (good / marginal / poor against split-half noise
        // floors and the exact law; docs/consistency-report.md), with its advice.
        const verdict = r.verdict.overall ?? 'not judged';
        return {
          cv: cvName, conditions: r.rows.map((row) => row.cond[0]),
          // A coordinate CV restricts exactly by construction: no error to report, only the note.
          restrictionError: null, restrictionNote: r.restriction.note,
          wasserstein, wassersteinVsExact: vsExact, noiseFloor, verdict, verdictRule: r.verdict.rule, advice: r.verdict.advice,
          perCondition: r.rows.map((row) => ({ cond: row.cond[0], heldOut: row.heldOut, w1: row.targets[0].w1GeneratedVsSimulation, w1Exact: row.targets[0].w1GeneratedVsExact, floor: row.targets[0].w1SimulationVsExact, verdict: row.verdict })),
        };
      })
    : null;

  const seeded = model && umbrellaStudy && study.seeding && study.seeding.rounds >= 2 && !adaptive
    ? await stage('seeding', { upstream: [model.key, sampling.key], seeding: { rounds: study.seeding.rounds, equilibration: study.seeding.equilibration, targetUncertainty: study.seeding.targetUncertainty }, estimate: study.estimate, seed: study.seed }, async (key) => {
        const centers = sampling.value.windowCenters;
        const walkers = umbrellaStudy.sampling.walkers;
        const lifted = await callApi(context, 'lift', { projectPath: projectPath(), modelId: model.value.modelId, cond: centers, n: walkers, seed: study.seed + 5 });
        const starts = assemble(system, cvIndex, lifted).map((rows) => Array.from(rows));
        const params: UmbrellaParams = {
          ...umbrellaParams(umbrellaStudy, cvIndex), seed: study.seed + 6, equilibrationSteps: study.seeding!.equilibration,
          seeding: { source: 'lifted', modelId: model.value.modelId, seed: study.seed + 5, starts },
        };
        const started = Date.now();
        const run = await followRun('seeding', key, async () => {
          const sys = await projectSystemFor(context, projectPath(), study.system);
          return callApi(context, 'startUmbrellaRun', { projectPath: projectPath(), systemId: sys.id, name: `${study.name}: seeded umbrella`, params });
        });
        const fes = await callApi(context, 'getFes', {
          projectPath: projectPath(), runId: run.id, bins: study.estimate.bins, min: range[0], max: range[1],
          estimator: study.estimate.estimator, bootstrap: study.estimate.bootstrap, subsample: study.estimate.subsample, seed: study.seed,
        });
        return {
          runId: run.id, windowCenters: centers, wallSeconds: (Date.now() - started) / 1000,
          steps: centers.length * walkers * (umbrellaStudy.sampling.steps + study.seeding!.equilibration),
          fes: { centers: fes.centers, F: fes.pmf, dF: fes.pmfError ?? null },
        };
      })
    : null;

  const rounds = adaptive && model && rc
    ? await runAdaptiveRounds(
        rc,
        {
          key: sampling.key, runId: sampling.value.runId, centres: sampling.value.windowCenters, steps: sampling.value.steps, wallSeconds: wall.sampling?.seconds ?? 0,
          ...(umbrellaStudy ? {} : { base: { key: estimate.key, fes: firstRoundFes(estimate.value, study.kT) } }),
        },
        { key: model.key, modelId: model.value.modelId, holdOut: trappingHoldOut ?? study.model?.holdOut ?? null },
        trapping,
        consistency ? consistency.value.perCondition.map((p) => ({ cond: p.cond, poor: p.verdict === 'poor' })) : null,
      )
    : null;

  const liftedRows = lift ? assemble(system, cvIndex, lift.value.output) : null;
  const axis = { bins: study.closures?.bins ?? 20, min: range[0], max: range[1] };
  const closures = study.closures
    ? await stage('closures', { upstream: [sampling.key, lift?.key ?? null], closures: study.closures, range, analysis: ANALYSIS_VERSION }, async () =>
        closureReports(system, cvIndex, study.kT, frames(), axis, study.closures!.observables,
          lift && liftedRows ? { conditions: lift.value.output.conditions.map((c) => c[0]), rows: liftedRows } : null),
      )
    : null;

  const exactFOnGrid = (zs: number[]) => (system.dim <= 2 ? Array.from(exactProfile(system, cvIndex, study.kT, Float64Array.from(zs))) : null);
  const fesForCompare = { centers: estimate.value.centers, F: estimate.value.F };
  const meanForce = study.closures?.meanForce
    ? await stage('meanForce', { upstream: [sampling.key, estimate.key], range, bins: axis.bins, analysis: ANALYSIS_VERSION }, async () => {
        const r = meanForceReport(system, cvIndex, study.kT, frames(), axis, fesForCompare, null);
        if (r.warning) log(`warning: meanForce: ${r.warning}`);
        const e = exactFOnGrid(r.centers);
        if (e) {
          r.exactF = e;
          r.rmsVsExact = offsetRms(r.F, e);
        }
        return r;
      })
    : null;

  const dynamics = study.dynamics && model
    ? await stage('dynamics', { upstream: [model.key, estimate.key, sampling.key], dynamics: study.dynamics, seed: study.seed, analysis: ANALYSIS_VERSION }, async () => {
        const d = study.dynamics!;
        const grid = gridOf(d.grid);
        const nLifted = Math.min(d.lifted ?? 2000, d.bursts);
        const lifted = await callApi(context, 'lift', { projectPath: projectPath(), modelId: model.value.modelId, cond: grid, n: nLifted, seed: study.seed + 3 });
        const starts = assemble(system, cvIndex, lifted).map((rows) => tileRows(rows, system.dim, d.bursts));
        const exactDrift = study.system.kind === 'fast-slow'
          ? (z: number) => { const a = (study.system as { a: number }).a; return -4 * a * z * (z * z - 1); }
          : study.system.kind === 'double-well' ? (z: number) => { const a = (study.system as { a: number }).a; return -4 * a * z * (z * z - 1); } : null;
        return effectiveDynamics({
          system, cvIndex, kT: study.kT, grid, starts, dt: d.dt, times: d.times, seed: study.seed + 4, fes: fesForCompare, trajectories: frames(),
          ...(d.mfpt ? { mfpt: d.mfpt } : {}), isCancelled: opts.isCancelled, onProgress: (f) => opts.progress?.('dynamics', f, null),
        }, exactDrift);
      })
    : null;

  const toKT = (xs: (number | null)[]) => xs.map((v) => (v === null ? null : v / study.kT));
  /** RMS (kT, offset removed) of a sampled profile against the exact F, where the system has one. */
  const exactRms = (centers: number[], F: (number | null)[]) => {
    const e = exactFOnGrid(centers);
    const r = e ? offsetRms(F, e) : null;
    return r === null ? null : r / study.kT;
  };
  const adaptiveParts = rounds ? adaptiveReport(rounds, (centers, FkT) => exactRms(centers, FkT.map((v) => (v === null ? null : v * study.kT)))) : null;
  const lastFold = adaptiveParts ? adaptiveParts.folds[adaptiveParts.folds.length - 1] : null;
  const fesUncertainty = estimate.value.dF ? Math.max(...estimate.value.dF.filter((v): v is number => v !== null && Number.isFinite(v)).map((v) => v / study.kT), 0) : null;
  const report: StudyReport = {
    reportVersion: 1,
    name: study.name,
    system: study.system,
    kT: study.kT,
    projectPath: projectPath(),
    // Adaptive rounds: the headline FES is the fold of every round (trapped windows left out).
    fes: lastFold ? {
      cv: cvName, centers: lastFold.centers, F: lastFold.F, dF: lastFold.dF, unit: 'kT',
      estimator: umbrellaStudy ? 'wham (folded)' : `${estimate.value.estimator} + wham`,
      exact: estimate.value.exact ? { centers: estimate.value.exact.centers, F: estimate.value.exact.F.map((v) => v / study.kT) } : null,
    } : {
      cv: cvName, centers: estimate.value.centers,
      F: estimate.value.F.map((v) => (v === null ? null : v / study.kT)),
      dF: estimate.value.dF ? estimate.value.dF.map((v) => (v === null ? null : v / study.kT)) : null,
      unit: 'kT', estimator: estimate.value.estimator,
      exact: estimate.value.exact ? { centers: estimate.value.exact.centers, F: estimate.value.exact.F.map((v) => v / study.kT) } : null,
    },
    closures: closures?.value ?? [],
    meanForce: meanForce?.value ?? null,
    effectiveDynamics: dynamics?.value ?? null,
    consistency: consistency?.value ?? null,
    rounds: adaptiveParts ? adaptiveParts.rounds : [
      { round: 1, steps: sampling.value.steps, wallSeconds: wall.sampling?.seconds ?? 0, newCentres: sampling.value.windowCenters, fesUncertainty, seeded: false },
      ...(seeded ? [{
        round: 2, steps: seeded.value.steps, wallSeconds: seeded.value.wallSeconds, newCentres: seeded.value.windowCenters, seeded: true,
        fesUncertainty: seeded.value.fes.dF ? Math.max(0, ...seeded.value.fes.dF.filter((v): v is number => v !== null && Number.isFinite(v)).map((v) => v / study.kT)) : null,
      }] : []),
    ],
    fesRounds: [
      { round: 1, runId: sampling.value.runId, centers: estimate.value.centers, F: toKT(estimate.value.F), dF: estimate.value.dF ? toKT(estimate.value.dF) : null, rmsVsExact: exactRms(estimate.value.centers, estimate.value.F) },
      ...(adaptiveParts ? adaptiveParts.folds.slice(1) : []),
      ...(seeded ? [{ round: 2, runId: seeded.value.runId, centers: seeded.value.fes.centers, F: toKT(seeded.value.fes.F), dF: seeded.value.fes.dF ? toKT(seeded.value.fes.dF) : null, rmsVsExact: exactRms(seeded.value.fes.centers, seeded.value.fes.F) }] : []),
    ],
    ...(adaptiveParts ? { adaptive: adaptiveParts.adaptive } : {}),
    provenance: {
      version: opts.appVersion,
      backend: lift?.value.output.backend ?? null,
      seeds: { study: study.seed, lift: study.seed + 1, consistency: study.seed + 2, dynamicsLift: study.seed + 3, bursts: study.seed + 4 },
      studyHash: contentHash(JSON.parse(studyFileText)),
      stages: wall,
      runs: { sampling: sampling.value.runId, model: model?.value.runId ?? null, seeded: seeded?.value.runId ?? adaptiveParts?.rounds.at(-1)?.runId ?? null },
      modelId: model?.value.modelId ?? null,
      wallSeconds: (Date.now() - t0) / 1000,
      created: new Date().toISOString(),
    },
  };
  atomicWriteSync(join(opts.outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  atomicWriteSync(join(opts.outDir, 'report.html'), renderReportHtml(report));
  log(`report: ${join(opts.outDir, 'report.json')}, ${join(opts.outDir, 'report.html')}`);
  return report;
}
