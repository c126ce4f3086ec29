/**
 * The statistics of the consistency report against known answers: 1-D Wasserstein-1 between two
 * samples (integral of |F_a - F_b|, exact for step functions) and between a sample and a normal
 * law (integral of |F_n - Phi| on a grid), plus the exact conditional law of the fast/slow system.
 */
import { expect, test } from 'vitest';
import { exactLaw, stats, wasserstein1, wasserstein1Normal } from '../../src-main/runs/train/lift';
import type { TrainJob } from '../../src-main/runs/run-file';

test('W1 between samples: hand-computed step-function integrals and the shift property', () => {
  // F_a jumps 0 -> 1/2 -> 1 at 0 and 1; F_b jumps 0 -> 1 at 0.5: |F_a - F_b| = 1/2 on [0, 1] -> 0.5.
  expect(wasserstein1([0, 1], [0.5])).toBeCloseTo(0.5, 15);
  // Identical samples: 0. A sample against itself shifted by d: exactly d (up to round-off).
  const a = Array.from({ length: 1000 }, (_, i) => Math.sin(i * 1.7) * 3);
  expect(wasserstein1(a, a)).toBe(0);
  expect(wasserstein1(a, a.map((v) => v + 0.37))).toBeCloseTo(0.37, 12);
  // Symmetric in its arguments; unequal sizes: {0} vs {0, 2} -> |1 - 1/2| on [0, 2] = 1.
  expect(wasserstein1([0], [0, 2])).toBeCloseTo(1, 15);
  expect(wasserstein1([0, 2], [0])).toBeCloseTo(1, 15);
});

test('W1 against a normal law: a quantile sample is close, a shifted one is off by the shift', () => {
  // The n normal quantiles at (i + 1/2)/n: W1 to N(0,1) is O(1/n) (here ~2e-4 for n = 4000);
  // the grid integral (8000 points over +-8 sd, trapezoid) adds < 1e-4.
  const n = 4000;
  // Inverse normal CDF by bisection on the same erf the code uses.
  const q = (p: number) => {
    let lo = -9;
    let hi = 9;
    for (let k = 0; k < 80; k++) {
      const mid = (lo + hi) / 2;
      const below = 0.5 * (1 + erfLike(mid / Math.SQRT2));
      if (below < p) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  const sample = Array.from({ length: n }, (_, i) => q((i + 0.5) / n));
  expect(wasserstein1Normal(sample, 0, 1)).toBeLessThan(1e-3);
  // W1 between two laws differing by a shift d is d; scaled: N(0, sd^2) vs sample*sd -> 0.
  expect(wasserstein1Normal(sample, 0.25, 1)).toBeCloseTo(0.25, 2);
  expect(wasserstein1Normal(sample.map((v) => 0.5 * v), 0, 0.5)).toBeLessThan(1e-3);
  // Scale mismatch: W1(N(0,1), N(0, s^2)) = |1 - s| sqrt(2/pi) (the quantile functions differ by (1-s) z).
  expect(wasserstein1Normal(sample, 0, 0.8)).toBeCloseTo(0.2 * Math.sqrt(2 / Math.PI), 2);
});

/** Reference erf (Abramowitz-Stegun 7.1.26) for building the quantile sample. */
function erfLike(x: number): number {
  const s = Math.sign(x);
  const z = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * z);
  return s * (1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z));
}

test('sample statistics and the exact fast/slow conditional law', () => {
  const st = stats([1, 2, 3, 4]);
  expect(st.mean).toBe(2.5);
  expect(st.sd).toBeCloseTo(Math.sqrt(5 / 3), 15); // unbiased (n - 1)
  const job = { system: { kind: 'fast-slow', a: 1, s: 0.5, epsilon: 0.1, f: 'sin', c: 2 }, condIndices: [0], kT: 2 } as unknown as TrainJob;
  const law = exactLaw(job)!;
  // p(y | x) = N(c sin(pi x), s^2 kT): at x = 0.5 the mean is 2, s.d. 0.5 sqrt(2).
  expect(law(0.5).mean).toBeCloseTo(2, 15);
  expect(law(0.5).sd).toBeCloseTo(0.5 * Math.SQRT2, 15);
  // Conditioning on y (index 1) or another system: no exact law is claimed.
  expect(exactLaw({ ...job, condIndices: [1] })).toBeNull();
  expect(exactLaw({ ...job, system: { kind: 'muller-brown', scale: 1 } } as unknown as TrainJob)).toBeNull();
});
