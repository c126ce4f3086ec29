/**
 * engine/bias/restraint.ts: the harmonic restraint U = sum_i kappa_i/2 d_i^2 (PLUMED RESTRAINT,
 * AT/KAPPA) against closed forms, the periodic minimum image, a central finite-difference
 * gradient, and the coordinate form the integrators use.
 */
import { describe, expect, it } from 'vitest';
import { CoordinateRestraint, HarmonicRestraint } from '../../src-main/engine/bias/restraint';
import { EngineInputError } from '../../src-main/engine/errors';

describe('HarmonicRestraint', () => {
  it('energy and gradient equal the closed form on two CVs', () => {
    const r = new HarmonicRestraint({ at: [1, -2], kappa: [10, 4] });
    const g = new Float64Array(2);
    // d = (0.5, 1): U = 10/2 * 0.25 + 4/2 * 1 = 3.25 exactly in binary floating point.
    expect(r.evaluate([1.5, -1], g)).toBe(3.25);
    expect(Array.from(g)).toEqual([5, 4]);
    // At the centre U and its gradient vanish.
    expect(r.evaluate([1, -2], g)).toBe(0);
    expect(Array.from(g)).toEqual([0, 0]);
  });

  it('scale multiplies every kappa (the ramped spring)', () => {
    const r = new HarmonicRestraint({ at: [0, 0], kappa: [2, 6] });
    const g = new Float64Array(2);
    expect(r.evaluate([1, 1], g, 0.5)).toBe(0.5 * (0.5 * 2 + 0.5 * 6));
    expect(Array.from(g)).toEqual([1, 3]);
  });

  it('periodic CVs use the minimum image: a centre at 170 deg pulls -175 deg by +15 deg', () => {
    const deg = Math.PI / 180;
    const r = new HarmonicRestraint({ at: [170 * deg], kappa: [100], periods: [2 * Math.PI] });
    const d = r.displacement(0, -175 * deg);
    // 15 deg up to the rounding of the wrap (a few ulps of 2 pi).
    expect(d).toBeCloseTo(15 * deg, 14);
    expect(r.evaluate([-175 * deg])).toBeCloseTo(0.5 * 100 * (15 * deg) ** 2, 12);
    // Every image of the same angle gives the same energy (to the rounding of s + n 2 pi).
    for (const n of [-3, -1, 1, 4]) expect(r.evaluate([-175 * deg + n * 2 * Math.PI])).toBeCloseTo(r.evaluate([-175 * deg]), 10);
    // A non-periodic CV does not wrap.
    const flat = new HarmonicRestraint({ at: [170 * deg], kappa: [100] });
    expect(flat.displacement(0, -175 * deg)).toBeCloseTo(-345 * deg, 14);
  });

  it('the gradient matches central finite differences (periodic and not)', () => {
    const r = new HarmonicRestraint({ at: [0.3, -1.1, 2.5], kappa: [7, 0.5, 30], periods: [0, 2 * Math.PI, 0] });
    const s = [1.7, 2.9, 2.2];
    const g = new Float64Array(3);
    r.evaluate(s, g);
    const h = 1e-5;
    for (let i = 0; i < 3; i++) {
      const plus = [...s];
      const minus = [...s];
      plus[i] += h;
      minus[i] -= h;
      const fd = (r.evaluate(plus) - r.evaluate(minus)) / (2 * h);
      // U is quadratic in s_i (away from the wrap point), so central differences are exact up to
      // rounding: |error| ~ eps U / h ~ 1e-16 * 100 / 1e-5 = 1e-9.
      expect(Math.abs(fd - g[i])).toBeLessThan(1e-7);
    }
  });

  it('bad input names the problem', () => {
    expect(() => new HarmonicRestraint({ at: [], kappa: [] })).toThrow(/at least one CV/);
    expect(() => new HarmonicRestraint({ at: [0, 1], kappa: [1] })).toThrow(/one KAPPA per CV/);
    expect(() => new HarmonicRestraint({ at: [0], kappa: [-1] })).toThrow(EngineInputError);
    expect(() => new HarmonicRestraint({ at: [NaN], kappa: [1] })).toThrow(/AT\[0\] must be finite/);
    expect(() => new CoordinateRestraint([0], { at: [0, 1], kappa: [1, 1] })).toThrow(/one coordinate per restrained CV/);
    expect(() => new CoordinateRestraint([0, 3], { at: [0, 1], kappa: [1, 1] }).checkDimension(2)).toThrow(/outside a 2-dimensional system/);
  });
});

describe('CoordinateRestraint', () => {
  it('adds -dU/dx on its coordinates only and returns U, as HarmonicRestraint.evaluate', () => {
    const cr = new CoordinateRestraint([2, 0], { at: [0.5, -1], kappa: [3, 8] });
    const x = new Float64Array([9, 9, 0.1, -0.75, 5, 0.25]); // two points of dim 3, the second at offset 3
    const out = new Float64Array(6).fill(1);
    const u = cr.addForce(x, 3, out, 3);
    const g = new Float64Array(2);
    const expected = cr.restraint.evaluate([x[5], x[3]], g);
    expect(u).toBe(expected);
    expect(cr.energy(x, 3)).toBe(expected);
    expect(Array.from(out)).toEqual([1, 1, 1, 1 - g[1], 1, 1 - g[0]]);
  });

  it('gives the bits of the former 2D window bias 0.5 k d^2, force -k d', () => {
    const cr = new CoordinateRestraint([0, 1], { at: [-0.37, 1.13], kappa: [30, 40] });
    const x = new Float64Array([-0.2113, 0.9871]);
    const out = new Float64Array([0.3, -0.7]);
    const u = cr.addForce(x, 0, out, 0);
    const d0 = x[0] - -0.37;
    const d1 = x[1] - 1.13;
    expect(u).toBe(0.5 * 30 * d0 * d0 + 0.5 * 40 * d1 * d1);
    expect(out[0]).toBe(0.3 - 30 * d0);
    expect(out[1]).toBe(-0.7 - 40 * d1);
  });
});
