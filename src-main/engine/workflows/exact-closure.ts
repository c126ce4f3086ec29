/**
 * Exact bin averages E[g(x) | xi in bin] of a 1D or 2D toy system by quadrature of the
 * Boltzmann density over the system's domain: the reference that binned simulation closures
 * must match (comparing a bin mean with g at the bin centre would add an O(width^2) bias).
 * Trapezoid rule on `sub` points per bin along xi and `across` points along the other
 * coordinate; with the defaults the quadrature error is far below sampling errors.
 */
import { EngineInputError } from '../errors';
import { axisEdges, checkAxis, type GridAxis } from '../estimators/histogram';
import type { ToySystem } from '../systems/types';

export function exactBinAverages(
  system: ToySystem,
  cvIndex: number,
  kT: number,
  axis: GridAxis,
  g: (x: Float64Array) => number,
  opts: { sub?: number; across?: number } = {},
): Float64Array {
  checkAxis(axis, 'exact closure');
  if (system.dim > 2) throw new EngineInputError(`exact closures need a 1D or 2D system (got ${system.dim} coordinates)`);
  if (!Number.isInteger(cvIndex) || cvIndex < 0 || cvIndex >= system.dim) throw new EngineInputError(`CV index ${cvIndex} is outside the system's coordinates`);
  const sub = opts.sub ?? 24;
  const across = opts.across ?? 401;
  const edges = axisEdges(axis);
  const other = 1 - cvIndex;
  const [lo, hi] = system.dim === 2 ? system.domain[other] : [0, 0];
  const p = new Float64Array(system.dim);
  const out = new Float64Array(axis.bins);
  // Shift energies by the minimum seen so far is unnecessary: ratios per bin only; use a per-bin
  // reference energy (the first point) so exponentials stay in range.
  for (let b = 0; b < axis.bins; b++) {
    const points: { w: number; e: number; v: number }[] = [];
    for (let i = 0; i <= sub; i++) {
      const xi = edges[b] + ((edges[b + 1] - edges[b]) * i) / sub;
      const wi = i === 0 || i === sub ? 0.5 : 1;
      const nAcross = system.dim === 2 ? across : 1;
      for (let j = 0; j < nAcross; j++) {
        p[cvIndex] = xi;
        let wj = 1;
        if (system.dim === 2) {
          p[other] = lo + ((hi - lo) * j) / (across - 1);
          wj = j === 0 || j === across - 1 ? 0.5 : 1;
        }
        points.push({ w: wi * wj, e: system.energy(p, 0) / kT, v: g(p) });
      }
    }
    let eMin = Infinity;
    for (const q of points) if (q.e < eMin) eMin = q.e;
    let num = 0;
    let den = 0;
    for (const q of points) {
      const w = q.w * Math.exp(-(q.e - eMin));
      num += w * q.v;
      den += w;
    }
    out[b] = num / den;
  }
  return out;
}

/** Exact E[g(x) | xi = z] of a 1D or 2D toy system (quadrature across the other coordinate). */
export function exactConditionalAt(system: ToySystem, cvIndex: number, kT: number, z: number, g: (x: Float64Array) => number, across = 801): number {
  if (system.dim > 2) throw new EngineInputError(`exact closures need a 1D or 2D system (got ${system.dim} coordinates)`);
  const p = new Float64Array(system.dim);
  p[cvIndex] = z;
  if (system.dim === 1) return g(p);
  const other = 1 - cvIndex;
  const [lo, hi] = system.domain[other];
  const e = new Float64Array(across);
  const v = new Float64Array(across);
  let eMin = Infinity;
  for (let j = 0; j < across; j++) {
    p[other] = lo + ((hi - lo) * j) / (across - 1);
    e[j] = system.energy(p, 0) / kT;
    v[j] = g(p);
    if (e[j] < eMin) eMin = e[j];
  }
  let num = 0;
  let den = 0;
  for (let j = 0; j < across; j++) {
    const w = (j === 0 || j === across - 1 ? 0.5 : 1) * Math.exp(-(e[j] - eMin));
    num += w * v[j];
    den += w;
  }
  return num / den;
}
