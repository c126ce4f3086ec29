/**
 * The study's numerical stages over data already loaded (simulated frames, lifted samples):
 * closures with errors, mean force + thermodynamic integration, consistency summary and the
 * effective dynamics. Pure functions of their inputs (the pipeline caches their outputs).
 */
import type { ToySystem } from '../engine/systems/types';
import { binnedConditionalMean, meanWithError, type ObservedSeries } from '../engine/workflows/conditional';
import { compileObservable, coordinateFunction, evaluateRows, type CoordinateFunction } from '../engine/workflows/observables';
import { canIntegrateMeanForce, coordinateForceSeries, integrateMeanForce } from '../engine/workflows/mean-force';
import { exactConditionalAt } from '../engine/workflows/exact-closure';
import { estimateDriftDiffusion, incrementsFromRecord, legollLelievreSeries, meanFirstPassageTime, stationaryFreeEnergy } from '../engine/workflows/effective-dynamics';
import { runBursts } from '../engine/workflows/bursts';
import { OverdampedSimulation } from '../engine/integrators/overdamped';
import type { GridAxis } from '../engine/estimators/histogram';

const nullable = (v: number): number | null => (Number.isFinite(v) ? v : null);
const list = (a: ArrayLike<number>): (number | null)[] => Array.from(a, nullable);

/** Frames of one study: one row block (samples x dim) per walker trajectory, in time order. */
export type Trajectories = Float64Array[];

export interface ClosureReport {
  name: string;
  expr: string;
  cv: string;
  simulated: { centers: number[]; mean: (number | null)[]; sem: (number | null)[]; count: number[]; exact: (number | null)[] | null };
  generated: { conditions: number[]; mean: number[]; sem: number[]; exact: (number | null)[] | null } | null;
  /** Exact E[f | xi] at the conditions of `generated` (or null where the system has no exact answer). */
  exact: (number | null)[] | null;
  /** sum ((generated - exact)/sem)^2 / n and the same for the simulated bins: ~1 when consistent. */
  chi2PerPoint: { simulated: number | null; generated: number | null };
}

export interface ExactInfo {
  /** The system has closed-form / quadrature answers (1D and 2D toys). */
  available: boolean;
}

function chi2(mean: ArrayLike<number>, sem: ArrayLike<number>, exact: ArrayLike<number | null> | null): number | null {
  if (!exact) return null;
  let s = 0;
  let n = 0;
  for (let i = 0; i < mean.length; i++) {
    const e = exact[i];
    if (e === null || !Number.isFinite(mean[i]) || !(sem[i] > 0)) continue;
    s += ((mean[i] - e) / sem[i]) ** 2;
    n++;
  }
  return n ? s / n : null;
}

export function closureReports(
  system: ToySystem,
  cvIndex: number,
  kT: number,
  trajectories: Trajectories,
  axis: GridAxis,
  observables: readonly { name: string; expr: string }[],
  lifted: { conditions: number[]; rows: Float64Array[] } | null,
): ClosureReport[] {
  const dim = system.dim;
  const names = system.coordinateNames;
  const exactOk = dim <= 2;
  const cvOf = (rows: Float64Array) => Float64Array.from({ length: rows.length / dim }, (_, i) => rows[i * dim + cvIndex]);
  const xi = trajectories.map(cvOf);
  return observables.map(({ name, expr }) => {
    const f = compileObservable(expr, names, { kT });
    const series: ObservedSeries[] = trajectories.map((rows, w) => ({ xi: xi[w], value: evaluateRows(f, rows) }));
    const sim = binnedConditionalMean(series, axis);
    const simExact = exactOk ? Array.from(sim.centers, (c) => nullable(exactConditionalAt(system, cvIndex, kT, c, (p) => f.value(p)))) : null;
    let generated: ClosureReport['generated'] = null;
    let exact: (number | null)[] | null = null;
    if (lifted) {
      const stats = lifted.rows.map((rows) => meanWithError(evaluateRows(f, rows)));
      exact = exactOk ? lifted.conditions.map((z) => nullable(exactConditionalAt(system, cvIndex, kT, z, (p) => f.value(p)))) : null;
      generated = { conditions: lifted.conditions, mean: stats.map((s) => s.mean), sem: stats.map((s) => s.sem), exact };
    }
    return {
      name,
      expr,
      cv: names[cvIndex],
      simulated: { centers: Array.from(sim.centers), mean: list(sim.mean), sem: list(sim.sem), count: Array.from(sim.count), exact: simExact },
      generated,
      exact,
      chi2PerPoint: {
        simulated: chi2(sim.mean, sim.sem, simExact),
        generated: generated ? chi2(generated.mean, generated.sem, exact) : null,
      },
    };
  });
}

