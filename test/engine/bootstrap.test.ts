/**
 * Bootstrap error bars for WHAM: coverage of the exact answer over repeated seeds on exact,
 * independent double-well samples, agreement of the bootstrap sigma with the spread of the
 * estimates across repeats, reproducibility per seed, and the moving-block resampler.
 */
import { describe, expect, it } from 'vitest';
import { bootstrapWham1d, resampleIndices, replicateStd } from '../../src-main/engine/estimators/bootstrap';
import { wham1d, type UmbrellaWindow } from '../../src-main/engine/estimators/wham';
import { Rng } from '../../src-main/engine/random';
import { sampleBiased } from './helpers';

const V = (x: number) => (x * x - 1) ** 2;
const centers = [-1.2, -0.6, 0, 0.6, 1.2];
const spring = 15;
const kT = 1;
const opts = { bins: 60, min: -2, max: 2, kT, tolerance: 1e-8 };

/** Exact f_k - f_0 by the trapezoid rule on [-4, 4] with h = 1e-4 (error << 1e-6 kT). */
function exactF(): number[] {
  const f = centers.map((c) => {
    let s = 0;
    for (let x = -4; x <= 4; x += 1e-4) s += Math.exp(-(V(x) + 0.5 * spring * (x - c) ** 2) / kT) * 1e-4;
    return -kT * Math.log(s);
  });
  return f.map((v) => v - f[0]);
}

function windows(seed: number, n: number): UmbrellaWindow[] {
  return centers.map((c, k) => ({ center: c, spring, samples: sampleBiased(new Rng(seed, k), V, kT, c, spring, n) }));
}

describe('bootstrap WHAM', () => {
  it('1-sigma intervals of f_K - f_0 cover the exact value at about 68% over repeated seeds', () => {
    const exact = exactF()[centers.length - 1];
    const R = 60;
    const B = 30;
    let covered = 0;
    const estimates: number[] = [];
    const sigmas: number[] = [];
    for (let r = 0; r < R; r++) {
      const w = windows(1000 + r, 400);
      const full = wham1d(w, opts);
      const boot = bootstrapWham1d(w, opts, { replicates: B, seed: r }, full);
      const est = full.windowFreeEnergies[centers.length - 1];
      const sigma = boot.windowFreeEnergiesError[centers.length - 1];
      estimates.push(est);
      sigmas.push(sigma);
      if (Math.abs(est - exact) <= sigma) covered++;
    }
    // Nominal 68.3%; binomial s.d. over R = 60 repeats is sqrt(0.683 * 0.317 / 60) = 0.060, and
    // B = 30 replicates add ~13% noise to each sigma (slightly lowering coverage). We accept
    // 3 binomial s.d.: [0.50, 0.86].
    const coverage = covered / R;
    expect(coverage).toBeGreaterThan(0.5);
    expect(coverage).toBeLessThan(0.86);
    // The mean bootstrap sigma must match the actual spread of the estimates across repeats:
    // the sample s.d. of 60 estimates has relative s.e. 1/sqrt(2 * 59) = 0.092; 3 s.e. = 0.28.
    const mean = estimates.reduce((a, b) => a + b) / R;
    const spread = Math.sqrt(estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / (R - 1));
    const meanSigma = sigmas.reduce((a, b) => a + b) / R;
    expect(meanSigma / spread).toBeGreaterThan(0.72);
    expect(meanSigma / spread).toBeLessThan(1.28);
    // Bias of the estimator (binning on 0.067-wide bins) is small against the spread: mean within 3 s.e.
    expect(Math.abs(mean - exact)).toBeLessThan(3 * (spread / Math.sqrt(R)) + 0.01);
  });

  it('is reproducible per seed and different across seeds; PMF errors are 0 at the reference bin', () => {
    const w = windows(7, 300);
    const a = bootstrapWham1d(w, opts, { replicates: 8, seed: 5 });
    const b = bootstrapWham1d(w, opts, { replicates: 8, seed: 5 });
    const c = bootstrapWham1d(w, opts, { replicates: 8, seed: 6 });
    expect(Array.from(a.pmfError)).toEqual(Array.from(b.pmfError));
    expect(Array.from(a.windowFreeEnergiesError)).not.toEqual(Array.from(c.windowFreeEnergiesError));
    expect(a.pmfError[a.reference]).toBe(0);
    expect(a.windowFreeEnergiesError[0]).toBe(0);
  });

  it('moving-block resampling keeps blocks of consecutive indices and the sample count', () => {
    const out = new Int32Array(103);
    resampleIndices(103, 10, new Rng(1, 0), out);
    for (let i = 0; i < 100; i += 10) {
      for (let j = 1; j < 10; j++) expect(out[i + j]).toBe((out[i] + j) % 103);
    }
    expect(replicateStd([Float64Array.of(1, NaN), Float64Array.of(3, 1)], 2)[0]).toBeCloseTo(Math.SQRT2, 14);
    expect(Number.isNaN(replicateStd([Float64Array.of(1, NaN), Float64Array.of(3, 1)], 2)[1])).toBe(true);
  });

  it('rejects bad options', () => {
    const w = windows(7, 50);
    expect(() => bootstrapWham1d(w, opts, { replicates: 1, seed: 1 })).toThrow(/replicates/);
    expect(() => bootstrapWham1d(w, opts, { replicates: 4, seed: 1, blockLengths: [1] })).toThrow(/blockLengths/);
  });
});
