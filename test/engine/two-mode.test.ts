/**
 * The two-mode system (engine/systems/two-mode.ts) and its exact conditional law
 * (two-mode-law.ts), each against an independent computation:
 * - forces against central differences of the energy;
 * - F(x) against the generic 2D quadrature of engine/estimators/exact.ts (a different code path);
 * - mode weights, mean and s.d. against a brute-force midpoint rule written here;
 * - the law against Metropolis sampling of the energy at fixed x (statistical, with its error);
 * - exact draws (inverse CDF) against the law by W1 and the noise floor of W1 itself.
 */
import { describe, expect, it } from 'vitest';
import {
  allSystemCatalog,
  createSystem,
  defaultSystemSpec,
  exactConditionalLaw,
  gaussianLaw,
  sampleLaw,
  twoModeConditional,
  twoModeFreeEnergy,
  validateSystemSpec,
  wasserstein1NoiseFloor,
  wasserstein1ToLaw,
  type TwoModeSpec,
} from '../../src-main/engine/systems';
import { exactProfile } from '../../src-main/engine/estimators/exact';
import { wasserstein1 } from '../../src-main/engine/estimators/wasserstein';
import { Rng } from '../../src-main/engine/random';
import { systemSpec } from '../../src-main/api/contract';

const spec: TwoModeSpec = { kind: 'two-mode', a: 2, d: 1, h0: 1, h2: 2, b: 1, c: 0.5, epsilon: 0.05 };
const steep: TwoModeSpec = { kind: 'two-mode', a: 1, d: 0.7, h0: 3, h2: 6, b: -1.5, c: -1, epsilon: 0.01 };

/** Brute force: midpoint rule with 400k cells on u in [-8d, 8d] (tails are < 1e-30 there). */
function bruteForce(s: TwoModeSpec, x: number, kT: number) {
  const sys = createSystem(s);
  const cells = 400_000;
  const lo = -8 * s.d;
  const h = (16 * s.d) / cells;
  const p = new Float64Array(2);
  let z = 0, m1 = 0, m2 = 0, upper = 0;
  for (let i = 0; i < cells; i++) {
    const u = lo + (i + 0.5) * h;
    p[0] = x;
    p[1] = u + s.c * x;
    // Energy relative to the slow part so exp() stays in range.
    const w = Math.exp(-(sys.energy(p) - s.a * (x * x - 1) ** 2) / kT);
    z += w;
    m1 += w * p[1];
    m2 += w * p[1] * p[1];
    if (u > 0) upper += w;
  }
  const mean = m1 / z;
  return { mean, sd: Math.sqrt(m2 / z - mean * mean), upper: upper / z, logZ: Math.log(z * h) };
}