export interface MeanForceReport {
  cv: string;
  centers: number[];
  value: (number | null)[];
  sem: (number | null)[];
  /** Thermodynamic integration of `value`, 0 at its minimum, and its error. */
  F: (number | null)[];
  dF: (number | null)[];
  /** The exact F on the same centres (min 0), when the system has one. */
  exactF: (number | null)[] | null;
  /** RMS (after removing the mean offset) of TI against the sampled FES (WHAM/MBAR) and the exact F. */
  rmsVsFes: number | null;
  rmsVsExact: number | null;
  /** Why F is missing (thin data: fewer than two neighbouring bins with a mean force), with advice; absent when F was integrated. */
  warning?: string;
}

export const THIN_MEAN_FORCE_WARNING = 'mean force / thermodynamic integration not available: too few bins with data (fewer than two neighbouring bins have a mean force); run more steps, or use fewer, wider bins';

/**
 * TI of a binned mean force, or all-null with a warning when the data are too thin to integrate
 * (a short run fills few bins): the study reports that and goes on rather than failing.
 */
export function integrateOrWarn(centers: Float64Array, mean: Float64Array, sem: Float64Array): { F: (number | null)[]; dF: (number | null)[]; warning?: string } {
  if (!canIntegrateMeanForce(mean)) return { F: Array.from(centers, () => null), dF: Array.from(centers, () => null), warning: THIN_MEAN_FORCE_WARNING };
  const ti = integrateMeanForce(centers, mean, sem);
  return { F: list(ti.F), dF: list(ti.dF) };
}

/** RMS difference of two profiles over points where both are defined, mean offset removed. */
export function offsetRms(a: ArrayLike<number | null>, b: ArrayLike<number | null>): number | null {
  const d: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== null && y !== null && Number.isFinite(x) && Number.isFinite(y)) d.push(x - y);
  }
  if (d.length < 2) return null;
  const m = d.reduce((s, v) => s + v, 0) / d.length;
  return Math.sqrt(d.reduce((s, v) => s + (v - m) ** 2, 0) / d.length);
}

/** Linear interpolation of a profile known at `xs` (nulls skipped) onto `at`. */
export function interpolate(xs: readonly number[], ys: readonly (number | null)[], at: readonly number[]): (number | null)[] {
  const pts = xs.map((x, i) => [x, ys[i]] as const).filter((p): p is readonly [number, number] => p[1] !== null && Number.isFinite(p[1]));
  return at.map((z) => {
    if (pts.length < 2 || z < pts[0][0] || z > pts[pts.length - 1][0]) return null;
    let k = 0;
    while (k < pts.length - 2 && pts[k + 1][0] < z) k++;
    const [x0, y0] = pts[k];
    const [x1, y1] = pts[k + 1];
    return y0 + ((z - x0) / (x1 - x0)) * (y1 - y0);
  });
}

export function meanForceReport(
  system: ToySystem,
  cvIndex: number,
  kT: number,
  trajectories: Trajectories,
  axis: GridAxis,
  fes: { centers: number[]; F: (number | null)[] },
  exactProfile: ((z: number) => number) | null,
): MeanForceReport {
  const dim = system.dim;
  const series: ObservedSeries[] = trajectories.map((rows) => ({
    xi: Float64Array.from({ length: rows.length / dim }, (_, i) => rows[i * dim + cvIndex]),
    value: coordinateForceSeries(system, rows, cvIndex),
  }));
  const mf = binnedConditionalMean(series, axis);
  const ti = integrateOrWarn(mf.centers, mf.mean, mf.sem);
  const centers = Array.from(mf.centers);
  const F = ti.F;
  let exactF: (number | null)[] | null = null;
  if (exactProfile) {
    const e = centers.map(exactProfile);
    const min = Math.min(...e);
    exactF = e.map((v) => v - min);
  }
  return {
    cv: system.coordinateNames[cvIndex],
    centers,
    value: list(mf.mean),
    sem: list(mf.sem),
    F,
    dF: ti.dF,
    exactF,
    rmsVsFes: offsetRms(F, interpolate(fes.centers, fes.F, centers)),
    rmsVsExact: exactF ? offsetRms(F, exactF) : null,
    ...(ti.warning ? { warning: ti.warning } : {}),
  };
}

