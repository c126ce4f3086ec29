import { describe, expect, it } from 'vitest';
import {
  createSystem,
  defaultSystemSpec,
  systemCatalog,
  validateSystemSpec,
  type SystemSpec,
  type ToySystem,
} from '../../src-main/engine/systems';
import { EngineInputError } from '../../src-main/engine/errors';
import { Rng } from '../../src-main/engine/random';
import { addHarmonicBiasForce, harmonicBiasEnergy } from '../../src-main/engine/bias/umbrella';

const specs: SystemSpec[] = [
  { kind: 'double-well', a: 2.5 },
  { kind: 'muller-brown', scale: 1 },
  { kind: 'muller-brown', scale: 0.3 },
  { kind: 'fast-slow', a: 1.5, s: 0.4, epsilon: 0.02, f: 'linear', c: 0.7 },
  { kind: 'fast-slow', a: 1.5, s: 0.4, epsilon: 0.02, f: 'sin', c: -1.2 },
  { kind: 'fast-slow', a: 1.5, s: 0.4, epsilon: 0.02, f: 'cubic', c: 0.5 },
];

function numericalForce(sys: ToySystem, x: Float64Array): Float64Array {
  const h = 1e-5;
  const g = new Float64Array(sys.dim);
  for (let d = 0; d < sys.dim; d++) {
    const p = Float64Array.from(x);
    p[d] = x[d] + h;
    const vp = sys.energy(p);
    p[d] = x[d] - h;
    const vm = sys.energy(p);
    g[d] = -(vp - vm) / (2 * h);
  }
  return g;
}

