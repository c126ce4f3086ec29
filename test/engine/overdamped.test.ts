import { describe, expect, it } from 'vitest';
import { OverdampedSimulation, CoordinateRecorder, type OverdampedOptions, type Reporter } from '../../src-main/engine/integrators/overdamped';
import { createSystem } from '../../src-main/engine/systems';
import { EngineInputError, SimulationDivergedError } from '../../src-main/engine/errors';

function integrate(f: (x: number) => number, lo: number, hi: number, n = 20000): number {
  const h = (hi - lo) / n;
  let s = 0;
  for (let i = 0; i < n; i++) s += f(lo + (i + 0.5) * h);
  return s * h;
}

/** Per-walker batch means -> (grand mean, standard error). Walkers are independent streams. */
function batchStats(perWalker: number[]): { mean: number; se: number } {
  const n = perWalker.length;
  const mean = perWalker.reduce((p, q) => p + q, 0) / n;
  const v = perWalker.reduce((p, q) => p + (q - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(v / n) };
}

describe('OverdampedSimulation', () => {
  const mb = createSystem({ kind: 'muller-brown', scale: 1 });
  const baseOpts = (): OverdampedOptions => ({
    system: mb,
    kT: 15,
    dt: 1e-4,
    bias: { cvIndex: 0, center: -0.3, spring: 100 },
    positions: new Float64Array([-0.5, 1.4, 0.6, 0.0, -0.05, 0.46]),
    seed: 2024,
    streamBase: 3 * 65536,
  });

  it('resumes bit-identically from a JSON checkpoint', () => {
    const a = new OverdampedSimulation(baseOpts());
    a.run(1001);
    const b = new OverdampedSimulation(baseOpts());
    const rec: Reporter = { interval: 7, report: () => {} };
    b.reporters.push(rec); // different chunking must not matter
    b.run(400);
    const saved = JSON.parse(JSON.stringify(b.getState()));
    b.run(601);
    const c = new OverdampedSimulation({ ...baseOpts(), positions: new Float64Array(6) });
    c.setState(saved);
    expect(c.step).toBe(400);
    c.run(601);
    expect(b.step).toBe(1001);
    expect(c.step).toBe(1001);
    expect(Array.from(b.positions)).toEqual(Array.from(a.positions));
    expect(Array.from(c.positions)).toEqual(Array.from(a.positions));
    expect(c.getState()).toEqual(a.getState());
    // 1D with an odd number of normals per step: the cached spare must be in the checkpoint.
    const dw = createSystem({ kind: 'double-well', a: 1 });
    const o = { system: dw, kT: 1, dt: 1e-3, positions: new Float64Array([0.3, -1]), seed: 5, streamBase: 0, bias: { cvIndex: 0, center: 0, spring: 1, period: 3 } };
    const d1 = new OverdampedSimulation(o);
    d1.run(333);
    const d2 = new OverdampedSimulation(o);
    d2.run(111);
    const st = JSON.parse(JSON.stringify(d2.getState()));
    expect(st.rngStates[0][4]).toBe(1);
    const d3 = new OverdampedSimulation(o);
    d3.setState(st);
    d3.run(222);
    expect(Array.from(d3.positions)).toEqual(Array.from(d1.positions));
  });

  it('walker w uses stream streamBase + w (walkers are independent of each other)', () => {
    const dw = createSystem({ kind: 'double-well', a: 1 });
    const two = new OverdampedSimulation({ system: dw, kT: 1, dt: 1e-3, positions: new Float64Array([0.1, 0.2]), seed: 9, streamBase: 10 });
    const one = new OverdampedSimulation({ system: dw, kT: 1, dt: 1e-3, positions: new Float64Array([0.2]), seed: 9, streamBase: 11 });
    two.run(500);
    one.run(500);
    expect(two.positions[1]).toBe(one.positions[0]);
  });

  it('fires reporters when step % interval == 0 after a step', () => {
    const sim = new OverdampedSimulation(baseOpts());
    const seen: number[] = [];
    const seen5: number[] = [];
    sim.reporters.push({ interval: 3, report: (s) => seen.push(s.step) });
    sim.reporters.push({ interval: 5, report: (s) => seen5.push(s.step) });
    sim.run(10);
    sim.run(6);
    expect(seen).toEqual([3, 6, 9, 12, 15]);
    expect(seen5).toEqual([5, 10, 15]);
    const rec = new CoordinateRecorder(4, 1);
    sim.reporters = [rec];
    sim.run(8);
    expect(rec.length).toBe(2 * 3); // reports at 20 and 24, 3 walkers
  });

  it('samples the double-well Boltzmann distribution', () => {
    // a = 1, kT = 1, dt = 1e-3; 48 independent walkers x 150 time units after 5 units burn-in.
    // Errors are judged with per-walker batch means (walkers are independent, so this SE is
    // honest despite autocorrelation): tolerance 5 SE + 0.01 for the O(dt) Euler-Maruyama bias
    // (for this potential the stationary-density bias at dt = 1e-3 is ~1e-3 relative).
    const a = 1;
    const sys = createSystem({ kind: 'double-well', a });
    const W = 48;
    const pos = Float64Array.from({ length: W }, (_, i) => (i % 2 ? 1 : -1));
    const sim = new OverdampedSimulation({ system: sys, kT: 1, dt: 1e-3, positions: pos, seed: 1, streamBase: 0 });
    sim.run(5000);
    const nb = 16;
    const lo = -2;
    const hi = 2;
    const bw = (hi - lo) / nb;
    const x2 = new Float64Array(W);
    const hist = Array.from({ length: W }, () => new Float64Array(nb));
    let nrep = 0;
    sim.reporters.push({
      interval: 25,
      report: (s) => {
        nrep++;
        for (let w = 0; w < W; w++) {
          const x = s.positions[w];
          x2[w] += x * x;
          const b = Math.floor((x - lo) / bw);
          if (b >= 0 && b < nb) hist[w][b]++;
        }
      },
    });
    sim.run(150_000);
    const Z = integrate((x) => Math.exp(-a * (x * x - 1) ** 2), -4, 4);
    const exactX2 = integrate((x) => x * x * Math.exp(-a * (x * x - 1) ** 2), -4, 4) / Z;
    const st = batchStats(Array.from(x2, (v) => v / nrep));
    expect(Math.abs(st.mean - exactX2)).toBeLessThan(5 * st.se + 0.01);
    expect(st.se).toBeLessThan(0.02); // enough sampling for the test to mean something
    for (let b = 0; b < nb; b++) {
      const pe = integrate((x) => Math.exp(-a * (x * x - 1) ** 2), lo + b * bw, lo + (b + 1) * bw, 200) / Z;
      const sb = batchStats(hist.map((h) => h[b] / nrep));
      expect(Math.abs(sb.mean - pe)).toBeLessThan(5 * sb.se + 0.01 * pe + 1e-4);
    }
  });

  it('umbrella bias: samples the biased density', () => {
    const a = 1;
    const sys = createSystem({ kind: 'double-well', a });
    const W = 16;
    const sim = new OverdampedSimulation({
      system: sys,
      kT: 1,
      dt: 1e-3,
      bias: { cvIndex: 0, center: 0.4, spring: 40 },
      positions: new Float64Array(W).fill(0.4),
      seed: 3,
      streamBase: 65536,
    });
    sim.run(1000);
    const sums = new Float64Array(W);
    let n = 0;
    sim.reporters.push({ interval: 10, report: (s) => { n++; for (let w = 0; w < W; w++) sums[w] += s.positions[w]; } });
    sim.run(30_000);
    const wgt = (x: number): number => Math.exp(-(a * (x * x - 1) ** 2 + 20 * (x - 0.4) ** 2));
    const exact = integrate((x) => x * wgt(x), -3, 3) / integrate(wgt, -3, 3);
    const st = batchStats(Array.from(sums, (v) => v / n));
    // 5 SE + EM bias allowance (stiffness 40+: dt*k = 0.04, mean bias << 0.01).
    expect(Math.abs(st.mean - exact)).toBeLessThan(5 * st.se + 0.005);
  });

  it('fast/slow: E[y | x] = f(x) and Var[y | x] = s^2 kT in bins of x', () => {
    // a = 1, s = 0.5, epsilon = 0.1, f = sin(pi x), kT = 1, dt = 2.5e-4 (dt * stiffness of y = 0.01:
    // Euler-Maruyama inflates the conditional variance by ~1/(1 - 0.005), i.e. 0.5%).
    // Records every 40 steps (y decorrelates in 1/(40 per unit time) = 100 steps, so successive
    // records are nearly independent; we still allow 2x variance inflation in the SE).
    const spec = { kind: 'fast-slow' as const, a: 1, s: 0.5, epsilon: 0.1, f: 'sin' as const, c: 1 };
    const sys = createSystem(spec);
    const W = 32;
    const pos = new Float64Array(2 * W);
    for (let w = 0; w < W; w++) pos[2 * w] = w % 2 ? 1 : -1;
    const sim = new OverdampedSimulation({ system: sys, kT: 1, dt: 2.5e-4, positions: pos, seed: 11, streamBase: 0 });
    sim.run(2000);
    const nb = 12;
    const lo = -1.5;
    const bw = 0.25;
    const n = new Float64Array(nb);
    const s1 = new Float64Array(nb);
    const s2 = new Float64Array(nb);
    sim.reporters.push({
      interval: 40,
      report: (s) => {
        for (let w = 0; w < W; w++) {
          const x = s.positions[2 * w];
          const b = Math.floor((x - lo) / bw);
          if (b < 0 || b >= nb) continue;
          const r = s.positions[2 * w + 1] - Math.sin(Math.PI * x); // y - f(x)
          n[b]++;
          s1[b] += r;
          s2[b] += r * r;
        }
      },
    });
    sim.run(80_000);
    const v = 0.25; // s^2 kT
    let checked = 0;
    for (let b = 0; b < nb; b++) {
      if (n[b] < 500) continue;
      checked++;
      const mean = s1[b] / n[b];
      const variance = s2[b] / n[b] - mean * mean;
      const seMean = Math.sqrt((2 * v) / n[b]);
      const seVar = v * Math.sqrt((2 * 2) / n[b]);
      expect(Math.abs(mean)).toBeLessThan(5 * seMean + 0.01);
      expect(Math.abs(variance - v)).toBeLessThan(5 * seVar + 0.01 * v);
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it('validates options and reports divergence', () => {
    const dw = createSystem({ kind: 'double-well', a: 1 });
    const o = { system: dw, kT: 1, dt: 1e-3, positions: new Float64Array([0]), seed: 1, streamBase: 0 };
    expect(() => new OverdampedSimulation({ ...o, dt: 0 })).toThrow(/dt/);
    expect(() => new OverdampedSimulation({ ...o, kT: Number.NaN })).toThrow(/kT/);
    expect(() => new OverdampedSimulation({ ...o, seed: 0.5 })).toThrow(/seed/);
    expect(() => new OverdampedSimulation({ ...o, positions: new Float64Array([Number.NaN]) })).toThrow(/positions\[0\]/);
    expect(() => new OverdampedSimulation({ ...o, system: mb, positions: new Float64Array(3) })).toThrow(EngineInputError);
    expect(() => new OverdampedSimulation({ ...o, bias: { cvIndex: 1, center: 0, spring: 1 } })).toThrow(/bias\.cvIndex/);
    expect(() => new OverdampedSimulation({ ...o, bias: { cvIndex: 0, center: 0, spring: -1 } })).toThrow(/bias\.spring/);
    const sim = new OverdampedSimulation(o);
    expect(() => sim.run(-1)).toThrow(EngineInputError);
    expect(() => sim.setState({ step: 0, positions: [1, 2], rngStates: [] })).toThrow(/positions/);
    const blow = new OverdampedSimulation({ ...o, dt: 1, positions: new Float64Array([3]) });
    expect(() => blow.run(100)).toThrow(SimulationDivergedError);
  });
});
