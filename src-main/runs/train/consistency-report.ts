/**
 * The consistency report of a toy-system model (SCIENCE.md section 6), computed in the model
 * thread: at each condition xi*, generated samples against the simulated reference at xi*
 * (local-linear, no bin-width bias) and the exact law where the system has one, every distance
 * with its split-half noise floor; lift-evolve-restrict bursts from lifted and simulated
 * configurations; a verdict per condition and overall, with advice when it is not good.
 */
import { readFileSync } from 'node:fs';
import { createSystem } from '../../engine/systems';
import { wasserstein1ToLaw, type ConditionalLaw1D } from '../../engine/systems/conditional-law';
import { exactConditionalLaw } from '../../engine/systems/exact-law';
import type { AnySystemSpec } from '../../engine/systems/types';
import { slicedWasserstein1 } from '../../engine/estimators/wasserstein';
import { columnOf, compareSamples, compareToLaw, localReference, overallVerdict, splitHalfNoise, verdictOf, type Verdict } from '../../engine/workflows/consistency';
import { defaultBurstSteps, liftEvolveRestrict } from '../../engine/workflows/lift-evolve-restrict';
import type { BurstIntegrator } from '../../engine/workflows/bursts';
import type { GenerativeModel } from '../../engine/generative';
import { ApiError, type ConsistencyReport, type ConsistencyRow, type ConsistencyStats, type EvolveComparison, type FlooredDistance, type ModelRecord } from '../../schema';
import { runFilePath } from '../../store/project';
import type { TrainJob } from '../run-file';
import type { TrainingFrames } from './data';
import { consistencyAdvice, VERDICT_RULE, type AdviceRow, type TrainingSummary } from './report-advice';
import { EngineInputError, SimulationDivergedError } from '../../engine/errors';

/** What the report needs besides the loaded model and the frames (the model thread's 'report' call). */
export interface ReportRequest {
  record: Pick<ModelRecord, 'kind' | 'condNames' | 'targetNames' | 'conditionRange'>;
  job: TrainJob;
  projectPath: string;
  conditions?: number[];
  n: number;
  seed: number;
  method?: 'sde' | 'ode';
  steps?: number;
  /** Run lift-evolve-restrict bursts (default true). */
  evolve?: boolean;
  training?: TrainingSummary | null;
}
export interface ReportInputs extends ReportRequest {
  model: GenerativeModel;
  frames: TrainingFrames;
}

/** Transient thresholds on |difference| / error over ~50 correlated records (Bonferroni-like). */
const EVOLVE_GOOD_Z = 4.5;
const EVOLVE_MARGINAL_Z = 6.5;
const evolveVerdict = (z: number): Verdict => (z <= EVOLVE_GOOD_Z ? 'good' : z <= EVOLVE_MARGINAL_Z ? 'marginal' : 'poor');
const worse = (a: Verdict, b: Verdict): Verdict => (a === 'poor' || b === 'poor' ? 'poor' : a === 'marginal' || b === 'marginal' ? 'marginal' : 'good');

export function stats(values: ArrayLike<number>): ConsistencyStats {
  const n = values.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += values[i];
  m /= Math.max(1, n);
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i] - m) ** 2;
  return { mean: m, sd: n > 1 ? Math.sqrt(v / (n - 1)) : 0, n };
}

/** The dynamics the source runs used (first source run), for the bursts; null when not a toy run. */
export function burstDynamics(projectPath: string, job: TrainJob): { dt: number; kT: number; integrator: BurstIntegrator } | null {
  const runId = job.sourceRunIds[0];
  if (!runId) return null;
  try {
    const source = (JSON.parse(readFileSync(runFilePath(projectPath, runId), 'utf8')) as { job: { kind: string; dt?: number; kT?: number; integrator?: string; friction?: number; mass?: number } }).job;
    if (typeof source.dt !== 'number' || !(source.dt > 0)) return null;
    const integrator: BurstIntegrator =
      source.kind === 'metad' && source.integrator === 'baoab' ? { kind: 'baoab', friction: source.friction ?? 10, mass: source.mass ?? 1 } : { kind: 'overdamped' };
    return { dt: source.dt, kT: source.kT ?? job.kT, integrator };
  } catch {
    return null;
  }
}

