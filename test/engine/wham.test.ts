import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-main/engine/random';
import { createSystem } from '../../src-main/engine/systems';
import { wham1d, type UmbrellaWindow, type WhamOptions } from '../../src-main/engine/estimators/wham';
import { exactWindowFreeEnergies } from '../../src-main/engine/estimators/exact';
import { EngineInputError } from '../../src-main/engine/errors';
import { sampleBiased } from './helpers';

// Double well a = 2, kT = 1; 17 windows at -1.6..1.6 (step 0.2), spring 30, 4000 exact
// (rejection-sampled, uncorrelated) samples each; 84 bins of width 0.05 on [-2.1, 2.1].
const a = 2;
const kT = 1;
const V = (x: number): number => a * (x * x - 1) ** 2;
const centers = Array.from({ length: 17 }, (_, i) => -1.6 + 0.2 * i);
const spring = 30;
const opts = { bins: 84, min: -2.1, max: 2.1, kT };

function makeWindows(seed: number, n = 4000): UmbrellaWindow[] {
  return centers.map((center, k) => ({ center, spring, samples: sampleBiased(new Rng(seed, k), V, kT, center, spring, n) }));
}

describe('wham1d on exact samples of the double well', () => {
  const exact = exactWindowFreeEnergies(createSystem({ kind: 'double-well', a }), 0, kT, centers.map((center) => ({ center, spring })));

  it('recovers the exact window free energies and F = V', () => {
    // Tolerances calibrated on 20 independent seeds of exactly this setup (offline run):
    // max_k |f_k - exact_k| was 0.02..0.106 kT, RMS_x |F - V| over |x| <= 1.6 was 0.031..0.057 kT,
    // max_x |F - V| 0.07..0.28 kT (edge bins with few counts). Limits are ~2x the worst seen;
    // a real bug (wrong sign/units of the bias, off-by-one bins) gives errors of O(1) kT.
    const r = wham1d(makeWindows(0), opts);
    expect(r.converged).toBe(true);
    expect(r.tolerance).toBe(1e-10);
    expect(r.warnings).toEqual([]);
    expect(r.windowFreeEnergies[0]).toBe(0);
    for (let k = 0; k < centers.length; k++) expect(Math.abs(r.windowFreeEnergies[k] - exact[k])).toBeLessThan(0.2);
    const diffs: number[] = [];
    for (let b = 0; b < opts.bins; b++) if (Math.abs(r.centers[b]) <= 1.6) diffs.push(r.pmf[b] - V(r.centers[b]));
    const off = diffs.reduce((p, q) => p + q, 0) / diffs.length;
    const rms = Math.sqrt(diffs.reduce((p, q) => p + (q - off) ** 2, 0) / diffs.length);
    expect(rms).toBeLessThan(0.1);
    for (const d of diffs) expect(Math.abs(d - off)).toBeLessThan(0.5);
    // Bookkeeping.
    let pmin = Infinity;
    let psum = 0;
    for (let b = 0; b < opts.bins; b++) {
      if (!Number.isNaN(r.pmf[b])) pmin = Math.min(pmin, r.pmf[b]);
      psum += r.probability[b];
    }
    expect(pmin).toBe(0);
    expect(psum).toBeCloseTo(1, 12);
    expect(r.edges.length).toBe(85);
    expect(r.edges[0]).toBe(-2.1);
    expect(r.edges[84]).toBe(2.1);
    r.histograms.forEach((h, k) => expect(h.reduce((p, q) => p + q, 0) + r.samplesOutsideRange[k]).toBe(4000));
    for (let i = 0; i < centers.length; i++) {
      expect(r.overlap[i][i]).toBe(1);
      for (let j = 0; j < centers.length; j++) expect(r.overlap[i][j]).toBe(r.overlap[j][i]);
    }
  });

  it('has no systematic bias (mean over 5 seeds)', () => {
    // Single-seed sd of f_k is <= ~0.045 kT, so the 5-seed mean has sd <= 0.02; limit 0.07 is 3.5 sd.
    const mean = new Float64Array(centers.length);
    for (let seed = 1; seed <= 5; seed++) {
      const r = wham1d(makeWindows(seed, 2000), opts);
      for (let k = 0; k < centers.length; k++) mean[k] += (r.windowFreeEnergies[k] - exact[k]) / 5;
    }
    // (2000 samples: sd x sqrt(2), so 5-seed sd <= 0.03; 0.1 is still > 3 sd.)
    for (let k = 0; k < centers.length; k++) expect(Math.abs(mean[k])).toBeLessThan(0.1);
  });

  it('converges to the requested tolerance (fixed point)', () => {
    const w = makeWindows(3, 1000);
    const r1 = wham1d(w, { ...opts, tolerance: 1e-6 });
    const r2 = wham1d(w, { ...opts, tolerance: 1e-12 });
    expect(r1.converged && r2.converged).toBe(true);
    expect(r2.iterations).toBeGreaterThan(r1.iterations);
    // Linear convergence: the remaining error is ~ tol / (1 - rate); allow 100x.
    for (let k = 0; k < centers.length; k++) expect(Math.abs(r1.windowFreeEnergies[k] - r2.windowFreeEnergies[k])).toBeLessThan(1e-4);
    const r3 = wham1d(w, { ...opts, maxIterations: 3 });
    expect(r3.converged).toBe(false);
    expect(r3.iterations).toBe(3);
    expect(r3.warnings.join('\n')).toMatch(/did not converge/);
  });

  it("the fast 'auto' path agrees with plain log-sum-exp, also for extreme energy ranges", () => {
    const w = makeWindows(9, 1000);
    const r1 = wham1d(w, { ...opts, tolerance: 1e-12 });
    const r2 = wham1d(w, { ...opts, tolerance: 1e-12, method: 'log' });
    expect(r1.iterations).toBe(r2.iterations);
    for (let k = 0; k < centers.length; k++) expect(r1.windowFreeEnergies[k]).toBeCloseTo(r2.windowFreeEnergies[k], 9);
    for (let b = 0; b < opts.bins; b++) {
      if (Number.isNaN(r2.pmf[b])) expect(Number.isNaN(r1.pmf[b])).toBe(true);
      else expect(r1.pmf[b]).toBeCloseTo(r2.pmf[b], 9);
    }
    // Linear potential V = -1500 x, kT = 1, spring 1e4: each window's biased density is exactly
    // N(c + 1500/1e4, 1e-4), and f_k - f_0 = -1500 (c_k - c_0) in closed form. The free energies
    // span 600 kT, so the fast path's scaled sums underflow and the log-space fallback must take over.
    const slope = 1500;
    const rng = new Rng(10, 0);
    const cs = Array.from({ length: 21 }, (_, i) => 0.02 * i);
    const ext: UmbrellaWindow[] = cs.map((center) => ({
      center,
      spring: 1e4,
      samples: Float64Array.from({ length: 500 }, () => center + slope / 1e4 + 0.01 * rng.normal()),
    }));
    const eo = { bins: 110, min: 0.1, max: 0.65, kT: 1, tolerance: 1e-8 };
    const e1 = wham1d(ext, eo);
    const e2 = wham1d(ext, { ...eo, method: 'log' });
    expect(e1.converged).toBe(true);
    for (let k = 0; k < ext.length; k++) {
      expect(Math.abs(e1.windowFreeEnergies[k] - e2.windowFreeEnergies[k])).toBeLessThan(1e-8 * (1 + Math.abs(e2.windowFreeEnergies[k])));
      // 0.23 kT seen with 1000 samples/window; 1.5 kT (0.25% of the 600 kT span) allows for 500.
      expect(Math.abs(e1.windowFreeEnergies[k] + slope * cs[k])).toBeLessThan(1.5);
    }
  });

  it('is invariant to window order (input-order output)', () => {
    const w = makeWindows(4, 800);
    const perm = [...w].reverse();
    const r = wham1d(w, opts);
    const q = wham1d(perm, opts);
    const n = w.length;
    for (let k = 0; k < n; k++) {
      const fk = r.windowFreeEnergies[k] - r.windowFreeEnergies[n - 1];
      expect(q.windowFreeEnergies[n - 1 - k]).toBeCloseTo(fk, 7);
    }
  });

  it('NaN pmf in empty bins; warns about non-overlapping neighbours', () => {
    const w: UmbrellaWindow[] = [
      { center: -1, spring: 200, samples: sampleBiased(new Rng(8, 0), V, kT, -1, 200, 500) },
      { center: -0.75, spring: 200, samples: sampleBiased(new Rng(8, 1), V, kT, -0.75, 200, 500) },
      { center: 1, spring: 200, samples: sampleBiased(new Rng(8, 2), V, kT, 1, 200, 500), label: 'right.dat' },
    ];
    const r = wham1d(w, { bins: 40, min: -2, max: 2, kT });
    expect(Number.isNaN(r.pmf[0])).toBe(true);
    expect(Number.isNaN(r.pmf[20])).toBe(true); // x = 0.05: no window samples there
    expect(r.probability[20]).toBe(0);
    const msg = r.warnings.join('\n');
    expect(msg).toMatch(/windows 1 \(x=-0\.75\) and 2 \[right\.dat\] \(x=1\.00\) do not overlap/);
    expect(msg).not.toMatch(/windows 0/);
    expect(msg).toMatch(/empty bin/);
  });

  it('counts samples outside the range and warns', () => {
    const w = makeWindows(5, 500);
    const r = wham1d(w, { bins: 40, min: -1.5, max: 1.5, kT });
    expect(r.samplesOutsideRange[0]).toBeGreaterThan(25); // window at -1.6 (~8% beyond -1.5)
    expect(r.warnings.join('\n')).toMatch(/window 0 \(x=-1\.60\): \d+ of 500 samples/);
  });

  it('rejects bad input, naming the window or option', () => {
    const good = makeWindows(6, 50);
    const bad = (w: UmbrellaWindow[], o: WhamOptions = opts): (() => unknown) => () => wham1d(w, o);
    expect(bad([])).toThrow(EngineInputError);
    expect(bad(good, { ...opts, bins: 0 })).toThrow(/bins/);
    expect(bad(good, { ...opts, bins: 2.5 })).toThrow(/bins/);
    expect(bad(good, { ...opts, min: 1, max: 1 })).toThrow(/min must be < max/);
    expect(bad(good, { ...opts, kT: 0 })).toThrow(/kT/);
    expect(bad(good, { ...opts, kT: -1 })).toThrow(/kT/);
    expect(bad(good, { ...opts, tolerance: 0 })).toThrow(/tolerance/);
    const withSpring = good.map((w, k) => (k === 2 ? { ...w, spring: 0 } : w));
    expect(bad(withSpring)).toThrow(/window 2: spring/);
    const nan = good.map((w, k) => (k === 3 ? { ...w, samples: Float64Array.from([0.1, Number.NaN]) } : w));
    expect(bad(nan)).toThrow(/window 3: sample 1 is not a finite number/);
    const outside = good.map((w, k) => (k === 4 ? { ...w, samples: Float64Array.from([5, 6]), label: 'far.dat' } : w));
    expect(bad(outside)).toThrow(/window 4 \[far\.dat\] \(x=-0\.80\) has no samples inside/);
    const empty = good.map((w, k) => (k === 1 ? { ...w, samples: new Float64Array(0) } : w));
    expect(bad(empty)).toThrow(/window 1: has no samples/);
  });
});