export interface DynamicsInput {
  system: ToySystem;
  cvIndex: number;
  kT: number;
  grid: number[];
  /** Lifted configurations (bursts x dim) per grid point. */
  starts: Float64Array[];
  dt: number;
  times: number[];
  seed: number;
  fes: { centers: number[]; F: (number | null)[] };
  /** Simulated frames for the Legoll-Lelievre closure from simulation. */
  trajectories: Trajectories;
  mfpt?: { from: number; to: number; walkers: number; maxSteps: number };
  isCancelled?: () => boolean;
  onProgress?: (fraction: number) => void;
}

export interface EffectiveDynamicsReport {
  cv: string;
  grid: number[];
  drift: number[];
  driftSem: number[];
  diffusion: number[];
  diffusionSem: number[];
  burstTime: number[];
  /** Per grid point: a(t), D(t) at every restriction time and the plateau chosen. */
  curves: { time: number[]; drift: number[]; diffusion: number[]; plateau: [number, number] }[];
  /** Legoll-Lelievre b(z), kT sigma^2(z) from the lifted starts and from binned simulated frames. */
  conditional: {
    lifted: { drift: number[]; driftSem: number[]; diffusion: number[]; diffusionSem: number[] };
    simulated: { drift: (number | null)[]; driftSem: (number | null)[]; diffusion: (number | null)[] };
  };
  /** -kT ln p_eff on the grid (min 0), the sampled F there, and their RMS (offset removed). */
  Feff: number[];
  Fsampled: (number | null)[];
  FeffRms: number | null;
  /** Exact answers on the fast/slow system as epsilon -> 0: a = -U'(x), D = kT (null elsewhere). */
  exact: { drift: number[]; diffusion: number[] } | null;
  mfpt: { from: number; to: number; reduced: number; direct: { mean: number; sem: number; arrived: number; walkers: number } } | null;
}