export function computeConsistencyReport(inp: ReportInputs): Omit<ConsistencyReport, 'modelId' | 'seconds'> {
  const { model, record, job, frames: f, n, seed, method, steps } = inp;
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
  const maxHalfWidth = width / 40;
  const holdOut = job.holdOut;
  let conds = inp.conditions;
  if (!conds) {
    conds = Array.from({ length: 11 }, (_, i) => lo! + 0.05 * width + (0.9 * width * i) / 10);
    if (holdOut) conds.push(0.5 * (holdOut[0] + holdOut[1]));
    conds.sort((a, b) => a - b);
  }
  const td = record.targetNames.length;
  const spec = job.system ?? null;
  const condIndex = job.condIndices[0];
  const laws = job.condIndices.length === 1 ? job.targetIndices.map((t) => exactLawOf(spec, job.kT, condIndex, t)) : [];
  const lift = (c: number, count: number, s: number) => {
    try {
      return model.lift([c], count, { seed: s, ...(method ? { method } : {}), ...(steps ? { steps } : {}) });
    } catch (error) {
      if (error instanceof EngineInputError) throw new ApiError('invalid-input', error.message);
      throw error;
    }
  };
  const inHoldOut = (c: number) => !!holdOut && c >= holdOut[0] && c <= holdOut[1];
  const referenceAt = (c: number, held: boolean) =>
    localReference(held ? f.heldOutCond : f.cond, held ? f.heldOutTarget : f.target, td, c, { maxHalfWidth, want: 4000 });

  // Lift-evolve-restrict needs every coordinate of the system as the condition plus the targets.
  const dynamics = spec ? burstDynamics(inp.projectPath, job) : null;
  const system = spec ? createSystem(spec) : null;
  let evolveNote = '';
  let evolveSteps: number[] | null = null;
  if (inp.evolve === false) evolveNote = 'Lift-evolve-restrict bursts were not asked for.';
  else if (!system || !dynamics) evolveNote = 'Lift-evolve-restrict needs the toy system and the time step of the source runs; not available for this model.';
  else if (new Set([condIndex, ...job.targetIndices]).size !== system.dim || job.condIndices.length !== 1) {
    evolveNote = `Lift-evolve-restrict needs the model to generate every coordinate other than the CV (${system.coordinateNames.join(', ')}); this model generates ${record.targetNames.join(', ')}.`;
  }

  const rows: ConsistencyRow[] = conds.map((c, k) => {
    const held = inHoldOut(c);
    const result = lift(c, n, seed + k);
    const warnings = [...result.warnings];
    const gen = result.samples.subarray(0, n * td);
    const ref = referenceAt(c, held);
    const rowLaws = laws.map((law) => law?.(c) ?? null);
    const judgedAgainst: ConsistencyRow['judgedAgainst'] = rowLaws.some((l) => l !== null) ? 'exact' : ref ? 'simulation' : null;
    let worstRatio = judgedAgainst === null ? NaN : 0;
    const targets = record.targetNames.map((name, j) => {
      const g = columnOf(gen, td, j);
      const sim = ref ? columnOf(ref.rows, td, j) : null;
      const law: ConditionalLaw1D | null = rowLaws[j] ?? null;
      const lawFns = law ? { mean: law.mean, sd: law.sd, w1: (s: Float64Array) => wasserstein1ToLaw(s, law) } : null;
      const vsSimulation = sim ? compareSamples(g, sim, { seed: seed + 31 * k + j, tolerances: true }) : null;
      const vsExact = lawFns ? compareToLaw(g, lawFns, { seed: seed + 31 * k + j, tolerances: true }) : null;
      const simulationVsExact = lawFns && sim ? compareToLaw(sim, lawFns, { blocks: 16, seed: seed + 31 * k + j }) : null;
      if (judgedAgainst === 'exact' && vsExact) worstRatio = Math.max(worstRatio, vsExact.worstRatio);
      if (judgedAgainst === 'simulation' && vsSimulation) worstRatio = Math.max(worstRatio, vsSimulation.worstRatio);
      const gs = stats(g);
      const exact = lawFns ? { mean: lawFns.mean, sd: lawFns.sd } : null;
      return {
        name,
        generated: gs,
        simulation: sim ? stats(sim) : null,
        exact,
        w1GeneratedVsSimulation: vsSimulation?.w1.value ?? null,
        w1GeneratedVsExact: vsExact?.w1.value ?? null,
        w1SimulationVsExact: simulationVsExact?.w1.value ?? null,
        meanErrorSd: exact ? (gs.mean - exact.mean) / exact.sd : null,
        sdRelativeError: exact ? gs.sd / exact.sd - 1 : null,
        vsSimulation,
        vsExact,
        simulationVsExact,
        binBias: ref ? ref.binBias[j] : null,
      };
    });
    // Several targets: their joint law by the sliced distance (seeded directions), with its floor.
    let slicedW1: FlooredDistance | null = null;
    if (td > 1 && ref) {
      const sw = (a: Float64Array, b: Float64Array) => slicedWasserstein1(a, b, td, { projections: 64, seed: seed + k });
      const floor = Math.hypot(splitHalfNoise(gen, td, sw, { seed: seed + k }), splitHalfNoise(ref.rows, td, sw, { blocks: 16, seed: seed + k }));
      const value = sw(gen, ref.rows);
      slicedW1 = { value, floor, tolerance: null, ratio: floor > 0 ? value / floor : Infinity };
      if (judgedAgainst === 'simulation') worstRatio = Math.max(worstRatio, slicedW1.ratio);
    }
    let verdict: Verdict | null = judgedAgainst === null ? null : verdictOf(worstRatio);
    let evolve: EvolveComparison | null = null;
    if (!evolveNote && system && dynamics && ref && ref.frames >= 10) {
      const starts = new Float64Array(Math.min(n, ref.frames) * system.dim);
      evolveSteps ??= defaultBurstSteps(system, fillStarts(starts, system.dim, condIndex, job.targetIndices, c, ref.rows), job.targetIndices, dynamics.dt, dynamics.integrator);
      // A model that lifts configurations the dynamics cannot start from (a walker diverges in its
      // first steps) is a poor lifting at this condition, not a failure of the whole report.
      let r: ReturnType<typeof liftEvolveRestrict> | null = null;
      try {
        r = liftEvolveRestrict({
          system,
          kT: dynamics.kT,
          dt: dynamics.dt,
          integrator: dynamics.integrator,
          condIndex,
          targetIndices: job.targetIndices,
          xiStar: c,
          lifted: gen,
          simulated: ref.rows,
          recordSteps: evolveSteps,
          seed: seed + 1000 + k,
        });
      } catch (error) {
        if (!(error instanceof SimulationDivergedError)) throw error;
        warnings.push(`lift-evolve-restrict: the bursts started from the lifted configurations diverged (${error.message}): the model lifts configurations the dynamics cannot start from; judged poor`);
        verdict = 'poor';
      }
      if (r) {
        evolve = { pairs: r.pairs, times: r.times, series: r.series, worstZ: r.worstZ, verdict: evolveVerdict(r.worstZ) };
        verdict = verdict === null ? evolve.verdict : worse(verdict, evolve.verdict);
      }
    }
    return {
      cond: [c],
      heldOut: held,
      simulationFrames: ref?.frames ?? 0,
      slicedW1GeneratedVsSimulation: slicedW1?.value ?? null,
      warnings,
      targets,
      referenceHalfWidth: ref?.halfWidth ?? null,
      slicedW1,
      evolve,
      judgedAgainst,
      worstRatio: Number.isFinite(worstRatio) ? worstRatio : null,
      verdict,
    };
  });
  if (!evolveNote && !evolveSteps) evolveNote = 'Lift-evolve-restrict found fewer than 10 simulated frames near every condition.';

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
      const ref = referenceAt(c, inHoldOut(c));
      return ref ? stats(columnOf(ref.rows, td, 0)).mean : null;
    }),
    exact: laws[0] ? grid.map((c) => laws[0]!(c).mean) : null,
  };
  const verdicts = rows.map((r) => r.verdict).filter((v): v is Verdict => v !== null);
  const overall = verdicts.length ? overallVerdict(verdicts) : null;
  const adviceRows: AdviceRow[] = rows.map((r) => ({
    cond: r.cond[0],
    verdict: r.verdict,
    frames: r.simulationFrames,
    heldOut: r.heldOut,
    transientOnly: r.evolve !== null && r.evolve.verdict !== 'good' && r.worstRatio !== null && verdictOf(r.worstRatio) === 'good',
  }));
  const cv = record.condNames[0];
  return {
    condNames: record.condNames,
    targetNames: record.targetNames,
    halfWidth: maxHalfWidth,
    n,
    seed,
    method: record.kind === 'gan' ? 'gan' : (method ?? 'sde'),
    rows,
    restriction: {
      byConstruction: true,
      note: `${cv} is a coordinate of the system and lifted configurations carry ${cv} = ${cv}* exactly, so the restriction R(L(${cv}*)) = ${cv}* holds by construction (not a check).`,
    },
    verdict: { overall, rule: VERDICT_RULE, advice: consistencyAdvice(overall, adviceRows, inp.training ?? null) },
    evolveSettings: evolveSteps && dynamics ? { dt: dynamics.dt, integrator: dynamics.integrator.kind, steps: evolveSteps, kT: dynamics.kT } : null,
    evolveNote: evolveNote || 'Bursts from lifted and from simulated configurations at each condition, paired by random stream; differences judged over the whole burst.',
    closure,
    exactLaw: spec && laws.some((l) => l !== null) ? describeExactLaw(spec, job.kT) : null,
  };
}

