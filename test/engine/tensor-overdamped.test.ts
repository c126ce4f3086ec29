import { describe, expect, it } from 'vitest';
import { createSystem, FastSlow } from '../../src-main/engine/systems';
import { OverdampedSimulation } from '../../src-main/engine/integrators/overdamped';
import { EngineInputError, SimulationDivergedError } from '../../src-main/engine/errors';
import { tf } from '../../src-main/engine/generative/tf';
import { TensorOverdamped, createEnsemble, stepNoiseSeed, type TensorReporter } from '../../src-main/engine/tensor';
import { column, integrate, moments, useBackend } from './tensor-helpers';

// Statistics: every walker is an independent stream, so final positions are independent draws and
// standard errors come straight from the sample. Tolerances are 4 standard errors (a correct
// integrator fails with probability ~6e-5 per check) plus, where stated, the Euler-Maruyama
// discretisation bias measured with 2e5 NumPy walkers at the same dt (scripts not needed: the
// bias is an allowance, not the quantity under test).

const W = 4096;
const dw = createSystem({ kind: 'double-well', a: 1 });

/** Half the walkers at x = -1, half at +1 (symmetric start; within-well relaxation time ~1/8). */
function dwStart(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -1 : 1));
}

/** Boltzmann expectation of g(x) under exp(-(V(x) + W(x)) / kT) on the double well. */
function dwExpect(g: (x: number) => number, w: (x: number) => number = () => 0): number {
  const p = (x: number) => Math.exp(-((x * x - 1) ** 2 + w(x)));
  return integrate((x) => g(x) * p(x), -4, 4) / integrate(p, -4, 4);
}

function runTensor(opts: ConstructorParameters<typeof TensorOverdamped>[0], steps: number): Float64Array {
  const sim = new TensorOverdamped(opts);
  try {
    sim.run(steps);
    return sim.readPositions();
  } finally {
    sim.dispose();
  }
}

describe.each(['wasm', 'cpu'] as const)('TensorOverdamped on tfjs %s', (backend) => {
  it('double well: <x^2> and the histogram match Boltzmann; moments match the CPU kernel', async () => {
    await useBackend(backend);
    const dt = 0.005;
    const steps = 1000; // t = 5, ~40 within-well relaxation times
    const x = runTensor({ system: dw, kT: 1, dt, positions: dwStart(W), seed: 7 }, steps);
    const exactX2 = dwExpect((v) => v * v); // 0.83275
    const x2 = moments(x.map((v) => v * v));
    // EM bias at dt 0.005: -0.004 (NumPy, 2e5 walkers); allowance 0.01.
    expect(Math.abs(x2.mean - exactX2)).toBeLessThan(4 * x2.seMean + 0.01);
    expect(Math.abs(moments(x).mean)).toBeLessThan(4 * moments(x).seMean);

    // 16 bins on [-2, 2]: chi-square against W * p_bin, 15 dof; 45 is the p = 1e-4 quantile.
    const bins = 16;
    const counts = new Float64Array(bins);
    for (const v of x) {
      const b = Math.floor(((v + 2) / 4) * bins);
      if (b >= 0 && b < bins) counts[b]++;
    }
    const z = integrate((v) => Math.exp(-((v * v - 1) ** 2)), -4, 4);
    let chi2 = 0;
    for (let b = 0; b < bins; b++) {
      const lo = -2 + (4 * b) / bins;
      const expected = (W * integrate((v) => Math.exp(-((v * v - 1) ** 2)), lo, lo + 4 / bins, 200)) / z;
      chi2 += (counts[b] - expected) ** 2 / expected;
    }
    expect(chi2).toBeLessThan(45);

    // Same statistics as the CPU kernel at the same dt (same discretisation, different streams).
    const cpu = new OverdampedSimulation({ system: dw, kT: 1, dt, positions: dwStart(W), seed: 7, streamBase: 0 });
    cpu.run(steps);
    const c2 = moments(cpu.positions.map((v) => v * v));
    expect(Math.abs(x2.mean - c2.mean)).toBeLessThan(4 * Math.hypot(x2.seMean, c2.seMean));
    const mt = moments(x);
    const mc = moments(cpu.positions);
    expect(Math.abs(mt.variance - mc.variance)).toBeLessThan(4 * Math.hypot(mt.seVariance, mc.seVariance));
  });

  it('keeps the number of live tensors constant and frees everything on dispose', async () => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const sim = new TensorOverdamped({ system: createSystem({ kind: 'muller-brown', scale: 1 }), kT: 15, dt: 1e-4, bias: { cvIndex: 0, center: 0, spring: 50 }, positions: new Float64Array(2 * 64).fill(0.5), seed: 3 });
    const reads: number[] = [];
    sim.reporters.push({ interval: 7, report: (s) => reads.push(s.readPositions().length) } satisfies TensorReporter);
    sim.run(10);
    const during = tf.memory().numTensors;
    sim.run(100);
    expect(tf.memory().numTensors).toBe(during);
    expect(reads.length).toBe(Math.floor(110 / 7));
    expect(sim.step).toBe(110);
    sim.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => sim.run(1)).toThrow(EngineInputError);
  });

  it('is reproducible per seed and differs between seeds', async () => {
    await useBackend(backend);
    const opts = { system: dw, kT: 1, dt: 0.01, positions: dwStart(32), seed: 99 };
    const a = runTensor(opts, 20);
    const b = runTensor(opts, 20);
    const c = runTensor({ ...opts, seed: 100 }, 20);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
});

