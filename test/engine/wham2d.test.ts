/**
 * 2D WHAM, 2D MBAR and basins on Muller-Brown (scale 0.2, kT = 1: three basins, barriers of a
 * few kT) from umbrella windows on a grid, against exact basin probabilities by quadrature of
 * exp(-V/kT) over the same basin regions; plus a periodic 2D case with a closed-form PMF.
 *
 * Window data are exact independent samples of the cell-constant approximation of
 * exp(-(V + W_k)/kT) on a 0.01-spaced grid over +-8 window s.d. (inverse CDF + uniform jitter
 * in the cell): the approximation differs from the continuous density by O(h^2 V'') ~ 1e-3 kT
 * in the basins, and the truncation at 8 s.d. loses mass ~exp(-32 + 20) for the windows kept
 * (V(centre) < V_min + 20 kT) -- both far below the statistical errors tested (~0.05 kT).
 */
import { describe, expect, it } from 'vitest';
import { wham2d, type UmbrellaWindow2d } from '../../src-main/engine/estimators/wham2d';
import { mbarUmbrella2d, mbarRegionFreeEnergies } from '../../src-main/engine/estimators/mbar-umbrella';
import { findBasins } from '../../src-main/engine/estimators/basins';
import { bootstrapWham2d, regionFreeEnergies } from '../../src-main/engine/estimators/bootstrap';
import { createSystem } from '../../src-main/engine/systems';
import { Rng } from '../../src-main/engine/random';
import type { GridAxis } from '../../src-main/engine/estimators/histogram';

const kT = 1;
const mb = createSystem({ kind: 'muller-brown', scale: 0.2 });
const pt = new Float64Array(2);
const V = (x: number, y: number) => {
  pt[0] = x;
  pt[1] = y;
  return mb.energy(pt);
};

/**
 * Exact samples of the cell-constant biased density (see the header). With periodY the y box is
 * one period centred on cy, where the minimum-image bias is the plain displacement.
 */
function sampleWindow(
  rng: Rng,
  cx: number,
  cy: number,
  kx: number,
  ky: number,
  n: number,
  Vfn: (x: number, y: number) => number,
  h = 0.01,
  periodY?: number,
): { x: Float64Array; y: Float64Array } {
  const halfX = 8 * Math.sqrt(kT / kx);
  const halfY = periodY ? periodY / 2 : 8 * Math.sqrt(kT / ky);
  const mx = Math.ceil((2 * halfX) / h);
  const my = Math.ceil((2 * halfY) / h);
  const hx = (2 * halfX) / mx;
  const hy = (2 * halfY) / my;
  const logp = new Float64Array(mx * my);
  let max = -Infinity;
  for (let i = 0; i < mx; i++) {
    for (let j = 0; j < my; j++) {
      const x = cx - halfX + (i + 0.5) * hx;
      const y = cy - halfY + (j + 0.5) * hy;
      const v = -(Vfn(x, y) + 0.5 * kx * (x - cx) ** 2 + 0.5 * ky * (y - cy) ** 2) / kT;
      logp[i * my + j] = v;
      if (v > max) max = v;
    }
  }
  const cdf = new Float64Array(mx * my);
  let s = 0;
  for (let c = 0; c < mx * my; c++) cdf[c] = s += Math.exp(logp[c] - max);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const r = rng.uniform() * s;
    let lo = 0;
    let hi = mx * my - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    x[t] = cx - halfX + (Math.floor(lo / my) + rng.uniform()) * hx;
    y[t] = cy - halfY + ((lo % my) + rng.uniform()) * hy;
  }
  return { x, y };
}

