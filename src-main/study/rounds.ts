/**
 * Generation-assisted sampling rounds (`seeding.select: "adaptive"`; docs/generation-assisted.md):
 *   fold all windows so far into one FES with errors (fold.ts) -> choose where to sample next
 *   (next-centres.ts: trapped windows, unexplored range, weak overlap, poor consistency, FES
 *   error; each centre names its rule) -> lift walkers at the new centres -> run them as a seeded
 *   umbrella run -> fold -> train the model again on every round's data -> ...
 * until the largest FES error is below the target (and no window is trapped), the round budget
 * is spent, or no rule asks for a window. Each round is one cached stage (`round-N`, keyed by
 * the previous round's key and the options), so --resume reuses finished rounds and resumes the
 * running round's umbrella or training run.
 */
import type { RunRecord, UmbrellaParams } from '../api/contract';
import { ApiError } from '../api/contract';
import type { AppContext } from '../api/handlers';
import type { UmbrellaWindow } from '../engine/estimators/wham';
import type { ToySystem } from '../engine/systems/types';
import { compileObservable, evaluateRows } from '../engine/workflows/observables';
import { callApi } from './api-client';
import { projectSystemFor } from './project-system';
import { column, decorrelatedPool, foldFes, readWindowWalkers, type FoldedFes } from './fold';
import { chooseNextCentres, largestError, stopReason, windowWidth, type ChosenCentre, type StopReason } from './next-centres';
import type { AlongCoordinateStudy } from './schema';
import { combineByInverseVariance } from './combine-fes';
import { diagnoseWindows, trappedInterval, type WindowTrapping } from './trapping';

export type StageFn = <T>(name: string, inputs: unknown, work: (key: string) => Promise<T>) => Promise<{ key: string; value: T }>;
export type FollowRunFn = (stageName: string, key: string, start: () => Promise<RunRecord>) => Promise<RunRecord>;

export interface RoundsContext {
  /** Umbrella windows, or (rounds after metadynamics / MD) a first round without windows. */
  study: AlongCoordinateStudy;
  /** Spring of the windows (umbrella: sampling.spring; after metad / md: seeding.spring). */
  spring: number;
  system: ToySystem;
  cvIndex: number;
  range: [number, number];
  context: AppContext;
  projectPath: () => string;
  stage: StageFn;
  followRun: FollowRunFn;
  log: (line: string) => void;
  /** Throws the study's cancellation error when the user interrupted. */
  checkCancel: (stage: string) => void;
  /** The study's umbrella parameters (spring, dt, stride, ...). */
  umbrellaParams: () => UmbrellaParams;
  /** Walkers x dim starting rows (walker-major) per centre, lifted by the model at the centres. */
  liftStarts: (modelId: string, centres: number[], walkers: number, seed: number) => Promise<number[][]>;
}

/**
 * A first round sampled without windows (metadynamics or MD): its FES and errors in kT on the
 * study's bins (the estimate stage), and the bin centres that hold frames (for the unexplored rule).
 */
export interface FirstRoundFes {
  centers: number[];
  F: (number | null)[];
  dF: (number | null)[];
  visited: number[];
}

/** One window of the fold: where its data lies and whether it was seeded. */
export interface FoldedWindow {
  runId: string;
  index: number;
  centre: number;
  round: number;
}

export interface TrappingReport {
  expr: string;
  split: number;
  windows: WindowTrapping[];
  /** The condition interval left out of training, or null. */
  holdOut: [number, number] | null;
}

export interface RoundRecord {
  round: number;
  steps: number;
  wallSeconds: number;
  newCentres: number[];
  /** Why each new centre was chosen (round 1: the study's windows). */
  choices: ChosenCentre[];
  /** One line: the rules that chose this round's centres. */
  reason: string;
  /** Largest FES error (kT) of the fold after this round. */
  fesUncertainty: number | null;
  seeded: boolean;
  runId: string;
  modelId: string | null;
  /** Windows left out of the fold from here on (trapped, replaced by seeded ones). */
  dropped: number[];
  fes: FoldedFes;
}

export interface AdaptiveResult {
  rounds: RoundRecord[];
  stopReason: StopReason;
  trapping: TrappingReport | null;
  modelId: string | null;
}

