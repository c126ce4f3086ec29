import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-main/engine/random';
import { createSystem, defaultSystemSpec, fastSlowF } from '../../src-main/engine/systems';
import { gaussianLaw, sampleLaw, wasserstein1ToLaw } from '../../src-main/engine/systems/conditional-law';
import { exactLawOf } from '../../src-main/runs/train/consistency-report';
import {
  compareSamples,
  compareToLaw,
  localReference,
  meanDistance,
  overallVerdict,
  splitHalfNoise,
  verdictOf,
} from '../../src-main/engine/workflows/consistency';
import { defaultBurstSteps, liftEvolveRestrict } from '../../src-main/engine/workflows/lift-evolve-restrict';
import { wasserstein1 } from '../../src-main/engine/estimators/wasserstein';

const gauss = (rng: Rng, n: number, m = 0, sd = 1) => Float64Array.from({ length: n }, () => m + sd * rng.normal());

describe('exact conditional laws in the report', () => {
  it('gives N(f(x), s^2 kT) for the fast/slow family (embedded: its hidden x, y) and none where there is none', () => {
    const fs = { a: 2, s: 0.5, epsilon: 0.05, f: 'sin' as const, c: 1 };
    const law = exactLawOf({ kind: 'fast-slow', ...fs }, 2, 0, 1)!(0.3);
    expect(law.mean).toBeCloseTo(Math.sin(Math.PI * 0.3), 12);
    expect(law.sd).toBeCloseTo(0.5 * Math.SQRT2, 12);
    const embedded = exactLawOf({ kind: 'embedded', ...fs, curvature: 1, angle: 0.5 }, 2, 0, 1)!(0.3);
    expect(embedded.mean).toBeCloseTo(law.mean, 12);
    expect(embedded.sd).toBeCloseTo(law.sd, 12);
    expect(exactLawOf({ kind: 'double-well', a: 2 }, 1, 0, 1)).toBeNull();
    expect(exactLawOf({ kind: 'fast-slow', ...fs }, 1, 1, 0)).toBeNull();
    expect(exactLawOf(null, 1, 0, 1)).toBeNull();
    const multi = exactLawOf({ kind: 'fast-slow-multi', a: 2, epsilon: 0.05, m: 2, f: 'sin', c: 1, s: 0.5, fast: [{ f: 'linear', c: 2, s: 0.3 }, { f: 'cubic', c: 1, s: 0.4 }] }, 1, 0, 2)!(0.5);
    expect(multi.mean).toBeCloseTo(0.125, 12);
    expect(multi.sd).toBeCloseTo(0.4, 12);
  });

  it('judges two-mode samples against the two-mode law: exact draws good, a Gaussian of the same mean and s.d. poor', () => {
    const law = exactLawOf(defaultSystemSpec('two-mode'), 1, 0, 1)!(0.4);
    const against = { mean: law.mean, sd: law.sd, w1: (s: Float64Array) => wasserstein1ToLaw(s, law) };
    const exact = compareToLaw(sampleLaw(law, 1000, new Rng(4)), against, { seed: 1, tolerances: true });
    expect(verdictOf(exact.worstRatio)).toBe('good');
    // Same first two moments, one mode: only the W1 distance can see it, and it does.
    const gaussian = compareToLaw(gauss(new Rng(5), 1000, law.mean, law.sd), against, { seed: 1, tolerances: true });
    expect(gaussian.mean.ratio).toBeLessThan(3);
    expect(gaussian.w1.ratio).toBeGreaterThan(5);
    expect(verdictOf(gaussian.worstRatio)).toBe('poor');
  });
});

describe('localReference removes the bin-width bias', () => {
  // Exact samples of the fast/slow law with a wide bin at a steep point: f = 1.5 sin(pi x) at
  // x* = 0 has slope 4.7, so a +-0.2 bin inflates the s.d. from 0.5 to sqrt(0.25 + 4.7^2 0.04/3) = 0.74.
  const rng = new Rng(5);
  const n = 6000;
  const sd = 0.5;
  const cond = Float64Array.from({ length: n }, () => -0.2 + 0.4 * rng.uniform());
  const target = Float64Array.from(cond, (c) => fastSlowF('sin', 1.5, c) + sd * rng.normal());

  it('moves frames to xi* along the local slope: the s.d. is the exact one, the plain bin is off by its bias', () => {
    const ref = localReference(cond, target, 1, 0, { maxHalfWidth: 0.2, want: n })!;
    expect(ref.frames).toBe(n);
    const col = ref.rows;
    const m = col.reduce((a, b) => a + b, 0) / n;
    const s = Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
    // s.e. of a Gaussian s.d. is sd / sqrt(2 n) = 0.0046; the curvature of sin over +-0.2 adds < 0.005.
    expect(Math.abs(s - sd)).toBeLessThan(4.5 * (sd / Math.sqrt(2 * n)) + 0.005);
    expect(Math.abs(m)).toBeLessThan(4.5 * (sd / Math.sqrt(n)) + 0.005);
    expect(ref.slope[0]).toBeCloseTo(1.5 * Math.PI, 0);
    // The plain bin's s.d. is inflated by ~0.24: the bias shown is that, far beyond its noise.
    expect(ref.binBias[0].sd).toBeGreaterThan(0.2);
  });

  it('narrows the bin where the data are dense and gives up where they are sparse', () => {
    const ref = localReference(cond, target, 1, 0, { maxHalfWidth: 0.2, want: 600 })!;
    expect(ref.frames).toBe(600);
    expect(ref.halfWidth).toBeGreaterThan(0.015);
    expect(ref.halfWidth).toBeLessThan(0.025); // 600 of 6000 uniform frames on +-0.2: +-0.02
    expect(localReference(cond, target, 1, 0.5, { maxHalfWidth: 0.1 })).toBeNull();
  });
});

