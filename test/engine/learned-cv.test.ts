/**
 * A learned CV with its gradient (engine/cv/nystrom-gradient.ts, learned-cv.ts) and a restraint on
 * it (engine/bias/cv-restraint.ts): values equal the Nystrom extension the app already uses, and
 * every gradient equals central differences (h = 1e-5: truncation ~h^2 |f'''| ~ 1e-9 relative,
 * rounding ~1e-16/h ~ 1e-11, so 1e-6 relative is a tolerance that a wrong term fails by far).
 */
import { describe, expect, test } from 'vitest';
import { diffusionMap, extendDiffusionMap } from '../../src-main/engine/cv';
import { NystromCoordinate } from '../../src-main/engine/cv/nystrom-gradient';
import { identityObservation, learnedCvFunction } from '../../src-main/engine/cv/learned-cv';
import { embeddedObservation } from '../../src-main/engine/workflows/learned-cv-loop';
import { CvRestraint } from '../../src-main/engine/bias/cv-restraint';
import { Embedded, sampleEmbedded } from '../../src-main/engine/systems';
import type { EmbeddedSpec } from '../../src-main/engine/systems';
import { Rng } from '../../src-main/engine/random';

const SPEC: EmbeddedSpec = { kind: 'embedded', a: 1, s: 0.3, epsilon: 0.05, f: 'sin', c: 0.5, curvature: 1, angle: 0.7 };

function centralDifference(f: (p: Float64Array) => number, p: Float64Array): Float64Array {
  const g = new Float64Array(p.length);
  for (let d = 0; d < p.length; d++) {
    const h = 1e-5 * (1 + Math.abs(p[d]));
    const plus = Float64Array.from(p);
    const minus = Float64Array.from(p);
    plus[d] += h;
    minus[d] -= h;
    g[d] = (f(plus) - f(minus)) / (2 * h);
  }
  return g;
}

const sample = sampleEmbedded(SPEC, 600, 1, 11);
const map = diffusionMap(sample.observed, 600, 3, { components: 2, seed: 1 });

describe('Nystrom coordinate with gradient', () => {
  test('value equals extendDiffusionMap, gradient equals central differences (both components)', () => {
    const rng = new Rng(5, 0);
    const probes = new Float64Array(3 * 20);
    for (let i = 0; i < 20; i++) for (let c = 0; c < 3; c++) probes[3 * i + c] = sample.observed[3 * (i * 29) + c] + 0.05 * rng.normal();
    const ext = extendDiffusionMap(map.model, probes, 20);
    for (const k of [1, 2]) {
      const psi = new NystromCoordinate(map.model, k);
      for (let i = 0; i < 20; i++) {
        const q = probes.subarray(3 * i, 3 * i + 3);
        const grad = new Float64Array(3);
        const v = psi.evaluate(q, 0, grad, 0);
        expect(Math.abs(v - ext[i * 2 + k - 1])).toBeLessThan(1e-12 * (1 + Math.abs(v)));
        expect(psi.evaluate(q, 0)).toBe(v);
        const fd = centralDifference((p) => psi.evaluate(p, 0), Float64Array.from(q));
        const scale = Math.max(...Array.from(fd, Math.abs), 1e-3);
        for (let c = 0; c < 3; c++) expect(Math.abs(grad[c] - fd[c])).toBeLessThan(1e-6 * scale);
      }
    }
  });

  test('refuses a component the map does not have', () => {
    expect(() => new NystromCoordinate(map.model, 3)).toThrow(/does not exist/);
  });
});

describe('embedded observation map', () => {
  const sys = new Embedded(SPEC);
  test('the Jacobian equals central differences and unobserve inverts observe exactly', () => {
    const xy = new Float64Array([0.7, -0.2]);
    const J = sys.observeJacobian(xy[0]);
    for (let r = 0; r < 3; r++) {
      const fd = centralDifference((p) => sys.observe(p, 1)[r], xy);
      expect(Math.abs(J[2 * r] - fd[0])).toBeLessThan(1e-8);
      expect(Math.abs(J[2 * r + 1] - fd[1])).toBeLessThan(1e-8);
    }
    const back = sys.unobserve(sys.observe(Float64Array.from([0.3, 0.1, -1.2, 0.4]), 2), 2);
    expect(Array.from(back).map((v) => +v.toFixed(12))).toEqual([0.3, 0.1, -1.2, 0.4]);
  });

  test('learned CV over (x, y): value = Psi(observe(x, y)), gradient = J^T dPsi/dq = central differences', () => {
    const cv = learnedCvFunction(map.model, 1, embeddedObservation(sys));
    const psi = new NystromCoordinate(map.model, 1);
    for (const p of [[-1, 0.1], [-0.3, 0.2], [0.2, -0.1], [0.9, 0.4]]) {
      const x = Float64Array.from(p);
      const g = new Float64Array(2);
      const v = cv.valueAndGradient(x, 0, g, 0);
      expect(v).toBe(psi.evaluate(sys.observe(x, 1), 0));
      const fd = centralDifference((q) => cv.value(q, 0), x);
      const scale = Math.max(Math.abs(fd[0]), Math.abs(fd[1]), 1e-3);
      expect(Math.abs(g[0] - fd[0])).toBeLessThan(1e-6 * scale);
      expect(Math.abs(g[1] - fd[1])).toBeLessThan(1e-6 * scale);
    }
  });
});

