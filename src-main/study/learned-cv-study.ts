/**
 * A study along a learned CV (`learnedCv` in study.json; docs/learned-cv-loop.md): the whole loop
 * of engine/workflows/learned-cv-loop.ts and learned-cv-lift.ts, run in this process (it needs no
 * project runs: the diffusion map, the biased windows along psi_1 and the model are one seeded
 * computation), cached as one stage by a hash of its inputs, and written as report.json and
 * report.html in the same shape as a coordinate study, with a `learnedCv` section.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { ApiError } from '../api/contract';
import { StudyCancelledError } from './cancelled';
import { atomicWriteSync } from '../store/atomic';
import { initTensorflowBackend } from '../store/tf-backend';
import { runLearnedCvLoop, type LearnedCvLoopOptions } from '../engine/workflows/learned-cv-loop';
import { liftAlongLearnedCv } from '../engine/workflows/learned-cv-lift';
import { levelSetLaw } from '../engine/workflows/level-set';
import { binnedConditionalMean } from '../engine/workflows/conditional';
import { generalizedForceSeries } from '../engine/workflows/mean-force';
import { compileObservable } from '../engine/workflows/observables';
import { Embedded } from '../engine/systems/embedded';
import type { EmbeddedSpec } from '../engine/systems/specs';
import type { ClosureReport, MeanForceReport } from './analysis';
import { integrateOrWarn, offsetRms } from './analysis';
import { renderReportHtml } from './report-html';
import type { LearnedCvSection, StudyReport } from './report';
import type { LearnedCvStudy } from './schema';
import { contentHash, StageCache } from './stage-cache';

/** What the learned-CV study needs of the run options (StudyRunOptions provides it). */
export interface LearnedCvRunOptions {
  outDir: string;
  resume: boolean;
  appVersion: string;
  log: (line: string) => void;
  progress?: (stage: string, fraction: number, etaSeconds: number | null) => void;
  isCancelled: () => boolean;
}

const nullable = (v: number): number | null => (Number.isFinite(v) ? v : null);
/** Bumped when the numerics change, so that --resume recomputes. */
const LEARNED_CV_VERSION = 3;

interface LearnedCvStageOutput {
  fes: StudyReport['fes'];
  closures: ClosureReport[];
  meanForce: MeanForceReport;
  consistency: StudyReport['consistency'];
  learnedCv: LearnedCvSection;
  steps: number;
  backend: string | null;
}