/** The trapping diagnosis of the first round's windows (a cached stage before training). */
export async function diagnoseTrapping(rc: RoundsContext, sampling: { key: string; value: { runId: string; windowCenters: number[] } }) {
  const fm = rc.study.seeding?.fastModes;
  if (!fm) return null;
  return rc.stage('trapping', { upstream: sampling.key, fastModes: fm }, async (): Promise<TrappingReport> => {
    const f = compileObservable(fm.expr, rc.system.coordinateNames, { kT: rc.study.kT });
    const series = sampling.value.windowCenters.map((_, k) => {
      const { walkers } = readWindowWalkers(rc.projectPath(), sampling.value.runId, k);
      return walkers.map((rows) => evaluateRows(f, rows));
    });
    const windows = diagnoseWindows(sampling.value.windowCenters, series, { split: fm.split, hysteresis: fm.hysteresis }, fm.minSwitches);
    const holdOut = trappedInterval(windows, windowWidth(rc.spring, rc.study.kT));
    const trapped = windows.filter((w) => w.trapped).length;
    if (trapped === windows.length) {
      throw new ApiError('invalid-input', `seeding.fastModes: every window of the first round is trapped in one mode of ${fm.expr} (fewer than ${fm.minSwitches} mode switches each), so no window mixes to train the model on; lengthen sampling.steps, widen sampling.range to where the barrier is low, or lower fastModes.minSwitches`);
    }
    rc.log(`trapping: ${trapped} of ${windows.length} windows trapped in one mode of ${fm.expr}${holdOut ? `; training leaves out [${holdOut.map((v) => v.toFixed(3)).join(', ')}]` : ''}`);
    return { expr: fm.expr, split: fm.split, windows, holdOut };
  });
}

function windowsOf(rc: RoundsContext, fold: readonly FoldedWindow[]): UmbrellaWindow[] {
  const spring = rc.spring;
  return fold.map((w) => {
    const { walkers, dim } = readWindowWalkers(rc.projectPath(), w.runId, w.index);
    return { center: w.centre, spring, samples: decorrelatedPool(walkers.map((rows) => column(rows, dim, rc.cvIndex))) };
  });
}

function foldNow(rc: RoundsContext, fold: readonly FoldedWindow[], round: number, base: FirstRoundFes | null): FoldedFes {
  if (!fold.length) {
    if (base) return { centers: base.centers, F: [...base.F], dF: [...base.dF], adjacentOverlap: [], warnings: [] };
    return { centers: [], F: [], dF: null, adjacentOverlap: [], warnings: ['no window to fold yet (all trapped)'] };
  }
  const e = rc.study.estimate;
  const axis = { bins: e.bins, min: rc.range[0], max: rc.range[1] };
  const all = windowsOf(rc, fold);
  const seed = rc.study.seed + 100 + round;
  return base ? foldWithFirstRound(base, all, axis, rc.study.kT, e.bootstrap, seed) : foldFes(all, axis, rc.study.kT, e.bootstrap, seed);
}

/**
 * The FES after a first round of metadynamics or MD (no WHAM window: combine-fes.ts): the
 * windows folded by WHAM in groups of overlapping neighbours, each group aligned to the first
 * round on its own and every bin the inverse-variance mean. A group that shares no bin with the
 * first round is left out with a warning (the weak-overlap rule puts windows between).
 */
export function foldWithFirstRound(base: FirstRoundFes, all: UmbrellaWindow[], axis: { bins: number; min: number; max: number }, kT: number, bootstrap: number, seed: number): FoldedFes {
  const windows = foldFes(all, axis, kT, bootstrap, seed);
  const groups = overlapGroups(all.map((w) => w.center), windows.adjacentOverlap).map((members) => members.map((k) => all[k]));
  const folds = groups.length === 1 ? [windows] : groups.map((g, i) => foldFes(g, axis, kT, bootstrap, seed + 1000 * (i + 1)));
  const warnings = [...windows.warnings];
  const tied = folds.filter((f, i) => {
    try {
      combineByInverseVariance(base, [f]);
      return true;
    } catch {
      warnings.push(`seeded windows at ${groups[i].map((w) => w.center.toFixed(3)).join(', ')} share no bin with the first round yet: left out of the FES until windows join them`);
      return false;
    }
  });
  const both = combineByInverseVariance(base, tied);
  both.offsets.forEach((o, i) => warnings.push(`window group ${i + 1} aligned to the first round by ${o.offset.toFixed(3)} +- ${o.error.toFixed(3)} kT over ${o.bins} bins`));
  return { centers: windows.centers, F: both.F, dF: both.dF, adjacentOverlap: windows.adjacentOverlap, warnings };
}

