/**
 * Basins of a free-energy surface on a 1D or 2D grid.
 *
 * Steepest-descent watershed: every non-empty bin points to its lowest neighbour (8 neighbours
 * in 2D, 2 in 1D, wrapped on periodic axes) if that is lower than itself; bins that point
 * nowhere are local minima, and each bin belongs to the minimum its descent path ends in.
 * Empty (NaN) bins belong to no basin (label -1) and separate basins.
 * Sampling noise creates shallow spurious minima, so basins are then merged by persistence:
 * the saddle between two adjacent basins is the lowest max(F(a), F(b)) over neighbouring bin
 * pairs (a, b) across their boundary; while some basin's depth (its lowest saddle minus its
 * minimum) is below minDepth, the shallowest one is merged into the neighbour across that saddle.
 * A minimum on the rim of the data (a non-periodic grid edge, or next to an empty bin) cannot be
 * told from a slope that continues outside, and is where sparse sampling puts spurious minima:
 * by default (edgeMinima: false) such basins are merged first into their lowest-saddle neighbour.
 * Basin free energies are -kT ln of basin-integrated probability (see regionFreeEnergies in
 * bootstrap.ts and mbarRegionFreeEnergies for error bars).
 */
import { EngineInputError } from '../errors';

export interface BasinGrid {
  /** Grid values (energy units), NaN = empty; index ix * ny + iy (ny = 1 in 1D). */
  values: Float64Array;
  nx: number;
  ny: number;
  periodicX?: boolean;
  periodicY?: boolean;
}

export interface Basin {
  id: number;
  /** Bin of the basin minimum and its grid indices. */
  minimumBin: number;
  ix: number;
  iy: number;
  /** Grid value at the minimum. */
  minimumValue: number;
  /** Number of bins in the basin. */
  size: number;
  /** Lowest saddle to another basin minus the minimum (Infinity if isolated). */
  depth: number;
}

export interface BasinResult {
  /** Basin id per bin (ids 0..n-1 ordered by minimum value), -1 for empty bins. */
  labels: Int32Array;
  basins: Basin[];
}

function neighbours(grid: BasinGrid): (b: number, out: number[]) => void {
  const { nx, ny } = grid;
  const px = !!grid.periodicX;
  const py = !!grid.periodicY;
  return (b, out) => {
    out.length = 0;
    const ix = Math.floor(b / ny);
    const iy = b % ny;
    for (let dx = -1; dx <= 1; dx++) {
      let jx = ix + dx;
      if (jx < 0 || jx >= nx) {
        if (!px) continue;
        jx = (jx + nx) % nx;
      }
      for (let dy = -1; dy <= 1; dy++) {
        if (dx === 0 && dy === 0) continue;
        let jy = iy + dy;
        if (jy < 0 || jy >= ny) {
          if (!py) continue;
          jy = (jy + ny) % ny;
        }
        const j = jx * ny + jy;
        if (j !== b && !out.includes(j)) out.push(j);
      }
    }
  };
}

export interface BasinOptions {
  /** Merge basins shallower than this (energy units; default 0). */
  minDepth?: number;
  /** Keep basins whose minimum lies on the rim of the data (default false: merge them). */
  edgeMinima?: boolean;
}

