import { describe, expect, it } from 'vitest';
import { burstColumn, burstMoments, BurstsCancelledError, runBursts } from '../../src-main/engine/workflows/bursts';
import { createSystem } from '../../src-main/engine/systems';
import type { ToySystem } from '../../src-main/engine/systems/types';

/** V = 0.5 k1 x^2 + 0.5 k2 y^2 with mobilities (m1, m2): two independent Ornstein-Uhlenbeck coordinates. */
function harmonic(k: [number, number], mobility: [number, number] = [1, 1]): ToySystem {
  return {
    spec: { kind: 'double-well', a: 1 }, // unused by the integrators
    dim: 2,
    coordinateNames: ['x', 'y'],
    mobility: Float64Array.from(mobility),
    domain: [
      [-5, 5],
      [-5, 5],
    ],
    energy: (x, o = 0) => 0.5 * k[0] * x[o] ** 2 + 0.5 * k[1] * x[o + 1] ** 2,
    force(x, o, out, oo) {
      out[oo] = -k[0] * x[o];
      out[oo + 1] = -k[1] * x[o + 1];
      return 0.5 * k[0] * x[o] ** 2 + 0.5 * k[1] * x[o + 1] ** 2;
    },
  };
}

function repeat(point: number[], n: number): Float64Array {
  const out = new Float64Array(n * point.length);
  for (let b = 0; b < n; b++) out.set(point, b * point.length);
  return out;
}

// Tolerances: every comparison below is a z-score against the finite-sample standard error of
// independent bursts; |z| < 4.5 fails by chance with probability < 1e-5 per comparison, while the
// deliberately wrong laws checked at the end of each test sit tens of standard errors away.
const Z = 4.5;

