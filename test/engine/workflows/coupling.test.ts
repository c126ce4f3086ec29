/**
 * Closures, mean force / thermodynamic integration and effective dynamics (SCIENCE.md section 9)
 * against exact answers of the fast/slow and double-well systems (section 7).
 */
import { describe, expect, it } from 'vitest';
import { createSystem, fastSlowF } from '../../../src-main/engine/systems';
import { OverdampedSimulation } from '../../../src-main/engine/integrators/overdamped';
import { Rng } from '../../../src-main/engine/random';
import { wham1d } from '../../../src-main/engine/estimators/wham';
import { binnedConditionalMean, meanWithError, type ObservedSeries } from '../../../src-main/engine/workflows/conditional';
import { compileObservable, coordinateFunction, evaluateRows } from '../../../src-main/engine/workflows/observables';
import { coordinateForceSeries, generalizedForceSeries, integrateMeanForce } from '../../../src-main/engine/workflows/mean-force';
import { exactConditionalAt } from '../../../src-main/engine/workflows/exact-closure';
import {
  estimateDriftDiffusion,
  legollLelievreSeries,
  meanFirstPassageTime,
  stationaryFreeEnergy,
} from '../../../src-main/engine/workflows/effective-dynamics';

const spec = { kind: 'fast-slow' as const, a: 2, s: 0.5, epsilon: 0.01, f: 'sin' as const, c: 0.5 };
const fs = createSystem(spec);
const kT = 1;
const U = (x: number) => spec.a * (x * x - 1) ** 2;
const dU = (x: number) => 4 * spec.a * x * (x * x - 1);

/** Umbrella windows on x: per walker, its frames (rows of x, y), starting from exact p(y | x). */
function umbrellaFrames(centers: number[], spring: number, walkers: number, steps: number, stride: number, seed: number) {
  const rng = new Rng(seed, 999);
  const windows: { center: number; rows: Float64Array[] }[] = [];
  centers.forEach((c, k) => {
    const pos = new Float64Array(walkers * 2);
    for (let w = 0; w < walkers; w++) {
      pos[2 * w] = c;
      pos[2 * w + 1] = fastSlowF(spec.f, spec.c, c) + spec.s * Math.sqrt(kT) * rng.normal();
    }
    const sim = new OverdampedSimulation({ system: fs, kT, dt: 2e-4, positions: pos, seed, streamBase: k * walkers, bias: { cvIndex: 0, center: c, spring } });
    sim.run(500); // equilibrate x in the window
    const rows = Array.from({ length: walkers }, () => new Float64Array((steps / stride) * 2));
    for (let t = 0; t < steps / stride; t++) {
      sim.run(stride);
      for (let w = 0; w < walkers; w++) rows[w].set(sim.positions.subarray(2 * w, 2 * w + 2), 2 * t);
    }
    windows.push({ center: c, rows });
  });
  return windows;
}

const centers = Array.from({ length: 13 }, (_, i) => -1.5 + 0.25 * i);
const spring = 40;
const windows = umbrellaFrames(centers, spring, 8, 20_000, 20, 11);
const axis = { bins: 15, min: -1.5, max: 1.5 };
const xOf = (rows: Float64Array) => Float64Array.from({ length: rows.length / 2 }, (_, i) => rows[2 * i]);