describe('2D WHAM / MBAR and basins on Muller-Brown', () => {
  const xAxis: GridAxis = { bins: 40, min: -1.5, max: 1.1 };
  const yAxis: GridAxis = { bins: 40, min: -0.3, max: 2.1 };
  const spring = 44; // window s.d. 0.15 for a 0.3 spacing
  const vmin = -146.7 * 0.2;
  const windows: UmbrellaWindow2d[] = [];
  let stream = 0;
  for (let cx = -1.4; cx <= 1.01; cx += 0.3) {
    for (let cy = -0.1; cy <= 1.91; cy += 0.25) {
      if (V(cx, cy) - vmin > 20 * kT) continue;
      const s = sampleWindow(new Rng(42, stream++), cx, cy, spring, spring, 800, V);
      windows.push({ center: [cx, cy], spring: [spring, spring], x: s.x, y: s.y });
    }
  }
  // Exact bin probabilities: midpoint rule with 8 x 8 points per bin (error ~1e-3 relative).
  const nx = xAxis.bins;
  const ny = yAxis.bins;
  const wx = (xAxis.max - xAxis.min) / nx;
  const wy = (yAxis.max - yAxis.min) / ny;
  const exactP = new Float64Array(nx * ny);
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      let s = 0;
      for (let a = 0; a < 8; a++) for (let b = 0; b < 8; b++) s += Math.exp(-(V(xAxis.min + (i + (a + 0.5) / 8) * wx, yAxis.min + (j + (b + 0.5) / 8) * wy) - vmin) / kT);
      exactP[i * ny + j] = s;
    }
  }

  it('finds the three basins and their free-energy differences within the bootstrap / MBAR errors', () => {
    const opts = { x: xAxis, y: yAxis, kT, tolerance: 1e-9 };
    const w = wham2d(windows, opts);
    expect(w.converged).toBe(true);
    // Basins: steepest descent with persistence merging of minima shallower than 0.5 kT (noise
    // in a bin with ~100 samples is ~0.1 kT, the shallowest real basin is ~1.7 kT deep).
    const est = findBasins({ values: w.pmf, nx, ny }, { minDepth: 0.5 });
    const exactF = exactP.map((p) => -kT * Math.log(p));
    const ref = findBasins({ values: exactF, nx, ny }, { minDepth: 0.5 });
    expect(ref.basins).toHaveLength(3);
    expect(est.basins).toHaveLength(3);
    est.basins.forEach((b, i) => {
      expect(Math.abs(b.ix - ref.basins[i].ix)).toBeLessThanOrEqual(1);
      expect(Math.abs(b.iy - ref.basins[i].iy)).toBeLessThanOrEqual(1);
    });
    // Exact basin free energies over the regions the estimate defines.
    const exactBasin = regionFreeEnergies(exactP, est.labels, 3, kT, 0);
    const whamBasin = regionFreeEnergies(w.probability, est.labels, 3, kT, 0);
    const boot = bootstrapWham2d(windows, { ...opts, tolerance: 1e-7 }, { replicates: 20, seed: 1 }, w, { labels: est.labels, count: 3 });
    expect(boot.regionReference).toBe(0);
    for (let b = 1; b < 3; b++) {
      const sigma = boot.regionError![b];
      expect(sigma).toBeGreaterThan(0.005);
      expect(sigma).toBeLessThan(0.5);
      // 3 sigma (sigma from 20 replicates, itself uncertain by ~16%) plus 0.02 kT for WHAM's
      // binning (bias at bin centres, O(k w^2 / 24) ~ 0.01 kT here).
      expect(Math.abs(whamBasin[b] - exactBasin[b])).toBeLessThan(3 * sigma + 0.02);
    }
    // MBAR on the same data: binless within the basins, asymptotic errors.
    const m = mbarUmbrella2d(windows, xAxis, yAxis, { kT, tolerance: 1e-9 });
    expect(m.converged).toBe(true);
    const mb = mbarRegionFreeEnergies(m, est.labels, 3);
    expect(mb.error[0]).toBe(0);
    for (let b = 1; b < 3; b++) {
      expect(Math.abs(mb.freeEnergy[b] - exactBasin[b])).toBeLessThan(3 * mb.error[b] + 0.02);
      // The two error estimates describe the same data: within a factor 2.
      expect(mb.error[b] / boot.regionError![b]).toBeGreaterThan(0.5);
      expect(mb.error[b] / boot.regionError![b]).toBeLessThan(2);
    }
  });
});

