/**
 * User-drawn regions of a 1D or 2D collective-variable space and their free energies
 * F_R = -kT ln P(R), where P(R) is the probability of region R (of samples, or of grid bins).
 *
 * Conventions (documented for users in docs/regions.md):
 * - Regions are closed: a point on an interval end, a rectangle edge or a polygon edge is inside.
 *   Two regions sharing a boundary may therefore both count a point that lies exactly on it.
 * - interval {min, max}: min or max null/absent means unbounded on that side.
 * - rectangle {xMin, xMax, yMin, yMax}: the product of two such intervals.
 * - polygon {points}: at least 3 vertices, closed automatically (last vertex joins the first);
 *   even-odd rule, self-intersections allowed.
 * - Periodic axes (period L = max - min of the axis): a point counts if any periodic image of it
 *   (x - L, x, x + L) lies in the region, so a region may extend past the period boundary
 *   (e.g. [150°, 210°] in degrees-as-radians). On a periodic axis min > max also means wrapping:
 *   [min, boundary] ∪ [boundary, max], i.e. the interval [min, max + L]. On a non-periodic axis
 *   min > max is refused.
 *
 * Pure functions; no I/O.
 */
import { EngineInputError } from '../errors';

export type Bound = number | null | undefined;
export type Region =
  | { name: string; kind: 'interval'; min?: Bound; max?: Bound }
  | { name: string; kind: 'rectangle'; xMin?: Bound; xMax?: Bound; yMin?: Bound; yMax?: Bound }
  | { name: string; kind: 'polygon'; points: readonly (readonly [number, number])[] };

/** The space a region lives in: one entry per CV. Periodic axes have period max - min. */
export interface RegionAxis {
  min: number;
  max: number;
  periodic: boolean;
  name?: string;
}

const lower = (v: Bound) => (v === null || v === undefined ? -Infinity : v);
const upper = (v: Bound) => (v === null || v === undefined ? Infinity : v);

/** Point-in-polygon, even-odd rule; points on an edge or vertex count as inside (closed region). */
export function pointInPolygon(px: number, py: number, pts: readonly (readonly [number, number])[]): boolean {
  const n = pts.length;
  let inside = false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const [xi, yi] = pts[i];
    const [xj, yj] = pts[j];
    // On the segment (within rounding relative to the segment size): inside.
    const cross = (xj - xi) * (py - yi) - (yj - yi) * (px - xi);
    const scale = Math.abs(xj - xi) + Math.abs(yj - yi);
    if (
      Math.abs(cross) <= 1e-12 * scale * (scale + Math.abs(px - xi) + Math.abs(py - yi)) &&
      px >= Math.min(xi, xj) - 1e-12 * scale &&
      px <= Math.max(xi, xj) + 1e-12 * scale &&
      py >= Math.min(yi, yj) - 1e-12 * scale &&
      py <= Math.max(yi, yj) + 1e-12 * scale
    ) {
      return true;
    }
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Closed interval [lo, hi] on an axis, with periodic images and the min > max wrap. */
export function inInterval(x: number, lo: number, hi: number, axis: RegionAxis): boolean {
  if (!axis.periodic) return x >= lo && x <= hi;
  const L = axis.max - axis.min;
  if (lo > hi) hi += L;
  for (let k = -1; k <= 1; k++) {
    const v = x + k * L;
    if (v >= lo && v <= hi) return true;
  }
  return false;
}

function polygonArea(pts: readonly (readonly [number, number])[]): number {
  let a = 0;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) a += pts[j][0] * pts[i][1] - pts[i][0] * pts[j][1];
  return Math.abs(a) / 2;
}

function checkBounds(name: string, lo: Bound, hi: Bound, axis: RegionAxis, what: string, problems: string[]): void {
  for (const [label, v] of [[`${what}min`, lo], [`${what}max`, hi]] as const) {
    if (v !== null && v !== undefined && !Number.isFinite(v)) problems.push(`region "${name}": ${label} must be a finite number or null (unbounded)`);
  }
  const a = lower(lo);
  const b = upper(hi);
  if (a === b) problems.push(`region "${name}": is empty (${what}min = ${what}max = ${a})`);
  else if (a > b && !axis.periodic) {
    problems.push(`region "${name}": ${what}min ${a} > ${what}max ${b}; only periodic axes wrap (min > max), ${axis.name ?? 'this axis'} is not periodic`);
  }
}

/** Throws EngineInputError listing every problem (names, shapes, empty or degenerate regions). */
export function checkRegions(regions: readonly Region[], axes: readonly RegionAxis[]): void {
  const problems: string[] = [];
  if (!Array.isArray(regions) || regions.length === 0) throw new EngineInputError('regions: give at least one region');
  const D = axes.length;
  const seen = new Set<string>();
  regions.forEach((r, i) => {
    const name = typeof r.name === 'string' && r.name.trim() ? r.name : `#${i + 1}`;
    if (!(typeof r.name === 'string' && r.name.trim())) problems.push(`region ${i + 1}: needs a name`);
    if (seen.has(name)) problems.push(`region "${name}": the name is used twice; names must differ`);
    seen.add(name);
    if (r.kind === 'interval') {
      if (D !== 1) problems.push(`region "${name}": an interval needs a 1D free energy; this one is ${D}D (draw a rectangle or polygon)`);
      else checkBounds(name, r.min, r.max, axes[0], '', problems);
    } else if (r.kind === 'rectangle') {
      if (D !== 2) problems.push(`region "${name}": a rectangle needs a 2D free energy; this one is ${D}D (use an interval)`);
      else {
        checkBounds(name, r.xMin, r.xMax, axes[0], 'x', problems);
        checkBounds(name, r.yMin, r.yMax, axes[1], 'y', problems);
      }
    } else if (r.kind === 'polygon') {
      if (D !== 2) problems.push(`region "${name}": a polygon needs a 2D free energy; this one is ${D}D (use an interval)`);
      else if (!Array.isArray(r.points) || r.points.length < 3) problems.push(`region "${name}": a polygon needs at least 3 points (got ${Array.isArray(r.points) ? r.points.length : 0})`);
      else if (r.points.some((p: readonly number[]) => p.length !== 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1]))) problems.push(`region "${name}": polygon points must be finite [x, y] pairs`);
      else if (!(polygonArea(r.points) > 0)) problems.push(`region "${name}": the polygon has zero area (its points are collinear)`);
    } else {
      problems.push(`region "${name}": unknown kind ${String((r as { kind?: unknown }).kind)} (interval, rectangle or polygon)`);
    }
  });
  if (problems.length) throw new EngineInputError(problems);
}

