import { describe, expect, it } from 'vitest';
import { WellTemperedMetad, type MetadOptions } from '../../src-main/engine/bias/metad';
import { HillSumMetad } from '../../src-main/engine/bias/metad-hills';
import { ColvarRecorder } from '../../src-main/engine/bias/metad-colvar';
import { BiasOutsideGridError } from '../../src-main/engine/bias/grid';
import { OverdampedSimulation } from '../../src-main/engine/integrators/overdamped';
import { BaoabSimulation } from '../../src-main/engine/integrators/baoab';
import { createSystem } from '../../src-main/engine/systems';
import { exactProfile } from '../../src-main/engine/estimators/exact';
import { ctLogWeights, lastBiasLogWeights, reweightedProfile } from '../../src-main/engine/estimators/reweight';
import { Rng } from '../../src-main/engine/random';

/** RMS of (est - exact) over points with exact < cut, after removing the best constant offset (F is defined up to one). */
function alignedRms(est: ArrayLike<number>, exact: ArrayLike<number>, cut: number): { rms: number; n: number } {
  let off = 0, n = 0;
  for (let i = 0; i < exact.length; i++) if (exact[i] < cut && Number.isFinite(est[i])) { off += est[i] - exact[i]; n++; }
  off /= n;
  let s2 = 0;
  for (let i = 0; i < exact.length; i++) if (exact[i] < cut && Number.isFinite(est[i])) s2 += (est[i] - off - exact[i]) ** 2;
  return { rms: Math.sqrt(s2 / n), n };
}