describe('two-mode system', () => {
  it('is registered: catalogue defaults build, validation names bad parameters, the API schema agrees', () => {
    const def = defaultSystemSpec('two-mode');
    expect(def).toEqual(spec);
    expect(allSystemCatalog.some((k) => k.kind === 'two-mode')).toBe(true);
    expect(createSystem(def).dim).toBe(2);
    expect(systemSpec.safeParse(def).success).toBe(true);
    expect(validateSystemSpec({ ...def, h0: 0 })).toEqual(['two-mode.h0 must be > 0 (got 0)']);
    expect(validateSystemSpec({ ...def, h2: -1 })).toEqual(['two-mode.h2 must be >= 0 (got -1)']);
    expect(validateSystemSpec({ ...def, d: Number.NaN })[0]).toMatch(/two-mode\.d must be a finite number/);
    expect(systemSpec.safeParse({ ...def, h2: -1 }).success).toBe(false);
  });

  it('forces are minus the gradient of the energy (central differences)', () => {
    for (const s of [spec, steep]) {
      const sys = createSystem(s);
      const rng = new Rng(3);
      const p = new Float64Array(2);
      const f = new Float64Array(2);
      const eps = 1e-6;
      for (let k = 0; k < 50; k++) {
        p[0] = -2 + 4 * rng.uniform();
        p[1] = sys.domain[1][0] + (sys.domain[1][1] - sys.domain[1][0]) * rng.uniform();
        const v = sys.force(p, 0, f, 0);
        expect(Math.abs(v - sys.energy(p))).toBeLessThan(1e-14 * (1 + Math.abs(v)));
        for (let d = 0; d < 2; d++) {
          const q = Float64Array.from(p);
          q[d] += eps;
          const vp = sys.energy(q);
          q[d] -= 2 * eps;
          const vm = sys.energy(q);
          // Central-difference error ~ eps^2 V''' + rounding |V| 1e-16 / eps: < 1e-5 relative here.
          expect(Math.abs(f[d] + (vp - vm) / (2 * eps))).toBeLessThan(1e-5 * (1 + Math.abs(f[d])));
        }
      }
    }
  });

  it('weights, mean, s.d. and log Z equal a brute-force midpoint rule', () => {
    for (const [s, kT] of [[spec, 1], [steep, 0.7]] as const) {
      for (const x of [-1.3, -0.4, 0, 0.6, 1, 1.7]) {
        const law = twoModeConditional(s, x, kT);
        const ref = bruteForce(s, x, kT);
        // The midpoint rule on 400k cells is accurate to ~1e-10 for these smooth integrands.
        expect(Math.abs(law.weights[1] - ref.upper)).toBeLessThan(1e-6); // brute force's own split error ~ h/2 * density
        expect(law.weights[0] + law.weights[1]).toBeCloseTo(1, 14);
        expect(Math.abs(law.mean - ref.mean)).toBeLessThan(1e-9);
        expect(Math.abs(law.sd - ref.sd)).toBeLessThan(1e-9);
        expect(Math.abs(law.logZ - ref.logZ)).toBeLessThan(1e-9);
        // The CDF at the split is the lower weight; the quantile inverts the CDF.
        expect(Math.abs(law.cdf(s.c * x) - law.weights[0])).toBeLessThan(1e-6);
        for (const p of [0.01, 0.3, 0.5, 0.9]) expect(law.cdf(law.quantile(p))).toBeCloseTo(p, 9);
      }
    }
  });

  it('weights move with x and mirror under (x, y) -> (-x, -y); a tilt favours the upper mode for x > 0', () => {
    const w = [-1, -0.5, 0, 0.5, 1].map((x) => twoModeConditional(spec, x, 1).weights[1]);
    for (let i = 1; i < w.length; i++) expect(w[i]).toBeGreaterThan(w[i - 1]);
    expect(w[2]).toBeCloseTo(0.5, 12);
    expect(w[4]).toBeCloseTo(1 - w[0], 12);
    expect(w[4]).toBeGreaterThan(0.8); // ~ e^2 / (1 + e^2) = 0.88 for b = 1, kT = 1
    // The mode weights do not depend on the shear c; the mean moves by c x.
    const sheared = twoModeConditional({ ...spec, c: 2 }, 0.7, 1);
    const plain = twoModeConditional({ ...spec, c: 0 }, 0.7, 1);
    expect(sheared.weights[1]).toBeCloseTo(plain.weights[1], 12);
    expect(sheared.mean - plain.mean).toBeCloseTo(1.4, 10);
  });

  it('F(x) equals the generic 2D quadrature of engine/estimators/exact.ts', () => {
    for (const [s, kT] of [[spec, 1], [steep, 0.7]] as const) {
      const grid = Float64Array.from({ length: 41 }, (_, i) => -1.8 + (3.6 * i) / 40);
      const mine = twoModeFreeEnergy(s, kT, grid);
      const generic = exactProfile(createSystem(s), 0, kT, grid);
      for (let i = 0; i < grid.length; i++) expect(Math.abs(mine[i] - generic[i])).toBeLessThan(1e-8);
    }
    // b = 0, h2 = 0: the fast integral does not depend on x, so F(x) = a (x^2 - 1)^2 exactly.
    const flat: TwoModeSpec = { ...spec, b: 0, h2: 0 };
    const xs = [-1.5, -1, 0, 0.3, 1.2];
    const F = twoModeFreeEnergy(flat, 1, xs);
    xs.forEach((x, i) => expect(F[i]).toBeCloseTo(2 * (x * x - 1) ** 2, 9));
  });

  it('Metropolis sampling of the energy at fixed x reproduces the weights and moments', () => {
    // Independent of the quadrature: random-walk Metropolis on y with the system's energy.
    const sys = createSystem(spec);
    const x = 0.8;
    const law = twoModeConditional(spec, x, 1);
    const rng = new Rng(7);
    const p = new Float64Array([x, spec.c * x + spec.d]);
    let e = sys.energy(p);
    const steps = 400_000;
    const batches = 40;
    const batchUpper = new Float64Array(batches);
    let sum = 0, sum2 = 0;
    for (let t = 0; t < steps; t++) {
      const old = p[1];
      p[1] = old + 0.8 * (2 * rng.uniform() - 1);
      const e1 = sys.energy(p);
      if (e1 <= e || rng.uniform() < Math.exp(e - e1)) e = e1;
      else p[1] = old;
      sum += p[1];
      sum2 += p[1] * p[1];
      if (p[1] > spec.c * x) batchUpper[Math.floor((t * batches) / steps)] += batches / steps;
    }
    // Batch means: 40 batches of 10k correlated steps, each nearly independent (the chain
    // crosses the ~1.3 kT barrier every few dozen steps); 4.5 SE fails by chance < 1e-5.
    const mean = batchUpper.reduce((a, v) => a + v, 0) / batches;
    const se = Math.sqrt(batchUpper.reduce((a, v) => a + (v - mean) ** 2, 0) / (batches - 1) / batches);
    expect(Math.abs(mean - law.weights[1])).toBeLessThan(4.5 * se);
    expect(se).toBeLessThan(0.01);
    expect(Math.abs(sum / steps - law.mean)).toBeLessThan(0.03);
    expect(Math.abs(Math.sqrt(sum2 / steps - (sum / steps) ** 2) - law.sd)).toBeLessThan(0.03);
  });

  it('exact draws match the law: W1 within its noise floor, weights within binomial error', () => {
    const law = twoModeConditional(spec, -0.6, 1);
    const rng = new Rng(11);
    const n = 4000;
    const draws = sampleLaw(law, n, rng);
    const upper = draws.filter((y) => y > spec.c * -0.6).length / n;
    const se = Math.sqrt((law.weights[1] * law.weights[0]) / n);
    expect(Math.abs(upper - law.weights[1])).toBeLessThan(4.5 * se);
    const floor = wasserstein1NoiseFloor(law, n, new Rng(12), 20);
    // W1 of n exact draws scatters around the floor with a relative s.d. of ~30%.
    expect(wasserstein1ToLaw(draws, law)).toBeLessThan(2.5 * floor);
    // A law shifted by 0.1 is seen: W1 ~ 0.1, far above a floor of ~0.015.
    expect(floor).toBeLessThan(0.03);
    expect(wasserstein1ToLaw(draws.map((y) => y + 0.1), law)).toBeGreaterThan(0.08);
  });
});

