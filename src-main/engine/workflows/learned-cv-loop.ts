/**
 * The learned-CV loop on the embedded fast/slow system (SCIENCE.md sections 6 and 9): a CV is
 * learned from an unbiased run, biased along, lifted along and checked against the exact answer
 * mapped through the embedding.
 *
 *  1. unbiased overdamped run in the hidden (x, y); only the observed q = R (x, y, kappa x^2)
 *     are given to the diffusion map (what an experimenter would have);
 *  2. psi_1 by a diffusion map of those q, oriented so that it increases with the hidden x (the
 *     check: |Spearman(psi_1, x)|, which the analysis never sees otherwise);
 *  3. umbrella windows along psi_1: a harmonic restraint on the Nystrom-extended psi_1 with its
 *     gradient carried back to (x, y) through the observation map (engine/bias/cv-restraint.ts);
 *  4. F(psi_1) by WHAM, against the exact Boltzmann law of (x, y) on the level sets of psi_1
 *     (engine/workflows/level-set.ts: no assumption that psi_1 is a function of x);
 *  5. closures E[g | psi_1] from the window frames (decorrelated, local quadratic fits), against
 *     the same exact level-set law. The bias is a function of psi_1 only, so p(x | psi_1) is the
 *     unbiased one and no reweighting is needed (SCIENCE.md section 2).
 * The generative half (train p(q | psi_1), lift, restriction error) is learned-cv-lift.ts.
 */
import { EngineInputError } from '../errors';
import { diffusionMap, type DiffusionMapModel } from '../cv/dmap';
import { learnedCvFunction, type ObservationMap } from '../cv/learned-cv';
import { NystromCoordinate } from '../cv/nystrom-gradient';
import { CvRestraint } from '../bias/cv-restraint';
import { CoordinateRecorder, OverdampedSimulation } from '../integrators/overdamped';
import { wham1d } from '../estimators/wham';
import { spearman } from '../stats/rank-correlation';
import { Embedded } from '../systems/embedded';
import type { EmbeddedSpec } from '../systems/specs';
import { binnedConditionalMean, type ObservedSeries } from './conditional';
import { levelSetLaw } from './level-set';
import type { CoordinateFunction } from './observables';

export interface LearnedCvLoopOptions {
  spec: EmbeddedSpec;
  kT: number;
  seed: number;
  unbiased: { walkers: number; steps: number; stride: number; dt: number };
  /** Frames of the unbiased run given to the diffusion map (evenly spaced; <= 800 solves densely). */
  mapFrames: number;
  umbrella: {
    windows: number;
    steps: number;
    walkers: number;
    stride: number;
    dt: number;
    equilibration: number;
    /** Window s.d. in units of the window spacing when the free energy is flat (default 0.6). */
    widthPerSpacing?: number;
  };
  /** Bins of the FES and of the closures along psi_1. */
  bins: number;
  /** Observables of the hidden coordinates for closures (name + function of (x, y)). */
  observables: readonly { name: string; g: (p: Float64Array) => number }[];
}

export interface LearnedCvLoopResult {
  map: { model: DiffusionMapModel; eigenvalues: number[]; epsilon: number; frames: number; orientation: 1 | -1; spearmanX: number };
  /** psi_1 (oriented) as a function of the hidden (x, y). */
  cv: CoordinateFunction;
  /** psi_1 (oriented) of observed points. */
  restrict: (q: Float64Array, n: number) => Float64Array;
  umbrella: { centers: number[]; spring: number; range: [number, number] };
  /** Per window and walker, in time order: psi_1, observed q (n x 3), hidden (x, y) (n x 2). */
  frames: { psi: Float64Array; q: Float64Array; xy: Float64Array }[];
  fes: { centers: number[]; F: (number | null)[]; exact: (number | null)[]; rms: number; rmsRange: [number, number] };
  closures: { name: string; centers: number[]; mean: (number | null)[]; sem: (number | null)[]; count: number[]; exact: (number | null)[]; chi2PerPoint: number; points: number }[];
  /** Window s.d. of psi_1 when F is flat (the scale restriction errors are judged on). */
  windowWidth: number;
  /** Total integration steps (unbiased run + windows, every walker). */
  steps: number;
}

const nullable = (v: number): number | null => (Number.isFinite(v) ? v : null);