describe('TensorOverdamped statistics (wasm)', () => {
  it('umbrella-biased double well: mean equals the exact biased mean, as on the CPU kernel', async () => {
    await useBackend('wasm');
    const bias = { cvIndex: 0, center: 0.5, spring: 10 };
    const w = (x: number) => 0.5 * bias.spring * (x - bias.center) ** 2;
    const exactMean = dwExpect((x) => x, w); // 0.59101
    const exactVar = dwExpect((x) => (x - exactMean) ** 2, w); // 0.09418
    const opts = { system: dw, kT: 1, dt: 0.005, bias, positions: dwStart(W), seed: 5 };
    const x = runTensor(opts, 600); // t = 3 >> 1 / (V'' + k) ~ 0.05
    const m = moments(x);
    // EM bias of the biased mean at dt 0.005: -0.0006 (NumPy); allowance 0.003.
    expect(Math.abs(m.mean - exactMean)).toBeLessThan(4 * m.seMean + 0.003);
    expect(Math.abs(m.variance - exactVar)).toBeLessThan(4 * m.seVariance + 0.005);
    const cpu = new OverdampedSimulation({ ...opts, streamBase: 0 });
    cpu.run(600);
    const mc = moments(cpu.positions);
    expect(Math.abs(m.mean - mc.mean)).toBeLessThan(4 * Math.hypot(m.seMean, mc.seMean));
  });

  it('periodic umbrella wraps the displacement (center near the period edge)', async () => {
    await useBackend('wasm');
    // Period 4 with center 1.9: a walker at x = -1.9 is 0.2 from the center across the wrap, so
    // the bias pulls it left; without the wrap it would be pushed right by 3.8 k.
    const sim = new TensorOverdamped({ system: dw, kT: 1e-12, dt: 1e-4, bias: { cvIndex: 0, center: 1.9, spring: 100, period: 4 }, positions: new Float64Array([-1.9]), seed: 1 });
    sim.run(1);
    const x = sim.readPositions()[0];
    sim.dispose();
    const f = -4 * -1.9 * (1.9 * 1.9 - 1) - 100 * 0.2; // V force + wrapped bias force
    // Noise sqrt(2 kT dt) = 1.4e-8 and float32 spacing at 1.9 is 1.2e-7: 6 decimals is tight yet safe.
    expect(x).toBeCloseTo(-1.9 + f * 1e-4, 6);
  });

  it('fast/slow: E[y | x] = f(x) in bins of x, and moments match the CPU kernel', async () => {
    await useBackend('wasm');
    const spec = { kind: 'fast-slow' as const, a: 1, s: 0.3, epsilon: 0.1, f: 'sin' as const, c: 1 };
    const system = createSystem(spec) as FastSlow;
    const start = new Float64Array(2 * W);
    for (let w = 0; w < W; w++) start[2 * w] = w % 2 === 0 ? -1 : 1;
    // y relaxes at rate m_y / s^2 = 111 (dt * rate = 0.22, stable); x over t = 4.
    const opts = { system, kT: 1, dt: 0.002, positions: start, seed: 11 };
    const pos = runTensor(opts, 2000);
    const x = column(pos, 2, 0);
    const y = column(pos, 2, 1);
    const bins = 8;
    for (let b = 0; b < bins; b++) {
      const lo = -1.6 + (3.2 * b) / bins;
      const residuals: number[] = [];
      for (let i = 0; i < W; i++) if (x[i] >= lo && x[i] < lo + 3.2 / bins) residuals.push(y[i] - system.f(x[i]));
      if (residuals.length < 50) continue;
      const r = moments(residuals);
      // Exact: y | x ~ N(f(x), s^2 kT), so the residual has mean 0; allowance 0.01 for EM bias.
      expect(Math.abs(r.mean), `bin ${b} (${residuals.length} walkers)`).toBeLessThan(4 * r.seMean + 0.01);
    }
    const cpu = new OverdampedSimulation({ ...opts, streamBase: 0 });
    cpu.run(2000);
    for (const c of [0, 1]) {
      const t = moments(column(pos, 2, c));
      const k = moments(column(cpu.positions, 2, c));
      expect(Math.abs(t.mean - k.mean), `coordinate ${c} mean`).toBeLessThan(4 * Math.hypot(t.seMean, k.seMean));
      expect(Math.abs(t.variance - k.variance), `coordinate ${c} variance`).toBeLessThan(4 * Math.hypot(t.seVariance, k.seVariance));
    }
  });

  it('reports divergence and rejects bad input by name', async () => {
    await useBackend('wasm');
    const sim = new TensorOverdamped({ system: dw, kT: 1, dt: 1, positions: new Float64Array([3, 0.1]), seed: 1 });
    expect(() => sim.run(20)).toThrow(SimulationDivergedError);
    sim.dispose();
    expect(() => new TensorOverdamped({ system: dw, kT: -1, dt: 0.1, positions: new Float64Array([0]), seed: 1 })).toThrow(/kT/);
    expect(() => new TensorOverdamped({ system: dw, kT: 1, dt: 0.1, positions: new Float64Array([NaN]), seed: 1 })).toThrow(/positions\[0\]/);
    expect(() => new TensorOverdamped({ system: dw, kT: 1, dt: 0.1, bias: { cvIndex: 1, center: 0, spring: 1 }, positions: new Float64Array([0]), seed: 1 })).toThrow(/cvIndex/);
    const expr = createSystem({ kind: 'expression', expression: 'x^2', dim: 1 } as never);
    expect(() => createEnsemble('tensor', { system: expr, kT: 1, dt: 0.1, positions: new Float64Array([0]), seed: 1, streamBase: 0 })).toThrow(/expression/);
  });

  it('step seeds are distinct over a long run and never 0', () => {
    const seen = new Set<number>();
    for (let s = 0; s < 100_000; s++) {
      const v = stepNoiseSeed(42, 0, s);
      expect(Number.isSafeInteger(v) && v > 0).toBe(true);
      seen.add(v);
    }
    expect(seen.size).toBe(100_000);
    expect(stepNoiseSeed(42, 1, 0)).not.toBe(stepNoiseSeed(42, 0, 0));
  });
});