describe('runBursts (overdamped)', () => {
  const kT = 0.7;
  const k: [number, number] = [2, 30];
  const mob: [number, number] = [1, 4];
  const dt = 2e-3;
  const n = 4000;
  const x0 = [1.5, -0.8];
  const steps = [0, 5, 25, 100, 400];
  const rec = runBursts({ system: harmonic(k, mob), kT, dt, starts: repeat(x0, n), recordSteps: steps, seed: 11 });
  const mom = burstMoments(rec);

  // Euler-Maruyama on an OU process is itself an exact AR(1): x_{j+1} = r x_j + sqrt(2 kT m dt) N(0,1),
  // r = 1 - m k dt, so mean x0 r^j and variance 2 kT m dt (1 - r^(2j)) / (1 - r^2), no dt bias.
  const discrete = (d: number, j: number) => {
    const r = 1 - mob[d] * k[d] * dt;
    return { mean: x0[d] * r ** j, variance: (2 * kT * mob[d] * dt * (1 - r ** (2 * j))) / (1 - r * r) };
  };

  it('records flat typed arrays in the documented layout', () => {
    expect(rec.values).toBeInstanceOf(Float64Array);
    expect(rec.values.length).toBe(steps.length * 2 * n);
    expect(rec.names).toEqual(['x', 'y']);
    expect(Array.from(rec.times)).toEqual(steps.map((s) => s * dt));
    expect(Array.from(burstColumn(rec, 0, 1).subarray(0, 3))).toEqual([x0[1], x0[1], x0[1]]);
  });

  it('follows the exact mean and variance of the discretised Ornstein-Uhlenbeck process', () => {
    for (let t = 1; t < steps.length; t++) {
      for (let d = 0; d < 2; d++) {
        const i = t * 2 + d;
        const exact = discrete(d, steps[t]);
        const sd = Math.sqrt(exact.variance);
        expect(Math.abs(mom.mean[i] - exact.mean) / (sd / Math.sqrt(n)), `mean t=${steps[t]} d=${d}`).toBeLessThan(Z);
        // Gaussian: s.e. of the sample variance is sigma^2 sqrt(2 / (n - 1)).
        expect(Math.abs(mom.variance[i] - exact.variance) / (exact.variance * Math.sqrt(2 / (n - 1))), `var t=${steps[t]} d=${d}`).toBeLessThan(Z);
        // The estimated errors agree with the Gaussian ones within 10% (4000 bursts).
        expect(mom.varianceError[i] / (exact.variance * Math.sqrt(2 / (n - 1)))).toBeCloseTo(1, 0);
      }
    }
  });

  it('is close to the continuous OU law at small dt, and a wrong mobility is detected', () => {
    const t = steps.length - 1;
    const time = rec.times[t];
    // x has m k dt = 0.004: Euler-Maruyama's stationary variance kT / (k (1 - m k dt / 2)) is 0.2%
    // above the continuous one, well inside the 4.5 s.e. (10%) allowed. (For y, m k dt = 0.24 and
    // the same factor is 14%: that is why the test above compares with the discrete law.)
    const a = mob[0] * k[0];
    const mean = x0[0] * Math.exp(-a * time);
    const variance = (kT / k[0]) * (1 - Math.exp(-2 * a * time));
    expect(Math.abs(mom.mean[t * 2] - mean) / Math.sqrt(variance / n)).toBeLessThan(Z);
    expect(Math.abs(mom.variance[t * 2] - variance) / (variance * Math.sqrt(2 / (n - 1)))).toBeLessThan(Z);
    // A law with the mobility of y taken as 1 instead of 4 is far outside the noise.
    const wrongVar = (kT / k[1]) * (1 - Math.exp(-2 * k[1] * rec.times[1]));
    const exact = discrete(1, steps[1]).variance;
    expect(Math.abs(mom.variance[1 * 2 + 1] - wrongVar) / (exact * Math.sqrt(2 / (n - 1)))).toBeGreaterThan(20);
  });

  it('gives each burst its own stream: chunking and subsets reproduce the same bits', () => {
    const small = { system: harmonic(k, mob), kT, dt, recordSteps: [3, 17], seed: 5 };
    const starts = repeat(x0, 50);
    const whole = runBursts({ ...small, starts });
    const chunked = runBursts({ ...small, starts, chunk: 7 });
    expect(chunked.values).toEqual(whole.values);
    const part = runBursts({ ...small, starts: starts.subarray(20, 40), streamBase: 10 });
    for (let t = 0; t < 2; t++) {
      for (let d = 0; d < 2; d++) expect(burstColumn(part, t, d)).toEqual(burstColumn(whole, t, d).subarray(10, 20));
    }
    const other = runBursts({ ...small, starts, seed: 6 });
    expect(other.values).not.toEqual(whole.values);
  });

  it('records custom observables (a CV that is not a coordinate)', () => {
    const r = runBursts({
      system: harmonic(k, mob),
      kT,
      dt,
      starts: repeat(x0, 10),
      recordSteps: [0, 4],
      seed: 3,
      observables: [{ name: 'r2', value: (x, o) => x[o] ** 2 + x[o + 1] ** 2 }],
    });
    expect(r.names).toEqual(['r2']);
    expect(burstColumn(r, 0, 0)[0]).toBeCloseTo(x0[0] ** 2 + x0[1] ** 2, 12);
    const coords = runBursts({ system: harmonic(k, mob), kT, dt, starts: repeat(x0, 10), recordSteps: [0, 4], seed: 3 });
    expect(burstColumn(r, 1, 0)[4]).toBeCloseTo(burstColumn(coords, 1, 0)[4] ** 2 + burstColumn(coords, 1, 1)[4] ** 2, 12);
  });
});