describe('WellTemperedMetad grid bias', () => {
  it('grid bias and gradient agree with the exact sum over hills (1D, 2D, periodic)', () => {
    // Same hills in both; the grid is cubic/bicubic Hermite at the default spacing sigma/2, whose
    // interpolation error is <= h^4/384 max|G''''| = 3/(16*384) ~ 5e-4 of a hill height (value),
    // and O(h^3) ~ 5e-3 height/sigma for the gradient: tolerances 2e-3 / 2e-2 of the total height.
    const rng = new Rng(5);
    for (const cfg of [
      { cvs: [{ index: 0 }], sigma: [0.2], min: [-3], max: [3] },
      { cvs: [{ index: 0 }, { index: 1 }], sigma: [0.2, 0.3], min: [-3, -2], max: [3, 2] },
      { cvs: [{ index: 0, periodic: { min: -Math.PI, max: Math.PI } }], sigma: [0.4] },
    ]) {
      const d = cfg.cvs.length;
      const opts: MetadOptions = { cvs: cfg.cvs, sigma: cfg.sigma, height: 1, pace: 1, biasFactor: 5, kT: 1, grid: { min: cfg.min, max: cfg.max } };
      const grid = new WellTemperedMetad(opts);
      const sum = new HillSumMetad(opts);
      let total = 0;
      for (let k = 0; k < 40; k++) {
        const c = Array.from({ length: d }, () => 2 * (rng.uniform() - 0.5) * (cfg.min ? 1.5 : Math.PI));
        const h = 0.5 + rng.uniform();
        grid.addHill(k, c, cfg.sigma, h);
        sum.addHill(c, h);
        total += h;
      }
      const g1 = new Float64Array(2), g2 = new Float64Array(2);
      let maxV = 0, maxG = 0;
      for (let t = 0; t < 500; t++) {
        const s = Array.from({ length: d }, (_, i) => (cfg.min && cfg.max ? cfg.min[i] + rng.uniform() * (cfg.max[i] - cfg.min[i]) : 10 * (rng.uniform() - 0.5)));
        const a = grid.biasAtCv(s[0], s[1] ?? 0, g1);
        const b = sum.biasAtCv(s[0], s[1] ?? 0, g2);
        maxV = Math.max(maxV, Math.abs(a - b));
        for (let i = 0; i < d; i++) maxG = Math.max(maxG, Math.abs(g1[i] - g2[i]));
      }
      expect(maxV / total).toBeLessThan(2e-3);
      expect(maxG / total).toBeLessThan(2e-2);
      expect(maxV).toBeGreaterThan(0); // not trivially equal: interpolation is exercised
    }
  });

  it('force is exactly minus the gradient of the interpolated bias (central differences)', () => {
    const m = new WellTemperedMetad({ cvs: [{ index: 0 }, { index: 1 }], sigma: [0.2, 0.2], height: 1, pace: 1, biasFactor: 5, kT: 1, grid: { min: [-2, -2], max: [2, 2] } });
    m.addHill(0, [0.1, -0.2], [0.2, 0.2], 1);
    m.addHill(0, [0.3, 0.25], [0.2, 0.2], 0.7);
    const x = new Float64Array([0.137, 0.011]);
    const f = new Float64Array(2);
    m.addForce(x, 0, f, 0);
    const eps = 1e-6;
    for (let i = 0; i < 2; i++) {
      const xp = Float64Array.from(x), xm = Float64Array.from(x);
      xp[i] += eps;
      xm[i] -= eps;
      // The interpolant is a polynomial in each cell: central differences are exact to O(eps^2) ~ 1e-10.
      expect(f[i]).toBeCloseTo(-(m.energy(xp, 0) - m.energy(xm, 0)) / (2 * eps), 7);
    }
  });

  it('FES = -(gamma/(gamma-1)) V, min 0, and well-tempered heights decay as w exp(-V/(kT(gamma-1)))', () => {
    const m = new WellTemperedMetad({ cvs: [{ index: 0 }], sigma: [0.3], height: 2, pace: 1, biasFactor: 4, kT: 0.5, grid: { min: [-2], max: [2], bins: [80] } });
    const pos = new Float64Array([0.2]);
    m.depositFrom(pos, 1, 1, 1);
    const v = m.biasAtCv(0.2);
    m.depositFrom(pos, 1, 1, 2);
    const hills = m.hills();
    expect(hills[0].height).toBe(2);
    expect(hills[1].height).toBeCloseTo(2 * Math.exp(-v / (0.5 * 3)), 14);
    const { fes } = m.freeEnergy();
    const vals = m.grid.value;
    let vmax = -Infinity;
    for (const q of vals) vmax = Math.max(vmax, q);
    for (let k = 0; k < vals.length; k++) expect(fes[k]).toBeCloseTo((4 / 3) * (vmax - vals[k]), 12);
  });

  it('outside a non-periodic grid: a clear error, or flat extrapolation with zero force', () => {
    const base: MetadOptions = { cvs: [{ index: 0 }], sigma: [0.2], height: 1, pace: 1, biasFactor: 5, kT: 1, grid: { min: [-1], max: [1] } };
    const e = new WellTemperedMetad(base);
    expect(() => e.biasAtCv(1.5)).toThrow(BiasOutsideGridError);
    expect(() => e.biasAtCv(1.5)).toThrow(/outside the bias grid \[-1, 1\]/);
    const f = new WellTemperedMetad({ ...base, outside: 'flat' });
    f.addHill(0, [0.9], [0.2], 1);
    const g = new Float64Array(2);
    expect(f.biasAtCv(1.7, 0, g)).toBe(f.biasAtCv(1));
    expect(g[0]).toBe(0);
  });

  it('state round trip: a resumed metadynamics run is bit-identical (overdamped and BAOAB)', () => {
    const mb = createSystem({ kind: 'muller-brown', scale: 1 });
    const opts = (): MetadOptions => ({ cvs: [{ index: 0 }, { index: 1 }], sigma: [0.1, 0.1], height: 1.5, pace: 50, biasFactor: 10, kT: 15, grid: { min: [-1.7, -0.7], max: [1.3, 2.3] }, outside: 'flat' });
    for (const kind of ['overdamped', 'baoab'] as const) {
      const make = () => {
        const metad = new WellTemperedMetad(opts());
        const common = { system: mb, kT: 15, dt: 1e-4, positions: new Float64Array([-0.5, 1.4, 0.6, 0.0]), seed: 4, streamBase: 0, generalBias: metad };
        const sim = kind === 'baoab' ? new BaoabSimulation({ ...common, friction: 100 }) : new OverdampedSimulation(common);
        sim.reporters.push(metad.reporter());
        return { metad, sim };
      };
      const a = make();
      a.sim.run(3000);
      const b = make();
      b.sim.run(1234);
      const saved = JSON.parse(JSON.stringify({ sim: b.sim.getState(), metad: b.metad.getState() }));
      const c = make();
      c.sim.setState(saved.sim);
      c.metad.setState(saved.metad);
      c.sim.run(3000 - 1234);
      expect(c.sim.getState()).toEqual(a.sim.getState());
      expect(c.metad.getState()).toEqual(a.metad.getState());
      expect(a.metad.hillCount).toBe(2 * 60);
    }
  });
});