describe('closures E[f | x] on the fast/slow system', () => {
  it('binned, decorrelated simulation closures match the exact E[f | x = centre] within their errors', () => {
    const y = compileObservable('y', fs.coordinateNames);
    const y2 = compileObservable('y^2 - kT*0', fs.coordinateNames, { kT });
    for (const obs of [y, y2]) {
      const series: ObservedSeries[] = windows.flatMap((w) => w.rows.map((r) => ({ xi: xOf(r), value: evaluateRows(obs, r) })));
      const r = binnedConditionalMean(series, axis);
      expect(r.inefficiency).toBeGreaterThan(1); // the frames were correlated and got thinned
      const exact = Array.from(r.centers, (c) => exactConditionalAt(fs, 0, kT, c, (p) => obs.value(p)));
      const z = Array.from(r.mean, (m, b) => (m - exact[b]) / r.sem[b]);
      // Every bin within 4 standard errors, and the errors honest: mean z^2 near 1 (chi^2/15
      // lies in [0.3, 2.2] with probability > 0.99) -- too small errors fail as well as bias.
      for (const zb of z) expect(Math.abs(zb)).toBeLessThan(4);
      const chi2 = z.reduce((s, v) => s + v * v, 0) / z.length;
      expect(chi2).toBeGreaterThan(0.3);
      expect(chi2).toBeLessThan(2.2);
    }
  });

  it('a bin gives E[f | xi = centre], whatever the distribution of xi inside the bin (a bias)', () => {
    // xi piled up at one side of every bin (as a window's bias would), f = sin(3 xi) exactly:
    // a plain bin average is off by ~f' w/4 = 0.2; the quadratic fit leaves O(w^3) ~ 1e-3.
    const rng = new Rng(5, 1);
    const xi = Float64Array.from({ length: 20_000 }, () => {
      const b = Math.floor(rng.uniform() * 10);
      return -1 + 0.2 * b + 0.2 * Math.sqrt(rng.uniform());
    });
    const r = binnedConditionalMean([{ xi, value: xi.map((v) => Math.sin(3 * v)) }], { bins: 10, min: -1, max: 1 }, { independent: true });
    r.centers.forEach((c, b) => expect(Math.abs(r.mean[b] - Math.sin(3 * c))).toBeLessThan(2e-3));
  });

  it('closures from (exact) lifted samples: mean +- sem covers f(x*) and f(x*)^2 + s^2 kT', () => {
    const rng = new Rng(3, 0);
    const y2 = compileObservable('y^2', fs.coordinateNames);
    let chi2 = 0;
    const grid = [-1.2, -0.6, -0.1, 0.35, 0.8, 1.3];
    for (const x of grid) {
      const rows = new Float64Array(2000 * 2);
      for (let i = 0; i < 2000; i++) {
        rows[2 * i] = x;
        rows[2 * i + 1] = fastSlowF(spec.f, spec.c, x) + spec.s * rng.normal();
      }
      const m = meanWithError(evaluateRows(y2, rows));
      const exact = fastSlowF(spec.f, spec.c, x) ** 2 + spec.s ** 2 * kT;
      chi2 += ((m.mean - exact) / m.sem) ** 2 / grid.length;
    }
    expect(chi2).toBeLessThan(3);
    expect(chi2).toBeGreaterThan(0.1);
  });
});

describe('mean force and thermodynamic integration', () => {
  it('pooled umbrella windows: E[dV/dx | x] integrates to F within 0.1 kT RMS of exact, agreeing with WHAM', () => {
    const series: ObservedSeries[] = windows.flatMap((w) => w.rows.map((r) => ({ xi: xOf(r), value: coordinateForceSeries(fs, r, 0) })));
    const mf = binnedConditionalMean(series, axis);
    const ti = integrateMeanForce(mf.centers, mf.mean, mf.sem);
    // Reference: the exact mean force U'(x) at the bin centres, trapezoid-integrated like the
    // estimate, so only sampling error remains.
    const exactMf = Float64Array.from(mf.centers, dU);
    const exactTi = integrateMeanForce(mf.centers, exactMf, new Float64Array(axis.bins));
    const rms = (a: Float64Array, b: Float64Array) => {
      const ma = a.reduce((s, v) => s + v, 0) / a.length;
      const mb = b.reduce((s, v) => s + v, 0) / b.length;
      return Math.sqrt(a.reduce((s, v, i) => s + (v - ma - (b[i] - mb)) ** 2, 0) / a.length);
    };
    expect(rms(ti.F, exactTi.F)).toBeLessThan(0.1);
    // ... and against U(x) itself (the trapezoid/bin discretisation adds < 0.05 kT here).
    expect(rms(ti.F, Float64Array.from(mf.centers, U))).toBeLessThan(0.1);
    const wham = wham1d(
      windows.map((w) => ({ center: w.center, spring, samples: Float64Array.from(w.rows.flatMap((r) => Array.from(xOf(r)))) })),
      { ...axis, kT },
    );
    // Two estimates, each within 0.1 kT of exact, from the same data: agree within 0.15 kT.
    expect(rms(ti.F, wham.pmf)).toBeLessThan(0.15);
    expect(rms(wham.pmf, Float64Array.from(mf.centers, U))).toBeLessThan(0.1);
    // The error bar grows along the integration and is of the size of the actual error.
    expect(ti.dF[axis.bins - 1]).toBeGreaterThan(ti.dF[1]);
    expect(ti.dF[axis.bins - 1]).toBeLessThan(0.3);
  });

  it('generalised force with the Jacobian term equals dF_xi/dz exactly for a nonlinear CV', () => {
    const dw = createSystem({ kind: 'double-well', a: 2 });
    const cv = compileObservable('x + x^3/3', dw.coordinateNames);
    const xs = Float64Array.from({ length: 21 }, (_, i) => -1.6 + 0.16 * i);
    const f = generalizedForceSeries(dw, cv, xs, 0.7);
    // F_xi(z) = V(x) + kT ln xi'(x) at z = xi(x), so dF/dz = (V' + kT xi''/xi') / xi'.
    xs.forEach((x, i) => {
      const d1 = 1 + x * x;
      const exact = (dU(x) + 0.7 * (2 * x) / d1) / d1;
      expect(f[i]).toBeCloseTo(exact, 6);
    });
    // A coordinate CV has no Jacobian term: both estimators agree to rounding.
    const rows = windows[3].rows[0];
    const a = generalizedForceSeries(fs, coordinateFunction(0, fs.coordinateNames), rows, kT);
    const b = coordinateForceSeries(fs, rows, 0);
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 9));
  });
});

