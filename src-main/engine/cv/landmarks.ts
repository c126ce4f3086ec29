/**
 * Landmark subsets so that diffusion maps keep memory O(m^2) for m landmarks, whatever n.
 * - 'farthest': greedy farthest-point sampling (Gonzalez 1985): start at a seeded random point,
 *   then repeatedly add the point farthest from the chosen set. Covers the data evenly
 *   (a 2-approximation of the best covering radius), O(n m D) time, O(n) extra memory.
 * - 'random': a seeded uniform subset (partial Fisher-Yates), preserving the sampling density.
 * Returned indices are in selection order.
 */
import { EngineInputError } from '../errors';
import { Rng } from '../random';

export type LandmarkMethod = 'farthest' | 'random';

export function selectLandmarks(points: Float64Array, n: number, dim: number, m: number, method: LandmarkMethod = 'farthest', seed = 0): Int32Array {
  if (!Number.isInteger(m) || m < 1 || m > n) throw new EngineInputError(`landmarks must be an integer in [1, ${n}] (got ${m})`);
  const rng = new Rng(seed, 0x1a4d);
  if (method === 'random') return randomSubset(n, m, rng);
  if (method !== 'farthest') throw new EngineInputError(`landmark method must be 'farthest' or 'random' (got ${String(method)})`);
  const chosen = new Int32Array(m);
  const dist = new Float64Array(n).fill(Infinity);
  let next = Math.min(n - 1, Math.floor(rng.uniform() * n));
  for (let c = 0; c < m; c++) {
    chosen[c] = next;
    const o = next * dim;
    let best = -1;
    let bestD = -1;
    for (let i = 0; i < n; i++) {
      const r = i * dim;
      let d2 = 0;
      for (let t = 0; t < dim; t++) {
        const diff = points[r + t] - points[o + t];
        d2 += diff * diff;
      }
      if (d2 < dist[i]) dist[i] = d2;
      if (dist[i] > bestD) {
        bestD = dist[i];
        best = i;
      }
    }
    next = best;
  }
  return chosen;
}

/** m distinct indices of [0, n), uniformly, by a partial Fisher-Yates shuffle. */
export function randomSubset(n: number, m: number, rng: Rng): Int32Array {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + Math.min(n - i - 1, Math.floor(rng.uniform() * (n - i)));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm.slice(0, m);
}
