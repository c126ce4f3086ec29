/**
 * FES <-> structure linking, free of the DOM. A region brushed on a free-energy figure (an
 * interval on a 1D profile; a rectangle or polygon on a 2D surface, in display units: degrees for
 * dihedrals) selects the trajectory frames whose CV values fall inside it; frames selected in
 * the viewer are drawn back on the figure at their CV values.
 * Bounds are inclusive; a null bound is open; on a periodic axis min > max wraps through the
 * seam (as the regions API reads it).
 */
import type { Region, RegionAxis } from '../regions/regions';

type Bound = number | null | undefined;

/** v within [lo, hi]; unbounded ends are open; a periodic interval with lo > hi wraps. */
export function inInterval(v: number, lo: Bound, hi: Bound, periodic: boolean): boolean {
  const a = lo ?? -Infinity;
  const b = hi ?? Infinity;
  if (periodic && a > b) return v >= a || v <= b;
  return v >= a && v <= b;
}

/** Even-odd ray casting: a point on an edge may fall either way (measure zero for real samples). */
export function inPolygon(x: number, y: number, points: readonly (readonly number[])[]): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i];
    const [xj, yj] = points[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether a point (display units; one or two coordinates) lies in a region drawn on `axes`. */
export function regionContains(region: Region, point: readonly number[], axes: readonly RegionAxis[]): boolean {
  if (region.kind === 'interval') return inInterval(point[0], region.min, region.max, !!axes[0]?.periodic);
  if (region.kind === 'rectangle')
    return inInterval(point[0], region.xMin, region.xMax, !!axes[0]?.periodic) && inInterval(point[1], region.yMin, region.yMax, !!axes[1]?.periodic);
  return inPolygon(point[0], point[1], region.points);
}

/**
 * Frames (0-based, ascending, unique) whose CV point lies in the region. `points[r]` is the CV
 * point of CV row r; `rowToFrame` maps a row to its trajectory frame (identity when every frame
 * has its row).
 */
export function framesInRegion(points: readonly (readonly number[])[], region: Region, axes: readonly RegionAxis[], rowToFrame: (row: number) => number = (r) => r): number[] {
  const out = new Set<number>();
  for (let r = 0; r < points.length; r++) if (regionContains(region, points[r], axes)) out.add(rowToFrame(r));
  return [...out].sort((a, b) => a - b);
}

/** The CV points (display units) of frames, for drawing them on the figure; frames without a row are left out. */
export function pointsOfFrames(frames: readonly number[], pointOfFrame: (frame: number) => readonly number[] | null): { frame: number; at: number[] }[] {
  const out: { frame: number; at: number[] }[] = [];
  for (const f of frames) {
    const at = pointOfFrame(f);
    if (at && at.every(Number.isFinite)) out.push({ frame: f, at: [...at] });
  }
  return out;
}