describe('wham1d with a periodic CV', () => {
  // V(t) = 1.5 + cos t + 0.5 sin 2t on the circle [-pi, pi); 12 windows at -pi + 2 pi k / 12 (the
  // first straddles the boundary), spring 8, 3000 exact samples each, NOT wrapped (WHAM must wrap).
  const Vp = (t: number): number => 1.5 + Math.cos(t) + 0.5 * Math.sin(2 * t);
  const P = 2 * Math.PI;
  const K = 12;
  const pcenters = Array.from({ length: K }, (_, k) => -Math.PI + (P * k) / K);
  const exactPeriodic = (): number[] => {
    // Periodic trapezoid rule (spectrally accurate for smooth periodic integrands; the
    // minimum-image kink at |d| = pi carries weight e^-39).
    const n = 4096;
    const out = pcenters.map((c) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const t = -Math.PI + (P * i) / n;
        let d = t - c;
        d -= P * Math.round(d / P);
        s += Math.exp(-(Vp(t) + 0.5 * 8 * d * d));
      }
      return -Math.log((s * P) / n);
    });
    return out.map((v) => v - out[0]);
  };

  it('recovers window free energies and F = V across the boundary', () => {
    // Calibrated offline on 12 seeds: max|df| 0.038..0.091, max|dF| 0.078..0.143, RMS 0.039..0.054 kT.
    const windows = pcenters.map((center, k) => ({
      center,
      spring: 8,
      samples: sampleBiased(new Rng(1000, k), Vp, 1, center, 8, 3000, P),
    }));
    expect(windows[0].samples.some((x) => x < -Math.PI)).toBe(true);
    const r = wham1d(windows, { bins: 60, min: -Math.PI, max: Math.PI, kT: 1, periodic: true });
    expect(r.converged).toBe(true);
    expect(r.samplesOutsideRange.every((n) => n === 0)).toBe(true);
    const ex = exactPeriodic();
    for (let k = 0; k < K; k++) expect(Math.abs(r.windowFreeEnergies[k] - ex[k])).toBeLessThan(0.2);
    const d = Array.from(r.centers, (x, b) => r.pmf[b] - Vp(x));
    const off = d.reduce((p, q) => p + q, 0) / d.length;
    for (const v of d) expect(Math.abs(v - off)).toBeLessThan(0.3);
    expect(Math.sqrt(d.reduce((p, q) => p + (q - off) ** 2, 0) / d.length)).toBeLessThan(0.08);
    // Non-periodic analysis of the same data loses the wrapped samples.
    const np = wham1d(windows, { bins: 60, min: -Math.PI, max: Math.PI, kT: 1 });
    expect(np.samplesOutsideRange[0]).toBeGreaterThan(0);
  });

  it('checks the wrap-around neighbour pair for overlap', () => {
    const mk = (center: number, k: number): UmbrellaWindow => ({
      center,
      spring: 400,
      samples: sampleBiased(new Rng(77, k), Vp, 1, center, 400, 200, P),
    });
    const r = wham1d([mk(-2, 0), mk(0, 1), mk(2, 2)], { bins: 90, min: -Math.PI, max: Math.PI, kT: 1, periodic: true });
    expect(r.warnings.join('\n')).toMatch(/windows 2 \(x=2\.00\) and 0 \(x=-2\.00\) do not overlap/);
  });
});
