import { describe, expect, it } from 'vitest';
import { createSystem } from '../../src-main/engine/systems';
import type { AnySystemSpec } from '../../src-main/engine/systems/types';
import { addHarmonicBiasForce, type HarmonicBias } from '../../src-main/engine/bias/umbrella';
import { Rng } from '../../src-main/engine/random';
import { tf } from '../../src-main/engine/generative/tf';
import { biasedForceFormula, forceFormula, numberAlgebra, tensorAlgebra, tensorUnsupportedReason } from '../../src-main/engine/tensor';
import { EngineInputError } from '../../src-main/engine/errors';
import { useBackend } from './tensor-helpers';

const specs: AnySystemSpec[] = [
  { kind: 'double-well', a: 1 },
  { kind: 'double-well', a: 2.5 },
  { kind: 'muller-brown', scale: 1 },
  { kind: 'muller-brown', scale: 0.05 },
  { kind: 'fast-slow', a: 1, s: 0.1, epsilon: 0.01, f: 'linear', c: 1.5 },
  { kind: 'fast-slow', a: 0.7, s: 0.3, epsilon: 0.1, f: 'sin', c: -1 },
  { kind: 'fast-slow', a: 1, s: 0.2, epsilon: 0.05, f: 'cubic', c: 0.5 },
  { kind: 'fast-slow-multi', a: 1, epsilon: 0.02, m: 3, f: 'linear', c: 1, s: 0.1, fast: [{ f: 'linear', c: 1, s: 0.1 }, { f: 'sin', c: 2, s: 0.3 }, { f: 'cubic', c: -0.5, s: 0.2 }] },
  { kind: 'embedded', a: 1, s: 0.1, epsilon: 0.01, f: 'sin', c: 1, curvature: 1, angle: 0.7 },
  { kind: 'two-mode', a: 2, d: 1, h0: 1, h2: 2, b: 1, c: 0.5, epsilon: 0.05 },
  { kind: 'two-mode', a: 1, d: 0.7, h0: 3, h2: 6, b: -1.5, c: -1, epsilon: 0.01 },
];

const N = 500;

/** Random points in the system's domain (widened by 10% so the edges are covered), float32-representable. */
function points(spec: AnySystemSpec, seed: number): Float64Array {
  const system = createSystem(spec);
  const rng = new Rng(seed, 0);
  const p = new Float64Array(N * system.dim);
  for (let i = 0; i < N; i++) {
    for (let d = 0; d < system.dim; d++) {
      const [lo, hi] = system.domain[d];
      const pad = 0.1 * (hi - lo);
      p[i * system.dim + d] = Math.fround(lo - pad + (hi - lo + 2 * pad) * rng.uniform());
    }
  }
  return p;
}

function cpuForces(spec: AnySystemSpec, p: Float64Array): Float64Array {
  const system = createSystem(spec);
  const out = new Float64Array(p.length);
  for (let i = 0; i < N; i++) system.force(p, i * system.dim, out, i * system.dim);
  return out;
}

/** RMS of all force components: the scale float32 rounding of the formula's terms is measured against. */
function rms(f: Float64Array): number {
  return Math.sqrt(f.reduce((s, v) => s + v * v, 0) / f.length);
}

describe('shared force formula vs the CPU kernels (float64)', () => {
  for (const spec of specs) {
    it(`${JSON.stringify(spec)}`, () => {
      const system = createSystem(spec);
      const p = points(spec, 11);
      const ref = cpuForces(spec, p);
      const formula = forceFormula(spec);
      const scale = rms(ref);
      let worst = 0;
      for (let i = 0; i < N; i++) {
        const q = Array.from(p.subarray(i * system.dim, (i + 1) * system.dim));
        const f = formula(numberAlgebra, q);
        expect(f.length).toBe(system.dim);
        for (let d = 0; d < system.dim; d++) worst = Math.max(worst, Math.abs(f[d] - ref[i * system.dim + d]) / (Math.abs(ref[i * system.dim + d]) + scale));
      }
      // Same formula, different operation order: float64 rounding only (~1e-16 per op, < 50 ops).
      expect(worst).toBeLessThan(1e-12);
    });
  }

  it('umbrella term equals addHarmonicBiasForce, periodic and not', () => {
    const biases: HarmonicBias[] = [
      { cvIndex: 0, center: 0.3, spring: 50 },
      { cvIndex: 1, center: -2.9, spring: 7, period: 2 * Math.PI },
    ];
    const rng = new Rng(5, 0);
    for (const b of biases) {
      for (let i = 0; i < 200; i++) {
        const x = new Float64Array([6 * rng.uniform() - 3, 12 * rng.uniform() - 6]);
        const out = new Float64Array(2);
        addHarmonicBiasForce(b, x, 0, out, 0);
        const term = biasedForceFormula({ kind: 'muller-brown', scale: 0 }, b)(numberAlgebra, [x[0], x[1]]);
        // Muller-Brown with scale 0 has zero force, so the result is the bias term alone.
        expect(Math.abs(term[b.cvIndex] - out[b.cvIndex])).toBeLessThan(1e-12 * (1 + Math.abs(out[b.cvIndex])));
        expect(Math.abs(term[1 - b.cvIndex])).toBe(0);
      }
    }
  });

  it('names what the tensor path cannot integrate', () => {
    const spec: AnySystemSpec = { kind: 'expression', expression: 'x^2', dim: 1 } as unknown as AnySystemSpec;
    expect(tensorUnsupportedReason(spec)).toMatch(/expression/);
    expect(() => forceFormula(spec)).toThrow(EngineInputError);
  });
});

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`tensor forces on tfjs ${backend} (float32) vs the CPU kernels`, () => {
    for (const spec of specs) {
      it(`${JSON.stringify(spec)}`, async () => {
        await useBackend(backend);
        const system = createSystem(spec);
        const p = points(spec, 23);
        const ref = cpuForces(spec, p);
        const before = tf.memory().numTensors;
        const got = tf.tidy(() => {
          const x = tf.tensor2d(Float32Array.from(p), [N, system.dim]);
          const cols = tf.unstack(x, 1);
          return tf.stack(forceFormula(spec)(tensorAlgebra, cols), 1).dataSync();
        });
        expect(tf.memory().numTensors).toBe(before);
        const scale = rms(ref);
        let worst = 0;
        for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]) / (Math.abs(ref[i]) + scale));
        // Points are float32-exact, so only the arithmetic differs: float32 rounds each op to
        // 6e-8 relative and each formula has < 50 ops whose terms are at most ~the domain's force
        // scale, so the error is < ~3e-6 of (|F| + RMS force); 1e-5 leaves margin for exp/sin.
        expect(worst).toBeLessThan(1e-5);
      });
    }
  });
}
