/**
 * What a figure tells PlotFigure so it can be explored (hover read-out, keyboard cross-hair, pick)
 * and the overlay PlotFigure draws on the rendered SVG: the cross-hair and the zoom box. The overlay
 * is one <g data-plot-overlay> that exports leave out (it shows the pointer, not the data).
 */
import { toPixel, type LinearScale } from './plotView';
import { formatNumber } from '../format';

export interface ExploreAxis {
  /** Bin centres, ascending, in the axis's display units. */
  centers: readonly number[];
  /** Stepping past the last bin comes back at the first (dihedral angles). */
  periodic?: boolean;
}

export interface FigureExplorer {
  x: ExploreAxis;
  /** A 2D surface's second axis; absent on a 1D profile, where the cross-hair sits on the curve. */
  y?: ExploreAxis;
  /** A profile's value at bin i (where the cross-hair's dot goes); null where there is none. */
  yAt?: (i: number) => number | null;
  /** The read-out of bin (i, j) (j = -1 on a profile), e.g. "x = 0.98, F = 1.20 ± 0.05 kT". */
  readout: (i: number, j: number) => string;
  /** What a click or Enter does with a data point (e.g. show the nearest frame). Either way the read-out is pinned. */
  onpick?: (point: [number, number]) => void;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export const OVERLAY_ATTR = 'data-plot-overlay';

/** The data point of bin (i, j): its centres, or on a profile (x_i, F_i); null where a profile has no value. */
export function binPoint(ex: FigureExplorer, i: number, j: number): [number, number] | null {
  const x = ex.x.centers[i];
  if (x === undefined) return null;
  if (ex.y) {
    const y = ex.y.centers[j];
    return y === undefined ? null : [x, y];
  }
  const f = ex.yAt?.(i) ?? null;
  return f === null || !Number.isFinite(f) ? null : [x, f];
}

/** The overlay group of `svg`, created (on top of every mark) if missing. */
export function overlayOf(svg: SVGSVGElement): SVGGElement {
  let g = svg.querySelector<SVGGElement>(`g[${OVERLAY_ATTR}]`);
  if (!g) {
    g = document.createElementNS(SVG_NS, 'g') as SVGGElement;
    g.setAttribute(OVERLAY_ATTR, '');
    g.setAttribute('pointer-events', 'none');
    g.setAttribute('aria-hidden', 'true');
    svg.appendChild(g);
  }
  return g;
}

function add(g: SVGGElement, tag: string, attrs: Record<string, string | number>): void {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  g.appendChild(e);
}

/**
 * The cross-hair at data point `p` (lines across the frame, a ring at the point), and where a box
 * is being dragged, that box (SVG pixels), and the picked point. Only what falls inside the shown window.
 */
export function drawOverlay(g: SVGGElement, sx: LinearScale, sy: LinearScale, p: [number, number] | null, box: [number, number, number, number] | null, pinned: [number, number] | null = null): void {
  g.replaceChildren();
  const [x0, x1] = [Math.min(...sx.range), Math.max(...sx.range)];
  const [y0, y1] = [Math.min(...sy.range), Math.max(...sy.range)];
  if (pinned) {
    // The picked point stays marked (a filled dot) while the cross-hair moves on.
    const [qx, qy] = [toPixel(sx, pinned[0]), toPixel(sy, pinned[1])];
    if (qx >= x0 && qx <= x1 && qy >= y0 && qy <= y1) add(g, 'circle', { cx: qx, cy: qy, r: 4, fill: '#dc2626', stroke: 'white', 'stroke-width': 1.5 });
  }
  if (p) {
    // A point above or below the window (a profile's steep wall) still gets its vertical line.
    const px = toPixel(sx, p[0]);
    const py = toPixel(sy, p[1]);
    const inX = px >= x0 - 0.5 && px <= x1 + 0.5;
    const inY = py >= y0 - 0.5 && py <= y1 + 0.5;
    const line = { stroke: '#dc2626', 'stroke-width': 1, 'stroke-dasharray': '3,3', 'stroke-opacity': 0.85 };
    if (inX) add(g, 'line', { x1: px, x2: px, y1: y0, y2: y1, ...line });
    if (inY) add(g, 'line', { x1: x0, x2: x1, y1: py, y2: py, ...line });
    if (inX && inY) {
      add(g, 'circle', { cx: px, cy: py, r: 5, fill: 'none', stroke: 'white', 'stroke-width': 3 });
      add(g, 'circle', { cx: px, cy: py, r: 5, fill: 'none', stroke: '#dc2626', 'stroke-width': 1.5 });
    }
  }
  if (box) {
    const [ax, ay, bx, by] = box;
    add(g, 'rect', { x: Math.min(ax, bx), y: Math.min(ay, by), width: Math.abs(bx - ax), height: Math.abs(by - ay), fill: '#2563eb', 'fill-opacity': 0.12, stroke: '#2563eb', 'stroke-width': 1, 'stroke-dasharray': '4,3' });
  }
}

// ---------------------------------------------------------------- explorers of the two FES shapes

/** A 1D free-energy profile: F (and its ±1σ, where known) at bin centres, in the shown unit. */
export interface ProfileData {
  x: readonly number[];
  f: readonly (number | null)[];
  err?: readonly (number | null)[] | null;
  xName: string;
  /** Unit after x (e.g. '°'), none by default. */
  xUnit?: string;
  unit: string;
  periodic?: boolean;
  onpick?: (point: [number, number]) => void;
}

const num = (v: number | null | undefined) => formatNumber(v ?? null, 3);

export function profileExplorer(p: ProfileData): FigureExplorer {
  return {
    x: { centers: p.x, periodic: p.periodic },
    yAt: (i) => p.f[i] ?? null,
    readout: (i) => {
      const f = p.f[i];
      const e = p.err?.[i];
      const value = f === null || f === undefined ? 'no samples' : `${num(f)}${e !== null && e !== undefined ? ` ± ${num(e)}` : ''} ${p.unit}`;
      return `${p.xName} = ${num(p.x[i])}${p.xUnit ?? ''}, F = ${value}`;
    },
    onpick: p.onpick,
  };
}

/** A 2D surface: value(i, j) at (xs[i], ys[j]), in the shown unit; `label` names the value (F, σ(F), ΔF). */
export interface SurfaceData {
  xs: readonly number[];
  ys: readonly number[];
  value: (i: number, j: number) => number | null;
  xName: string;
  yName: string;
  xUnit?: string;
  yUnit?: string;
  unit: string;
  label?: string;
  periodic?: [boolean, boolean];
  onpick?: (point: [number, number]) => void;
}

export function surfaceExplorer(s: SurfaceData): FigureExplorer {
  return {
    x: { centers: s.xs, periodic: s.periodic?.[0] },
    y: { centers: s.ys, periodic: s.periodic?.[1] },
    readout: (i, j) => {
      const v = s.value(i, j);
      const value = v === null || !Number.isFinite(v) ? 'no samples' : `${num(v)} ${s.unit}`;
      return `(${s.xName}, ${s.yName}) = (${num(s.xs[i])}${s.xUnit ?? ''}, ${num(s.ys[j])}${s.yUnit ?? ''}), ${s.label ?? 'F'} = ${value}`;
    },
    onpick: s.onpick,
  };
}