/**
 * The exact law of coordinate `target` given coordinate `cond` (engine/systems/exact-law.ts, where
 * the condition is x = coordinate 0); the embedded system simulates the fast/slow (x, y), so its
 * law is the fast/slow one.
 */
export function exactLawOf(spec: AnySystemSpec | null, kT: number, cond: number, target: number): ((x: number) => ConditionalLaw1D) | null {
  if (!spec || cond !== 0) return null;
  const simulated: AnySystemSpec = spec.kind === 'embedded' ? { kind: 'fast-slow', a: spec.a, s: spec.s, epsilon: spec.epsilon, f: spec.f, c: spec.c } : spec;
  return exactConditionalLaw(simulated, kT, target);
}

/** A one-line statement of the exact law, for the report. */
export function describeExactLaw(spec: AnySystemSpec, kT: number): string | null {
  switch (spec.kind) {
    case 'fast-slow':
    case 'embedded':
      return `p(y | x) = N(f(x), s^2 kT) with f = ${spec.f} (c = ${spec.c}), s = ${spec.s}, kT = ${kT}`;
    case 'fast-slow-multi':
      return `p(y_i | x) = N(f_i(x), s_i^2 kT), independent given x (kT = ${kT})`;
    case 'two-mode':
      return `p(y | x) ~ exp(-phi_x(y - c x) / kT): two modes near y = c x -+ d whose weights move with x (d = ${spec.d}, h0 = ${spec.h0}, h2 = ${spec.h2}, b = ${spec.b}, c = ${spec.c}), kT = ${kT}`;
    default:
      return null;
  }
}

function fillStarts(out: Float64Array, dim: number, condIndex: number, targetIndices: readonly number[], c: number, rows: Float64Array): Float64Array {
  const td = targetIndices.length;
  const count = out.length / dim;
  for (let b = 0; b < count; b++) {
    out[b * dim + condIndex] = c;
    for (let j = 0; j < td; j++) out[b * dim + targetIndices[j]] = rows[b * td + j];
  }
  return out;
}

