/**
 * engine/estimators/exact-fes.ts against closed forms on a separable harmonic surface
 * V = 0.5 a x^2 + 0.5 b y^2 (kT = 1): window free energies and basin weights are Gaussian integrals.
 */
import { expect, test } from 'vitest';
import { exactSurface2d } from '../../src-main/engine/estimators/exact-fes';
import type { ToySystem } from '../../src-main/engine/systems';

const a = 2;
const b = 5;
const harmonic = {
  dim: 2,
  coordinateNames: ['x', 'y'],
  domain: [[-6, 6], [-6, 6]],
  energy: (p: Float64Array, o = 0) => 0.5 * a * p[o] ** 2 + 0.5 * b * p[o + 1] ** 2,
} as unknown as ToySystem;

test('window free energies: f_k = sum_c a_c k c_c^2 / (2 (a_c + k)) relative to window 0 (to 1e-6)', () => {
  const windows = [
    { centers: [0, 0], springs: [10, 10] },
    { centers: [1, -0.5], springs: [10, 20] },
    { centers: [-2, 1], springs: [4, 8] },
  ];
  // Completing the square: integral exp(-(a x^2 + k (x - c)^2)/2) = sqrt(2 pi / (a + k)) exp(-a k c^2 / (2 (a + k))).
  const f = (w: (typeof windows)[number]) =>
    [a, b].reduce((s, ac, c) => s + (ac * w.springs[c] * w.centers[c] ** 2) / (2 * (ac + w.springs[c])) + 0.5 * Math.log((ac + w.springs[c]) / (2 * Math.PI)), 0);
  const axes = [{ bins: 4, min: -2, max: 2, periodic: false }, { bins: 4, min: -2, max: 2, periodic: false }];
  const out = exactSurface2d(harmonic, [0, 1], 1, axes, new Int32Array(16).fill(-1), 0, windows);
  // Midpoint rule on 400 x 400 points over [-6, 6]^2 (spacing 0.03, windows >= 0.2 wide): error ~1e-8.
  windows.forEach((w, k) => expect(out.windowFreeEnergies[k]).toBeCloseTo(f(w) - f(windows[0]), 6));
  // V - min V on the bin centres (min over the centres is at (+-0.5, +-0.5)).
  expect(out.grid[0][0]).toBeCloseTo(0.5 * a * 1.5 ** 2 + 0.5 * b * 1.5 ** 2 - (0.5 * a * 0.25 + 0.5 * b * 0.25), 12);
});

test('basin weights: ratio of two half-planes of a symmetric well is 1, of a box to the plane by the error function', () => {
  const axes = [{ bins: 20, min: -5, max: 5, periodic: false }, { bins: 20, min: -5, max: 5, periodic: false }];
  const labels = new Int32Array(400);
  for (let i = 0; i < 20; i++) for (let j = 0; j < 20; j++) labels[i * 20 + j] = i < 10 ? 0 : 1;
  const out = exactSurface2d(harmonic, [0, 1], 1, axes, labels, 2, [{ centers: [0, 0], springs: [1, 1] }]);
  // x < 0 and x > 0 hold the same probability.
  expect(out.basinLogWeights[0] - out.basinLogWeights[1]).toBeCloseTo(0, 10);
  // Each half: 0.5 * 2 pi / sqrt(a b) times exp(+min V) (the grid minimum is subtracted; box edges at
  // >= 7 sigma in x and 11 sigma in y cut off < 1e-11). Midpoint rule with 36 points per bin of
  // width 0.5 (sigma 0.45-0.7): relative error < 1e-4.
  const minV = 0.5 * a * 0.25 ** 2 + 0.5 * b * 0.25 ** 2;
  expect(Math.exp(out.basinLogWeights[0])).toBeCloseTo(Math.exp(minV) * Math.PI / Math.sqrt(a * b), 3);
});