describe('effective dynamics (lift-run-restrict and the conditional-expectation closure)', () => {
  const grid = Array.from({ length: 13 }, (_, i) => -1.5 + 0.25 * i);
  // Burst times from below the fast relaxation time (epsilon s^2 = 2.5e-3) to where the drift
  // visibly changes (|U''| t ~ 0.1 at the ends); M bursts put the drift noise sqrt(2 kT/(M t))
  // at 0.25-0.7, below the 1.5 tolerance.
  const times = [2e-4, 4e-4, 8e-4, 1.6e-3, 3.2e-3];
  const M = 20_000;
  const rng = new Rng(21, 0);
  const lifted = grid.map((x) => {
    const rows = new Float64Array(M * 2);
    for (let m = 0; m < M; m++) {
      rows[2 * m] = x;
      rows[2 * m + 1] = fastSlowF(spec.f, spec.c, x) + spec.s * Math.sqrt(kT) * rng.normal();
    }
    return rows;
  });
  const estimates = grid.map((x, k) => {
    const sim = new OverdampedSimulation({ system: fs, kT, dt: 5e-5, positions: lifted[k], seed: 5, streamBase: k * M });
    const increments: Float64Array[] = [];
    let step = 0;
    for (const t of times) {
      const target = Math.round(t / 5e-5);
      sim.run(target - step);
      step = target;
      increments.push(Float64Array.from({ length: M }, (_, m) => sim.positions[2 * m] - x));
    }
    return estimateDriftDiffusion({ times, increments });
  });

  it('bursts: a -> -U\'(x) within 10% of max|U\'| and D -> kT within 10%', () => {
    const maxDU = Math.max(...grid.map((x) => Math.abs(dU(x))));
    estimates.forEach((e, k) => {
      expect(Math.abs(e.drift + dU(grid[k]))).toBeLessThan(0.1 * maxDU);
      expect(Math.abs(e.diffusion - kT)).toBeLessThan(0.1 * kT);
      expect(e.plateau[1]).toBeGreaterThanOrEqual(e.plateau[0]);
    });
  });

  it('the stationary density of the reduced SDE gives F within 0.2 kT of the exact profile', () => {
    const Feff = stationaryFreeEnergy(grid, estimates.map((e) => e.drift), estimates.map((e) => e.diffusion), kT);
    const exact = grid.map(U);
    const shift = (Feff.reduce((s, v) => s + v, 0) - exact.reduce((s, v) => s + v, 0)) / grid.length;
    const rms = Math.sqrt(grid.reduce((s, _, i) => s + (Feff[i] - shift - exact[i]) ** 2, 0) / grid.length);
    expect(rms).toBeLessThan(0.2);
  });

  it('Legoll-Lelievre closure from lifted samples agrees with the burst estimates', () => {
    const cv = coordinateFunction(0, fs.coordinateNames);
    grid.forEach((x, k) => {
      const ll = legollLelievreSeries(fs, cv, lifted[k].subarray(0, 8000), kT);
      const b = meanWithError(ll.drift);
      const s2 = meanWithError(ll.sigma2);
      expect(s2.mean).toBe(1); // mobility 1 along x: |grad x|^2 = 1 exactly
      const e = estimates[k];
      expect(Math.abs(b.mean - e.drift)).toBeLessThan(4 * Math.hypot(b.sem, e.driftSem) + 0.02 * 15);
      expect(Math.abs(b.mean + dU(x))).toBeLessThan(4 * b.sem + 1e-9);
    });
  });

  it('mean first-passage time of the reduced SDE matches direct simulation of the double well', () => {
    const dwGrid = Array.from({ length: 61 }, (_, i) => -2.5 + (3.5 * i) / 60);
    const a = 1;
    const T = meanFirstPassageTime(dwGrid, dwGrid.map((x) => -4 * a * x * (x * x - 1)), dwGrid.map(() => kT), -1, 0.8);
    const dw = createSystem({ kind: 'double-well', a });
    const n = 400;
    const sim = new OverdampedSimulation({ system: dw, kT, dt: 1e-3, positions: new Float64Array(n).fill(-1), seed: 9, streamBase: 0 });
    const hit = new Float64Array(n).fill(NaN);
    for (let step = 1; step <= 60_000 && hit.some(Number.isNaN); step++) {
      sim.run(1);
      for (let w = 0; w < n; w++) if (Number.isNaN(hit[w]) && sim.positions[w] >= 0.8) hit[w] = step * 1e-3;
    }
    const m = meanWithError(hit.filter(Number.isFinite));
    expect(m.n).toBe(n);
    // First-passage times are roughly exponential: sem ~ T / sqrt(n) = 5%; Euler-Maruyama at
    // dt = 1e-3 adds well under that.
    expect(Math.abs(m.mean - T)).toBeLessThan(4 * m.sem);
  });
});