export async function runLearnedCvStudy(study: LearnedCvStudy, studyFileText: string, opts: LearnedCvRunOptions): Promise<StudyReport> {
  const cache = new StageCache(opts.outDir);
  if (cache.exists() && !opts.resume) {
    throw new ApiError('conflict', `${opts.outDir} already holds a study (study-state.json); pass --resume to continue it (unchanged stages are reused), or choose another --out`);
  }
  mkdirSync(opts.outDir, { recursive: true });
  const t0 = Date.now();
  const spec = study.system as EmbeddedSpec;
  const lc = study.learnedCv;
  const system = new Embedded(spec);
  const observables = lc.observables.map((o) => {
    const f = compileObservable(o.expr, system.coordinateNames, { kT: study.kT });
    return { name: o.name, expr: o.expr, g: (p: Float64Array) => f.value(p, 0) };
  });
  const loopOptions: LearnedCvLoopOptions = {
    spec, kT: study.kT, seed: study.seed, unbiased: lc.unbiased, mapFrames: lc.mapFrames, method: lc.method, umbrella: lc.umbrella, metad: lc.metad, bins: lc.bins,
    observables: observables.map((o) => ({ name: o.name, g: o.g })),
  };
  const key = contentHash({ name: 'learnedCv', inputs: { system: spec, kT: study.kT, seed: study.seed, learnedCv: lc, version: LEARNED_CV_VERSION } });
  let output = cache.cached<LearnedCvStageOutput>('learnedCv', key);
  const started = Date.now();
  if (output) opts.log(`learnedCv: cached (${key})`);
  else {
    if (opts.isCancelled()) throw new StudyCancelledError('learnedCv');
    opts.log(`learnedCv: unbiased run, diffusion map, ${lc.method === 'metad' ? 'metadynamics' : 'umbrella windows'} along psi1`);
    opts.progress?.('learnedCv', 0, null);
    const loop = runLearnedCvLoop(loopOptions);
    opts.log(`learnedCv: |Spearman(psi1, x)| = ${loop.map.spearmanX.toFixed(4)}, F(psi1) RMS vs exact ${loop.fes.rms.toFixed(3)} kT`);
    opts.progress?.('learnedCv', 0.4, null);

    // Generalised mean force along psi_1 (den Otter; engine/workflows/mean-force.ts), integrated.
    const axis = { bins: lc.bins, min: loop.fes.centers[0] - (loop.fes.centers[1] - loop.fes.centers[0]) / 2, max: 0 };
    axis.max = axis.min + lc.bins * (loop.fes.centers[1] - loop.fes.centers[0]);
    const mfSeries = loop.frames.map((f) => ({ xi: f.psi, value: generalizedForceSeries(system, loop.cv, f.xy, study.kT) }));
    const mf = binnedConditionalMean(mfSeries, axis);
    const inside = (c: number) => c >= loop.umbrella.range[0] && c <= loop.umbrella.range[1];
    const mfMean = Float64Array.from(mf.mean, (v, b) => (inside(mf.centers[b]) ? v : NaN));
    const ti = integrateOrWarn(mf.centers, mfMean, mf.sem);
    const tiF = ti.F;
    const exactOnCenters = loop.fes.exact;
    const meanForce: MeanForceReport = {
      cv: 'psi1', centers: Array.from(mf.centers), value: Array.from(mfMean, nullable), sem: Array.from(mf.sem, nullable),
      F: tiF, dF: ti.dF, exactF: exactOnCenters,
      rmsVsFes: offsetRms(tiF, loop.fes.F), rmsVsExact: offsetRms(tiF, exactOnCenters),
      ...(ti.warning ? { warning: ti.warning } : {}),
    };
    if (ti.warning) opts.log(`warning: learnedCv: ${ti.warning}`);

    let lift = null;
    let backend: string | null = null;
    if (lc.model) {
      backend = (await initTensorflowBackend()).backend;
      const [lo, hi] = loop.umbrella.range;
      const conditions = Array.from({ length: lc.model.conditions }, (_, k) => lo + ((k + 0.5) * (hi - lo)) / lc.model!.conditions);
      opts.log(`learnedCv: training p(q | psi1) (${lc.model.kind}) on ${loop.frames.reduce((s, f) => s + f.psi.length, 0)} frames`);
      const signal = { get aborted() { return opts.isCancelled(); } };
      const trainStart = Date.now();
      lift = await liftAlongLearnedCv(loop, loopOptions, {
        train: { model: lc.model.kind, seed: study.seed, ...(lc.model.epochs ? { epochs: lc.model.epochs } : {}), backend },
        conditions, n: lc.model.n, seed: study.seed + 1, signal,
        onProgress: (p) => {
          // Time left from the measured training rate (the loop before it is ~40% of the work).
          const elapsed = (Date.now() - trainStart) / 1000;
          opts.progress?.('learnedCv', 0.4 + 0.55 * p.fraction, p.fraction > 0.02 ? (elapsed * (1 - p.fraction)) / p.fraction : null);
        },
      });
      if (opts.isCancelled()) throw new StudyCancelledError('learnedCv');
    }

    // Closures: simulation (windows) vs exact level-set law; lifted draws where there is a model.
    const closures: ClosureReport[] = observables.map((o, i) => {
      const sim = loop.closures[i];
      const generated = lift
        ? { conditions: lift.conditions, mean: lift.closures[i].mean, sem: lift.closures[i].sem, exact: lift.closures[i].exact }
        : null;
      return {
        name: o.name, expr: o.expr, cv: 'psi1',
        simulated: { centers: sim.centers, mean: sim.mean, sem: sim.sem, count: sim.count, exact: sim.exact },
        generated, exact: generated?.exact ?? null,
        chi2PerPoint: { simulated: nullable(sim.chi2PerPoint), generated: lift ? nullable(lift.closures[i].chi2PerPoint) : null },
      };
    });

    // Consistency: the restriction error is meaningful here (the model must land on psi1 = c).
    let consistency: StudyReport['consistency'] = null;
    let judged: LearnedCvSection['lift'] = null;
    if (lift) {
      // Scale of a closure error: the s.d. of the observable over the frames within one window
      // width (or hill width) of the condition: how much it varies where the model was trained. The
      // conditional s.d. would be ~0 for an observable that is nearly a function of psi1 (x here).
      const windowSd = (i: number, c: number) => {
        const vals: number[] = [];
        for (const f of loop.frames) {
          for (let t = 0; t < f.psi.length; t++) if (Math.abs(f.psi[t] - c) < loop.windowWidth) vals.push(observables[i].g(f.xy.subarray(2 * t, 2 * t + 2)));
        }
        if (vals.length < 2) return NaN;
        const m = vals.reduce((a, v) => a + v, 0) / vals.length;
        return Math.sqrt(vals.reduce((a, v) => a + (v - m) ** 2, 0) / (vals.length - 1));
      };
      const closureErrors = observables.map((_, i) => Math.max(...lift.conditions.map((c, k) => {
        const e = lift.closures[i].exact[k];
        const sd = windowSd(i, c);
        return e === null || !(sd > 0) ? 0 : Math.abs(lift.closures[i].mean[k] - e) / sd;
      })));
      const restriction = lift.restriction.median / loop.windowWidth;
      const worstClosure = Math.max(0, ...closureErrors);
      const verdict = restriction <= 0.25 && worstClosure <= 0.1 ? 'good' : restriction <= 0.5 && worstClosure <= 0.2 ? 'marginal' : 'poor';
      const advice: string[] = [];
      if (restriction > 0.25) advice.push('Lifted samples miss the requested psi1: train longer or with more frames per window, or use a larger network.');
      if (worstClosure > 0.1) advice.push('Lifted conditional means differ from the exact ones: train longer, or add windows where the closure is off.');
      consistency = {
        cv: 'psi1', conditions: lift.conditions,
        restrictionError: lift.restriction.median,
        restrictionNote: `psi1 of each lifted observation (Nystrom extension) minus the requested value: median ${lift.restriction.median.toPrecision(3)}, max ${lift.restriction.max.toPrecision(3)}; a window's psi1 s.d. is ${loop.windowWidth.toPrecision(3)}.`,
        wasserstein: null, wassersteinVsExact: null, noiseFloor: null, verdict,
        verdictRule: 'good: median restriction error <= 0.25 of a window\'s psi1 s.d. and every lifted closure within 0.1 s.d. (of the observable over the nearest window\'s frames) of the exact level-set law; marginal: 0.5 and 0.2; poor beyond.',
        advice,
        perCondition: lift.conditions.map((c) => ({ cond: c, heldOut: false, w1: null, w1Exact: null, floor: null })),
      };
      judged = { conditions: lift.conditions, n: lc.model!.n, epochs: lift.epochs, bestEpoch: lift.bestEpoch, restriction: lift.restriction, restrictionPerWindowWidth: restriction, worstClosureError: worstClosure, verdict };
    }

    output = {
      fes: { cv: 'psi1', centers: loop.fes.centers, F: loop.fes.F.map((v) => (v === null ? null : v / study.kT)), dF: null, unit: 'kT', estimator: lc.method === 'metad' ? 'metadynamics final bias' : 'wham', exact: { centers: loop.fes.centers, F: loop.fes.exact.map((v) => (v === null ? NaN : v / study.kT)) } },
      closures, meanForce, consistency,
      learnedCv: {
        component: 1, method: lc.method, spearmanX: loop.map.spearmanX, orientation: loop.map.orientation, eigenvalues: loop.map.eigenvalues, epsilon: loop.map.epsilon,
        mapFrames: loop.map.frames, windowCenters: loop.umbrella.centers, spring: loop.umbrella.spring, windowWidth: loop.windowWidth,
        fesRmsVsExact: loop.fes.rms / study.kT, lift: judged,
      },
      steps: loop.steps, backend,
    };
    cache.finish('learnedCv', key, output, (Date.now() - started) / 1000);
    opts.progress?.('learnedCv', 1, 0);
    opts.log(`learnedCv: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const seconds = cache.state.stages.learnedCv?.wallSeconds ?? (Date.now() - started) / 1000;
  const report: StudyReport = {
    reportVersion: 1, name: study.name, system: study.system, kT: study.kT, projectPath: opts.outDir,
    fes: output.fes, closures: output.closures, meanForce: output.meanForce, effectiveDynamics: null, consistency: output.consistency,
    rounds: [{ round: 1, steps: output.steps, wallSeconds: seconds, newCentres: output.learnedCv.windowCenters, fesUncertainty: null, seeded: false }],
    fesRounds: [{ round: 1, runId: 'learned-cv', centers: output.fes.centers, F: output.fes.F, dF: null, rmsVsExact: output.learnedCv.fesRmsVsExact }],
    learnedCv: output.learnedCv,
    provenance: {
      version: opts.appVersion, backend: output.backend, seeds: { study: study.seed, lift: study.seed + 1 },
      studyHash: contentHash(JSON.parse(studyFileText)), stages: { learnedCv: { seconds, cached: output !== null && seconds !== (Date.now() - started) / 1000 } },
      runs: { sampling: 'in process (learned CV)', model: null, seeded: null }, modelId: null,
      wallSeconds: (Date.now() - t0) / 1000, created: new Date().toISOString(),
    },
  };
  atomicWriteSync(join(opts.outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  atomicWriteSync(join(opts.outDir, 'report.html'), renderReportHtml(report));
  opts.log(`report: ${join(opts.outDir, 'report.json')}, ${join(opts.outDir, 'report.html')}`);
  return report;
}
