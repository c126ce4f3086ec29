/** Observable Plot figures of the Ensemble sampling view (free energies in kT, or in `u` where given: shared/units.ts). */
import { IN_KT, type KtUnit } from '../../shared/units';
import * as Plot from '@observablehq/plot';
import { SERIES, sequentialColour } from '../../shared/ui/colormaps';
import { PLOT_FONT } from '../../shared/ui/plotStyle';


export function ensembleProfilePlot(
  p: { x: number[]; est: (number | null)[]; exact: number[] | null },
  coordinate: string,
  label: string,
  width: number,
  height = 260,
  u: KtUnit = IN_KT,
): Element {
  // p arrives in kT (ensemble.ts profileInKt); m: one kT in the shown unit.
  const m = u.perKT;
  const est = p.x.map((x, i) => ({ x, y: p.est[i] === null ? null : p.est[i]! * m })).filter((d) => d.y !== null);
  const finite = est.map((d) => d.y as number);
  const top = Math.min(12 * m, Math.max(m, ...finite));
  const exact = p.exact ? p.x.map((x, i) => ({ x, y: p.exact![i] * m })).filter((d) => d.y <= top + m) : [];
  return Plot.plot({
    width,
    height,
    style: PLOT_FONT,
    x: { label: coordinate },
    y: { label: `F (${u.label})`, domain: [Math.min(0, ...finite) - 0.2 * m, top + 0.5 * m] },
    marks: [
      Plot.ruleY([0], { stroke: '#e5e7eb' }),
      ...(exact.length ? [Plot.line(exact, { x: 'x', y: 'y', stroke: SERIES.exact, strokeDasharray: '4,3' })] : []),
      Plot.line(est, { x: 'x', y: 'y', stroke: SERIES.estimate, strokeWidth: 1.8 }),
      Plot.dot(est, { x: 'x', y: 'y', r: 1.8, fill: SERIES.estimate }),
      Plot.text([`— ${label}${exact.length ? '   - - exact' : ''}`], { frameAnchor: 'top-right', dx: -8, dy: 6, fill: '#374151' }),
    ],
  });
}

/** 2D FES (units of V) as cells (first axis x, second y), capped at `capKT` kT, drawn in `u`. */
export function ensembleSurfacePlot(axes: number[][], fes: (number | null)[], kT: number, names: string[], width: number, capKT = 10, u: KtUnit = IN_KT): Element {
  const m = u.perKT;
  const cap = capKT * m;
  const [ax, ay] = axes;
  const cells: { x: number; y: number; f: number }[] = [];
  for (let i = 0; i < ax.length; i++) {
    for (let j = 0; j < ay.length; j++) {
      const f = fes[i * ay.length + j];
      if (f !== null) cells.push({ x: ax[i], y: ay[j], f: Math.min(cap, (f / kT) * m) });
    }
  }
  const dx = ax.length > 1 ? ax[1] - ax[0] : 1;
  const dy = ay.length > 1 ? ay[1] - ay[0] : 1;
  const height = Math.round(Math.min(520, width * 0.75));
  return Plot.plot({
    width,
    height,
    style: PLOT_FONT,
    x: { label: names[0] },
    y: { label: names[1] },
    color: sequentialColour([0, cap], { label: `F (${u.label})` }),
    marks: [Plot.rect(cells, { x1: (d) => d.x - dx / 2, x2: (d) => d.x + dx / 2, y1: (d) => d.y - dy / 2, y2: (d) => d.y + dy / 2, fill: 'f' })],
  });
}
