/**
 * User-drawn regions on free-energy figures: the pure part (no DOM, no Plot).
 *
 * - Pixel <-> data mapping of a figure's linear x/y scales (Plot's `figure.scale('x')` gives
 *   {domain, range}; y ranges run bottom-up, i.e. reversed, which the mapping handles).
 * - Turning a drag into an interval or a rectangle, clicks into a polygon.
 * - Bounds typed in the table, checked with the engine's rules (engine/estimators/regions.ts):
 *   closed regions; null = unbounded; on a periodic axis min > max wraps across the seam.
 * - Display units vs API units (dihedrals are drawn in degrees, the API takes radians).
 *
 * Regions are stored in display units (what the user sees and types); `toApiRegion` converts.
 */
import type { RegionSpec } from '../../../../src-main/api/contract';
import { OKABE_ITO } from '../../shared/ui/palette';

export type Region = RegionSpec;
export type Bound = number | null;
export type DrawMode = 'interval' | 'rectangle' | 'polygon';

/** One axis of the figure a region is drawn on, in display units. */
export interface RegionAxis {
  name: string;
  /** Plotted domain (display units); for a periodic axis, one period. */
  min: number;
  max: number;
  periodic: boolean;
  /** API value = display value × factor (π/180 for an axis drawn in degrees); default 1. */
  factor?: number;
  /** Unit shown after numbers in the table (e.g. '°'). */
  unit?: string;
}

// ---------------------------------------------------------------- pixel <-> data

// The pixel <-> data mapping of a figure is shared with PlotFigure's zoom layer.
export { clientToSvg, figureScale, toData, toPixel, type LinearScale } from '../../shared/ui/plotView';

// ---------------------------------------------------------------- drawing

const period = (a: RegionAxis) => a.max - a.min;

/** A value on a periodic axis brought into [min, max). */
export function wrapInto(v: number, a: RegionAxis): number {
  const L = period(a);
  return a.min + ((((v - a.min) % L) + L) % L);
}

/** Rounds to a step of 10^(floor(log10 span) - 3), i.e. 1/1000 to 1/10000 of the axis span, so tables stay readable. */
export function tidy(v: number, a: RegionAxis): number {
  const span = Math.abs(a.max - a.min) || 1;
  const step = 10 ** (Math.floor(Math.log10(span)) - 3);
  return Number((Math.round(v / step) * step).toPrecision(12));
}

/**
 * The interval swept by a drag from a to b (data units, in either direction) on one axis.
 * - Non-periodic axis: an end dragged past the edge of the plotted domain becomes unbounded (null).
 * - Periodic axis: ends are wrapped into one period; a drag that crosses the seam (an end beyond
 *   the domain) gives min > max, which the API reads as wrapping; a drag over a full period or
 *   more covers the whole axis.
 */
export function dragInterval(a: number, b: number, axis: RegionAxis): { min: Bound; max: Bound } {
  let lo = Math.min(a, b);
  let hi = Math.max(a, b);
  if (!axis.periodic) {
    return { min: lo < axis.min ? null : tidy(lo, axis), max: hi > axis.max ? null : tidy(hi, axis) };
  }
  if (hi - lo >= period(axis)) return { min: axis.min, max: axis.max };
  // Only ends beyond the plotted period move (an end exactly on the edge stays put).
  const inside = (v: number) => (v < axis.min || v > axis.max ? wrapInto(v, axis) : v);
  lo = inside(lo);
  hi = inside(hi);
  // Both ends in the same period: lo < hi. Across the seam: the wrapped hi falls below lo.
  return { min: tidy(lo, axis), max: tidy(hi, axis) };
}

/** The region swept by a drag: an interval in 1D, a rectangle in 2D. */
export function dragRegion(name: string, p0: readonly number[], p1: readonly number[], axes: readonly RegionAxis[]): Region {
  const x = dragInterval(p0[0], p1[0], axes[0]);
  if (axes.length === 1) return { name, kind: 'interval', min: x.min, max: x.max };
  const y = dragInterval(p0[1], p1[1], axes[1]);
  return { name, kind: 'rectangle', xMin: x.min, xMax: x.max, yMin: y.min, yMax: y.max };
}

/** Whether a drag is long enough to be a region rather than a click (pixels). */
export const MIN_DRAG_PX = 4;
/** A click within this many pixels of the first vertex closes a polygon. */
export const CLOSE_PX = 8;

/**
 * Adds a clicked vertex to a polygon being drawn. `pixel` gives each vertex's position on screen
 * (same order as points). Returns the new vertex list and whether the polygon is now closed:
 * a click on the first vertex (within CLOSE_PX, with >= 3 vertices) closes it without adding one;
 * a click on the last vertex again (a double-click) also closes it.
 */
