/**
 * The systems added for issue 4: several fast variables, the embedded (observed) fast/slow
 * system, and user-defined expression potentials. Known answers: forces are minus the
 * numerical gradient of the energies; the conditional laws p(y_i | x) = N(f_i(x), s_i^2 kT)
 * hold in simulation (fast-slow-multi) and in the exact sampler (embedded); the embedding is
 * a rigid motion when the curvature is 0; an expression potential equals the built-in one it
 * spells out.
 */
import { describe, expect, it } from 'vitest';
import {
  allSystemCatalog,
  createSystem,
  defaultSystemSpec,
  Embedded,
  embeddingRotation,
  FastSlowMulti,
  sampleEmbedded,
  systemCatalog,
  validateSystemSpec,
  type AnySystemSpec,
  type FastSlowMultiSpec,
  type ToySystem,
} from '../../src-main/engine/systems';
import { EngineInputError } from '../../src-main/engine/errors';
import { OverdampedSimulation } from '../../src-main/engine/integrators/overdamped';
import { Rng } from '../../src-main/engine/random';

/** max |F + grad V| over random points of the domain (central differences, h = 1e-6). */
function forceError(sys: ToySystem, seed: number, points = 20): number {
  const rng = new Rng(seed);
  const x = new Float64Array(sys.dim);
  const f = new Float64Array(sys.dim);
  const h = 1e-6;
  let worst = 0;
  for (let p = 0; p < points; p++) {
    for (let d = 0; d < sys.dim; d++) {
      const [lo, hi] = sys.domain[d];
      x[d] = lo + (hi - lo) * (0.1 + 0.8 * rng.uniform());
    }
    const v = sys.force(x, 0, f, 0);
    expect(v).toBeCloseTo(sys.energy(x, 0), 12);
    for (let d = 0; d < sys.dim; d++) {
      const keep = x[d];
      x[d] = keep + h;
      const up = sys.energy(x, 0);
      x[d] = keep - h;
      const down = sys.energy(x, 0);
      x[d] = keep;
      const grad = (up - down) / (2 * h);
      worst = Math.max(worst, Math.abs(f[d] + grad) / (1 + Math.abs(grad)));
    }
  }
  return worst;
}

const multi: FastSlowMultiSpec = {
  kind: 'fast-slow-multi',
  a: 1,
  epsilon: 0.05,
  m: 3,
  f: 'sin',
  c: 1,
  s: 0.2,
  fast: [
    { f: 'linear', c: 1, s: 0.2 },
    { f: 'sin', c: 0.5, s: 0.3 },
    { f: 'cubic', c: -0.4, s: 0.25 },
  ],
};