describe('runBursts (BAOAB)', () => {
  // The mean and covariance of (x, v) under BAOAB on a harmonic force are propagated exactly by
  // the same linear maps without noise, plus (1 - c^2) kT / m added to Var(v) at each O step.
  function baoabLaw(kk: number, m: number, gamma: number, kT: number, dt: number, x0: number, v0: number, var0v: number, nSteps: number) {
    let mu = [x0, v0];
    let C = [
      [0, 0],
      [0, var0v],
    ];
    const h = dt / 2;
    const c = Math.exp(-gamma * dt);
    const apply = (M: number[][]) => {
      mu = [M[0][0] * mu[0] + M[0][1] * mu[1], M[1][0] * mu[0] + M[1][1] * mu[1]];
      const MC = [0, 1].map((i) => [0, 1].map((j) => M[i][0] * C[0][j] + M[i][1] * C[1][j]));
      C = [0, 1].map((i) => [0, 1].map((j) => MC[i][0] * M[j][0] + MC[i][1] * M[j][1]));
    };
    const B = [
      [1, 0],
      [(-h * kk) / m, 1],
    ];
    const A = [
      [1, h],
      [0, 1],
    ];
    const O = [
      [1, 0],
      [0, c],
    ];
    for (let s = 0; s < nSteps; s++) {
      apply(B);
      apply(A);
      apply(O);
      C[1][1] += ((1 - c * c) * kT) / m;
      apply(A);
      apply(B);
    }
    return { mean: mu[0], variance: C[0][0] };
  }

  const kT = 1.3;
  const k: [number, number] = [4, 9];
  const dt = 0.02;
  const gamma = 1.5;
  const mass = [1, 2];
  const n = 4000;
  const x0 = [1, -1];
  const steps = [10, 40, 160];

  it('follows the exact BAOAB mean and variance, with Maxwell-Boltzmann start velocities', () => {
    const rec = runBursts({
      system: harmonic(k),
      kT,
      dt,
      starts: repeat(x0, n),
      recordSteps: steps,
      seed: 21,
      integrator: { kind: 'baoab', friction: gamma, mass },
    });
    const mom = burstMoments(rec);
    for (let t = 0; t < steps.length; t++) {
      for (let d = 0; d < 2; d++) {
        const law = baoabLaw(k[d], mass[d], gamma, kT, dt, x0[d], 0, kT / mass[d], steps[t]);
        const i = t * 2 + d;
        expect(Math.abs(mom.mean[i] - law.mean) / Math.sqrt(law.variance / n), `mean t=${steps[t]} d=${d}`).toBeLessThan(Z);
        expect(Math.abs(mom.variance[i] - law.variance) / (law.variance * Math.sqrt(2 / (n - 1))), `var t=${steps[t]} d=${d}`).toBeLessThan(Z);
      }
    }
    // Overdamped dynamics would relax x far more slowly here (mobility 1: mean x0 e^{-k t}); BAOAB's
    // oscillation is what the bursts show, so a wrong integrator choice fails this comparison.
    const od = x0[0] * Math.exp(-k[0] * steps[1] * dt);
    const lawX = baoabLaw(k[0], mass[0], gamma, kT, dt, x0[0], 0, kT / mass[0], steps[1]);
    expect(Math.abs(od - lawX.mean) / Math.sqrt(lawX.variance / n)).toBeGreaterThan(10);
  });

  it('uses given start velocities', () => {
    const v = repeat([0.5, 0], n);
    const rec = runBursts({
      system: harmonic(k),
      kT,
      dt,
      starts: repeat(x0, n),
      recordSteps: [20],
      seed: 22,
      integrator: { kind: 'baoab', friction: gamma, mass, velocities: v },
    });
    const mom = burstMoments(rec);
    const law = baoabLaw(k[0], mass[0], gamma, kT, dt, x0[0], 0.5, 0, 20);
    expect(Math.abs(mom.mean[0] - law.mean) / Math.sqrt(law.variance / n)).toBeLessThan(Z);
    expect(Math.abs(mom.variance[0] - law.variance) / (law.variance * Math.sqrt(2 / (n - 1)))).toBeLessThan(Z);
  });
});

describe('runBursts on a built-in system, progress, cancellation and input errors', () => {
  const system = createSystem({ kind: 'fast-slow', a: 2, s: 0.5, epsilon: 0.05, f: 'sin', c: 1 });

  it('reports progress per chunk and can be cancelled between chunks', () => {
    const seen: number[] = [];
    runBursts({ system, kT: 1, dt: 1e-3, starts: repeat([0.2, 0.5], 10), recordSteps: [2], seed: 1, chunk: 4, onProgress: (d) => seen.push(d) });
    expect(seen).toEqual([4, 8, 10]);
    let calls = 0;
    expect(() =>
      runBursts({ system, kT: 1, dt: 1e-3, starts: repeat([0.2, 0.5], 10), recordSteps: [2], seed: 1, chunk: 4, isCancelled: () => ++calls > 1 }),
    ).toThrow(BurstsCancelledError);
  });

  it('names the bad option', () => {
    const base = { system, kT: 1, dt: 1e-3, starts: repeat([0.2, 0.5], 3), recordSteps: [0, 2], seed: 1 };
    expect(() => runBursts({ ...base, recordSteps: [2, 2] })).toThrow(/recordSteps must increase strictly/);
    expect(() => runBursts({ ...base, recordSteps: [-1] })).toThrow(/recordSteps\[0\]/);
    expect(() => runBursts({ ...base, starts: new Float64Array(3) })).toThrow(/starts must be/);
    expect(() => runBursts({ ...base, dt: 0 })).toThrow(/dt/);
    expect(() => runBursts({ ...base, integrator: { kind: 'baoab', friction: 1, velocities: new Float64Array(2) } })).toThrow(/velocities/);
    expect(() => burstMoments(runBursts({ ...base, starts: repeat([0.2, 0.5], 1) }))).toThrow(/at least 2 bursts/);
  });
});