export function addPolygonVertex(
  points: readonly (readonly [number, number])[],
  pixels: readonly (readonly [number, number])[],
  point: readonly [number, number],
  pixel: readonly [number, number],
): { points: [number, number][]; closed: boolean } {
  const pts = points.map((p) => [p[0], p[1]] as [number, number]);
  const near = (q: readonly [number, number] | undefined) => !!q && Math.hypot(q[0] - pixel[0], q[1] - pixel[1]) <= CLOSE_PX;
  if (pts.length >= 3 && near(pixels[0])) return { points: pts, closed: true };
  if (near(pixels[pixels.length - 1])) return { points: pts, closed: pts.length >= 3 };
  pts.push([point[0], point[1]]);
  return { points: pts, closed: false };
}

export function polygonArea(pts: readonly (readonly [number, number])[]): number {
  let a = 0;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) a += pts[j][0] * pts[i][1] - pts[i][0] * pts[j][1];
  return Math.abs(a) / 2;
}

/** A finished polygon region, or the reason it cannot be one. */
export function buildPolygon(name: string, points: readonly (readonly [number, number])[], axes: readonly RegionAxis[]): Region | string {
  if (points.length < 3) return `a polygon needs at least 3 vertices (got ${points.length})`;
  if (!(polygonArea(points) > 0)) return 'the polygon has zero area (its vertices are on one line)';
  return { name, kind: 'polygon', points: points.map(([x, y]) => [tidy(x, axes[0]), tidy(y, axes[1])] as [number, number]) };
}

// ---------------------------------------------------------------- names, bounds, checks

/** The next free name: A, B, ..., Z, then R27, R28, ... */
export function nextRegionName(existing: readonly Region[]): string {
  // R1, R2, ...: single letters are the basin labels of the same figures (A, B, ...), and the
  // Ramachandran basins are named C7eq, C5, ...; a region must not read as one of them.
  const used = new Set(existing.map((r) => r.name));
  for (let i = 1; ; i++) if (!used.has(`R${i}`)) return `R${i}`;
}

/**
 * A bound typed in the table: '' (or -inf/inf/∞/none) = unbounded (null); else a finite number.
 */
export function parseBound(text: string): { value: Bound; error: string | null } {
  const t = text.trim().replace(/−/g, '-');
  if (t === '' || /^[-+]?(inf(inity)?|∞|none)$/i.test(t)) return { value: null, error: null };
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return { value: null, error: `"${text.trim()}" is not a number (leave empty for unbounded)` };
  const v = Number(t);
  if (!Number.isFinite(v)) return { value: null, error: `"${text.trim()}" is too large` };
  return { value: v, error: null };
}

export function formatBound(v: Bound | undefined, side: 'min' | 'max'): string {
  if (v === null || v === undefined) return side === 'min' ? '−∞' : '+∞';
  return String(Number(v.toPrecision(6)));
}

function boundProblems(lo: Bound | undefined, hi: Bound | undefined, axis: RegionAxis, what: string): string[] {
  const a = lo ?? -Infinity;
  const b = hi ?? Infinity;
  if (a === b) return [`${what} min = max: the region is empty`];
  if (a > b && !axis.periodic) return [`${what} min > max (only periodic axes wrap; ${axis.name} is not periodic)`];
  return [];
}

/** Problems with one region (empty list when it is fine), against the other regions' names. */
export function regionProblems(region: Region, axes: readonly RegionAxis[], others: readonly Region[] = []): string[] {
  const problems: string[] = [];
  const name = region.name.trim();
  if (!name) problems.push('needs a name');
  else if (name.length > 80) problems.push('name is longer than 80 characters');
  else if (others.some((o) => o !== region && o.name.trim() === name)) problems.push(`the name "${name}" is used twice`);
  if (region.kind === 'interval') {
    if (axes.length !== 1) problems.push('an interval needs a 1D free energy');
    else problems.push(...boundProblems(region.min, region.max, axes[0], axes[0].name));
  } else if (region.kind === 'rectangle') {
    if (axes.length !== 2) problems.push('a rectangle needs a 2D free energy');
    else problems.push(...boundProblems(region.xMin, region.xMax, axes[0], axes[0].name), ...boundProblems(region.yMin, region.yMax, axes[1], axes[1].name));
  } else if (axes.length !== 2) problems.push('a polygon needs a 2D free energy');
  else {
    const r = buildPolygon(name || 'x', region.points, axes);
    if (typeof r === 'string') problems.push(r);
  }
  return problems;
}

/** The region the numeric entry row describes: an interval (1D) or a rectangle (2D). */
export function regionFromEntry(name: string, texts: readonly string[], axes: readonly RegionAxis[]): { region: Region | null; errors: string[] } {
  const parsed = texts.map(parseBound);
  const errors = parsed.map((p) => p.error).filter((e): e is string => e !== null);
  if (errors.length) return { region: null, errors };
  const v = parsed.map((p) => p.value);
  const region: Region =
    axes.length === 1 ? { name, kind: 'interval', min: v[0], max: v[1] } : { name, kind: 'rectangle', xMin: v[0], xMax: v[1], yMin: v[2], yMax: v[3] };
  if (v.every((x) => x === null)) return { region: null, errors: ['give at least one bound'] };
  const problems = regionProblems(region, axes);
  return problems.length ? { region: null, errors: problems } : { region, errors: [] };
}