describe('catalogue', () => {
  it('keeps the contract kinds in systemCatalog and offers every kind in allSystemCatalog', () => {
    expect(systemCatalog.map((k) => k.kind).sort()).toEqual(['double-well', 'fast-slow', 'muller-brown']);
    expect(allSystemCatalog.map((k) => k.kind).sort()).toEqual(['double-well', 'embedded', 'expression', 'fast-slow', 'fast-slow-multi', 'muller-brown', 'two-mode']);
    for (const info of allSystemCatalog) {
      const spec = defaultSystemSpec(info.kind);
      expect(validateSystemSpec(spec), info.kind).toEqual([]);
      const sys = createSystem(spec);
      expect(sys.dim).toBe(info.dim);
      expect(sys.coordinateNames).toEqual(info.coordinateNames);
      // Central differences: truncation ~h^2 |V'''| ~ 1e-10, rounding ~1e-16 |V| / h ~ 1e-9 for |V| ~ 1e1.
      expect(forceError(sys, 5), info.kind).toBeLessThan(1e-6);
    }
  });

  it('validation names the parameter', () => {
    expect(validateSystemSpec({ ...multi, m: 2.5 })).toContain('fast-slow-multi.m must be an integer (got 2.5)');
    expect(validateSystemSpec({ ...multi, m: 2 })[0]).toMatch(/fast must have m = 2 entries \(got 3\)/);
    expect(validateSystemSpec({ ...multi, fast: [multi.fast![0], { f: 'quartic', c: 1, s: 0.2 }, { f: 'sin', c: 1, s: -1 }] } as unknown as AnySystemSpec)).toEqual([
      "fast-slow-multi.fast[1].f must be one of 'linear', 'sin', 'cubic' (got \"quartic\")",
      'fast-slow-multi.fast[2].s must be a finite number > 0 (got -1)',
    ]);
    expect(validateSystemSpec({ ...multi, m: 17 })[0]).toMatch(/m must be <= 16/);
    const bad = validateSystemSpec({ kind: 'embedded', a: 1, s: 0.1, epsilon: 0.01, f: 'sin', c: 1, curvature: NaN, angle: 0 });
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(/^embedded.curvature must be a finite number/);
    expect(validateSystemSpec({ kind: 'expression', expression: 'x^2 +', dim: 1 })).toEqual([
      "expression.expression: unexpected end of expression (expected a number, name or '(') at column 6",
    ]);
    expect(validateSystemSpec({ kind: 'expression', expression: 'x + y', dim: 1 })[0]).toMatch(/unknown name 'y'.* at column 5/);
    expect(validateSystemSpec({ kind: 'expression', expression: 'x', dim: 1, domain: [[1, 0]] })[0]).toMatch(/domain\[0\] must be \[min, max\]/);
    expect(() => createSystem({ kind: 'expression', expression: 'sin x', dim: 1 })).toThrow(EngineInputError);
  });
});

describe('fast/slow with several fast variables', () => {
  it('forces are -grad V; layout x, y1..ym; mobility (1, 1/eps, ...)', () => {
    const sys = createSystem(multi) as FastSlowMulti;
    expect(sys.dim).toBe(4);
    expect(sys.coordinateNames).toEqual(['x', 'y1', 'y2', 'y3']);
    expect(Array.from(sys.mobility)).toEqual([1, 20, 20, 20]);
    expect(forceError(sys, 7, 50)).toBeLessThan(1e-6);
    // V(x, f(x)) = U(x) exactly: the fast variables sit at their conditional means.
    const x = 0.63;
    const at = new Float64Array([x, sys.f(0, x), sys.f(1, x), sys.f(2, x)]);
    expect(sys.energy(at)).toBeCloseTo((x * x - 1) ** 2, 14);
    expect(sys.f(2, x)).toBeCloseTo(-0.4 * x ** 3, 15);
  });

  it('simulated conditional laws: E[y_i | x] = f_i(x) and Var[y_i | x] = s_i^2 kT', () => {
    const sys = createSystem(multi) as FastSlowMulti;
    const walkers = 128;
    const kT = 1;
    const dt = 2e-4;
    const positions = new Float64Array(walkers * 4);
    for (let w = 0; w < walkers; w++) {
      const x0 = w % 2 ? 1 : -1;
      positions.set([x0, sys.f(0, x0), sys.f(1, x0), sys.f(2, x0)], w * 4);
    }
    const sim = new OverdampedSimulation({ system: sys, kT, dt, positions, seed: 9, streamBase: 0 });
    sim.run(2000); // burn-in: fast relaxation time eps s^2 / kT ~ 0.002 = 10 steps
    const sums = [0, 0, 0];
    const squares = [0, 0, 0];
    let count = 0;
    for (let r = 0; r < 300; r++) {
      sim.run(25);
      for (let w = 0; w < walkers; w++) {
        const o = w * 4;
        for (let i = 0; i < 3; i++) {
          const d = sim.positions[o + 1 + i] - sys.f(i, sim.positions[o]);
          sums[i] += d;
          squares[i] += d * d;
        }
        count++;
      }
    }
    for (let i = 0; i < 3; i++) {
      const s = multi.fast![i].s;
      const mean = sums[i] / count;
      const variance = squares[i] / count - mean * mean;
      // y_i relaxes in s_i^2 / mobility = 10-22 steps, so samples 25 steps apart have correlation
      // <= 0.33, inflating the naive standard error s / sqrt(38400) by <= 1.4: 5 naive SE is
      // >= 3.5 true SE (observed 0.3-2.7 naive SE).
      expect(Math.abs(mean)).toBeLessThan((5 * s) / Math.sqrt(count));
      // Euler-Maruyama's stationary OU variance is s^2 kT / (1 - dt k / 2), k = mobility / s^2
      // (2-5% above s^2 kT here); compare with that. Relative SE of a variance from ~38k
      // near-independent samples ~0.7%, plus x moving during relaxation: allow 3%.
      const emVariance = (s * s * kT) / (1 - (dt * 20) / (2 * s * s));
      expect(Math.abs(variance / emVariance - 1)).toBeLessThan(0.03);
    }
  });
});