/** Window indices grouped into runs of neighbours (by centre) whose adjacent overlap reaches WHAM's 0.03. */
export function overlapGroups(centres: readonly number[], adjacentOverlap: readonly number[], minOverlap = 0.03): number[][] {
  const order = centres.map((c, k) => ({ c, k })).sort((a, b) => a.c - b.c).map((o) => o.k);
  const groups: number[][] = [];
  order.forEach((k, i) => {
    if (i === 0 || !(adjacentOverlap[i - 1] >= minOverlap)) groups.push([k]);
    else groups[groups.length - 1].push(k);
  });
  return groups;
}

function describe(choices: readonly ChosenCentre[]): string {
  const counts = new Map<string, number>();
  for (const c of choices) counts.set(c.reason, (counts.get(c.reason) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${r} x${n}`).join(', ');
}

/**
 * Runs rounds 2.. after the first round's sampling and the first model. Returns every round's
 * record (round 1 first: its fold without trapped windows) and why it stopped.
 */
export async function runAdaptiveRounds(
  rc: RoundsContext,
  first: { key: string; runId: string; centres: number[]; steps: number; wallSeconds: number; base?: { key: string; fes: FirstRoundFes } },
  model: { key: string; modelId: string; holdOut: [number, number] | null },
  trapping: { key: string; value: TrappingReport } | null,
  consistency: { cond: number; poor: boolean }[] | null,
): Promise<AdaptiveResult> {
  const s = rc.study.seeding!;
  const trappedCentres = new Set((trapping?.value.windows ?? []).filter((w) => w.trapped).map((w) => w.centre));
  const walkers = s.walkers ?? rc.study.sampling.walkers;
  const steps = s.steps ?? rc.study.sampling.steps;

  type RoundState = { fold: FoldedWindow[]; trapped: number[]; modelId: string; record: RoundRecord };
  const base = first.base?.fes ?? null;
  const round1 = await rc.stage('round-1', { upstream: [first.key, trapping?.key ?? null, model.key, ...(first.base ? [first.base.key] : [])], estimate: rc.study.estimate, seed: rc.study.seed }, async (): Promise<RoundState> => {
    const fold = first.centres.map((centre, index) => ({ runId: first.runId, index, centre, round: 1 }));
    // Trapped windows stay out of the fold: they are not at equilibrium in their own ensemble.
    const kept = fold.filter((w) => !trappedCentres.has(w.centre));
    const fes = foldNow(rc, kept, 1, base);
    return {
      fold: kept, trapped: [...trappedCentres], modelId: model.modelId,
      record: {
        round: 1, steps: first.steps, wallSeconds: first.wallSeconds, newCentres: first.centres, choices: [], reason: base ? `${rc.study.sampling.method} walkers (no windows)` : 'the study\'s windows (plain starts)',
        fesUncertainty: largestError(fes.dF), seeded: false, runId: first.runId, modelId: model.modelId, dropped: [...trappedCentres], fes,
      },
    };
  });

  const records = [round1.value.record];
  let state = round1.value;
  let prevKey = round1.key;
  let why: StopReason | null = null;
  for (let r = 2; ; r++) {
    const choices = chooseNextCentres({
      range: rc.range, centres: state.fold.map((w) => w.centre), spring: rc.spring, kT: rc.study.kT,
      fes: state.record.fes, adjacentOverlap: state.record.fes.adjacentOverlap,
      ...(consistency ? { consistency } : {}), trapped: state.trapped, ...(base ? { visited: base.visited } : {}),
    }, { maxNew: s.maxNewCentres, targetUncertainty: s.targetUncertainty ?? 0 });
    why = stopReason(r, s.rounds, state.record.fesUncertainty, s.targetUncertainty ?? null, state.trapped.length, choices.length);
    if (why) break;
    rc.checkCancel(`round-${r}`);
    const stageName = `round-${r}`;
    const prev = state;
    // The round budget and the target decide whether a round runs, not what it computes: left out
    // of its key, so raising the budget on --resume reuses the finished rounds.
    const { rounds: _budget, targetUncertainty: _target, ...roundOptions } = s;
    const out = await rc.stage(stageName, { upstream: prevKey, seeding: roundOptions, choices, sampling: rc.study.sampling, estimate: rc.study.estimate, seed: rc.study.seed, holdOut: model.holdOut }, async (key): Promise<RoundState> => {
      const centres = choices.map((c) => c.centre);
      rc.log(`round ${r}: ${centres.length} new windows (${describe(choices)})`);
      const started = Date.now();
      const liftSeed = rc.study.seed + 10 * r;
      const starts = await rc.liftStarts(prev.modelId, centres, walkers, liftSeed);
      const params: UmbrellaParams = {
        ...rc.umbrellaParams(), centers: { mode: 'list', values: centres }, stepsPerWindow: steps, walkersPerWindow: walkers,
        seed: liftSeed + 1, equilibrationSteps: s.equilibration,
        seeding: { source: 'lifted', modelId: prev.modelId, seed: liftSeed, starts },
      };
      const run = await rc.followRun(stageName, key, async () => {
        const sys = await projectSystemFor(rc.context, rc.projectPath(), rc.study.system);
        return callApi(rc.context, 'startUmbrellaRun', { projectPath: rc.projectPath(), systemId: sys.id, name: `${rc.study.name}: round ${r}`, params });
      });
      // Seeded windows are folded even when their walkers do not switch modes: their mode weights
      // are the lifted ones (judged by the consistency report), not an accident of the start.
      const replaced = new Set(choices.filter((c) => c.reason === 'trapped-window').map((c) => c.centre));
      const fold = [...prev.fold, ...centres.map((centre, index) => ({ runId: run.id, index, centre, round: r }))];
      const fes = foldNow(rc, fold, r, base);
      let modelId = prev.modelId;
      if (s.retrain && rc.study.model) {
        const m = rc.study.model;
        // After metadynamics or MD the first round's frames train too: its bias is a function of the
        // conditioned CV only, so p(x | CV) is unchanged and its frames need no reweighting.
        const sources = [...new Set([...(base ? [first.runId] : []), ...fold.map((w) => w.runId)])];
        const trained = await rc.followRun(`${stageName}-model`, key, () =>
          callApi(rc.context, 'startTraining', {
            projectPath: rc.projectPath(), name: `${rc.study.name}: model, round ${r}`, sourceRunIds: sources, model: m.kind, epochs: m.epochs, seed: rc.study.seed + r,
            ...(m.hidden ? { hidden: m.hidden } : {}), ...(m.batchSize ? { batchSize: m.batchSize } : {}), ...(m.learningRate ? { learningRate: m.learningRate } : {}),
            // The first round's trapped frames are in its run: keep leaving their interval out.
            ...(model.holdOut ? { holdOut: model.holdOut } : {}), device: 'cpu',
          }),
        );
        if (trained.kind === 'train') modelId = trained.modelId;
      }
      return {
        fold, trapped: prev.trapped.filter((c) => !replaced.has(c)), modelId,
        record: {
          round: r, steps: centres.length * walkers * (steps + s.equilibration), wallSeconds: (Date.now() - started) / 1000,
          newCentres: centres, choices, reason: describe(choices), fesUncertainty: largestError(fes.dF), seeded: true,
          runId: run.id, modelId, dropped: [], fes,
        },
      };
    });
    state = out.value;
    prevKey = out.key;
    records.push(state.record);
  }
  rc.log(`rounds: stopped (${why}) after ${records.length} rounds; largest FES error ${state.record.fesUncertainty?.toFixed(3) ?? 'n/a'} kT`);
  return { rounds: records, stopReason: why, trapping: trapping?.value ?? null, modelId: state.modelId };
}

/** report.json's `rounds` and `fesRounds` (rounds 2..) from the adaptive result (F in kT). */
export function adaptiveReport(result: AdaptiveResult, exactRmsKT: (centers: number[], FkT: (number | null)[]) => number | null) {
  return {
    rounds: result.rounds.map((r) => ({
      round: r.round, steps: r.steps, wallSeconds: r.wallSeconds, newCentres: r.newCentres, fesUncertainty: r.fesUncertainty, seeded: r.seeded,
      reason: r.reason, choices: r.choices, runId: r.runId, modelId: r.modelId, dropped: r.dropped,
    })),
    /** The fold after each round (round 1: the plain windows that were not trapped). */
    folds: result.rounds.map((r) => ({ round: r.round, runId: r.runId, centers: r.fes.centers, F: r.fes.F, dF: r.fes.dF, rmsVsExact: exactRmsKT(r.fes.centers, r.fes.F) })),
    adaptive: { stopReason: result.stopReason, trapping: result.trapping, modelId: result.modelId },
  };
}