export function effectiveDynamics(input: DynamicsInput, exactDrift: ((z: number) => number) | null): EffectiveDynamicsReport {
  const { system, cvIndex, kT, grid, starts, dt, times } = input;
  const dim = system.dim;
  const recordSteps = times.map((t) => Math.max(1, Math.round(t / dt)));
  const cv: CoordinateFunction = coordinateFunction(cvIndex, system.coordinateNames);
  const observables = [{ name: system.coordinateNames[cvIndex], value: (x: Float64Array, off: number) => x[off + cvIndex] }];
  const est = grid.map((z, k) => {
    const record = runBursts({ system, kT, dt, starts: starts[k], recordSteps, seed: input.seed, streamBase: k * (starts[k].length / dim), observables, isCancelled: input.isCancelled });
    input.onProgress?.((k + 1) / (grid.length + (input.mfpt ? 1 : 0)));
    return estimateDriftDiffusion(incrementsFromRecord(record, 0, z));
  });
  const drift = est.map((e) => e.drift);
  const diffusion = est.map((e) => e.diffusion);
  const liftedLL = starts.map((rows) => {
    const ll = legollLelievreSeries(system, cv, rows, kT);
    const b = meanWithError(ll.drift);
    const s = meanWithError(ll.sigma2);
    return { b, d: { mean: kT * s.mean, sem: kT * s.sem } };
  });
  // Simulated frames, binned on cells centred on the grid points.
  const h = grid.length > 1 ? grid[1] - grid[0] : 1;
  const axis = { bins: grid.length, min: grid[0] - h / 2, max: grid[grid.length - 1] + h / 2 };
  const simSeries = input.trajectories.map((rows) => {
    const ll = legollLelievreSeries(system, cv, rows, kT);
    return { xi: Float64Array.from({ length: rows.length / dim }, (_, i) => rows[i * dim + cvIndex]), b: ll.drift, s: ll.sigma2 };
  });
  const simB = binnedConditionalMean(simSeries.map((s) => ({ xi: s.xi, value: s.b })), axis);
  const simS = binnedConditionalMean(simSeries.map((s) => ({ xi: s.xi, value: s.s })), axis);
  const Feff = Array.from(stationaryFreeEnergy(grid, drift, diffusion.map((d) => Math.max(d, 1e-12)), kT));
  const Fsampled = interpolate(input.fes.centers, input.fes.F, grid);
  let mfpt: EffectiveDynamicsReport['mfpt'] = null;
  if (input.mfpt) {
    const { from, to, walkers, maxSteps } = input.mfpt;
    const reduced = meanFirstPassageTime(grid, drift, diffusion, from, to);
    const direct = directFirstPassage(system, cvIndex, kT, dt, from, to, walkers, maxSteps, input.seed + 7, input.isCancelled);
    mfpt = { from, to, reduced, direct };
    input.onProgress?.(1);
  }
  return {
    cv: system.coordinateNames[cvIndex],
    grid,
    drift,
    driftSem: est.map((e) => e.driftSem),
    diffusion,
    diffusionSem: est.map((e) => e.diffusionSem),
    burstTime: est.map((e) => e.time),
    curves: est.map((e) => ({ time: e.curve.map((c) => c.time), drift: e.curve.map((c) => c.drift), diffusion: e.curve.map((c) => c.diffusion), plateau: e.plateau })),
    conditional: {
      lifted: { drift: liftedLL.map((l) => l.b.mean), driftSem: liftedLL.map((l) => l.b.sem), diffusion: liftedLL.map((l) => l.d.mean), diffusionSem: liftedLL.map((l) => l.d.sem) },
      simulated: { drift: list(simB.mean), driftSem: list(simB.sem), diffusion: Array.from(simS.mean, (v) => nullable(kT * v)) },
    },
    Feff,
    Fsampled,
    FeffRms: offsetRms(Feff, Fsampled),
    exact: exactDrift ? { drift: grid.map(exactDrift), diffusion: grid.map(() => kT * system.mobility[cvIndex]) } : null,
    mfpt,
  };
}

/**
 * Mean first-passage time of the full system from xi = from to xi = to by unbiased simulation:
 * walkers start at `from` with the other coordinates relaxed for 1000 steps under a stiff
 * restraint on the CV, then run until they cross `to` (or maxSteps).
 */
export function directFirstPassage(
  system: ToySystem, cvIndex: number, kT: number, dt: number, from: number, to: number, walkers: number, maxSteps: number, seed: number,
  isCancelled?: () => boolean,
): { mean: number; sem: number; arrived: number; walkers: number } {
  const dim = system.dim;
  const pos = new Float64Array(walkers * dim);
  const mid = system.domain.map(([lo, hi]) => (lo + hi) / 2);
  for (let w = 0; w < walkers; w++) for (let d = 0; d < dim; d++) pos[w * dim + d] = d === cvIndex ? from : mid[d];
  const prep = new OverdampedSimulation({ system, kT, dt, positions: pos, seed, streamBase: 0, bias: { cvIndex, center: from, spring: 1000 * kT } });
  prep.run(1000);
  const sim = new OverdampedSimulation({ system, kT, dt, positions: prep.positions.map((v, i) => (i % dim === cvIndex ? from : v)), seed, streamBase: walkers });
  const hit = new Float64Array(walkers).fill(NaN);
  let remaining = walkers;
  const up = to > from;
  // Crossings are checked every `every` steps: the passage time is then late by < every * dt,
  // which the reported value corrects by half of it (and which is far below its sem here).
  const every = 10;
  for (let step = every; step <= maxSteps && remaining > 0; step += every) {
    sim.run(every);
    for (let w = 0; w < walkers; w++) {
      if (!Number.isNaN(hit[w])) continue;
      const v = sim.positions[w * dim + cvIndex];
      if (up ? v >= to : v <= to) {
        hit[w] = (step - every / 2) * dt;
        remaining--;
      }
    }
    if (step % 10_000 === 0 && isCancelled?.()) break;
  }
  const m = meanWithError(hit.filter(Number.isFinite));
  return { mean: m.mean, sem: m.sem, arrived: m.n, walkers };
}
