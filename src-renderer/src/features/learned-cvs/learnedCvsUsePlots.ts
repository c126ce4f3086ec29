/** Figures of a learned CV in use: the free energy along psi_k, and the restriction check. */
import * as Plot from '@observablehq/plot';
import { SERIES } from '../../shared/ui/colormaps';
import type { LearnedCvFesOutput, SampleEmbeddedCheckOutput } from '../../../../src-main/api/contract';
import { toCsv } from '../../shared/exporters';
import { alignReference } from './learnedCvs';
import { shownEnergy, type ShownEnergy } from '../../shared/units';
import { ESTIMATE_COLOR, EXACT_COLOR, PLOT_FONT, chartFrame } from '../../shared/ui/plotStyle';

/** d.fes is -kT ln p in the toy system's units of V: kT unless another unit is asked for (shared/units.ts). */
const inKTOf = (d: LearnedCvFesOutput): ShownEnergy => shownEnergy({ unit: 'energy', kT: d.kT }, 'kT');

const PUSH = '#9ca3af';
const MARK = SERIES.highlight;

/** The reference curves shifted onto the estimate by the best constant over well-sampled bins. */
export function alignedReferences(d: LearnedCvFesOutput) {
  return {
    mapped: d.exact ? alignReference(d.fes, d.exact.fes, d.counts) : null,
    pushforward: d.exactPushforward ? alignReference(d.fes, d.exactPushforward, d.counts) : null,
  };
}

/** F(psi_k) by c(t) reweighting (solid) with the exact mapped F(x) (dashed) and the exact push-forward (dotted). */
export function learnedFesPlot(d: LearnedCvFesOutput, width: number, height = 300, u: ShownEnergy = inKTOf(d)): Element {
  const refs = alignedReferences(d);
  const pts = (values: (number | null)[], series: string) => d.centers.map((c, i) => ({ c, f: u.of(values[i]), series })).filter((p) => p.f !== null);
  const est = pts(d.fes, 'reweighted');
  const fmax = Math.max(...est.map((p) => p.f as number), d.kT * u.factor);
  const marks: Plot.Markish[] = [Plot.line(est, { x: 'c', y: 'f', stroke: ESTIMATE_COLOR, strokeWidth: 1.8 }), Plot.dot(est, { x: 'c', y: 'f', r: 1.8, fill: ESTIMATE_COLOR })];
  if (refs.pushforward) marks.push(Plot.line(pts(refs.pushforward.shifted, 'push-forward'), { x: 'c', y: 'f', stroke: PUSH, strokeWidth: 1.4, strokeDasharray: '1,3' }));
  if (refs.mapped) marks.push(Plot.line(pts(refs.mapped.shifted, 'exact mapped'), { x: 'c', y: 'f', stroke: EXACT_COLOR, strokeWidth: 1.4, strokeDasharray: '5,4' }));
  return Plot.plot({
    ...chartFrame(width, height, 56),
    x: { label: `ψ${d.component}` },
    y: { label: `F (${u.label})`, domain: [0, Math.min(fmax, 12 * d.kT * u.factor)], clamp: true },
    marks,
  });
}

export function learnedFesCsv(d: LearnedCvFesOutput, u: ShownEnergy = inKTOf(d)): string {
  const refs = alignedReferences(d);
  const c_ = u.column;
  const header = ['psi', `F_${c_}`, 'frames', ...(refs.mapped ? [`F_exact_mapped_${c_}`] : []), ...(refs.pushforward ? [`F_exact_pushforward_${c_}`] : [])];
  const v = (x: number | null | undefined) => u.of(x) ?? '';
  const rows = d.centers.map((c, i) => [c, v(d.fes[i]), d.counts[i], ...(refs.mapped ? [v(refs.mapped.shifted[i])] : []), ...(refs.pushforward ? [v(refs.pushforward.shifted[i])] : [])]);
  return toCsv(header, rows, [`F along psi_${d.component} of run ${d.runId}, c(t) reweighting, in ${u.label}`, `kT ${d.kT} (units of V)`, `frames ${d.framesUsed} (${d.framesDiscarded} discarded), effective samples ${d.effectiveSamples.toFixed(1)}`, 'references shifted by the best constant over bins with >= 30 frames']);
}

/** psi_1 of fresh exact samples at fixed x (mean +- sd) against psi_1(x) of the map. */
export function restrictionPlot(d: SampleEmbeddedCheckOutput, relation: { x: number[]; psi: number[] } | null, width: number, height = 300): Element {
  const marks: Plot.Markish[] = [];
  if (relation) marks.push(Plot.line(relation.x.map((x, i) => ({ x, p: relation.psi[i] })), { x: 'x', y: 'p', stroke: MARK, strokeDasharray: '5,4', strokeWidth: 1.3 }));
  marks.push(
    Plot.ruleX(d.rows, { x: 'x', y1: (r: { mean: number; sd: number }) => r.mean - r.sd, y2: (r: { mean: number; sd: number }) => r.mean + r.sd, stroke: ESTIMATE_COLOR, strokeWidth: 1.5 }),
    Plot.dot(d.rows, { x: 'x', y: 'mean', r: 3.5, fill: ESTIMATE_COLOR }),
    Plot.dot(d.rows.filter((r) => r.mapped !== null), { x: 'x', y: 'mapped', r: 4, stroke: MARK, symbol: 'times' }),
  );
  return Plot.plot({ width, height, style: PLOT_FONT, marginLeft: 56, grid: true, x: { label: 'hidden x' }, y: { label: 'ψ1' }, marks });
}

export function restrictionCsv(d: SampleEmbeddedCheckOutput): string {
  return toCsv(['x', 'psi1_mean', 'psi1_sd', 'psi1_map', 'psi1_at_mean_y'], d.rows.map((r) => [r.x, r.mean, r.sd, r.mapped ?? '', r.atMeanY]), [
    `restriction check of run ${d.runId}: ${d.samplesPerX} exact samples y ~ p(y | x) per x, observed (${d.inputCoordinates.join(' ')}) and extended by Nystrom`,
  ]);
}
