import { describe, expect, it } from 'vitest';
import { createSystem } from '../../src-main/engine/systems';
import { exactProfile, exactWindowFreeEnergies } from '../../src-main/engine/estimators/exact';
import { EngineInputError } from '../../src-main/engine/errors';

function linspace(a: number, b: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

describe('exact quadrature', () => {
  it('double well: F = V - min V', () => {
    const sys = createSystem({ kind: 'double-well', a: 2 });
    const grid = linspace(-1.8, 1.8, 37);
    const F = exactProfile(sys, 0, 1, grid);
    for (let i = 0; i < grid.length; i++) expect(F[i]).toBeCloseTo(2 * (grid[i] ** 2 - 1) ** 2, 12);
  });

  it('window free energies: symmetry and brute-force cross-check', () => {
    // Symmetric double well: windows at +c and -c have equal free energies (exact symmetry,
    // so the quadrature must reproduce it to ~1e-10 kT).
    const sys = createSystem({ kind: 'double-well', a: 2 });
    const f = exactWindowFreeEnergies(sys, 0, 1, [
      { center: -0.5, spring: 10 },
      { center: 0.5, spring: 10 },
      { center: 0, spring: 10 },
    ]);
    expect(f[0]).toBe(0);
    expect(Math.abs(f[1])).toBeLessThan(1e-10);
    // Independent check by brute-force midpoint rule on [-6, 6] with 2e5 points (error ~1e-9):
    const brute = (c: number): number => {
      let s = 0;
      const n = 200_000;
      const h = 12 / n;
      for (let i = 0; i < n; i++) {
        const x = -6 + (i + 0.5) * h;
        s += Math.exp(-(2 * (x * x - 1) ** 2 + 5 * (x - c) ** 2)) * h;
      }
      return -Math.log(s);
    };
    expect(f[2]).toBeCloseTo(brute(0) - brute(-0.5), 8);
  });

  it('fast-slow: integrating out y gives F(x) = a (x^2-1)^2 exactly, for any f and s', () => {
    // p(x) = exp(-U(x)/kT) * sqrt(2 pi s^2 kT) exactly, so F(x) - min = U(x) - min U.
    for (const f of ['linear', 'sin', 'cubic'] as const) {
      const sys = createSystem({ kind: 'fast-slow', a: 1.5, s: 0.05, epsilon: 0.01, f, c: 1.3 });
      const grid = linspace(-1.7, 1.7, 35);
      const F = exactProfile(sys, 0, 0.7, grid);
      for (let i = 0; i < grid.length; i++) expect(Math.abs(F[i] - 1.5 * (grid[i] ** 2 - 1) ** 2)).toBeLessThan(1e-9);
    }
    // ... and the 2D window free energies equal the 1D double-well ones.
    const windows = [-1.2, -0.4, 0, 0.9].map((center) => ({ center, spring: 8 }));
    const f2 = exactWindowFreeEnergies(createSystem({ kind: 'fast-slow', a: 1.5, s: 0.3, epsilon: 0.1, f: 'sin', c: 1 }), 0, 1, windows);
    const f1 = exactWindowFreeEnergies(createSystem({ kind: 'double-well', a: 1.5 }), 0, 1, windows);
    for (let k = 0; k < windows.length; k++) expect(Math.abs(f2[k] - f1[k])).toBeLessThan(1e-9);
  });

  it('Muller-Brown profile along x: finite, min 0, deepest basin near x = -0.56', () => {
    const sys = createSystem({ kind: 'muller-brown', scale: 1 });
    const grid = linspace(-1.5, 1.2, 55);
    const F = exactProfile(sys, 0, 10, grid);
    let imin = 0;
    for (let i = 0; i < grid.length; i++) {
      expect(Number.isFinite(F[i])).toBe(true);
      if (F[i] < F[imin]) imin = i;
    }
    expect(F[imin]).toBe(0);
    expect(Math.abs(grid[imin] + 0.56)).toBeLessThan(0.1);
    // Large scale must not overflow (log-space quadrature).
    const big = exactProfile(createSystem({ kind: 'muller-brown', scale: 20 }), 1, 1, linspace(0, 1.5, 7));
    for (const v of big) expect(Number.isFinite(v)).toBe(true);
  });

  it('rejects bad input', () => {
    const sys = createSystem({ kind: 'double-well', a: 1 });
    expect(() => exactProfile(sys, 1, 1, new Float64Array([0]))).toThrow(EngineInputError);
    expect(() => exactProfile(sys, 0, 0, new Float64Array([0]))).toThrow(/kT/);
    expect(() => exactWindowFreeEnergies(sys, 0, 1, [{ center: 0, spring: -1 }])).toThrow(/spring/);
  });
});
