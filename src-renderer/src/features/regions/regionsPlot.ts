/**
 * User-drawn regions as one Observable Plot mark (a render function), so they are part of the
 * figure's own SVG: exported PNG/SVG files show them, and they follow the figure's scales.
 * Translucent fills with an outline, the region's name and (when computed) its ΔF.
 */
import { labelPoint, regionColour, regionRects, type Region, type RegionAxis } from './regions';

const SVG_NS = 'http://www.w3.org/2000/svg';
let clipSeq = 0;

type ScaleFn = (v: number) => number;
interface Dimensions {
  width: number;
  height: number;
  marginTop: number;
  marginRight: number;
  marginBottom: number;
  marginLeft: number;
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/**
 * A Plot mark drawing `regions` on a figure whose axes are `axes` (display units). `notes[i]`, if
 * given, is a second label line under region i's name (e.g. "ΔF 0.12 ± 0.05").
 * Returns null when there is nothing to draw (Plot skips null marks).
 */
export function regionsMark(regions: readonly Region[], axes: readonly RegionAxis[], notes: readonly (string | null)[] = []) {
  if (!regions.length) return null;
  return (_index: unknown, scales: { x?: ScaleFn; y?: ScaleFn }, _values: unknown, dims: Dimensions) => {
    const sx = scales.x;
    const sy = scales.y;
    if (!sx) return null;
    const g = el('g', { 'aria-label': 'regions', 'data-regions': regions.length });
    const top = dims.marginTop;
    const bottom = dims.height - dims.marginBottom;
    const left = dims.marginLeft;
    const right = dims.width - dims.marginRight;
    const id = `lw-region-clip-${++clipSeq}`;
    const clip = el('clipPath', { id });
    clip.appendChild(el('rect', { x: left, y: top, width: right - left, height: bottom - top }));
    const defs = el('defs', {});
    defs.appendChild(clip);
    g.appendChild(defs);
    const shapes = el('g', { 'clip-path': `url(#${id})` });
    const labels = el('g', {});
    g.append(shapes, labels);
    const oneD = axes.length === 1 || !sy;

    regions.forEach((region, i) => {
      const colour = regionColour(i);
      const style = { fill: colour, 'fill-opacity': 0.16, stroke: colour, 'stroke-width': 1.5, 'stroke-opacity': 0.9 };
      if (region.kind === 'polygon') {
        if (oneD || !sy) return;
        const Lx = axes[0].periodic ? axes[0].max - axes[0].min : 0;
        const Ly = axes[1].periodic ? axes[1].max - axes[1].min : 0;
        // Periodic axes: draw the images one period either side too (clipped to the frame).
        for (const dx of Lx ? [-Lx, 0, Lx] : [0]) {
          for (const dy of Ly ? [-Ly, 0, Ly] : [0]) {
            const d = region.points.map(([x, y], k) => `${k ? 'L' : 'M'}${sx(x + dx)},${sy(y + dy)}`).join('') + 'Z';
            shapes.appendChild(el('path', { d, ...style, 'data-region': region.name }));
          }
        }
      } else {
        for (const r of regionRects(region, axes)) {
          const x1 = sx(r.x1);
          const x2 = sx(r.x2);
          const y1 = oneD || Number.isNaN(r.y1) ? bottom : sy!(r.y1);
          const y2 = oneD || Number.isNaN(r.y2) ? top : sy!(r.y2);
          shapes.appendChild(
            el('rect', { x: Math.min(x1, x2), y: Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1), ...style, 'data-region': region.name }),
          );
        }
      }
      const at = labelPoint(region, axes);
      if (!at) return;
      const px = Math.max(left + 12, Math.min(right - 12, sx(at[0])));
      const py = oneD || Number.isNaN(at[1]) ? top + 14 : Math.max(top + 12, Math.min(bottom - 18, sy!(at[1])));
      const lines = [region.name, notes[i] ?? null].filter((t): t is string => !!t);
      lines.forEach((text, k) => {
        const t = el('text', {
          x: px,
          y: py + k * 13,
          'text-anchor': 'middle',
          'dominant-baseline': 'middle',
          'font-size': k ? 10.5 : 12,
          'font-weight': k ? 600 : 700,
          fill: colour,
          stroke: 'white',
          'stroke-width': 3,
          'paint-order': 'stroke',
          'stroke-linejoin': 'round',
        });
        t.textContent = text;
        labels.appendChild(t);
      });
    });
    return g;
  };
}
