/**
 * Observable Plot figures for the metadynamics view. Free energies arrive here in kT units.
 * 2D surfaces are drawn by sampling a bilinear interpolant of the grid (Plot.raster and
 * Plot.contour with a function of (x, y)), so orientation never depends on array layout.
 */
import * as Plot from '@observablehq/plot';
import { divergingColour, sequentialColour } from '../../shared/ui/colormaps';
import { bilinear } from './metad';
import { ESTIMATE_COLOR, EXACT_COLOR, PLOT_FONT, chartFrame } from '../../shared/ui/plotStyle';
import { visiblePart, withView, type ZoomView } from '../../shared/ui/plotView';

function key(lines: { text: string; color: string }[], anchor: 'top' | 'top-right' = 'top') {
  return lines.map((l, i) =>
    Plot.text([l.text], { frameAnchor: anchor, dx: anchor === 'top' ? 0 : -8, dy: 6 + 15 * i, fill: l.color, fontSize: 11, stroke: 'white', strokeWidth: 3, paintOrder: 'stroke' } as never),
  );
}

/** Contour spacing for a colour scale of [0, cap] kT: about 5-15 lines. */
export function contourStep(cap: number): number {
  return cap <= 12 ? 1 : cap <= 30 ? 2 : 5;
}

/** A default colour cap: the median of the surface (so half the grid is resolved), 4-40 kT. */
export function autoCap(values: (number | null)[]): number {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return 8;
  return Math.max(4, Math.min(40, Math.ceil(v[Math.floor(v.length / 2)])));
}

export interface Profile1d {
  x: number[];
  est: (number | null)[];
  /** Already shifted onto the estimate. */
  exact?: number[] | null;
  cvName: string;
  estLabel: string;
  /** y axis upper limit (in `unit`). */
  yMax?: number;
  /** Unit of est/exact/yMax (shared/units.ts label); default kT. */
  unit?: string;
}

/** `extra`: more marks drawn above the profile (e.g. user-drawn regions); `view`: the zoomed window, null for all. */
export function profilePlot(p: Profile1d, width: number, height = 300, extra: Plot.Markish[] = [], view: ZoomView | null = null): Element {
  const est = p.x.map((x, i) => ({ x, y: p.est[i] }));
  const exact = p.exact ? p.x.map((x, i) => ({ x, y: p.exact![i] })) : [];
  const finite = p.est.filter((v): v is number => v !== null && Number.isFinite(v));
  const top = p.yMax ?? (finite.length ? Math.max(...finite) : 1);
  const bottom = Math.min(0, ...finite, ...(p.exact ?? []).filter((v) => v < top)) - 0.2;
  return Plot.plot(withView({
    ...chartFrame(width, height, 48),
    x: { label: p.cvName, domain: [p.x[0], p.x[p.x.length - 1]] },
    y: { label: `F (${p.unit ?? 'kT'})`, domain: [bottom, top * 1.05 + 0.3] },
    marks: [
      Plot.ruleY([0], { stroke: '#9ca3af' }),
      exact.length ? Plot.line(exact, { x: 'x', y: 'y', stroke: EXACT_COLOR, strokeWidth: 1.5, strokeDasharray: '6,4', clip: true }) : null,
      Plot.line(est, { x: 'x', y: 'y', stroke: ESTIMATE_COLOR, strokeWidth: 1.8, clip: true }),
      ...key([{ text: p.estLabel, color: ESTIMATE_COLOR }, ...(exact.length ? [{ text: 'exact (dashed)', color: EXACT_COLOR }] : [])]),
      ...extra,
    ],
  }, view));
}

export interface Surface2d {
  xs: number[];
  ys: number[];
  /** Row-major, first axis slowest, kT units. */
  values: (number | null)[];
  xName: string;
  yName: string;
  /** Colour scale [0, cap] kT; values above are drawn at the cap colour. */
  cap: number;
  /** Contour lines of this surface (e.g. the exact one), kT units; defaults to `values`. */
  contours?: (number | null)[] | null;
  contourLabel?: string;
  /** Diverging scale centred on 0 for differences (cap = half-range). */
  diverging?: boolean;
  colorLabel?: string;
  /** Unit of values/cap/contours (shared/units.ts label) and its size in kT (contours stay 1-5 kT apart); default kT, 1. */
  unit?: string;
  perKT?: number;
  /**
   * Sample the raster and contours once per grid node instead of every 2 screen pixels: a
   * 100 x 100 grid costs ~10^4 evaluations instead of ~10^5 (live previews redraw this way).
   */
  gridResolution?: boolean;
}

