/**
 * Exact closures of 1D and 2D toy systems by quadrature of the Boltzmann density: the reference
 * for closures from simulation (estimated at bin centres) and from lifted samples.
 */
import { EngineInputError } from '../errors';
import type { ToySystem } from '../systems/types';

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
