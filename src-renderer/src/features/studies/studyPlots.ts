/** The Studies view's figures (Observable Plot): the study's FES and the configurations at a CV value. */
import * as Plot from '@observablehq/plot';
import type { StudyConfigurations, StudyDetail } from '../../../../src-main/api/contract';
import { ESTIMATE_COLOR, EXACT_COLOR, chartFrame } from '../../shared/ui/plotStyle';
import { withView, type ZoomView } from '../../shared/ui/plotView';
import { densities } from './studyView';

const LIFTED_COLOR = '#c2410c';

/** F (kT) with its error band, the exact profile dashed, and the picked CV value as a vertical rule. */
export function studyFesPlot(fes: NonNullable<StudyDetail['fes']>, width: number, picked: number | null, view: ZoomView | null): Element {
  const rows = fes.centers.map((x, i) => ({ x, F: fes.F[i], lo: fes.dF && fes.F[i] !== null && fes.dF[i] !== null ? fes.F[i]! - fes.dF[i]! : null, hi: fes.dF && fes.F[i] !== null && fes.dF[i] !== null ? fes.F[i]! + fes.dF[i]! : null })).filter((r) => r.F !== null);
  const exact = fes.exact ? fes.exact.centers.map((x, i) => ({ x, F: fes.exact!.F[i] })) : [];
  return Plot.plot(withView({
    ...chartFrame(width, 280, 48),
    x: { label: fes.cv },
    y: { label: 'F (kT)' },
    marks: [
      Plot.areaY(rows.filter((r) => r.lo !== null), { x: 'x', y1: 'lo', y2: 'hi', fill: ESTIMATE_COLOR, fillOpacity: 0.15 }),
      exact.length ? Plot.line(exact, { x: 'x', y: 'F', stroke: EXACT_COLOR, strokeDasharray: '6,4', strokeWidth: 1.5, clip: true }) : null,
      Plot.line(rows, { x: 'x', y: 'F', stroke: ESTIMATE_COLOR, strokeWidth: 1.8, clip: true }),
      Plot.dot(rows, { x: 'x', y: 'F', fill: ESTIMATE_COLOR, r: 2 }),
      picked !== null ? Plot.ruleX([picked], { stroke: LIFTED_COLOR, strokeWidth: 1.5 }) : null,
    ],
  }, view));
}

/**
 * The configurations at one CV value. One other coordinate: its density, simulated (frames in the
 * clicked bin) against lifted (the model at the value). More: a scatter of the first two others.
 */
export function configurationsPlot(conf: StudyConfigurations, width: number): Element {
  const others = conf.coordinateNames.map((n, i) => ({ n, i })).filter((c) => c.n !== conf.cvName);
  const lifted = conf.lifted?.rows ?? [];
  if (others.length === 1) {
    const k = others[0].i;
    const { edges, series } = densities([conf.simulated.map((r) => r[k]), lifted.map((r) => r[k])], 24);
    const line = (s: number[], name: string) => s.map((p, b) => ({ x: (edges[b] + edges[b + 1]) / 2, p, name }));
    const data = [...line(series[0] ?? [], 'simulated'), ...(lifted.length ? line(series[1] ?? [], 'lifted') : [])];
    return Plot.plot({
      ...chartFrame(width, 240, 48),
      x: { label: others[0].n },
      y: { label: 'density' },
      color: { domain: ['simulated', 'lifted'], range: [ESTIMATE_COLOR, LIFTED_COLOR], legend: true },
      marks: [Plot.line(data, { x: 'x', y: 'p', stroke: 'name', strokeWidth: 1.8, curve: 'step' })],
    });
  }
  const [a, b] = [others[0].i, others[1].i];
  const pts = [...conf.simulated.map((r) => ({ x: r[a], y: r[b], name: 'simulated' })), ...lifted.map((r) => ({ x: r[a], y: r[b], name: 'lifted' }))];
  return Plot.plot({
    ...chartFrame(width, 280, 48),
    x: { label: others[0].n },
    y: { label: others[1].n },
    color: { domain: ['simulated', 'lifted'], range: [ESTIMATE_COLOR, LIFTED_COLOR], legend: true },
    marks: [Plot.dot(pts, { x: 'x', y: 'y', stroke: 'name', r: 2 })],
  });
}

type Closure = StudyDetail['closures'][number];

/** A closure E[f | CV]: simulated bins ± sem, lifted conditions ± sem, the exact closure dashed. */
export function closurePlot(c: Closure, cv: string, width: number): Element {
  const pts = (xs: readonly number[], mean: readonly (number | null)[], sem: readonly (number | null)[], name: string) =>
    xs.map((x, i) => ({ x, y: mean[i], lo: mean[i] !== null && sem[i] !== null ? mean[i]! - sem[i]! : null, hi: mean[i] !== null && sem[i] !== null ? mean[i]! + sem[i]! : null, name })).filter((p) => p.y !== null);
  const data = [...pts(c.centers, c.mean, c.sem, 'simulated'), ...(c.generated ? pts(c.generated.conditions, c.generated.mean, c.generated.sem, 'lifted') : [])];
  const exact = c.exact ? c.centers.map((x, i) => ({ x, y: c.exact![i] })).filter((p) => p.y !== null) : [];
  return Plot.plot({
    ...chartFrame(width, 220, 48),
    x: { label: cv },
    y: { label: `E[${c.name} | ${cv}]` },
    color: { domain: ['simulated', 'lifted'], range: [ESTIMATE_COLOR, LIFTED_COLOR], legend: true },
    marks: [
      exact.length ? Plot.line(exact, { x: 'x', y: 'y', stroke: EXACT_COLOR, strokeDasharray: '6,4' }) : null,
      Plot.ruleX(data.filter((p) => p.lo !== null), { x: 'x', y1: 'lo', y2: 'hi', stroke: 'name' }),
      Plot.dot(data, { x: 'x', y: 'y', fill: 'name', r: 2.5 }),
    ],
  });
}

/** Effective dynamics: F_eff of the reduced SDE against the sampled F (energy units), and the drift. */
export function dynamicsPlot(d: NonNullable<StudyDetail['dynamics']>, cv: string, width: number): Element {
  const series = (ys: readonly (number | null)[], name: string) => d.grid.map((x, i) => ({ x, y: ys[i], name })).filter((p) => p.y !== null);
  const data = [...series(d.Feff, 'F_eff (reduced SDE)'), ...series(d.Fsampled, 'F sampled'), ...series(d.drift, 'drift a')];
  return Plot.plot({
    ...chartFrame(width, 220, 48),
    x: { label: cv },
    y: { label: 'energy units (a: per unit time)' },
    color: { domain: ['F_eff (reduced SDE)', 'F sampled', 'drift a'], range: [LIFTED_COLOR, ESTIMATE_COLOR, '#15803d'], legend: true },
    marks: [Plot.ruleY([0], { stroke: '#9ca3af' }), Plot.line(data, { x: 'x', y: 'y', stroke: 'name', marker: 'circle' })],
  });
}
