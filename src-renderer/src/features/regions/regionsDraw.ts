/**
 * Drawing regions on a rendered Plot figure: pointer handlers on the figure's main SVG (the
 * committed regions themselves are a Plot mark, regionsPlot.ts; only the shape being drawn
 * lives in a temporary layer here). 1D: drag = interval (a vertical band). 2D: drag = rectangle,
 * or in polygon mode click vertices and close with a double-click or a click on the first vertex.
 * The pixel <-> data mapping is regions.ts (figureScale, clientToSvg, toData, toPixel).
 */
import { untrack } from 'svelte';
import { mainSvg } from '../../shared/exporters';
import {
  addPolygonVertex,
  buildPolygon,
  clientToSvg,
  dragRegion,
  figureScale,
  MIN_DRAG_PX,
  nextRegionName,
  regionColour,
  toData,
  toPixel,
  type LinearScale,
  type RegionAxis,
} from './regions';
import type { RegionSet } from './regionsStore.svelte';

const SVG_NS = 'http://www.w3.org/2000/svg';

export interface DrawOptions {
  set: RegionSet;
  axes: RegionAxis[];
  /** Told why a drawn shape was refused (e.g. a degenerate polygon). */
  onerror?: (message: string) => void;
}

/** Hooks drawing onto `figure`; returns the function that unhooks it. */
export function attachRegionDrawing(figure: Element, opts: DrawOptions): () => void {
  const svg = mainSvg(figure);
  const sx = figureScale(figure, 'x');
  const sy = opts.axes.length === 2 ? figureScale(figure, 'y') : null;
  if (!svg || !sx || (opts.axes.length === 2 && !sy)) return () => {};
  const { set, axes } = opts;
  const twoD = axes.length === 2;
  const yRange: [number, number] = sy ? sy.range : (figureScale(figure, 'y')?.range ?? [Number(svg.getAttribute('height')) || 300, 0]);

  svg.style.cursor = 'crosshair';
  svg.style.touchAction = 'none';
  svg.style.userSelect = 'none';
  svg.setAttribute('data-region-drawing', twoD ? '2d' : '1d');
  const layer = document.createElementNS(SVG_NS, 'g');
  layer.setAttribute('pointer-events', 'none');
  layer.setAttribute('data-region-draft', '');
  svg.appendChild(layer);

  const colour = () => regionColour(set.regions.length);
  const local = (e: MouseEvent): [number, number] => {
    const box = svg.getBoundingClientRect();
    return clientToSvg(e.clientX, e.clientY, box, Number(svg.getAttribute('width')) || box.width, Number(svg.getAttribute('height')) || box.height);
  };
  const dataAt = (p: [number, number]): [number, number] => [toData(sx, p[0]), sy ? toData(sy as LinearScale, p[1]) : NaN];
  const pixelOf = (d: readonly number[]): [number, number] => [toPixel(sx, d[0]), sy ? toPixel(sy, d[1]) : 0];

  function shape(tag: 'rect' | 'polyline' | 'circle', attrs: Record<string, string | number>): SVGElement {
    const e = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    layer.appendChild(e);
    return e;
  }

  function drawPolygonDraft(points: readonly (readonly [number, number])[]): void {
    layer.replaceChildren();
    if (!points.length) return;
    const px = points.map(pixelOf);
    shape('polyline', { points: px.map((p) => p.join(',')).join(' '), fill: colour(), 'fill-opacity': 0.12, stroke: colour(), 'stroke-width': 1.5, 'stroke-dasharray': '4,3' });
    px.forEach((p, k) => shape('circle', { cx: p[0], cy: p[1], r: k === 0 ? 5 : 3, fill: k === 0 ? 'white' : colour(), stroke: colour(), 'stroke-width': 1.5 }));
  }
  untrack(() => drawPolygonDraft(set.draft));

  let start: [number, number] | null = null;
  let moved = false;
  let suppressClick = false;
  let band: SVGElement | null = null;

  function onDown(e: PointerEvent): void {
    if (e.button !== 0 || (twoD && set.mode === 'polygon')) return;
    // Plot's tooltips pin themselves on pointerdown and stop the event there; a drag here is a
    // region, so this handler goes first (capture phase) and keeps the event to itself.
    e.stopImmediatePropagation();
    e.preventDefault();
    start = local(e);
    moved = false;
    svg!.setPointerCapture?.(e.pointerId);
  }
  function onMove(e: PointerEvent): void {
    if (!start) return;
    const p = local(e);
    if (!moved && Math.hypot(p[0] - start[0], p[1] - start[1]) < MIN_DRAG_PX) return;
    moved = true;
    const x = Math.min(start[0], p[0]);
    const w = Math.abs(p[0] - start[0]);
    const [y, h] = twoD ? [Math.min(start[1], p[1]), Math.abs(p[1] - start[1])] : [Math.min(...yRange), Math.abs(yRange[0] - yRange[1])];
    if (!band) band = shape('rect', { fill: colour(), 'fill-opacity': 0.18, stroke: colour(), 'stroke-width': 1.5, 'stroke-dasharray': '4,3' });
    band.setAttribute('x', String(x));
    band.setAttribute('y', String(y));
    band.setAttribute('width', String(w));
    band.setAttribute('height', String(h));
  }
  function onUp(e: PointerEvent): void {
    if (!start) return;
    const p0 = start;
    start = null;
    band?.remove();
    band = null;
    if (!moved) return;
    suppressClick = true;
    const p1 = local(e);
    const region = dragRegion(nextRegionName(set.regions), dataAt(p0), dataAt(p1), axes);
    const problem = set.add(region);
    if (problem) opts.onerror?.(problem);
  }
  function onClick(e: MouseEvent): void {
    if (suppressClick) {
      // The click that ends a drag is not a pick (e.g. the Ramachandran frame picker).
      suppressClick = false;
      e.stopPropagation();
      return;
    }
    if (!twoD || set.mode !== 'polygon') return;
    e.stopPropagation();
    const p = local(e);
    const next = addPolygonVertex(set.draft, set.draft.map(pixelOf), dataAt(p), p);
    if (next.closed) {
      const region = buildPolygon(nextRegionName(set.regions), next.points, axes);
      set.draft = [];
      layer.replaceChildren();
      if (typeof region === 'string') opts.onerror?.(region);
      else {
        const problem = set.add(region);
        if (problem) opts.onerror?.(problem);
      }
      return;
    }
    set.draft = next.points;
    drawPolygonDraft(next.points);
  }
  function onKey(e: KeyboardEvent): void {
    if (e.key === 'Escape' && set.draft.length) {
      set.draft = [];
      layer.replaceChildren();
    }
  }

  svg.addEventListener('pointerdown', onDown, true);
  svg.addEventListener('pointermove', onMove);
  svg.addEventListener('pointerup', onUp);
  svg.addEventListener('pointercancel', onUp);
  // Capture phase: runs before other click handlers on the figure (and can stop them).
  svg.addEventListener('click', onClick, true);
  window.addEventListener('keydown', onKey);
  return () => {
    svg.removeEventListener('pointerdown', onDown, true);
    svg.removeEventListener('pointermove', onMove);
    svg.removeEventListener('pointerup', onUp);
    svg.removeEventListener('pointercancel', onUp);
    svg.removeEventListener('click', onClick, true);
    window.removeEventListener('keydown', onKey);
    layer.remove();
  };
}
