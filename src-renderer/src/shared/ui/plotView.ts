/**
 * The pure part of exploring a figure (PlotFigure's zoom / pan / hover / keyboard layer):
 * the shown window of data space (a ZoomView), pixel <-> data mapping through a figure's linear
 * scales, box / wheel zoom and pan clamped to the full domain, and stepping a cross-hair over the
 * bins of an axis (wrapping on a periodic one). No DOM here beyond reading a figure's scales.
 */

import type { PlotOptions, ScaleOptions } from '@observablehq/plot';

export type Interval = [number, number];

/** The window of data space a zoomed figure shows (x and y, each low to high). */
export interface ZoomView {
  x: Interval;
  y: Interval;
}

/** A linear scale as Plot exposes it: data domain [d0, d1] drawn on pixel range [r0, r1]. */
export interface LinearScale {
  domain: Interval;
  range: Interval;
}

export function toPixel(s: LinearScale, v: number): number {
  const [d0, d1] = s.domain;
  const [r0, r1] = s.range;
  return r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

export function toData(s: LinearScale, px: number): number {
  const [d0, d1] = s.domain;
  const [r0, r1] = s.range;
  return d0 + ((px - r0) / (r1 - r0)) * (d1 - d0);
}

/**
 * The x or y scale of a Plot figure as a LinearScale (null when the figure has none, or it is not
 * a continuous linear scale with a 2-element domain and range).
 */
export function figureScale(figure: unknown, name: 'x' | 'y'): LinearScale | null {
  const f = figure as { scale?: (n: string) => { type?: string; domain?: unknown[]; range?: unknown[] } | undefined } | null;
  const s = typeof f?.scale === 'function' ? f.scale(name) : undefined;
  if (!s || !Array.isArray(s.domain) || !Array.isArray(s.range) || s.domain.length !== 2 || s.range.length !== 2) return null;
  if (s.type && s.type !== 'linear') return null;
  const [d0, d1] = s.domain.map(Number);
  const [r0, r1] = s.range.map(Number);
  if (![d0, d1, r0, r1].every(Number.isFinite) || d0 === d1 || r0 === r1) return null;
  return { domain: [d0, d1], range: [r0, r1] };
}

/**
 * A pointer position (client pixels) in the SVG's own coordinates, given the SVG's on-screen box
 * and its width/height attributes (the SVG may be scaled by CSS).
 */
export function clientToSvg(
  clientX: number,
  clientY: number,
  box: { left: number; top: number; width: number; height: number },
  svgWidth: number,
  svgHeight: number,
): [number, number] {
  const sx = box.width > 0 ? svgWidth / box.width : 1;
  const sy = box.height > 0 ? svgHeight / box.height : 1;
  return [(clientX - box.left) * sx, (clientY - box.top) * sy];
}

/** The interval low to high. */
function ordered(a: number, b: number): Interval {
  return a <= b ? [a, b] : [b, a];
}

/**
 * `want` moved (not shrunk) to lie inside `full`; where it is wider than `full`, `full` itself.
 * Keeps pan and zoom from leaving the data: there is nothing to draw outside the full domain.
 */
export function clampInterval(want: Interval, full: Interval): Interval {
  const [lo, hi] = ordered(want[0], want[1]);
  const [flo, fhi] = ordered(full[0], full[1]);
  const w = hi - lo;
  if (w >= fhi - flo) return [flo, fhi];
  if (lo < flo) return [flo, flo + w];
  if (hi > fhi) return [fhi - w, fhi];
  return [lo, hi];
}

/** Smallest window, as a fraction of the full span: below it a box is a click, not a zoom. */
export const MIN_ZOOM_FRACTION = 1e-3;

/**
 * The view after dragging a box from data point `a` to `b` (either corner first); null when the
 * box is too thin on an axis to mean a zoom. `oneD`: only x zooms (y keeps its current window).
 */
export function zoomToBox(current: ZoomView, full: ZoomView, a: [number, number], b: [number, number], oneD = false, periodic: Periodic = NOT_PERIODIC): ZoomView | null {
  const x = ordered(a[0], b[0]);
  const y = oneD ? current.y : ordered(a[1], b[1]);
  const tooThin = (i: Interval, f: Interval) => i[1] - i[0] < MIN_ZOOM_FRACTION * Math.abs(f[1] - f[0]);
  if (tooThin(x, full.x) || tooThin(y, full.y)) return null;
  return { x: fit(x, full.x, periodic[0]), y: fit(y, full.y, periodic[1]) };
}

/** One axis scaled by `factor` (< 1 zooms in) about `at`, which stays where it is on screen. */
function scaleAbout(i: Interval, at: number, factor: number, full: Interval, periodic: boolean): Interval {
  const minW = MIN_ZOOM_FRACTION * Math.abs(full[1] - full[0]);
  const w = Math.max(minW, (i[1] - i[0]) * factor);
  const t = (at - i[0]) / (i[1] - i[0]);
  return fit([at - t * w, at - t * w + w], full, periodic);
}

/** Wheel / key zoom by `factor` about the data point `at` (both axes, or x only when `oneD`). */
export function zoomAt(current: ZoomView, full: ZoomView, at: [number, number], factor: number, oneD = false, periodic: Periodic = NOT_PERIODIC): ZoomView {
  return { x: scaleAbout(current.x, at[0], factor, full.x, periodic[0]), y: oneD ? current.y : scaleAbout(current.y, at[1], factor, full.y, periodic[1]) };
}

/**
 * The view moved by (dx, dy) in data units: kept inside the full domain, except on a periodic axis
 * (a dihedral), where it runs on across the seam (±180°) and the figure draws the next turn there.
 */
export function panBy(current: ZoomView, full: ZoomView, dx: number, dy: number, periodic: Periodic = NOT_PERIODIC): ZoomView {
  return { x: fit([current.x[0] + dx, current.x[1] + dx], full.x, periodic[0]), y: fit([current.y[0] + dy, current.y[1] + dy], full.y, periodic[1]) };
}

// ---------------------------------------------------------------- periodic axes (dihedrals)

/** Which axes (x, y) are periodic with the full domain as one period. */
export type Periodic = readonly [boolean, boolean];
export const NOT_PERIODIC: Periodic = [false, false];

function fit(want: Interval, full: Interval, periodic: boolean): Interval {
  return periodic ? wrapInterval(want, full) : clampInterval(want, full);
}

/**
 * A window on a periodic axis whose period is the full domain: at most one period wide (else the
 * full domain), and shifted by whole periods so its middle lies in the full domain. It may reach
 * past either end (e.g. [120°, 240°]): that part shows the next turn, so a pan never shows empty space.
 */
export function wrapInterval(want: Interval, full: Interval): Interval {
  const [lo, hi] = ordered(want[0], want[1]);
  const [flo, fhi] = ordered(full[0], full[1]);
  const period = fhi - flo;
  const w = hi - lo;
  // A whole turn may still be shifted (basins split by the seam come together); wider is the full domain.
  if (w > period * (1 + 1e-12)) return [flo, fhi];
  const turns = Math.floor((lo + w / 2 - flo) / period);
  return [lo - turns * period, hi - turns * period];
}

/**
 * The shifts (whole periods) at which a periodic figure must draw its data so that the window
 * `shown` is covered: [0] when it lies inside the full domain, [0, 360] when it reaches past 180°.
 */
export function periodicShifts(full: Interval, shown: Interval | undefined, periodic: boolean): number[] {
  if (!periodic || !shown) return [0];
  const [flo, fhi] = ordered(full[0], full[1]);
  const period = fhi - flo;
  const shifts: number[] = [];
  for (let k = Math.floor((shown[0] - flo) / period); flo + k * period < shown[1]; k++) shifts.push(k * period);
  return shifts.length ? shifts : [0];
}

/** `v` moved by whole periods into the window `shown` where it fits (for marks drawn over a wrapped view). */
export function intoWindow(v: number, shown: Interval, full: Interval, periodic: boolean): number {
  if (!periodic || (v >= shown[0] && v <= shown[1])) return v;
  const period = Math.abs(full[1] - full[0]);
  const k = Math.ceil((shown[0] - v) / period);
  const moved = v + k * period;
  return moved <= shown[1] ? moved : v;
}

/** True when `v` shows (within rounding) the whole of `full`. */
export function isFullView(v: ZoomView, full: ZoomView): boolean {
  const same = (a: Interval, b: Interval) => {
    const tol = 1e-9 * Math.max(1, Math.abs(b[1] - b[0]));
    return Math.abs(a[0] - b[0]) <= tol && Math.abs(a[1] - b[1]) <= tol;
  };
  return same(v.x, full.x) && same(v.y, full.y);
}

/** Index of the bin centre nearest `v` (centres ascending); on a periodic axis distances wrap by `period`. */
export function nearestBin(centers: readonly number[], v: number, period: number | null = null): number {
  let best = 0;
  let bestD = Infinity;
  for (let k = 0; k < centers.length; k++) {
    let d = Math.abs(centers[k] - v);
    if (period) {
      // A wrapped window reads points a turn away (e.g. 200° is -160°): distance modulo the period.
      const m = d % period;
      d = Math.min(m, period - m);
    }
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

/** Bin index `i` moved by `delta` bins among `n`: wraps round on a periodic axis, stops at the ends otherwise. */
export function stepBin(i: number, delta: number, n: number, periodic: boolean): number {
  if (n <= 0) return 0;
  if (periodic) return (((i + delta) % n) + n) % n;
  return Math.max(0, Math.min(n - 1, i + delta));
}

/** Bins a key moves the cross-hair: one per arrow, ten with Shift (null for other keys). */
export function arrowStep(key: string, shift: boolean): { dx: number; dy: number } | null {
  const n = shift ? 10 : 1;
  if (key === 'ArrowLeft') return { dx: -n, dy: 0 };
  if (key === 'ArrowRight') return { dx: n, dy: 0 };
  if (key === 'ArrowUp') return { dx: 0, dy: n };
  if (key === 'ArrowDown') return { dx: 0, dy: -n };
  return null;
}

/**
 * The Plot options of a figure shown through `view`: its x/y domains replaced by the view's and
 * every mark clipped to the frame (the data outside the window must not spill over the axes).
 * Axis labels, ticks and units stay the builder's; with no view the options are returned as they are.
 */
export function withView(options: PlotOptions, view: ZoomView | null | undefined): PlotOptions {
  if (!view) return options;
  return { ...options, clip: true, x: zoomedAxis(options.x, view.x), y: zoomedAxis(options.y, view.y) };
}

/** An axis shown over `domain`: fixed tick lists (e.g. every 60°) give way to ticks chosen for the window. */
function zoomedAxis(axis: ScaleOptions | undefined, domain: Interval): ScaleOptions {
  const { ticks, ...rest } = axis ?? {};
  return Array.isArray(ticks) ? { ...rest, domain } : { ...rest, ...(ticks !== undefined ? { ticks } : {}), domain };
}

/** `full` cut down to what `view` shows (e.g. the extent a raster is sampled over when zoomed). */
export function visiblePart(full: Interval, shown: Interval | undefined): Interval {
  if (!shown) return full;
  const lo = Math.max(Math.min(full[0], full[1]), shown[0]);
  const hi = Math.min(Math.max(full[0], full[1]), shown[1]);
  return hi > lo ? [lo, hi] : full;
}