export function embeddedObservation(system: Embedded): ObservationMap {
  const xy = new Float64Array(2);
  return {
    dim: 2,
    observedDim: 3,
    observe: (x, offset, q) => {
      xy[0] = x[offset];
      xy[1] = x[offset + 1];
      system.observe(xy, 1, q);
    },
    jacobian: (x, offset, J) => {
      system.observeJacobian(x[offset], J);
    },
  };
}

/** A CV times -1 (so that the learned coordinate increases with the hidden x). */
function oriented(cv: CoordinateFunction, sign: 1 | -1): CoordinateFunction {
  if (sign === 1) return cv;
  return {
    text: cv.text,
    dim: cv.dim,
    value: (x, offset = 0) => -cv.value(x, offset),
    valueAndGradient: (x, offset, grad, gradOffset) => {
      const v = cv.valueAndGradient(x, offset, grad, gradOffset);
      for (let d = 0; d < cv.dim; d++) grad[gradOffset + d] = -grad[gradOffset + d];
      return -v;
    },
  };
}

function quantile(values: Float64Array, q: number): number {
  const s = Float64Array.from(values).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}

export function runLearnedCvLoop(o: LearnedCvLoopOptions): LearnedCvLoopResult {
  if (!(o.kT > 0)) throw new EngineInputError(`kT must be > 0 (got ${o.kT})`);
  if (o.umbrella.windows < 2) throw new EngineInputError('the umbrella along the learned CV needs at least 2 windows');
  const system = new Embedded(o.spec);
  const observation = embeddedObservation(system);

  // 1. Unbiased run; walkers start in both wells.
  const u = o.unbiased;
  const start = new Float64Array(2 * u.walkers);
  for (let w = 0; w < u.walkers; w++) start[2 * w] = w % 2 ? 1 : -1;
  const sim = new OverdampedSimulation({ system, kT: o.kT, dt: u.dt, positions: start, seed: o.seed, streamBase: 0 });
  const rec = new CoordinateRecorder(u.stride, 'all', (2 * u.walkers * u.steps) / u.stride + 16);
  sim.reporters.push(rec);
  sim.run(u.steps);
  const all = rec.values();
  const nAll = all.length / 2;
  if (nAll < o.mapFrames) throw new EngineInputError(`the unbiased run recorded ${nAll} frames, fewer than the ${o.mapFrames} the map needs`);
  const xyMap = new Float64Array(2 * o.mapFrames);
  for (let i = 0; i < o.mapFrames; i++) {
    const r = Math.floor((i * nAll) / o.mapFrames);
    xyMap[2 * i] = all[2 * r];
    xyMap[2 * i + 1] = all[2 * r + 1];
  }

  // 2. psi_1 from the observations only.
  const qMap = system.observe(xyMap, o.mapFrames);
  const dm = diffusionMap(qMap, o.mapFrames, 3, { components: 1, seed: o.seed });
  const psiMap = Float64Array.from({ length: o.mapFrames }, (_, i) => dm.coordinates[i]);
  const xMap = Float64Array.from({ length: o.mapFrames }, (_, i) => xyMap[2 * i]);
  const rho = spearman(psiMap, xMap);
  const sign: 1 | -1 = rho < 0 ? -1 : 1;
  const cv = oriented(learnedCvFunction(dm.model, 1, observation, 'psi1'), sign);
  const nystrom = new NystromCoordinate(dm.model, 1);
  const psiOf = (q: Float64Array, n: number) => Float64Array.from({ length: n }, (_, i) => sign * nystrom.evaluate(q, 3 * i));

  // 3. Umbrella windows along psi_1 over the central 96% of the unbiased frames.
  const oriented1 = Float64Array.from(psiMap, (v) => sign * v);
  const lo = quantile(oriented1, 0.02);
  const hi = quantile(oriented1, 0.98);
  const K = o.umbrella.windows;
  const spacing = (hi - lo) / (K - 1);
  const centers = Array.from({ length: K }, (_, k) => lo + k * spacing);
  const width = (o.umbrella.widthPerSpacing ?? 0.6) * spacing;
  const spring = o.kT / (width * width);
  const frames: LearnedCvLoopResult['frames'] = [];
  const windows: { center: number; spring: number; samples: Float64Array }[] = [];
  const um = o.umbrella;
  centers.forEach((c, k) => {
    // Start every walker of the window from the unbiased frame nearest to its centre.
    let best = 0;
    for (let i = 1; i < o.mapFrames; i++) if (Math.abs(oriented1[i] - c) < Math.abs(oriented1[best] - c)) best = i;
    const pos = new Float64Array(2 * um.walkers);
    for (let w = 0; w < um.walkers; w++) pos.set(xyMap.subarray(2 * best, 2 * best + 2), 2 * w);
    const win = new OverdampedSimulation({ system, kT: o.kT, dt: um.dt, positions: pos, seed: o.seed + 1, streamBase: 64 * (k + 1), generalBias: new CvRestraint(cv, c, spring) });
    win.run(um.equilibration);
    const wrec = new CoordinateRecorder(um.stride, 'all', (2 * um.walkers * um.steps) / um.stride + 16);
    win.reporters.push(wrec);
    win.run(um.steps);
    const v = wrec.values();
    const n = v.length / (2 * um.walkers);
    const pooled = new Float64Array(n * um.walkers);
    for (let w = 0; w < um.walkers; w++) {
      const xy = new Float64Array(2 * n);
      for (let t = 0; t < n; t++) {
        xy[2 * t] = v[2 * (t * um.walkers + w)];
        xy[2 * t + 1] = v[2 * (t * um.walkers + w) + 1];
      }
      const psi = Float64Array.from({ length: n }, (_, t) => cv.value(xy, 2 * t));
      pooled.set(psi, w * n);
      frames.push({ psi, q: system.observe(xy, n), xy });
    }
    windows.push({ center: c, spring, samples: pooled });
  });

  // 4. WHAM along psi_1 vs the exact level-set law.
  const margin = 0.5 * spacing;
  const range: [number, number] = [lo - margin, hi + margin];
  const wham = wham1d(windows, { bins: o.bins, min: range[0], max: range[1], kT: o.kT });
  const binCenters = Array.from(wham.centers);
  const law = levelSetLaw(system, cv, o.kT, binCenters, o.observables.map((ob) => ob.g));
  const F = Array.from(wham.pmf, nullable);
  const exact = Array.from(law.F, nullable);
  // RMS over the bins inside the window centres (the ends are thinly sampled), offset removed.
  const inside = binCenters.map((c, b) => (c >= lo && c <= hi && F[b] !== null && exact[b] !== null ? b : -1)).filter((b) => b >= 0);
  const d = inside.map((b) => F[b]! - exact[b]!);
  const mean = d.reduce((s, v) => s + v, 0) / Math.max(1, d.length);
  const rms = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, d.length));
  const shift = inside.length ? Math.min(...inside.map((b) => F[b]! - mean)) : 0;
  const Fshown = F.map((v) => (v === null ? null : v - mean - shift));
  const exactShown = exact.map((v) => (v === null ? null : v - shift));

  // 5. Closures along psi_1 from the window frames.
  const axis = { bins: o.bins, min: range[0], max: range[1] };
  const closures = o.observables.map((ob, i) => {
    const series: ObservedSeries[] = frames.map((f) => ({ xi: f.psi, value: Float64Array.from({ length: f.psi.length }, (_, t) => ob.g(f.xy.subarray(2 * t, 2 * t + 2))) }));
    const cm = binnedConditionalMean(series, axis);
    const ex = law.conditional[i];
    let s = 0;
    let m = 0;
    for (let b = 0; b < o.bins; b++) {
      const c = cm.centers[b];
      if (c < lo || c > hi || !Number.isFinite(cm.mean[b]) || !(cm.sem[b] > 0) || !Number.isFinite(ex[b])) continue;
      s += ((cm.mean[b] - ex[b]) / cm.sem[b]) ** 2;
      m++;
    }
    return {
      name: ob.name,
      centers: Array.from(cm.centers),
      mean: Array.from(cm.mean, nullable),
      sem: Array.from(cm.sem, nullable),
      count: Array.from(cm.count),
      exact: Array.from(ex, nullable),
      chi2PerPoint: m ? s / m : NaN,
      points: m,
    };
  });

  return {
    map: { model: dm.model, eigenvalues: Array.from(dm.eigenvalues), epsilon: dm.epsilon, frames: o.mapFrames, orientation: sign, spearmanX: Math.abs(rho) },
    cv,
    restrict: psiOf,
    umbrella: { centers, spring, range: [lo, hi] },
    frames,
    windowWidth: width,
    steps: u.walkers * u.steps + K * um.walkers * (um.equilibration + um.steps),
    fes: { centers: binCenters, F: Fshown, exact: exactShown, rms, rmsRange: [lo, hi] },
    closures,
  };
}
