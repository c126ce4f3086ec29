/**
 * MBAR against pymbar on committed fixtures (scripts/reference/mbar_fixtures.py, pymbar 3.0.5):
 * window free energies, their asymptotic errors, and the PMF on bins with its errors, for a 1D
 * double well, a periodic 1D CV at kT != 1 and a 2D grid with one periodic axis.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mbarUmbrellaNd, mbarUmbrella1d } from '../../src-main/engine/estimators/mbar-umbrella';
import { solveMbar, thetaFromGram } from '../../src-main/engine/estimators/mbar';
import { symmetricEigen, symmetricPinv } from '../../src-main/engine/estimators/mbar-linalg';
import { wham1d } from '../../src-main/engine/estimators/wham';
import type { GridAxis } from '../../src-main/engine/estimators/histogram';
import { EngineInputError } from '../../src-main/engine/errors';

interface Fixture {
  kT: number;
  axes: GridAxis[];
  windows: { centers: number[]; springs: number[]; samples: number[][] }[];
  f_k: number[];
  df_k: number[];
  pmf: (number | null)[];
  dpmf: (number | null)[];
}

function load(name: string): Fixture {
  return JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/mbar', `${name}.json`), 'utf8'));
}

function run(fx: Fixture) {
  const windows = fx.windows.map((w) => ({ centers: w.centers, springs: w.springs, samples: w.samples.map((s) => Float64Array.from(s)) }));
  return mbarUmbrellaNd(fx.axes, windows, { kT: fx.kT, tolerance: 1e-12 });
}

describe('MBAR vs pymbar fixtures', () => {
  for (const name of ['double-well', 'periodic', 'grid2d']) {
    it(`${name}: window free energies, errors and PMF`, () => {
      const fx = load(name);
      const r = run(fx);
      expect(r.converged).toBe(true);
      // Both solvers converge to ~1e-12 kT (pymbar solver_tolerance 1e-13; ours |df| < 1e-12 after
      // Newton); the brief's bar is 1e-6 kT, we hold 1e-9 kT (dimensionless f = F/kT).
      fx.f_k.forEach((f, k) => expect(Math.abs(r.windowFreeEnergies[k] / fx.kT - f)).toBeLessThan(1e-9));
      // Errors: the same formula evaluated with a different eigen/pinv implementation; relative
      // agreement limited by rounding in W^T W (condition number ~1e4 here): 1e-6 relative.
      fx.df_k.forEach((d, k) => expect(Math.abs(r.windowFreeEnergiesError[k] / fx.kT - d)).toBeLessThan(1e-6 * Math.max(d, 1e-3)));
      let bins = 0;
      fx.pmf.forEach((p, b) => {
        if (p === null) {
          expect(Number.isNaN(r.pmf[b])).toBe(true);
          return;
        }
        bins++;
        expect(Math.abs(r.pmf[b] / fx.kT - p)).toBeLessThan(1e-9);
        // Block-form errors vs pymbar's (K + bins)-square pseudo-inverse: same quantity, 1e-6 relative.
        expect(Math.abs(r.pmfError[b] / fx.kT - fx.dpmf[b]!)).toBeLessThan(1e-6 * Math.max(fx.dpmf[b]!, 1e-3));
      });
      expect(bins).toBeGreaterThan(10);
    });
  }

  it('the 1D wrapper equals the N-D core and sits next to WHAM', () => {
    const fx = load('double-well');
    const windows = fx.windows.map((w) => ({ center: w.centers[0], spring: w.springs[0], samples: Float64Array.from(w.samples[0]) }));
    const a = fx.axes[0];
    const m = mbarUmbrella1d(windows, { bins: a.bins, min: a.min, max: a.max, kT: fx.kT });
    fx.f_k.forEach((f, k) => expect(Math.abs(m.windowFreeEnergies[k] - f)).toBeLessThan(1e-8));
    expect(m.centers).toHaveLength(a.bins);
    // WHAM on 0.1-wide bins differs from binless MBAR by binning error and noise: ~ a few
    // 0.01 kT for 600 samples per window; 5 reported MBAR standard errors bound it.
    const w = wham1d(windows, { bins: a.bins, min: a.min, max: a.max, kT: fx.kT });
    for (let k = 1; k < windows.length; k++) {
      expect(Math.abs(w.windowFreeEnergies[k] - m.windowFreeEnergies[k])).toBeLessThan(5 * m.windowFreeEnergiesError[k]);
    }
  });

  it('reaches the same answer from a poor starting point (robust solver)', () => {
    const fx = load('periodic');
    const windows = fx.windows.map((w) => ({ centers: w.centers, springs: w.springs, samples: w.samples.map((s) => Float64Array.from(s)) }));
    const r = mbarUmbrellaNd(fx.axes, windows, { kT: fx.kT, tolerance: 1e-12, initialF: fx.f_k.map((_, k) => 50 * ((k % 3) - 1)), skipErrors: true });
    fx.f_k.forEach((f, k) => expect(Math.abs(r.windowFreeEnergies[k] / fx.kT - f)).toBeLessThan(1e-9));
  });
});

describe('MBAR core', () => {
  it('two states with known overlap: f_1 = -ln <exp(-(u1-u0))> is exact for a single sampled state pair', () => {
    // States u0 = 0 and u1 = c (a constant shift): f_1 - f_0 = c exactly, whatever the samples.
    const N = 50;
    const u = new Float64Array(2 * N * 2);
    for (let n = 0; n < 2 * N; n++) {
      u[n * 2] = 0.1 * Math.sin(n);
      u[n * 2 + 1] = 0.1 * Math.sin(n) + 3.7;
    }
    const sol = solveMbar(u, [N, N], { tolerance: 1e-13 });
    expect(sol.converged).toBe(true);
    expect(Math.abs(sol.f[1] - 3.7)).toBeLessThan(1e-12);
  });

  it('is invariant to huge offsets in u (log-sum-exp everywhere)', () => {
    const fx = load('double-well');
    const windows = fx.windows.map((w) => ({ centers: w.centers.map((c) => c), springs: w.springs, samples: w.samples.map((s) => Float64Array.from(s)) }));
    const base = mbarUmbrellaNd(fx.axes, windows, { kT: fx.kT, skipErrors: true });
    // Same data at a 1000x smaller kT scale of the springs would overflow exp() without log-sum-exp;
    // here we shift every reduced potential of state k by 800 k (f_k shifts by exactly 800 k).
    const K = windows.length;
    const N = base.solution.N;
    const u = new Float64Array(N * K);
    let n = 0;
    for (const w of windows) {
      for (let i = 0; i < w.samples[0].length; i++, n++) {
        for (let k = 0; k < K; k++) {
          const d = w.samples[0][i] - windows[k].centers[0];
          u[n * K + k] = (0.5 * windows[k].springs[0] * d * d) / fx.kT + 800 * k;
        }
      }
    }
    const sol = solveMbar(u, base.Nk, { tolerance: 1e-12 });
    for (let k = 0; k < K; k++) expect(Math.abs(sol.f[k] - 800 * k - base.solution.f[k])).toBeLessThan(1e-8);
  });

  it('rejects bad input with a message that names the problem', () => {
    expect(() => solveMbar(new Float64Array(3), [1, 0])).toThrow(EngineInputError);
    expect(() => solveMbar(new Float64Array([0, Number.NaN, 0, 0]), [1, 1])).toThrow(/not finite/);
    expect(() => mbarUmbrellaNd([{ bins: 4, min: 0, max: 1 }], [{ centers: [0], springs: [-1], samples: [new Float64Array(3)] }], { kT: 1 })).toThrow(/spring/);
  });

  it('symmetric eigen-decomposition and pseudo-inverse reproduce A and A A+ A = A', () => {
    const n = 5;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = Math.cos(i + 2 * j) + (i === j ? 2 : 0);
    const { values, vectors } = symmetricEigen(A, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += vectors[i * n + k] * values[k] * vectors[j * n + k];
        expect(Math.abs(s - A[i * n + j])).toBeLessThan(1e-12);
      }
    }
    // Rank-deficient: the all-ones projector has pinv equal to itself / n^2 * n.
    const P = new Float64Array(n * n).fill(1);
    const Pp = symmetricPinv(P, n);
    for (const v of Pp) expect(Math.abs(v - 1 / (n * n))).toBeLessThan(1e-14);
    expect(thetaFromGram(new Float64Array([1]), [1], 1)).toHaveLength(1);
  });
});