export function findBasins(grid: BasinGrid, opts: BasinOptions = {}): BasinResult {
  const { values, nx, ny } = grid;
  if (!Number.isSafeInteger(nx) || !Number.isSafeInteger(ny) || nx < 1 || ny < 1 || values.length !== nx * ny) {
    throw new EngineInputError(`basin grid must be nx * ny values (got ${values.length} for ${nx} x ${ny})`);
  }
  const minDepth = opts.minDepth ?? 0;
  if (!(minDepth >= 0)) throw new EngineInputError(`minDepth must be >= 0 (got ${String(minDepth)})`);
  const B = nx * ny;
  const nb = neighbours(grid);
  const buf: number[] = [];
  const next = new Int32Array(B).fill(-1);
  for (let b = 0; b < B; b++) {
    if (!Number.isFinite(values[b])) continue;
    nb(b, buf);
    let best = b;
    for (const j of buf) if (Number.isFinite(values[j]) && (values[j] < values[best] || (values[j] === values[best] && j < best))) best = j;
    next[b] = best;
  }
  // Follow descent paths to their minimum (path compression keeps this linear).
  const root = new Int32Array(B).fill(-1);
  const path: number[] = [];
  for (let b = 0; b < B; b++) {
    if (next[b] < 0 || root[b] >= 0) continue;
    let c = b;
    path.length = 0;
    while (root[c] < 0 && next[c] !== c) {
      path.push(c);
      c = next[c];
    }
    const r = root[c] >= 0 ? root[c] : c;
    root[c] = r;
    for (const p of path) root[p] = r;
  }
  // Union-find over minima for persistence merging.
  const parent = new Map<number, number>();
  for (let b = 0; b < B; b++) if (root[b] === b) parent.set(b, b);
  const find = (x: number): number => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    while (parent.get(x) !== r) {
      const n = parent.get(x)!;
      parent.set(x, r);
      x = n;
    }
    return r;
  };
  const saddleOf = (): Map<number, Map<number, number>> => {
    const s = new Map<number, Map<number, number>>();
    for (let b = 0; b < B; b++) {
      if (root[b] < 0) continue;
      const ra = find(root[b]);
      nb(b, buf);
      for (const j of buf) {
        if (root[j] < 0) continue;
        const rb = find(root[j]);
        if (rb === ra) continue;
        const h = Math.max(values[b], values[j]);
        let m = s.get(ra);
        if (!m) s.set(ra, (m = new Map()));
        if (!(m.get(rb)! <= h)) m.set(rb, h);
      }
    }
    return s;
  };
  const onRim = (b: number): boolean => {
    const ix = Math.floor(b / ny);
    const iy = b % ny;
    if ((!grid.periodicX && (ix === 0 || ix === nx - 1) && nx > 1) || (!grid.periodicY && (iy === 0 || iy === ny - 1) && ny > 1)) return true;
    nb(b, buf);
    return buf.some((j) => !Number.isFinite(values[j]));
  };
  const rim = new Set<number>();
  if (!opts.edgeMinima) for (const r of parent.keys()) if (onRim(r)) rim.add(r);
  if (minDepth > 0 || rim.size > 0) {
    // Few basins survive the first merges, so recomputing saddles after each merge is cheap enough.
    for (;;) {
      const saddles = saddleOf();
      let shallow = -1;
      let into = -1;
      let depth = Infinity;
      for (const [r, m] of saddles) {
        for (const [other, h] of m) {
          const d = rim.has(r) ? -Infinity : h - values[r];
          if (d < depth || (d === depth && r < shallow)) {
            depth = d;
            shallow = r;
            into = other;
          }
        }
      }
      if (shallow < 0 || !(depth < minDepth)) break;
      parent.set(shallow, into);
      rim.delete(shallow);
    }
  }
  const finalSaddles = saddleOf();
  const roots = [...parent.keys()].filter((r) => find(r) === r).sort((a, b) => values[a] - values[b] || a - b);
  const idOf = new Map<number, number>();
  roots.forEach((r, i) => idOf.set(r, i));
  const labels = new Int32Array(B).fill(-1);
  const size = new Array<number>(roots.length).fill(0);
  for (let b = 0; b < B; b++) {
    if (root[b] < 0) continue;
    const id = idOf.get(find(root[b]))!;
    labels[b] = id;
    size[id]++;
  }
  const basins: Basin[] = roots.map((r, id) => {
    let lowest = Infinity;
    for (const h of finalSaddles.get(r)?.values() ?? []) lowest = Math.min(lowest, h);
    return { id, minimumBin: r, ix: Math.floor(r / ny), iy: r % ny, minimumValue: values[r], size: size[id], depth: lowest - values[r] };
  });
  return { labels, basins };
}
