/** engine/estimators/histogram-fes.ts and exactBiasedMarginal against hand-computed and closed-form answers. */
import { expect, test } from 'vitest';
import { histogramFes, rmsAgainst } from '../../src-main/engine/estimators/histogram-fes';
import { exactBiasedMarginal } from '../../src-main/engine/estimators/exact-fes';
import type { ToySystem } from '../../src-main/engine/systems';

test('histogramFes: -kT ln of the density minus the bias, min 0, empty bins null', () => {
  // Densities 4/(8*0.5) = 1 and 2/(8*0.5) = 0.5: F = 0 and kT ln 2 (kT = 2), bias 0.
  const f = histogramFes([4, 2, 0, 2], 8, 0.5, 2, () => 0);
  expect(f[0]).toBe(0);
  expect(f[1]).toBeCloseTo(2 * Math.log(2), 14);
  expect(f[2]).toBeNull();
  // A bias of +1 on the last bin lowers its free energy by 1 below bin 1's.
  const g = histogramFes([4, 2, 0, 2], 8, 0.5, 2, (i) => (i === 3 ? 1 : 0));
  expect(g[1]! - g[3]!).toBeCloseTo(1, 14);
});

test('rmsAgainst: 0 for a profile that differs by a constant, the RMS of the rest otherwise', () => {
  expect(rmsAgainst([1, 2, 3], [0, 1, 2], 10)).toBeCloseTo(0, 15);
  // Differences (0, 2) after removing their mean 1: (-1, 1), RMS 1; the bin with exact >= cutoff is left out.
  expect(rmsAgainst([0, 3, 100], [0, 1, 50], 10)).toBeCloseTo(1, 15);
  expect(rmsAgainst([null, null], [0, 0], 10)).toBeNull();
});

test('exactBiasedMarginal: a separable harmonic well gives 0.5 a x^2 whatever the umbrella on y', () => {
  const a = 3;
  const system = { dim: 2, energy: (p: Float64Array) => 0.5 * a * p[0] ** 2 + 0.5 * 2 * p[1] ** 2 } as unknown as ToySystem;
  const centers = [-1, -0.5, 0, 0.5, 1];
  const f = exactBiasedMarginal(system, 0, { cvIndex: 1, spring: 10, center: 0.7, range: [-5, 5] }, 1, centers);
  // The y integral is the same constant at every x, so only 0.5 a x^2 (min 0 at x = 0) remains;
  // the trapezoid error is the same at every x and cancels exactly up to rounding.
  centers.forEach((x, i) => expect(f[i]).toBeCloseTo(0.5 * a * x * x, 10));
});
