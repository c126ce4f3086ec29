/**
 * The potential V of a toy system on a regular grid over its domain (ToySystem.domain, the box the
 * engine plots and integrates over), with the grid's local minima: what the System view draws
 * while a system is being edited. 1D systems give a curve, 2D systems a surface; systems with
 * more coordinates give the surface over the first two with the others held at the centre of
 * their domain range (said in `slice`, so the figure can say it too).
 */
import type { ToySystem } from './types';

export interface PotentialGrid {
  coordinateNames: string[];
  /** Grid nodes of the first coordinate (and of the second for 2D+ systems). */
  xs: number[];
  ys: number[] | null;
  /** V at the nodes, row-major with x slowest (values[i * ys.length + j]); null where V is not finite. */
  values: (number | null)[];
  /** Lowest finite V on the grid (null when there is none). */
  min: number | null;
  /** Local minima of the grid, lowest first (at most MAX_MINIMA). */
  minima: { at: number[]; energy: number }[];
  /** 1D only: the highest V between the two lowest minima minus the lower of them; null otherwise. */
  barrier: number | null;
  /** Coordinates beyond the first two, held at these values (empty for 1D and 2D systems). */
  slice: { name: string; value: number }[];
}

export const MAX_MINIMA = 8;

function nodes(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/** V on `points` nodes per shown axis (2 <= points); callers bound `points` (API: limits). */
export function potentialGrid(system: ToySystem, points: number): PotentialGrid {
  if (!Number.isInteger(points) || points < 2) throw new RangeError(`points must be an integer >= 2 (got ${points})`);
  const dim = system.dim;
  const names = [...system.coordinateNames];
  const centre = system.domain.map(([lo, hi]) => (lo + hi) / 2);
  const x = Float64Array.from(centre);
  const xs = nodes(system.domain[0][0], system.domain[0][1], points);
  const ys = dim >= 2 ? nodes(system.domain[1][0], system.domain[1][1], points) : null;
  const ny = ys ? ys.length : 1;
  const values: (number | null)[] = new Array(xs.length * ny);
  for (let i = 0; i < xs.length; i++) {
    x[0] = xs[i];
    for (let j = 0; j < ny; j++) {
      if (ys) x[1] = ys[j];
      const v = system.energy(x);
      values[i * ny + j] = Number.isFinite(v) ? v : null;
    }
  }
  const finite = values.filter((v): v is number => v !== null);
  const minima = gridMinima(xs, ys, values);
  return {
    coordinateNames: names,
    xs,
    ys,
    values,
    min: finite.length ? finite.reduce((a, b) => Math.min(a, b)) : null,
    minima,
    barrier: ys ? null : barrier1d(xs, values, minima),
    slice: names.slice(2).map((name, k) => ({ name, value: centre[k + 2] })),
  };
}

/**
 * Nodes no higher than every neighbour (2 in 1D, 8 in 2D) and strictly lower than at
 * least one, so a flat plateau is not a minimum. A flat valley floor (V independent of y, say)
 * is one minimum, at its first node, not one per node. Edge nodes count: a well cut by the
 * domain's edge still shows. Lowest first, at most MAX_MINIMA.
 */
export function gridMinima(xs: number[], ys: number[] | null, values: (number | null)[]): { at: number[]; energy: number }[] {
  const nx = xs.length;
  const ny = ys ? ys.length : 1;
  const out: { at: number[]; energy: number }[] = [];
  // Minimum nodes found so far: an equal-valued neighbour among them means the same flat floor.
  const floor = new Set<number>();
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const v = values[i * ny + j];
      if (v === null) continue;
      let lowest = true;
      let strictlyBelowOne = false;
      for (let di = -1; di <= 1 && lowest; di++) {
        for (let dj = ys ? -1 : 0; dj <= (ys ? 1 : 0); dj++) {
          if (di === 0 && dj === 0) continue;
          const a = i + di;
          const b = j + dj;
          if (a < 0 || a >= nx || b < 0 || b >= ny) continue;
          const w = values[a * ny + b];
          if (w === null) continue;
          if (w < v) {
            lowest = false;
            break;
          }
          if (w > v) strictlyBelowOne = true;
        }
      }
      if (!lowest || !strictlyBelowOne) continue;
      const sameFloor = [[-1, -1], [-1, 0], [-1, 1], [0, -1]].some(([di, dj]) => {
        const a = i + di;
        const b = j + dj;
        return a >= 0 && b >= 0 && b < ny && floor.has(a * ny + b) && values[a * ny + b] === v;
      });
      floor.add(i * ny + j);
      if (!sameFloor) out.push({ at: ys ? [xs[i], ys[j]] : [xs[i]], energy: v });
    }
  }
  return out.sort((p, q) => p.energy - q.energy).slice(0, MAX_MINIMA);
}

function barrier1d(xs: number[], values: (number | null)[], minima: { at: number[]; energy: number }[]): number | null {
  if (minima.length < 2) return null;
  const [a, b] = [minima[0].at[0], minima[1].at[0]].sort((p, q) => p - q);
  let top = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const v = values[i];
    if (xs[i] >= a && xs[i] <= b && v !== null) top = Math.max(top, v);
  }
  return top - minima[0].energy;
}