describe('toy systems', () => {
  it.each(specs.map((s) => [JSON.stringify(s), s] as const))('force = -grad V and force() returns V: %s', (_, spec) => {
    const sys = createSystem(spec);
    const rng = new Rng(5, 0);
    const x = new Float64Array(sys.dim);
    const out = new Float64Array(sys.dim + 3);
    for (let t = 0; t < 200; t++) {
      for (let d = 0; d < sys.dim; d++) {
        const [lo, hi] = sys.domain[d];
        x[d] = lo + (hi - lo) * rng.uniform();
      }
      const v = sys.force(x, 0, out, 3);
      expect(v).toBe(sys.energy(x));
      const num = numericalForce(sys, x);
      // Central difference: truncation h^2 |V'''| / 6 ~ 1e-10 * O(1e3) (Muller-Brown) and roundoff
      // eps |V| / h ~ 2e-16 * 1e3 / 1e-5 = 2e-8; 1e-6 relative (+1e-6 absolute) covers both.
      for (let d = 0; d < sys.dim; d++) {
        expect(Math.abs(out[3 + d] - num[d])).toBeLessThan(1e-6 * (1 + Math.abs(num[d])));
      }
    }
  });

  it('reads the point at an offset', () => {
    const sys = createSystem({ kind: 'muller-brown', scale: 1 });
    const buf = new Float64Array([9, 9, -0.558, 1.442]);
    expect(sys.energy(buf, 2)).toBe(sys.energy(new Float64Array([-0.558, 1.442])));
  });

  it('double well: V = a (x^2 - 1)^2', () => {
    const sys = createSystem({ kind: 'double-well', a: 3 });
    expect(sys.energy(new Float64Array([0]))).toBe(3);
    expect(sys.energy(new Float64Array([1]))).toBe(0);
    expect(sys.energy(new Float64Array([2]))).toBe(27);
  });

  it('fast-slow: V and mobility', () => {
    const sys = createSystem({ kind: 'fast-slow', a: 2, s: 0.5, epsilon: 0.01, f: 'sin', c: 1 });
    expect(Array.from(sys.mobility)).toEqual([1, 100]);
    expect(sys.coordinateNames).toEqual(['x', 'y']);
    // At x = 0.5: U = 2 (0.25 - 1)^2 = 1.125, f = 1; y = 1.5 -> (0.5)^2 / (2 * 0.25) = 0.5
    expect(sys.energy(new Float64Array([0.5, 1.5]))).toBeCloseTo(1.625, 14);
  });

  it('Muller-Brown: known minima (Muller & Brown 1979)', () => {
    const sys = createSystem({ kind: 'muller-brown', scale: 1 });
    const known = [
      { x: -0.558, y: 1.442, v: -146.7 },
      { x: 0.623, y: 0.028, v: -108.17 },
      { x: -0.05, y: 0.467, v: -80.77 },
    ];
    for (const k of known) {
      // Newton iterations with a numerical Hessian from the analytic forces.
      const p = new Float64Array([k.x, k.y]);
      const f = new Float64Array(2);
      for (let it = 0; it < 30; it++) {
        sys.force(p, 0, f, 0);
        const h = 1e-6;
        const H = [
          [0, 0],
          [0, 0],
        ];
        for (let d = 0; d < 2; d++) {
          const q = Float64Array.from(p);
          const fp = new Float64Array(2);
          const fm = new Float64Array(2);
          q[d] += h;
          sys.force(q, 0, fp, 0);
          q[d] -= 2 * h;
          sys.force(q, 0, fm, 0);
          for (let e = 0; e < 2; e++) H[e][d] = -(fp[e] - fm[e]) / (2 * h);
        }
        const det = H[0][0] * H[1][1] - H[0][1] * H[1][0];
        expect(det).toBeGreaterThan(0); // positive definite: a minimum
        p[0] += (H[1][1] * f[0] - H[0][1] * f[1]) / det;
        p[1] += (-H[1][0] * f[0] + H[0][0] * f[1]) / det;
      }
      const v = sys.force(p, 0, f, 0);
      expect(Math.hypot(f[0], f[1])).toBeLessThan(1e-8);
      // Literature values are quoted to 3 decimals in position and 2 in energy.
      expect(Math.abs(p[0] - k.x)).toBeLessThan(1e-3);
      expect(Math.abs(p[1] - k.y)).toBeLessThan(1e-3);
      expect(Math.abs(v - k.v)).toBeLessThan(0.01);
    }
    // scale multiplies the energy
    const s2 = createSystem({ kind: 'muller-brown', scale: 0.5 });
    const q = new Float64Array([-0.558, 1.442]);
    expect(s2.energy(q)).toBeCloseTo(0.5 * sys.energy(q), 12);
  });

  it('validates parameters and names them', () => {
    expect(validateSystemSpec({ kind: 'double-well', a: 1 })).toEqual([]);
    expect(() => createSystem({ kind: 'double-well', a: -1 })).toThrow(/double-well\.a/);
    expect(() => createSystem({ kind: 'double-well', a: Number.NaN })).toThrow(EngineInputError);
    expect(() => createSystem({ kind: 'muller-brown', scale: 0 })).toThrow(/muller-brown\.scale/);
    expect(() => createSystem({ kind: 'muller-brown', scale: Infinity })).toThrow(/scale/);
    const bad = { kind: 'fast-slow', a: 1, s: 0, epsilon: -1, f: 'tan', c: Number.NaN } as unknown as SystemSpec;
    const problems = validateSystemSpec(bad);
    expect(problems.join('\n')).toMatch(/fast-slow\.s/);
    expect(problems.join('\n')).toMatch(/fast-slow\.epsilon/);
    expect(problems.join('\n')).toMatch(/fast-slow\.f/);
    expect(problems.join('\n')).toMatch(/fast-slow\.c/);
    try {
      createSystem(bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EngineInputError);
      expect((e as EngineInputError).problems).toHaveLength(4);
    }
    expect(validateSystemSpec({ kind: 'nope' } as unknown as SystemSpec)[0]).toMatch(/kind/);
  });

  it('catalogue defaults are valid and cover every kind', () => {
    expect(systemCatalog.map((k) => k.kind).sort()).toEqual(['double-well', 'fast-slow', 'muller-brown']);
    for (const info of systemCatalog) {
      const spec = defaultSystemSpec(info.kind);
      expect(validateSystemSpec(spec)).toEqual([]);
      const sys = createSystem(spec);
      expect(sys.dim).toBe(info.dim);
      expect(sys.coordinateNames).toEqual(info.coordinateNames);
      for (const p of info.params) {
        expect(p.label.length).toBeGreaterThan(0);
        expect(p.description.length).toBeGreaterThan(0);
      }
    }
  });

  it('harmonic bias: energy, force and periodic minimum image', () => {
    const b = { cvIndex: 1, center: 0.5, spring: 10 };
    const x = new Float64Array([0, 0.8]);
    expect(harmonicBiasEnergy(b, x, 0)).toBeCloseTo(0.5 * 10 * 0.09, 14);
    const out = new Float64Array([1, 1]);
    expect(addHarmonicBiasForce(b, x, 0, out, 0)).toBeCloseTo(0.45, 14);
    expect(out[0]).toBe(1);
    expect(out[1]).toBeCloseTo(1 - 3, 14);
    const pb = { cvIndex: 0, center: 3, spring: 2, period: 2 * Math.PI };
    const y = new Float64Array([-3]); // minimum image distance 2 pi - 6 = 0.2832
    const d = 2 * Math.PI - 6;
    expect(harmonicBiasEnergy(pb, y, 0)).toBeCloseTo(d * d, 14);
    const o = new Float64Array(1);
    addHarmonicBiasForce(pb, y, 0, o, 0);
    expect(o[0]).toBeCloseTo(-2 * d, 14);
  });
});