describe('restraint on a CV', () => {
  test('force = -grad W (central differences), W = kappa/2 (xi - AT)^2, and it adds to what is there', () => {
    const cv = learnedCvFunction(map.model, 1, embeddedObservation(new Embedded(SPEC)));
    const r = new CvRestraint(cv, 0.01, 250);
    const x = new Float64Array([0.4, 0.3]);
    const out = new Float64Array([1, 2]);
    const w = r.addForce(x, 0, out, 0);
    expect(w).toBeCloseTo(0.5 * 250 * (cv.value(x, 0) - 0.01) ** 2, 12);
    expect(r.energy(x, 0)).toBe(w);
    const fd = centralDifference((p) => r.energy(p, 0), x);
    expect(Math.abs(out[0] - 1 + fd[0])).toBeLessThan(1e-6 * (1 + Math.abs(fd[0])));
    expect(Math.abs(out[1] - 2 + fd[1])).toBeLessThan(1e-6 * (1 + Math.abs(fd[1])));
    expect(() => r.checkDimension(3)).toThrow(/takes 2 coordinates/);
  });

  test('identity observation: a restraint on a map of the coordinates themselves', () => {
    const n = 300;
    const pts = new Float64Array(2 * n);
    const rng = new Rng(2, 0);
    for (let i = 0; i < 2 * n; i++) pts[i] = rng.normal() * (i % 2 ? 0.2 : 1);
    const m = diffusionMap(pts, n, 2, { components: 1 });
    const cv = learnedCvFunction(m.model, 1, identityObservation(2));
    const x = new Float64Array([0.3, 0.05]);
    const g = new Float64Array(2);
    cv.valueAndGradient(x, 0, g, 0);
    const fd = centralDifference((p) => cv.value(p, 0), x);
    expect(Math.abs(g[0] - fd[0])).toBeLessThan(1e-6 * Math.max(Math.abs(fd[0]), 1e-3));
  });
});

describe('exact laws on the level sets of a CV (co-area formula)', () => {
  test('xi = x^3 + x on fast/slow: F_xi(c) = a (x*^2 - 1)^2 + kT ln(3 x*^2 + 1) and E[y | xi = c] = f(x*)', async () => {
    const { levelSetLaw } = await import('../../src-main/engine/workflows/level-set');
    const { compileObservable } = await import('../../src-main/engine/workflows/observables');
    const { createSystem } = await import('../../src-main/engine/systems');
    const spec = { kind: 'fast-slow' as const, a: 1.5, s: 0.4, epsilon: 0.01, f: 'sin' as const, c: 0.8 };
    const sys = createSystem(spec);
    const cv = compileObservable('x^3 + x', ['x', 'y']);
    const xStar = [-1.2, -0.7, -0.1, 0.4, 1.1];
    const conditions = xStar.map((x) => x ** 3 + x);
    const law = levelSetLaw(sys, cv, 1, conditions, [(p) => p[1]]);
    const exact = xStar.map((x) => spec.a * (x * x - 1) ** 2 + Math.log(3 * x * x + 1));
    const min = Math.min(...exact);
    // Trapezoid in y with 241 points over a Gaussian of s.d. 0.4 on a ~5 wide domain: error << 1e-6.
    xStar.forEach((x, k) => {
      expect(law.F[k]).toBeCloseTo(exact[k] - min, 6);
      expect(law.conditional[0][k]).toBeCloseTo(spec.c * Math.sin(Math.PI * x), 6);
    });
  });
});

describe('metadynamics on a CV', () => {
  test('force = -grad W by central differences after hills are deposited at the CV value', async () => {
    const { CvMetad } = await import('../../src-main/engine/bias/cv-metad');
    const cv = learnedCvFunction(map.model, 1, embeddedObservation(new Embedded(SPEC)));
    const b = new CvMetad(cv, { sigma: [0.1], height: 0.5, pace: 1, biasFactor: 5, kT: 1, grid: { min: [-3], max: [3] }, outside: 'flat' });
    const positions = new Float64Array([0.2, 0.1, -0.5, 0.3]);
    b.reporter().report({ positions, nWalkers: 2, dim: 2, step: 1 });
    // The first hill has the full height at the first walker's CV value.
    expect(b.energy(positions, 0)).toBeGreaterThan(0.5 * 0.99);
    const x = new Float64Array([0.25, 0.05]);
    const out = new Float64Array(2);
    b.addForce(x, 0, out, 0);
    const fd = centralDifference((p) => b.energy(p, 0), x);
    // The grid is a cubic Hermite interpolant: its derivative is the interpolant's own, so FD of
    // the interpolant agrees to the FD truncation error.
    expect(Math.abs(out[0] + fd[0])).toBeLessThan(1e-5 * (1 + Math.abs(fd[0])));
    expect(Math.abs(out[1] + fd[1])).toBeLessThan(1e-5 * (1 + Math.abs(fd[1])));
  });
});