/** A membership test for one (checked) region: contains(x) in 1D, contains(x, y) in 2D. */
export function regionTest(region: Region, axes: readonly RegionAxis[]): (x: number, y: number) => boolean {
  if (region.kind === 'interval') {
    const [lo, hi] = [lower(region.min), upper(region.max)];
    return (x) => inInterval(x, lo, hi, axes[0]);
  }
  if (region.kind === 'rectangle') {
    const [x0, x1, y0, y1] = [lower(region.xMin), upper(region.xMax), lower(region.yMin), upper(region.yMax)];
    return (x, y) => inInterval(x, x0, x1, axes[0]) && inInterval(y, y0, y1, axes[1]);
  }
  const pts = region.points;
  const sx = axes[0].periodic ? [0, -1, 1].map((k) => k * (axes[0].max - axes[0].min)) : [0];
  const sy = axes[1].periodic ? [0, -1, 1].map((k) => k * (axes[1].max - axes[1].min)) : [0];
  return (x, y) => {
    for (const dx of sx) for (const dy of sy) if (pointInPolygon(x + dx, y + dy, pts)) return true;
    return false;
  };
}

/**
 * Membership of points (coordinates per axis, same length) in every region: masks[r][n] = 1 if
 * point n is inside region r.
 */
export function pointMasks(regions: readonly Region[], axes: readonly RegionAxis[], coords: readonly ArrayLike<number>[]): Uint8Array[] {
  const n = coords[0].length;
  return regions.map((r) => {
    const test = regionTest(r, axes);
    const m = new Uint8Array(n);
    const ys = coords.length > 1 ? coords[1] : null;
    for (let i = 0; i < n; i++) m[i] = test(coords[0][i], ys ? ys[i] : 0) ? 1 : 0;
    return m;
  });
}

/** Membership of the nodes of a grid (node coordinates per axis; flat index ix * ny + iy). */
export function gridMasks(regions: readonly Region[], axes: readonly RegionAxis[], nodes: readonly ArrayLike<number>[]): Uint8Array[] {
  const nx = nodes[0].length;
  const ny = nodes.length > 1 ? nodes[1].length : 1;
  const xs = new Float64Array(nx * ny);
  const ys = new Float64Array(nx * ny);
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      xs[i * ny + j] = nodes[0][i];
      ys[i * ny + j] = ny > 1 ? nodes[1][j] : 0;
    }
  }
  return pointMasks(regions, axes, nodes.length > 1 ? [xs, ys] : [xs]);
}

/**
 * Probability of each region from per-point log-weights (samples reweighted by MBAR or c(t), or
 * grid bins with ln w = -F/kT): P_r = sum_{n in r} w_n / sum_n w_n. Points with non-finite
 * log-weight (empty bins) carry no weight.
 */
export function regionProbabilities(logWeights: ArrayLike<number>, masks: readonly Uint8Array[]): Float64Array {
  let max = -Infinity;
  for (let n = 0; n < logWeights.length; n++) if (logWeights[n] > max) max = logWeights[n];
  if (!Number.isFinite(max)) return new Float64Array(masks.length);
  let total = 0;
  const p = new Float64Array(masks.length);
  for (let n = 0; n < logWeights.length; n++) {
    const lw = logWeights[n];
    if (!Number.isFinite(lw)) continue;
    const w = Math.exp(lw - max);
    total += w;
    for (let r = 0; r < masks.length; r++) if (masks[r][n]) p[r] += w;
  }
  for (let r = 0; r < p.length; r++) p[r] /= total;
  return p;
}

/** Points inside each region (only points with finite log-weight when weights are given). */
export function regionCounts(masks: readonly Uint8Array[], logWeights?: ArrayLike<number>): number[] {
  return masks.map((m) => {
    let c = 0;
    for (let n = 0; n < m.length; n++) if (m[n] && (!logWeights || Number.isFinite(logWeights[n]))) c++;
    return c;
  });
}

/** F_r = -kT ln P_r relative to region `reference` (NaN where a probability is 0). */
export function relativeFreeEnergies(p: ArrayLike<number>, kT: number, reference = 0): Float64Array {
  const ref = p[reference];
  return Float64Array.from(p as ArrayLike<number>, (v) => (v > 0 && ref > 0 ? -kT * Math.log(v / ref) + 0 : NaN)); // + 0: no -0
}

/** Standard deviation over replicates (n - 1 denominator), NaN-skipping; NaN with fewer than 2 values. */
export function spread(values: readonly number[]): number {
  const xs = values.filter(Number.isFinite);
  if (xs.length < 2) return NaN;
  const m = xs.reduce((s, v) => s + v, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, v) => s + (v - m) ** 2, 0) / (xs.length - 1));
}
