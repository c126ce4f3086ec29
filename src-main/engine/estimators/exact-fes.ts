/**
 * Exact answers on the grid of an estimated free-energy surface of a toy system, by quadrature:
 * basin probabilities of labelled bins (1D and 2D), V on the bin centres of a 2D surface, and the
 * window free energies of a 2D umbrella grid. They are what the app compares WHAM/MBAR against.
 */
import type { ToySystem } from '../systems';
import { logMarginalDensity } from './exact';
import { axisCenters, axisEdges, type GridAxis } from './histogram';
import { logSumExp } from '../stats/log-sum-exp';

/** Midpoints per bin edge used to integrate exp(-F/kT) over a bin exactly enough (error << 0.01 kT). */
const SUB = 6;

/** Exact basin probabilities of labelled 1D bins: ln of the integral of the marginal density over each basin's bins. */
export function exactRegionLogWeights1d(system: ToySystem, cvIndex: number, kT: number, axis: GridAxis, labels: Int32Array, count: number): Float64Array {
  const logp = logMarginalDensity(system, cvIndex, kT);
  const edges = axisEdges(axis);
  const logs: number[][] = Array.from({ length: count }, () => []);
  for (let b = 0; b < axis.bins; b++) {
    if (labels[b] < 0) continue;
    const h = (edges[b + 1] - edges[b]) / SUB;
    for (let i = 0; i < SUB; i++) logs[labels[b]].push(logp(edges[b] + (i + 0.5) * h) + Math.log(h));
  }
  return Float64Array.from(logs, logSumExp);
}

function energyAt(system: ToySystem, cvs: number[], a: number, b: number, probe: Float64Array): number {
  probe[cvs[0]] = a;
  probe[cvs[1]] = b;
  return system.energy(probe, 0);
}

/**
 * Exact 2D pieces of a 2-coordinate system on the grid `axes` over coordinates `cvs`: V - min V on
 * the bin centres, ln of each basin's weight (SUB x SUB midpoints per labelled bin; same
 * normalisation for every basin, so only differences mean anything) and the window free energies
 * f_k - f_0 of harmonic windows (centres and springs per CV).
 */
export function exactSurface2d(
  system: ToySystem,
  cvs: number[],
  kT: number,
  axes: GridAxis[],
  labels: Int32Array,
  count: number,
  windows: { centers: readonly number[]; springs: readonly number[] }[],
): { grid: number[][]; basinLogWeights: Float64Array; windowFreeEnergies: number[] } {
  const [xa, ya] = axes;
  const xc = axisCenters(xa);
  const yc = axisCenters(ya);
  const probe = new Float64Array(system.dim);
  const grid: number[][] = [];
  let min = Infinity;
  for (let i = 0; i < xa.bins; i++) {
    const row: number[] = [];
    for (let j = 0; j < ya.bins; j++) {
      const v = energyAt(system, cvs, xc[i], yc[j], probe);
      row.push(v);
      if (v < min) min = v;
    }
    grid.push(row);
  }
  for (const row of grid) for (let j = 0; j < row.length; j++) row[j] -= min;
  // Basins: integral of exp(-(V - min)/kT) over each labelled bin, SUB x SUB midpoints.
  const hx = (xa.max - xa.min) / xa.bins / SUB;
  const hy = (ya.max - ya.min) / ya.bins / SUB;
  const weights = new Float64Array(count);
  for (let i = 0; i < xa.bins; i++) {
    for (let j = 0; j < ya.bins; j++) {
      const label = labels[i * ya.bins + j];
      if (label < 0) continue;
      let s = 0;
      for (let u = 0; u < SUB; u++) {
        for (let v = 0; v < SUB; v++) {
          const e = energyAt(system, cvs, xa.min + (i * SUB + u + 0.5) * hx, ya.min + (j * SUB + v + 0.5) * hy, probe);
          s += Math.exp(-(e - min) / kT);
        }
      }
      weights[label] += s * hx * hy;
    }
  }
  // Window free energies f_k = -kT ln integral exp(-(V + W_k)/kT) over the system's domain
  // (midpoint rule on 400 x 400 points; the harmonic windows are wide compared with the spacing).
  const n = 400;
  const [dx, dy] = [system.domain[cvs[0]], system.domain[cvs[1]]];
  const gx = (dx[1] - dx[0]) / n;
  const gy = (dy[1] - dy[0]) / n;
  const qx = Float64Array.from({ length: n }, (_, i) => dx[0] + (i + 0.5) * gx);
  const qy = Float64Array.from({ length: n }, (_, j) => dy[0] + (j + 0.5) * gy);
  const boltz = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) boltz[i * n + j] = -(energyAt(system, cvs, qx[i], qy[j], probe) - min) / kT;
  const fk = windows.map((w) => {
    const [cx, cy] = [w.centers[0], w.centers[1]];
    const [kx, ky] = [w.springs[0], w.springs[1]];
    let m = -Infinity;
    const terms = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      const bx = 0.5 * kx * (qx[i] - cx) ** 2;
      for (let j = 0; j < n; j++) {
        const t = boltz[i * n + j] - (bx + 0.5 * ky * (qy[j] - cy) ** 2) / kT;
        terms[i * n + j] = t;
        if (t > m) m = t;
      }
    }
    let s = 0;
    for (let i = 0; i < terms.length; i++) s += Math.exp(terms[i] - m);
    return -kT * (m + Math.log(s * gx * gy));
  });
  const f0 = fk[0];
  return { grid, basinLogWeights: Float64Array.from(weights, Math.log), windowFreeEnergies: fk.map((f) => f - f0) };
}

/**
 * Exact biased marginal along coordinate d of a 2D system with a harmonic umbrella
 * 0.5 spring (x_u - center)^2 on the other coordinate u: -kT ln of the integral of
 * exp(-(V + W)/kT) over u in [lo, hi] (trapezoid in log space, spacing at most a tenth of the
 * umbrella's thermal width sqrt(kT/spring)), min 0, at each of `centers`.
 */
export function exactBiasedMarginal(
  system: ToySystem,
  d: number,
  umbrella: { cvIndex: number; spring: number; center: number; range: readonly [number, number] },
  kT: number,
  centers: number[],
): number[] {
  const u = umbrella.cvIndex;
  const [lo, hi] = umbrella.range;
  const width = Math.sqrt(kT / umbrella.spring);
  const n = Math.min(200_001, Math.max(2001, Math.ceil((hi - lo) / (width / 10)) + 1));
  const p = new Float64Array(2);
  const logs = new Float64Array(n);
  const out = centers.map((x) => {
    let max = -Infinity;
    for (let k = 0; k < n; k++) {
      const y = lo + ((hi - lo) * k) / (n - 1);
      p[d] = x;
      p[u] = y;
      logs[k] = -(system.energy(p, 0) + 0.5 * umbrella.spring * (y - umbrella.center) ** 2) / kT;
      if (logs[k] > max) max = logs[k];
    }
    let sum = 0;
    for (let k = 0; k < n; k++) sum += (k === 0 || k === n - 1 ? 0.5 : 1) * Math.exp(logs[k] - max);
    return -kT * (max + Math.log(sum));
  });
  const min = Math.min(...out);
  return out.map((f) => f - min);
}