describe('2D WHAM with a periodic axis', () => {
  it('recovers F = (x^2-1)^2 + 1.5 cos(y) on y in [-pi, pi), wrapping samples given outside the period', () => {
    const Vp = (x: number, y: number) => (x * x - 1) ** 2 + 1.5 * Math.cos(y);
    const period = 2 * Math.PI;
    const windows: UmbrellaWindow2d[] = [];
    const shifted: UmbrellaWindow2d[] = [];
    let stream = 0;
    for (const cx of [-1.2, -0.6, 0, 0.6, 1.2]) {
      for (let j = 0; j < 6; j++) {
        const cy = -Math.PI + (j * period) / 6;
        const smp = sampleWindow(new Rng(9, stream++), cx, cy, 12, 3, 600, Vp, 0.02, period);
        windows.push({ center: [cx, cy], spring: [12, 3], x: smp.x, y: smp.y });
        // The same samples moved by whole periods (and the centre too): nothing may change.
        const y2 = smp.y.map((v, i) => v + (i % 3 === 0 ? period : i % 3 === 1 ? -2 * period : 0));
        shifted.push({ center: [cx, cy + period], spring: [12, 3], x: smp.x, y: y2 });
      }
    }
    const xAxis: GridAxis = { bins: 20, min: -2, max: 2 };
    const yAxis: GridAxis = { bins: 12, min: -Math.PI, max: Math.PI, periodic: true };
    const w = wham2d(windows, { x: xAxis, y: yAxis, kT });
    const w2 = wham2d(shifted, { x: xAxis, y: yAxis, kT });
    expect(w.converged).toBe(true);
    // Wrapping moves samples by whole periods only: identical histograms and biases up to the
    // rounding of x + period (1 ulp of ~2pi moves no sample across a bin edge here).
    for (let b = 0; b < w.pmf.length; b++) {
      if (Number.isNaN(w.pmf[b])) expect(Number.isNaN(w2.pmf[b])).toBe(true);
      else expect(Math.abs(w.pmf[b] - w2.pmf[b])).toBeLessThan(1e-9);
    }
    // Against the closed form, bin-averaged (-kT ln of the bin mean of exp(-F/kT), 6 x 6 midpoint
    // rule), where sampled well (F - Fmin < 3 kT). The statistical error of a bin's PMF is
    // ~ kT / sqrt(n_b) (Poisson counts): after removing the best constant offset the mean of
    // z^2 = (d - mean)^2 n_b must be ~1; over ~150 bins its s.d. is ~0.12, so we accept
    // [0.5, 1.6] (5 s.d. above; below 0.5 would mean errors too small to be honest).
    const diffs: number[] = [];
    const weights: number[] = [];
    for (let i = 0; i < 20; i++) {
      for (let j = 0; j < 12; j++) {
        const b = i * 12 + j;
        let m = 0;
        for (let a = 0; a < 6; a++) {
          for (let c = 0; c < 6; c++) m += Math.exp(-(Vp(-2 + (i + (a + 0.5) / 6) * 0.2, -Math.PI + (j + (c + 0.5) / 6) * (period / 12)) + 1.5) / kT) / 36;
        }
        const f = -kT * Math.log(m);
        if (f < 3) {
          diffs.push(w.pmf[b] - f);
          weights.push(w.counts[b]);
        }
      }
    }
    expect(diffs.length).toBeGreaterThan(60);
    const totalW = weights.reduce((a, b) => a + b);
    const mean = diffs.reduce((a, d, i) => a + d * weights[i], 0) / totalW;
    const z2 = diffs.reduce((a, d, i) => a + (d - mean) ** 2 * weights[i], 0) / diffs.length;
    expect(z2).toBeGreaterThan(0.5);
    expect(z2).toBeLessThan(1.6);
    // Periodic basins: two minima (x = +-1) at y = pi, which is the edge of the grid: the
    // watershed must join the bins across the periodic edge, giving 2 basins, not 4.
    const bas = findBasins({ values: w.pmf, nx: 20, ny: 12, periodicY: true }, { minDepth: 0.5 });
    expect(bas.basins).toHaveLength(2);
  });
});