describe('embedded fast/slow system', () => {
  const spec = { kind: 'embedded' as const, a: 1, s: 0.15, epsilon: 0.01, f: 'sin' as const, c: 0.8, curvature: 1.3, angle: 0.9 };

  it('dynamics are the fast/slow system in (x, y); forces are -grad V', () => {
    const sys = createSystem(spec) as Embedded;
    const plain = createSystem({ kind: 'fast-slow', a: 1, s: 0.15, epsilon: 0.01, f: 'sin', c: 0.8 });
    const x = new Float64Array([0.3, -0.2]);
    expect(sys.energy(x)).toBe(plain.energy(x));
    expect(Array.from(sys.mobility)).toEqual([1, 100]);
    expect(forceError(sys, 3)).toBeLessThan(1e-6);
  });

  it('observation map: R is a rotation about (1,1,1); q = R (x, y, kappa x^2)', () => {
    const R = embeddingRotation(0.9);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let dot = 0;
        for (let k = 0; k < 3; k++) dot += R[3 * i + k] * R[3 * j + k];
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 15);
      }
    }
    // The axis is fixed: R (1,1,1) = (1,1,1).
    for (let i = 0; i < 3; i++) expect(R[3 * i] + R[3 * i + 1] + R[3 * i + 2]).toBeCloseTo(1, 15);
    const sys = new Embedded({ ...spec, curvature: 0 });
    // curvature 0: a rigid motion, so distances in (x, y) are preserved exactly.
    const q = sys.observe(new Float64Array([0.2, 0.5, -1.1, 0.3]), 2);
    expect(Math.hypot(q[0] - q[3], q[1] - q[4], q[2] - q[5])).toBeCloseTo(Math.hypot(1.3, 0.2), 14);
    const bent = new Embedded(spec).observe(new Float64Array([0.7, -0.1]), 1);
    const u = [0.7, -0.1, 1.3 * 0.49];
    const R9 = embeddingRotation(0.9);
    for (let r = 0; r < 3; r++) expect(bent[r]).toBeCloseTo(R9[3 * r] * u[0] + R9[3 * r + 1] * u[1] + R9[3 * r + 2] * u[2], 15);
  });

  it('exact sampler: E[y | x] = f(x), Var[y | x] = s^2 kT, and <x^2> of the double well', () => {
    const n = 40000;
    const kT = 0.8;
    const d = sampleEmbedded(spec, n, kT, 4);
    let m = 0;
    let v = 0;
    let x2 = 0;
    for (let i = 0; i < n; i++) {
      const r = d.y[i] - 0.8 * Math.sin(Math.PI * d.x[i]);
      m += r;
      v += r * r;
      x2 += d.x[i] ** 2;
    }
    m /= n;
    v = v / n - m * m;
    const sd = 0.15 * Math.sqrt(kT);
    expect(Math.abs(m)).toBeLessThan((5 * sd) / Math.sqrt(n)); // 5 standard errors (i.i.d. samples)
    // Var of a sample variance: 2 sigma^4 / n -> relative SE sqrt(2/n) = 0.7%; allow 5 SE.
    expect(Math.abs(v / (sd * sd) - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    // <x^2> under exp(-(x^2-1)^2 / kT) by quadrature (trapezoid, step 1e-4 on [-3, 3]: error << 1e-8).
    let z = 0;
    let zx2 = 0;
    for (let x = -3; x <= 3; x += 1e-4) {
      const w = Math.exp(-((x * x - 1) ** 2) / kT);
      z += w;
      zx2 += w * x * x;
    }
    // SD of x^2 under this density is ~0.55: SE 0.55 / sqrt(n) = 2.8e-3; allow 5 SE.
    expect(Math.abs(x2 / n - zx2 / z)).toBeLessThan(0.014);
    // Observations are the map of the hidden samples.
    const sys = new Embedded(spec);
    const again = sys.observe(new Float64Array([d.x[7], d.y[7]]), 1);
    for (let r = 0; r < 3; r++) expect(d.observed[21 + r]).toBe(again[r]);
  });
});