describe('split-half noise floors', () => {
  it('match the finite-sample noise of the mean and of W1 for independent rows', () => {
    const n = 1000;
    let floorMean = 0;
    let floorW1 = 0;
    let trueW1 = 0;
    const reps = 60;
    for (let r = 0; r < reps; r++) {
      const rng = new Rng(100 + r);
      const a = gauss(rng, n);
      floorMean += splitHalfNoise(a, 1, meanDistance, { seed: r }) ** 2;
      floorW1 += splitHalfNoise(a, 1, wasserstein1, { seed: r });
      trueW1 += wasserstein1ToLaw(a, gaussianLaw(0, 1));
    }
    // RMS of the split-half mean floor vs the exact s.e. 1/sqrt(n); means over 60 repetitions
    // carry ~5% noise, so 15% is a 3-sigma band.
    expect(Math.sqrt(floorMean / reps) * Math.sqrt(n)).toBeGreaterThan(0.85);
    expect(Math.sqrt(floorMean / reps) * Math.sqrt(n)).toBeLessThan(1.15);
    expect(floorW1 / trueW1).toBeGreaterThan(0.8);
    expect(floorW1 / trueW1).toBeLessThan(1.25);
  });

  it('with contiguous blocks, see the correlation of time-ordered frames (single rows do not)', () => {
    // AR(1) with phi = 0.95: statistical inefficiency g = (1 + phi) / (1 - phi) = 39.
    const phi = 0.95;
    const n = 20000;
    const trueSe = Math.sqrt(39 / n);
    let blocks = 0;
    let rows = 0;
    const reps = 12;
    for (let r = 0; r < reps; r++) {
      const rng = new Rng(300 + r);
      const a = new Float64Array(n);
      a[0] = rng.normal();
      for (let i = 1; i < n; i++) a[i] = phi * a[i - 1] + Math.sqrt(1 - phi * phi) * rng.normal();
      blocks += splitHalfNoise(a, 1, meanDistance, { blocks: 16, seed: r }) ** 2;
      rows += splitHalfNoise(a, 1, meanDistance, { seed: r }) ** 2;
    }
    // 16 blocks of 1250 frames (~30 g): the block floor is within 35% of the true s.e. (its
    // own noise over 12 x 8 splits of 16 blocks is ~20%); row splits miss the factor sqrt(39) = 6.2.
    expect(Math.sqrt(blocks / reps) / trueSe).toBeGreaterThan(0.65);
    expect(Math.sqrt(blocks / reps) / trueSe).toBeLessThan(1.35);
    expect(Math.sqrt(rows / reps) / trueSe).toBeLessThan(0.3);
  });
});

