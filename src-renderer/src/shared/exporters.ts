/**
 * Figure and data export: SVG (Plot's <svg> with computed styles inlined so it renders the
 * same outside the app), PNG (that SVG drawn onto a 2x canvas) and CSV, all as Blob downloads.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Presentation properties that matter for Plot's output. */
const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'font-variant',
  'text-anchor',
  'dominant-baseline',
  'paint-order',
  'mix-blend-mode',
  'shape-rendering',
  'visibility',
];

export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Serialises an in-document SVG with computed styles inlined and a white background. */
export function serializeSvg(svg: SVGSVGElement): { text: string; width: number; height: number } {
  const rect = svg.getBoundingClientRect();
  const width = Number(svg.getAttribute('width')) || Math.round(rect.width) || 640;
  const height = Number(svg.getAttribute('height')) || Math.round(rect.height) || 400;
  const clone = svg.cloneNode(true) as SVGSVGElement;

  const src = [svg, ...Array.from(svg.querySelectorAll('*'))];
  const dst = [clone, ...Array.from(clone.querySelectorAll('*'))];
  for (let i = 0; i < src.length; i++) {
    const el = src[i];
    const out = dst[i] as SVGElement;
    if (!(el instanceof SVGElement) || el.tagName.toLowerCase() === 'style') continue;
    const cs = getComputedStyle(el);
    const decl: string[] = [];
    for (const prop of STYLE_PROPS) {
      const v = cs.getPropertyValue(prop);
      if (v && v !== 'normal' && v !== 'auto') decl.push(`${prop}:${v}`);
    }
    const own = out.getAttribute('style');
    out.setAttribute('style', decl.join(';') + (own ? `;${own}` : ''));
  }
  // Plot's scoped <style> is redundant once computed styles are inline.
  for (const s of Array.from(clone.querySelectorAll('style'))) s.remove();

  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('xmlns:xlink', 'http://www.w3.org/1999/xlink');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  if (!clone.getAttribute('viewBox')) clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', 'white');
  clone.insertBefore(bg, clone.firstChild);

  const text = '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone);
  return { text, width, height };
}

export function exportSvg(svg: SVGSVGElement, filename: string): void {
  const { text } = serializeSvg(svg);
  downloadBlob(new Blob([text], { type: 'image/svg+xml;charset=utf-8' }), filename);
}

export async function svgToPngBlob(svg: SVGSVGElement, scale = 2): Promise<Blob> {
  const { text, width, height } = serializeSvg(svg);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const img = new Image();
    img.decoding = 'sync';
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('The figure could not be rasterised.'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('No 2D canvas available to draw the PNG.');
    ctx.fillStyle = 'white';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed.'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

export async function exportPng(svg: SVGSVGElement, filename: string, scale = 2): Promise<void> {
  downloadBlob(await svgToPngBlob(svg, scale), filename);
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV; empty cells for null / non-finite numbers. */
export function toCsv(header: string[], rows: unknown[][], comments: string[] = []): string {
  const lines = comments.map((c) => `# ${c.replace(/[\r\n]+/g, ' ')}`);
  lines.push(header.map(csvCell).join(','));
  for (const r of rows) lines.push(r.map(csvCell).join(','));
  return lines.join('\n') + '\n';
}

export function exportCsv(text: string, filename: string): void {
  downloadBlob(new Blob([text], { type: 'text/csv;charset=utf-8' }), filename);
}

/** Finds the main plot <svg> in whatever Plot returned (an <svg>, or a <figure> around one). */
export function mainSvg(root: Element | null): SVGSVGElement | null {
  if (!root) return null;
  if (root instanceof SVGSVGElement) return root;
  const svgs = Array.from(root.querySelectorAll('svg')) as SVGSVGElement[];
  let best: SVGSVGElement | null = null;
  let bestArea = -1;
  for (const s of svgs) {
    const area = (Number(s.getAttribute('width')) || 0) * (Number(s.getAttribute('height')) || 0);
    if (area > bestArea) {
      best = s;
      bestArea = area;
    }
  }
  return best;
}
