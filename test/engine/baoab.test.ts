import { describe, expect, it } from 'vitest';
import { BaoabSimulation, type BaoabOptions } from '../../src-main/engine/integrators/baoab';
import { createSystem, type ToySystem } from '../../src-main/engine/systems';
import { EngineInputError } from '../../src-main/engine/errors';

/** Per-walker means -> grand mean and standard error (walkers are independent streams). */
function batchStats(perWalker: number[]): { mean: number; se: number } {
  const n = perWalker.length;
  const mean = perWalker.reduce((p, q) => p + q, 0) / n;
  const v = perWalker.reduce((p, q) => p + (q - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(v / n) };
}

/** V = 0.5 k x^2 in 1D, as a ToySystem (not in the catalogue: a test-only known answer). */
function harmonic(k: number): ToySystem {
  return {
    spec: { kind: 'double-well', a: 0 },
    dim: 1,
    coordinateNames: ['x'],
    mobility: new Float64Array([1]),
    domain: [[-5, 5]],
    energy: (x, o = 0) => 0.5 * k * x[o] * x[o],
    force: (x, o, out, oo) => {
      out[oo] = -k * x[o];
      return 0.5 * k * x[o] * x[o];
    },
  };
}

/** Runs, sampling every `every` steps after `burn`, per-walker means of f(sim, walker). */
function sampleMeans(sim: BaoabSimulation, burn: number, steps: number, every: number, fns: ((w: number) => number)[]): number[][] {
  sim.run(burn);
  const sums = fns.map(() => new Array<number>(sim.nWalkers).fill(0));
  let n = 0;
  sim.reporters.push({
    interval: every,
    report: () => {
      n++;
      for (let w = 0; w < sim.nWalkers; w++) fns.forEach((f, j) => (sums[j][w] += f(w)));
    },
  });
  sim.run(steps);
  return sums.map((s) => s.map((v) => v / n));
}

describe('BaoabSimulation', () => {
  it('samples the harmonic oscillator variance kT/k exactly even at a large time step', () => {
    // BAOAB's configurational distribution is exact for harmonic forces at any stable dt
    // (Leimkuhler & Matthews 2013). At omega dt = 0.5 other splittings are off by O(dt^2) ~ 6%
    // (e.g. the kinetic temperature below: 1/(1 - dt^2 omega^2/4) = 1.067), so a 5-SE test (SE ~0.3%) would catch it.
    const k = 4; // omega = 2, dt = 0.25 -> omega dt = 0.5
    const W = 128;
    const sim = new BaoabSimulation({ system: harmonic(k), kT: 1.5, dt: 0.25, friction: 1, positions: new Float64Array(W), seed: 11, streamBase: 0 });
    const [x2] = sampleMeans(sim, 200, 20000, 5, [(w) => sim.positions[w] ** 2]);
    const s = batchStats(x2);
    expect(Math.abs(s.mean - 1.5 / k)).toBeLessThan(5 * s.se);
    expect(s.se / s.mean).toBeLessThan(0.01);
  });

  it('double well: Boltzmann configurations, <v^2> = kT/m (kinetic energy kT/2 per dof) and fast-slow 2D', () => {
    // V = (x^2-1)^2 at kT = 0.5, m = 2, dt = 0.01: BAOAB's O(dt^2) configurational bias and the kinetic
    // temperature error ~ dt^2 omega^2/4 ~ 2e-4 are far below the 5-SE statistical tolerance (~1%).
    const dw = createSystem({ kind: 'double-well', a: 1 });
    const kT = 0.5;
    const W = 64;
    const sim = new BaoabSimulation({ system: dw, kT, dt: 0.01, friction: 2, mass: 2, positions: new Float64Array(W).fill(-1), seed: 3, streamBase: 7 });
    const [x2, v2, pos] = sampleMeans(sim, 1000, 60000, 10, [(w) => sim.positions[w] ** 2, (w) => sim.velocities[w] ** 2, (w) => (sim.positions[w] > 0 ? 1 : 0)]);
    // Exact <x^2> by quadrature (midpoint rule with 2e4 points on [-3, 3]: error << 1e-6).
    let z = 0, zx2 = 0;
    for (let i = 0; i < 20000; i++) {
      const x = -3 + (i + 0.5) * 3e-4;
      const p = Math.exp(-((x * x - 1) ** 2) / kT);
      z += p;
      zx2 += p * x * x;
    }
    const sx = batchStats(x2);
    expect(Math.abs(sx.mean - zx2 / z)).toBeLessThan(5 * sx.se + 2e-3);
    const sv = batchStats(v2);
    expect(Math.abs(sv.mean - kT / 2)).toBeLessThan(5 * sv.se + 1e-3);
    const sp = batchStats(pos); // symmetric wells: half the time on the right
    expect(Math.abs(sp.mean - 0.5)).toBeLessThan(5 * sp.se);
    // Kinetic energy per walker method agrees with 0.5 m v^2.
    expect(sim.kineticEnergy(0)).toBeCloseTo(0.5 * 2 * sim.velocities[0] ** 2, 14);
  });

  it('resumes bit-identically from a JSON checkpoint, independent of reporter chunking', () => {
    const mb = createSystem({ kind: 'muller-brown', scale: 1 });
    const opts = (): BaoabOptions => ({ system: mb, kT: 15, dt: 2e-4, friction: 50, positions: new Float64Array([-0.5, 1.4, 0.6, 0.0]), seed: 9, streamBase: 4, bias: { cvIndex: 0, center: 0, spring: 50 } });
    const a = new BaoabSimulation(opts());
    a.run(1500);
    const b = new BaoabSimulation(opts());
    b.reporters.push({ interval: 13, report: () => {} });
    b.run(700);
    const saved = JSON.parse(JSON.stringify(b.getState()));
    b.run(800);
    const c = new BaoabSimulation({ ...opts(), positions: new Float64Array(4) });
    c.setState(saved);
    c.run(800);
    expect(b.getState()).toEqual(a.getState());
    expect(c.getState()).toEqual(a.getState());
  });

  it('rejects bad parameters naming them', () => {
    const dw = createSystem({ kind: 'double-well', a: 1 });
    const base = { system: dw, kT: 1, dt: 0.01, friction: 1, positions: new Float64Array([0]), seed: 1, streamBase: 0 };
    expect(() => new BaoabSimulation({ ...base, friction: 0 })).toThrow(/friction/);
    expect(() => new BaoabSimulation({ ...base, mass: [1, 2] })).toThrow(EngineInputError);
    expect(() => new BaoabSimulation({ ...base, velocities: new Float64Array(2) })).toThrow(/velocities/);
  });
});
