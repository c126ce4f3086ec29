import { describe, expect, it } from 'vitest';
import { slicedWasserstein1, wasserstein1 } from '../../src-main/engine/estimators/wasserstein';
import { Rng } from '../../src-main/engine/random';

function normals(n: number, dim: number, shift: number[], seed: number): Float64Array {
  const rng = new Rng(seed, 0);
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) out[i * dim + d] = rng.normal() + shift[d];
  return out;
}

describe('Wasserstein distances', () => {
  it('1D: a shifted copy is exactly the shift away', () => {
    const a = normals(1000, 1, [0], 1);
    expect(wasserstein1(a, a.map((v) => v + 0.25))).toBeCloseTo(0.25, 12);
    expect(wasserstein1(a, a)).toBe(0);
  });

  it('sliced: two unit Gaussians shifted by d are |d| E|theta_1| apart (2D: 2|d|/pi; 3D: |d|/2)', () => {
    // For equal covariances, W1 of every projection is |theta . d|; averaging over uniform
    // directions gives |d| E|theta_1| = |d| Gamma(D/2) / (sqrt(pi) Gamma((D+1)/2)).
    // Error budget: 20,000 samples per side put ~0.01 of sampling noise on each 1D W1 (it is
    // the mean |F_a - F_b| of two empirical CDFs), and 400 random directions estimate the
    // angular mean of |cos| to ~0.02 |d| (sd of |theta_1| ~ 0.3, / sqrt(400)); 0.06 is ~2.5 sigma
    // of the combined error, while a wrong direction law (e.g. not normalised) misses by > 0.1.
    const d2 = [1.2, -0.9]; // |d| = 1.5
    const s2 = slicedWasserstein1(normals(20_000, 2, [0, 0], 2), normals(20_000, 2, d2, 3), 2, { projections: 400, seed: 4 });
    expect(Math.abs(s2 - (1.5 * 2) / Math.PI)).toBeLessThan(0.06);
    const d3 = [1, 1, 1]; // |d| = sqrt(3)
    const s3 = slicedWasserstein1(normals(20_000, 3, [0, 0, 0], 5), normals(20_000, 3, d3, 6), 3, { projections: 400, seed: 7 });
    expect(Math.abs(s3 - Math.sqrt(3) / 2)).toBeLessThan(0.06);
  });

  it('sliced: identical samples are 0 apart, and the seed fixes the directions', () => {
    const a = normals(500, 3, [0, 0, 0], 8);
    expect(slicedWasserstein1(a, a, 3)).toBe(0);
    const b = normals(500, 3, [0.5, 0, 0], 9);
    expect(slicedWasserstein1(a, b, 3, { seed: 3 })).toBe(slicedWasserstein1(a, b, 3, { seed: 3 }));
  });

  it('refuses empty samples and ragged rows', () => {
    expect(() => wasserstein1([], [1])).toThrow(/non-empty/);
    expect(() => slicedWasserstein1(new Float64Array(5), new Float64Array(4), 2)).toThrow(/multiples/);
  });
});