describe('metadynamics free energies against exact answers', () => {
  it('double well (1D): FES within 0.15 kT RMS of V(x) where V < 5 kT after 16 walkers x 2e5 steps', () => {
    // a = 4 (barrier 4 kT), kT = 1, dt = 1e-3 (Euler-Maruyama density bias ~ k dt/2 ~ 1.6% near the minima,
    // < 0.05 kT), sigma 0.1, w = 0.1, pace 100, gamma 5. Over 10 seeds the aligned RMS error was
    // 0.05-0.10 kT (gamma 8); tolerance 0.15 kT. Forgetting the gamma/(gamma-1) factor gives ~0.3 kT.
    const dw = createSystem({ kind: 'double-well', a: 4 });
    const metad = new WellTemperedMetad({ cvs: [{ index: 0 }], sigma: [0.1], height: 0.1, pace: 100, biasFactor: 5, kT: 1, grid: { min: [-2.5], max: [2.5] } });
    const sim = new OverdampedSimulation({ system: dw, kT: 1, dt: 1e-3, positions: new Float64Array(16).fill(-1), seed: 1, streamBase: 0, generalBias: metad });
    sim.reporters.push(metad.reporter());
    sim.run(200_000);
    const { axes, fes } = metad.freeEnergy();
    const exact = Array.from(axes[0], (x) => 4 * (x * x - 1) ** 2);
    const { rms, n } = alignedRms(fes, exact, 5);
    expect(n).toBeGreaterThan(30);
    expect(rms).toBeLessThan(0.15);
  });

  it('Muller-Brown (2D, kT = 15): FES within 0.2 kT RMS of V - min V where F < 4 kT; reweighting to y', () => {
    // 32 walkers x 1e5 steps, dt 1e-4, sigma 0.1, w = 1.5 (0.1 kT), pace 100, gamma 10. For 2D CVs
    // covering all coordinates, F(x, y) = V(x, y) exactly. Over 8 seeds the aligned RMS was 0.09-0.13 kT.
    const mb = createSystem({ kind: 'muller-brown', scale: 1 });
    const kT = 15;
    const metad = new WellTemperedMetad({ cvs: [{ index: 0 }, { index: 1 }], sigma: [0.1, 0.1], height: 1.5, pace: 100, biasFactor: 10, kT, grid: { min: [-1.7, -0.7], max: [1.3, 2.3] }, outside: 'flat' });
    const W = 32;
    const pos = new Float64Array(2 * W);
    for (let w = 0; w < W; w++) pos.set([-0.558, 1.442], 2 * w);
    const sim = new OverdampedSimulation({ system: mb, kT, dt: 1e-4, positions: pos, seed: 1, streamBase: 0, generalBias: metad });
    sim.reporters.push(metad.reporter());
    sim.run(100_000);
    const { axes, fes } = metad.freeEnergy();
    const p = new Float64Array(2);
    const exact: number[] = [];
    for (const x of axes[0]) for (const y of axes[1]) {
      p[0] = x;
      p[1] = y;
      exact.push(mb.energy(p, 0));
    }
    const vmin = Math.min(...exact);
    const { rms, n } = alignedRms(fes, exact.map((v) => v - vmin), 4 * kT);
    expect(n).toBeGreaterThan(100);
    expect(rms / kT).toBeLessThan(0.2);
  });

  it('metaD on x of Muller-Brown, reweighted (c(t) and last bias) to the FES along y and x', () => {
    // 32 walkers x 2e5 steps, frames every 50 steps after 4e4 steps. Over 6 seeds (RMS in kT, F < 4 kT):
    // c(t) along x 0.04-0.14, along y 0.09-0.17 -> tolerance 0.25 kT; last bias 0.05-0.36 (it assumes a
    // converged final bias; frames from while the bias still grows bias it) -> tolerance 0.5 kT.
    // The unweighted histogram (the biased ensemble) is > 1 kT off, so the weights are what is tested.
    const mb = createSystem({ kind: 'muller-brown', scale: 1 });
    const kT = 15;
    const metad = new WellTemperedMetad({ cvs: [{ index: 0 }], sigma: [0.1], height: 1.5, pace: 100, biasFactor: 10, kT, grid: { min: [-1.7], max: [1.3] }, outside: 'flat' });
    const W = 32;
    const pos = new Float64Array(2 * W);
    for (let w = 0; w < W; w++) pos.set([-0.558, 1.442], 2 * w);
    const sim = new OverdampedSimulation({ system: mb, kT, dt: 1e-4, positions: pos, seed: 1, streamBase: 0, generalBias: metad });
    const rec = new ColvarRecorder(50, metad, mb.coordinateNames);
    sim.reporters.push(rec, metad.reporter());
    sim.run(200_000);
    const [time, , xs, ys, bias, rct] = rec.columns();
    const keep: number[] = [];
    time.forEach((t, i) => t > 40_000 && keep.push(i));
    const sel = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
    const finalBias = Float64Array.from(keep, (i) => metad.biasAtCv(xs[i]));
    const weights = { ct: ctLogWeights(sel(bias), sel(rct), kT), last: lastBiasLogWeights(finalBias, kT), none: new Float64Array(keep.length) };
    const tol = { ct: 0.25, last: 0.5 };
    for (const [cv, values, lo, hi] of [[1, sel(ys), -0.5, 2.0], [0, sel(xs), -1.5, 1.2]] as const) {
      const rms: Record<string, number> = {};
      for (const [name, lw] of Object.entries(weights)) {
        const r = reweightedProfile(values, lw, { bins: 50, min: lo, max: hi, kT });
        rms[name] = alignedRms(r.fes, exactProfile(mb, cv, kT, r.centers), 4 * kT).rms / kT;
        expect(r.effectiveSampleSize).toBeGreaterThan(1000);
      }
      expect(rms.ct).toBeLessThan(tol.ct);
      expect(rms.last).toBeLessThan(tol.last);
      expect(rms.none).toBeGreaterThan(1);
    }
  });

  it('periodic CV: FES of V = 2 kT cos(theta) on [-pi, pi) (walkers never wrapped, the bias wraps)', () => {
    // 8 walkers x 1e5 steps, dt 1e-3: the barrier is only 4 kT, so this converges quickly; observed
    // RMS ~0.1 kT, tolerance 0.2 kT. Checks hills spanning the -pi/pi seam and minimum-image deposition.
    const kT = 1;
    const cosSystem = {
      spec: { kind: 'double-well' as const, a: 0 },
      dim: 1,
      coordinateNames: ['theta'],
      mobility: new Float64Array([1]),
      domain: [[-Math.PI, Math.PI]] as const,
      energy: (x: Float64Array, o = 0) => 2 * Math.cos(x[o]),
      force: (x: Float64Array, o: number, out: Float64Array, oo: number) => {
        out[oo] = 2 * Math.sin(x[o]);
        return 2 * Math.cos(x[o]);
      },
    };
    const metad = new WellTemperedMetad({ cvs: [{ index: 0, periodic: { min: -Math.PI, max: Math.PI } }], sigma: [0.2], height: 0.1, pace: 100, biasFactor: 6, kT });
    const sim = new OverdampedSimulation({ system: cosSystem, kT, dt: 1e-3, positions: new Float64Array(8).fill(Math.PI - 0.01), seed: 2, streamBase: 0, generalBias: metad });
    sim.reporters.push(metad.reporter());
    sim.run(100_000);
    const { axes, fes } = metad.freeEnergy();
    expect(axes[0].length).toBe(Math.ceil((2 * Math.PI) / 0.1));
    const exact = Array.from(axes[0], (t) => 2 * Math.cos(t) + 2);
    expect(alignedRms(fes, exact, 10).rms).toBeLessThan(0.2);
  });
});
