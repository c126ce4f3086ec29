/**
 * `liftwell lift --reference-x Y.npy --reference-cond X.npy`: judges the lifted samples against
 * the simulated frames at the same condition (the frames nearest it, moved to it along a local
 * linear fit: no bin-width bias), every distance with its split-half noise floor, and gives the
 * verdict (good / marginal / poor) with advice, as the app's consistency report does per condition.
 */
import { InputFileError } from '../../engine/io/npy';
import { slicedWasserstein1 } from '../../engine/estimators/wasserstein';
import { columnOf, compareSamples, localReference, splitHalfNoise, verdictOf, type SampleComparison, type Verdict } from '../../engine/workflows/consistency';
import { consistencyAdvice, VERDICT_RULE } from '../../runs/train/report-advice';
import { readMatrix } from './train';

export interface LiftConsistency {
  verdict: Verdict | null;
  worstRatio: number | null;
  advice: string[];
  rule: string;
  reference: { frames: number; halfWidth: number; binBias: { mean: number; sd: number }[] } | null;
  targets: { index: number; generated: { mean: number; sd: number }; simulation: { mean: number; sd: number } | null; comparison: SampleComparison | null }[];
  slicedW1: { value: number; floor: number } | null;
  note: string;
}

const moments = (a: Float64Array) => {
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  return { mean: m, sd: Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / Math.max(1, a.length - 1)) };
};

export function liftConsistency(
  samples: Float64Array,
  dim: number,
  cond: number[],
  files: { x: string; cond: string },
  training: { epochs: number; bestEpoch: number; stoppedEarly: boolean; hidden: number[] | null },
  seed: number,
): LiftConsistency {
  const x = readMatrix(files.x, 'reference-x');
  const c = readMatrix(files.cond, 'reference-cond');
  if (x.rows !== c.rows) throw new InputFileError(files.cond, null, `has ${c.rows} rows but ${files.x} has ${x.rows}: reference rows must be paired`);
  if (x.cols !== dim) throw new InputFileError(files.x, null, `has ${x.cols} columns; the model generates ${dim}`);
  if (c.cols !== 1 || cond.length !== 1) throw new InputFileError(files.cond, null, 'the consistency check needs a 1-D condition (one column, one --cond value)');
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of c.data) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const ref = localReference(c.data, x.data, dim, cond[0], { maxHalfWidth: Math.max(hi - lo, 1e-12) / 40, want: 4000 });
  const gens = Array.from({ length: dim }, (_, j) => columnOf(samples, dim, j));
  const targets = gens.map((g, j) => {
    const sim = ref ? columnOf(ref.rows, dim, j) : null;
    return { index: j, generated: moments(g), simulation: sim ? moments(sim) : null, comparison: sim ? compareSamples(g, sim, { seed: seed + j, tolerances: true }) : null };
  });
  let slicedW1: LiftConsistency['slicedW1'] = null;
  let worst = ref ? Math.max(...targets.map((t) => t.comparison!.worstRatio)) : NaN;
  if (ref && dim > 1) {
    const sw = (a: Float64Array, b: Float64Array) => slicedWasserstein1(a, b, dim, { projections: 64, seed });
    const floor = Math.hypot(splitHalfNoise(samples, dim, sw, { seed }), splitHalfNoise(ref.rows, dim, sw, { blocks: 16, seed }));
    slicedW1 = { value: sw(samples, ref.rows), floor };
    worst = Math.max(worst, floor > 0 ? slicedW1.value / floor : Infinity);
  }
  const verdict = ref ? verdictOf(worst) : null;
  const advice = consistencyAdvice(verdict, [{ cond: cond[0], verdict, frames: ref?.frames ?? 0, heldOut: false, transientOnly: false }], training);
  return {
    verdict,
    worstRatio: Number.isFinite(worst) ? worst : null,
    advice,
    rule: VERDICT_RULE,
    reference: ref ? { frames: ref.frames, halfWidth: ref.halfWidth, binBias: ref.binBias } : null,
    targets,
    slicedW1,
    note: ref
      ? `judged against ${ref.frames} reference frames within ±${ref.halfWidth.toPrecision(3)} of ${cond[0]}, moved to it along a local linear fit`
      : `fewer than 20 reference frames within ±${((hi - lo) / 40).toPrecision(3)} of ${cond[0]}: nothing to judge against`,
  };
}