/** Height that keeps x and y units equal, within sensible bounds. */
function aspectHeight(s: Surface2d, width: number, marginX: number, marginY: number): number {
  const spanX = s.xs[s.xs.length - 1] - s.xs[0];
  const spanY = s.ys[s.ys.length - 1] - s.ys[0];
  const inner = ((width - marginX) * spanY) / spanX;
  return Math.round(Math.max(220, Math.min(560, inner + marginY)));
}

/** `extra`: more marks drawn on top (e.g. user-drawn regions); `view`: the zoomed window, null for all. */
export function surfacePlot(s: Surface2d, width: number, extra: Plot.Markish[] = [], view: ZoomView | null = null): Element {
  const f = bilinear(s.xs, s.ys, s.values);
  const g = s.contours ? bilinear(s.xs, s.ys, s.contours) : f;
  // Zoomed: sample the interpolant only over the part shown, at screen resolution there.
  const [x1, x2] = visiblePart([s.xs[0], s.xs[s.xs.length - 1]], view?.x);
  const [y1, y2] = visiblePart([s.ys[0], s.ys[s.ys.length - 1]], view?.y);
  const thresholds: number[] = [];
  const perKT = s.perKT ?? 1;
  const step = contourStep(s.cap / perKT) * perKT;
  for (let t = step; t < s.cap; t += step) thresholds.push(t);
  const height = aspectHeight(s, width, 48 + 10, 30 + 36 + 40);
  const sampling = s.gridResolution ? { width: s.xs.length, height: s.ys.length } : { pixelSize: 2 };
  const color: Plot.ScaleOptions = s.diverging
    ? divergingColour(s.cap, { label: s.colorLabel ?? `ΔF (${s.unit ?? 'kT'})`, width: 260 })
    : sequentialColour([0, s.cap], { clamp: true, label: s.colorLabel ?? `F (${s.unit ?? 'kT'})`, width: 260 });
  return Plot.plot(withView({
    width,
    height,
    style: PLOT_FONT,
    marginLeft: 48,
    marginRight: 10,
    marginBottom: 36,
    x: { label: s.xName, domain: [x1, x2] },
    y: { label: s.yName, domain: [y1, y2] },
    color,
    marks: [
      Plot.raster({ fill: (x: number, y: number) => f(x, y), x1, x2, y1, y2, ...sampling, imageRendering: 'auto' } as never),
      s.diverging
        ? null
        : Plot.contour({
            value: (x: number, y: number) => g(x, y),
            x1,
            x2,
            y1,
            y2,
            ...sampling,
            thresholds,
            fill: 'none',
            stroke: s.contours ? 'white' : 'rgba(255,255,255,0.6)',
            strokeWidth: 0.9,
            strokeDasharray: s.contours ? '4,3' : undefined,
          } as never),
      s.contourLabel ? Plot.text([s.contourLabel], { frameAnchor: 'top-right', dx: -6, dy: 6, fill: 'white', fontSize: 11, stroke: '#111827', strokeWidth: 2.5, paintOrder: 'stroke' } as never) : null,
      Plot.frame({ stroke: '#9ca3af' }),
      ...extra,
    ],
  }, view)) as Element;
}

/** Heights already in the shown unit; `unit` labels the axis. */
export function hillHeightsPlot(time: number[], height: number[], h0: number | null, width: number, unit = 'V units'): Element {
  const data = time.map((t, i) => ({ t, h: height[i] })).filter((d) => d.h > 0);
  const hs = data.map((d) => d.h);
  const lo = hs.length ? Math.min(...hs) : 1e-3;
  const hi = Math.max(hs.length ? Math.max(...hs) : 1, h0 ?? 0);
  return Plot.plot({
    ...chartFrame(width, 260, 56),
    x: { label: 'time' },
    y: { type: 'log', label: `hill height (${unit})`, domain: [lo / 1.5, hi * 1.5] },
    marks: [
      h0 ? Plot.ruleY([h0], { stroke: '#9ca3af', strokeDasharray: '4,3' }) : null,
      Plot.dot(data, { x: 't', y: 'h', r: 1.3, fill: ESTIMATE_COLOR, fillOpacity: 0.5 }),
      ...key([{ text: 'deposited heights', color: ESTIMATE_COLOR }, ...(h0 ? [{ text: `initial height ${Number(h0.toPrecision(4))} ${unit} (dashed)`, color: '#6b7280' }] : [])], 'top-right'),
    ],
  });
}