describe('user-defined expression potentials', () => {
  it('reproduce the built-in double well and fast/slow systems (energies and forces)', () => {
    const dw = createSystem({ kind: 'double-well', a: 2.5 });
    const ex = createSystem({ kind: 'expression', expression: 'a*(x^2 - 1)^2', dim: 1, parameters: { a: 2.5 } });
    const fs = createSystem({ kind: 'fast-slow', a: 1, s: 0.3, epsilon: 0.1, f: 'sin', c: 0.7 });
    const ex2 = createSystem({
      kind: 'expression',
      expression: 'a*(x^2-1)^2 + (y - c*sin(pi*x))^2 / (2*s^2)',
      dim: 2,
      parameters: { a: 1, s: 0.3, c: 0.7 },
      mobility: [1, 10],
    });
    expect(Array.from(ex2.mobility)).toEqual([1, 10]);
    const rng = new Rng(2);
    const f1 = new Float64Array(2);
    const f2 = new Float64Array(2);
    for (let p = 0; p < 50; p++) {
      const x = new Float64Array([4 * rng.uniform() - 2, 4 * rng.uniform() - 2]);
      // Same formula, possibly different rounding order: agree to 1e-12 relative.
      const tol = (v: number) => 1e-12 * (1 + Math.abs(v));
      expect(Math.abs(ex.force(x, 0, f1, 0) - dw.force(x, 0, f2, 0))).toBeLessThan(tol(dw.energy(x)));
      expect(Math.abs(f1[0] - f2[0])).toBeLessThan(tol(f2[0]));
      expect(Math.abs(ex2.force(x, 0, f1, 0) - fs.force(x, 0, f2, 0))).toBeLessThan(tol(fs.energy(x)));
      for (let d = 0; d < 2; d++) expect(Math.abs(f1[d] - f2[d])).toBeLessThan(tol(f2[d]));
    }
  });

  it('forces are -grad V for an arbitrary potential, and it runs in the overdamped integrator', () => {
    const sys = createSystem({
      kind: 'expression',
      expression: 'exp(-((x-1)^2 + y^2)) * -3 - 2*exp(-((x+1)^2 + y^2)) + 0.1*(x^4 + y^4) + tanh(x*y)',
      dim: 2,
      domain: [
        [-2.5, 2.5],
        [-2, 2],
      ],
    });
    expect(sys.domain).toEqual([
      [-2.5, 2.5],
      [-2, 2],
    ]);
    expect(forceError(sys, 8, 50)).toBeLessThan(1e-6);
    const sim = new OverdampedSimulation({ system: sys, kT: 1, dt: 1e-3, positions: new Float64Array([1, 0, -1, 0]), seed: 1, streamBase: 0 });
    sim.run(1000);
    for (const v of sim.positions) expect(Number.isFinite(v)).toBe(true);
  });
});