describe('conditional laws', () => {
  it('W1 to a law agrees with W1 to a large exact sample of it (Gaussian)', () => {
    const law = gaussianLaw(0.3, 0.7);
    const rng = new Rng(5);
    const a = sampleLaw(law, 500, rng).map((v) => 1.2 * v);
    const big = sampleLaw(law, 100_000, new Rng(6));
    // The large sample's own distance to the law is ~ 0.7 * 1.1 / sqrt(1e5) ~ 2.5e-3.
    expect(Math.abs(wasserstein1ToLaw(a, law) - wasserstein1(a, big))).toBeLessThan(7e-3);
    // N(0.3, 0.7^2) vs N(0.3 + 0.25, ...): W1 = 0.25 exactly for a pure shift.
    const shifted = sampleLaw(gaussianLaw(0.55, 0.7), 50_000, new Rng(8));
    expect(Math.abs(wasserstein1ToLaw(shifted, law) - 0.25)).toBeLessThan(0.01);
  });

  it('exactConditionalLaw covers fast-slow, fast-slow-multi and two-mode, and nothing else', () => {
    const fs = exactConditionalLaw({ kind: 'fast-slow', a: 1, s: 0.5, epsilon: 0.1, f: 'sin', c: 1 }, 2, 1)!;
    expect(fs(0.5).mean).toBeCloseTo(1, 12);
    expect(fs(0.5).sd).toBeCloseTo(0.5 * Math.SQRT2, 12);
    const multi = exactConditionalLaw(defaultSystemSpec('fast-slow-multi'), 1, 2)!;
    expect(multi(0.5).mean).toBeCloseTo(1, 12);
    expect(exactConditionalLaw(spec, 1, 1)!(0.3).mean).toBeCloseTo(twoModeConditional(spec, 0.3, 1).mean, 14);
    expect(exactConditionalLaw(spec, 1, 0)).toBeNull();
    expect(exactConditionalLaw({ kind: 'muller-brown', scale: 1 }, 1, 1)).toBeNull();
  });
});