/** The region in API units (× each axis's factor). */
export function toApiRegion(region: Region, axes: readonly RegionAxis[]): Region {
  const f = (v: Bound | undefined, k: number) => (v === null || v === undefined ? null : v * (axes[k]?.factor ?? 1));
  if (region.kind === 'interval') return { name: region.name.trim(), kind: 'interval', min: f(region.min, 0), max: f(region.max, 0) };
  if (region.kind === 'rectangle') {
    return { name: region.name.trim(), kind: 'rectangle', xMin: f(region.xMin, 0), xMax: f(region.xMax, 0), yMin: f(region.yMin, 1), yMax: f(region.yMax, 1) };
  }
  return { name: region.name.trim(), kind: 'polygon', points: region.points.map(([x, y]) => [f(x, 0)!, f(y, 1)!] as [number, number]) };
}

/** Bounds of a region for the table, one string per axis: "[min, max]" (wrap marked). */
export function describeBounds(region: Region, axes: readonly RegionAxis[]): string {
  const iv = (lo: Bound | undefined, hi: Bound | undefined, a: RegionAxis | undefined) => {
    const wrap = lo !== null && lo !== undefined && hi !== null && hi !== undefined && lo > hi;
    return `[${formatBound(lo ?? null, 'min')}, ${formatBound(hi ?? null, 'max')}]${a?.unit ?? ''}${wrap ? ' (wraps)' : ''}`;
  };
  if (region.kind === 'interval') return iv(region.min, region.max, axes[0]);
  if (region.kind === 'rectangle') return `${iv(region.xMin, region.xMax, axes[0])} × ${iv(region.yMin, region.yMax, axes[1])}`;
  return `polygon, ${region.points.length} vertices`;
}

// ---------------------------------------------------------------- drawing pieces

/**
 * The pieces of a 1D interval inside the plotted domain [axis.min, axis.max] (display units):
 * unbounded ends go to the domain edge; a periodic wrap (min > max) gives two pieces.
 */
export function intervalPieces(lo: Bound | undefined, hi: Bound | undefined, axis: RegionAxis): [number, number][] {
  const a = lo ?? -Infinity;
  const b = hi ?? Infinity;
  const clip = (x0: number, x1: number): [number, number][] => {
    const c0 = Math.max(x0, axis.min);
    const c1 = Math.min(x1, axis.max);
    return c1 > c0 ? [[c0, c1]] : [];
  };
  if (!axis.periodic) return a < b ? clip(a, b) : [];
  if (!Number.isFinite(a) || !Number.isFinite(b)) return clip(a, b);
  const L = period(axis);
  const end = a > b ? b + L : b;
  if (end - a >= L) return [[axis.min, axis.max]];
  // The interval [a, end] and its images one period either side, clipped to the domain.
  return [-L, 0, L].flatMap((s) => clip(a + s, end + s));
}

/** Rectangles (x1, x2, y1, y2) that draw a region, in display units (polygons: none). */
export function regionRects(region: Region, axes: readonly RegionAxis[]): { x1: number; x2: number; y1: number; y2: number }[] {
  if (region.kind === 'interval') return intervalPieces(region.min, region.max, axes[0]).map(([x1, x2]) => ({ x1, x2, y1: NaN, y2: NaN }));
  if (region.kind !== 'rectangle' || axes.length < 2) return [];
  const xs = intervalPieces(region.xMin, region.xMax, axes[0]);
  const ys = intervalPieces(region.yMin, region.yMax, axes[1]);
  return xs.flatMap(([x1, x2]) => ys.map(([y1, y2]) => ({ x1, x2, y1, y2 })));
}

/** Where to write a region's name (display units): the centre of its largest piece, or the polygon's centroid of vertices. */
export function labelPoint(region: Region, axes: readonly RegionAxis[]): [number, number] | null {
  if (region.kind === 'polygon') {
    if (!region.points.length) return null;
    const n = region.points.length;
    return [region.points.reduce((s, p) => s + p[0], 0) / n, region.points.reduce((s, p) => s + p[1], 0) / n];
  }
  const rects = regionRects(region, axes);
  if (!rects.length) return null;
  const area = (r: (typeof rects)[number]) => (r.x2 - r.x1) * (Number.isNaN(r.y1) ? 1 : r.y2 - r.y1);
  const best = rects.reduce((b, r) => (area(r) > area(b) ? r : b));
  return [(best.x1 + best.x2) / 2, Number.isNaN(best.y1) ? NaN : (best.y1 + best.y2) / 2];
}

/**
 * Colours of regions, in order: the Okabe-Ito categories (shared/ui/palette.ts), starting
 * with those that stand out on a viridis surface and on the blue estimate curve.
 */
export const REGION_COLOURS = [OKABE_ITO.vermillion, OKABE_ITO.reddishPurple, OKABE_ITO.orange, OKABE_ITO.skyBlue, OKABE_ITO.black, OKABE_ITO.bluishGreen, OKABE_ITO.blue, OKABE_ITO.yellow];
export const regionColour = (i: number) => REGION_COLOURS[i % REGION_COLOURS.length];