describe('verdicts against the noise floor', () => {
  it('call samples of the same law good and a shifted or squeezed law poor (calibration)', () => {
    const counts = { good: 0, marginal: 0, poor: 0 };
    for (let r = 0; r < 100; r++) {
      const rng = new Rng(1000 + r);
      const cmp = compareSamples(gauss(rng, 500), gauss(rng, 2000), { refBlocks: 16, seed: r });
      counts[verdictOf(cmp.worstRatio)]++;
    }
    // Same law: no poor at all, at most 5% marginal.
    expect(counts.poor).toBe(0);
    expect(counts.marginal).toBeLessThanOrEqual(5);
    const rng = new Rng(9);
    // Mean off by 0.3 s.d. (s.e. of the difference ~ 0.05) and s.d. 30% too small: both poor.
    expect(verdictOf(compareSamples(gauss(rng, 500, 0.3), gauss(rng, 2000), { seed: 1 }).worstRatio)).toBe('poor');
    expect(verdictOf(compareSamples(gauss(rng, 500, 0, 0.7), gauss(rng, 2000), { seed: 1 }).worstRatio)).toBe('poor');
  });

  it('judge a sample against the exact law the same way', () => {
    const law = gaussianLaw(0.5, 0.4);
    const against = { mean: 0.5, sd: 0.4, w1: (s: Float64Array) => wasserstein1ToLaw(s, law) };
    let poorOrMarginal = 0;
    for (let r = 0; r < 60; r++) {
      const rng = new Rng(2000 + r);
      if (verdictOf(compareToLaw(gauss(rng, 500, 0.5, 0.4), against, { seed: r }).worstRatio) !== 'good') poorOrMarginal++;
    }
    expect(poorOrMarginal).toBeLessThanOrEqual(3);
    const flat = gauss(new Rng(7), 500, 0.1, 0.4); // a nearly flat conditional mean: 1 s.d. off
    const cmp = compareToLaw(flat, against, { seed: 1 });
    expect(cmp.mean.ratio).toBeGreaterThan(10);
    expect(verdictOf(cmp.worstRatio)).toBe('poor');
  });

  it('count a difference within the practical tolerance as good however many samples detect it', () => {
    // s.d. 4% small and mean 0.02 s.d. off, 20 000 samples: many floors away, inside the tolerance (10%, 0.05 s.d.).
    const rng = new Rng(12);
    const gen = gauss(rng, 20000, 0.02, 0.96);
    const ref = gauss(rng, 20000);
    expect(verdictOf(compareSamples(gen, ref, { seed: 1 }).worstRatio)).toBe('poor');
    const lenient = compareSamples(gen, ref, { seed: 1, tolerances: true });
    expect(lenient.sd.tolerance).toBeCloseTo(0.1, 2);
    expect(verdictOf(lenient.worstRatio)).toBe('good');
    // ... but not a difference beyond it: s.d. 20% small is poor either way.
    expect(verdictOf(compareSamples(gauss(rng, 20000, 0, 0.8), ref, { seed: 1, tolerances: true }).worstRatio)).toBe('poor');
  });

  it('combine conditions: any poor is poor, one marginal among many is chance', () => {
    expect(overallVerdict(['good', 'good', 'marginal', 'good'])).toBe('good');
    expect(overallVerdict(['good', 'marginal', 'marginal'])).toBe('marginal');
    expect(overallVerdict(['marginal'])).toBe('marginal');
    expect(overallVerdict(['good', 'poor', 'good'])).toBe('poor');
    expect(overallVerdict([])).toBe('poor');
    expect(verdictOf(NaN)).toBe('poor');
  });
});

describe('lift-evolve-restrict on the fast/slow system', () => {
  const spec = { kind: 'fast-slow' as const, a: 2, s: 0.5, epsilon: 0.05, f: 'sin' as const, c: 1 };
  const system = createSystem(spec);
  const kT = 1;
  const dt = 1e-4;
  const xi = 0.3;
  const law = exactLawOf(spec, kT, 0, 1)!(xi);
  const exact = (seed: number, shift = 0) => Float64Array.from(sampleLaw(law, 800, new Rng(seed)), (v) => v + shift);

  it('chooses bursts of 5 fast relaxation times (tau = eps s^2 / kT-free curvature)', () => {
    const starts = new Float64Array([xi, 0.5, xi, 1]);
    const steps = defaultBurstSteps(system, starts, [1], dt);
    // k_y = 1 / s^2 = 4, mobility 1 / eps = 20: tau = 1 / 80 = 0.0125, 5 tau / dt = 625 steps.
    expect(steps[steps.length - 1]).toBe(625);
    expect(steps[0]).toBe(0);
    expect(steps.length).toBe(13);
  });

  it('shows no transient when the lifted configurations follow the exact law', () => {
    const r = liftEvolveRestrict({ system, kT, dt, condIndex: 0, targetIndices: [1], xiStar: xi, lifted: exact(1), simulated: exact(2), recordSteps: [0, 50, 150, 300, 625], seed: 3 });
    expect(r.pairs).toBe(800);
    expect(r.series.map((s) => s.name)).toEqual(['x', 'y']);
    expect(r.series[0].meanDifference[0]).toBe(0);
    expect(r.worstZ).toBeLessThan(4);
  });

  it('shows the transient of fast variables lifted too high, and the CV drifting with them', () => {
    const r = liftEvolveRestrict({ system, kT, dt, condIndex: 0, targetIndices: [1], xiStar: xi, lifted: exact(1, 0.4), simulated: exact(2), recordSteps: [0, 50, 150, 300, 625], seed: 3 });
    const y = r.series[1];
    expect(y.meanDifference[0]).toBeGreaterThan(0.3);
    // y relaxes to f(x) at rate 80: after 625 steps (5 tau) the excess has decayed by e^-5.
    expect(Math.abs(y.meanDifference[4])).toBeLessThan(0.1);
    // The excess pushes x along +f'(x) > 0 (force (y - f) f' / s^2): a positive CV drift, beyond the noise.
    const x = r.series[0];
    expect(x.meanDifference[4]).toBeGreaterThan(0);
    expect(x.meanDifference[4] / x.meanDifferenceError[4]).toBeGreaterThan(5);
    expect(r.worstZ).toBeGreaterThan(10);
  });
});
