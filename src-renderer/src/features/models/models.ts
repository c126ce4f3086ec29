/**
 * Pure helpers of the Models view: decoding lifted samples, the exact conditional law of the
 * fast/slow system (for overlays), CSV text of what the plots show, and form defaults.
 */
import type { ConsistencyReport, LiftOutput, MetadRunRecord, ModelDetail, RunRecord, SystemSpec, TrainEpochPoint, UmbrellaRunRecord } from '../../../../src-main/api/contract';

/** Samples of a lift call as Float64Array (conditions x n x dim). */
export function decodeSamples(out: LiftOutput): Float64Array {
  const bin = atob(out.samples);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float64Array(bytes.buffer);
}

export interface ScatterPoint { c: number; t: number; group: 'training' | 'held out' | 'generated' }

/** (condition 0, target `j`) pairs of the training frames and of the generated samples. */
export function scatterPoints(detail: ModelDetail | null, lifted: LiftOutput | null, j = 0): ScatterPoint[] {
  const out: ScatterPoint[] = [];
  if (detail) {
    detail.data.cond.forEach((c, i) => out.push({ c: c[0], t: detail.data.target[i][j], group: detail.data.heldOut[i] ? 'held out' : 'training' }));
  }
  if (lifted) {
    const s = decodeSamples(lifted);
    lifted.conditions.forEach((c, k) => {
      for (let i = 0; i < lifted.n; i++) out.push({ c: c[0], t: s[(k * lifted.n + i) * lifted.dim + j], group: 'generated' });
    });
  }
  return out;
}

/** Exact E[y | x] and s.d. for the fast/slow system with the condition x (else null). */
export function exactLaw(spec: SystemSpec | undefined, condIndices: number[], kT: number): ((x: number) => { mean: number; sd: number }) | null {
  if (!spec || spec.kind !== 'fast-slow' || condIndices.length !== 1 || condIndices[0] !== 0) return null;
  const f = (x: number) => (spec.f === 'linear' ? spec.c * x : spec.f === 'sin' ? spec.c * Math.sin(Math.PI * x) : spec.c * x * x * x);
  const sd = spec.s * Math.sqrt(kT);
  return (x) => ({ mean: f(x), sd });
}

/** Evenly spaced grid of k values over [lo, hi]. */
export function grid(lo: number, hi: number, k: number): number[] {
  if (k <= 1) return [(lo + hi) / 2];
  return Array.from({ length: k }, (_, i) => lo + ((hi - lo) * i) / (k - 1));
}

export type TrainSourceRun = MetadRunRecord | UmbrellaRunRecord;

/** Completed metadynamics and umbrella runs of toy systems (training pools runs of one system). */
export function sourceRuns(runs: RunRecord[]): TrainSourceRun[] {
  return runs.filter((r): r is TrainSourceRun => (r.kind === 'metad' || r.kind === 'umbrella') && r.status === 'completed');
}

/** The coordinates a source run biases (its CVs: the model's condition). */
export function sourceCvIndices(r: TrainSourceRun): number[] {
  return r.kind === 'metad' ? r.params.cvIndices : r.params.secondCv ? [r.params.cvIndex, r.params.secondCv.cvIndex] : [r.params.cvIndex];
}

/** One line on how a source run sampled (after its name in the source list). */
export function sourceSummary(r: TrainSourceRun): string {
  if (r.kind === 'metad') return `metadynamics · ${r.params.walkers}×${r.params.steps.toLocaleString()} steps`;
  return `umbrella · ${r.windowCenters.length} windows × ${r.params.walkersPerWindow}×${r.params.stepsPerWindow.toLocaleString()} steps`;
}

export function lossCsv(points: TrainEpochPoint[]): string {
  return ['epoch,train_loss,validation_loss,learning_rate', ...points.map((p) => `${p.epoch},${p.trainLoss},${p.validationLoss ?? ''},${p.learningRate}`)].join('\n');
}

export function scatterCsv(points: ScatterPoint[], condName: string, targetName: string): string {
  return [`group,${condName},${targetName}`, ...points.map((p) => `${p.group},${p.c},${p.t}`)].join('\n');
}

export function reportCsv(r: ConsistencyReport): string {
  const head =
    'cond,held_out,target,simulation_frames,reference_half_width,gen_mean,gen_sd,sim_mean,sim_sd,exact_mean,exact_sd,w1_gen_sim,w1_gen_sim_floor,w1_gen_exact,w1_gen_exact_floor,w1_sim_exact,bin_bias_mean,bin_bias_sd,mean_error_sd,sd_rel_error,sliced_w1_all_targets,evolve_worst_z,worst_ratio,verdict';
  const rows = r.rows.flatMap((row) =>
    row.targets.map((t) =>
      [
        row.cond[0], row.heldOut, t.name, row.simulationFrames, row.referenceHalfWidth ?? '', t.generated.mean, t.generated.sd, t.simulation?.mean ?? '', t.simulation?.sd ?? '', t.exact?.mean ?? '', t.exact?.sd ?? '',
        t.vsSimulation?.w1.value ?? '', t.vsSimulation?.w1.floor ?? '', t.vsExact?.w1.value ?? '', t.vsExact?.w1.floor ?? '', t.w1SimulationVsExact ?? '', t.binBias?.mean ?? '', t.binBias?.sd ?? '',
        t.meanErrorSd ?? '', t.sdRelativeError ?? '', row.slicedW1GeneratedVsSimulation ?? '', row.evolve?.worstZ ?? '', row.worstRatio ?? '', row.verdict ?? '',
      ].join(','),
    ),
  );
  return [head, ...rows].join('\n');
}

/** CSV of the lift-evolve-restrict bursts of every condition (one line per condition, coordinate and time). */
export function evolveCsv(r: ConsistencyReport): string {
  const lines = ['cond,coordinate,time,lifted_mean,simulated_mean,mean_difference,mean_difference_se,lifted_variance,simulated_variance,variance_difference,variance_difference_se'];
  for (const row of r.rows) {
    if (!row.evolve) continue;
    for (const s of row.evolve.series) {
      row.evolve.times.forEach((t, i) =>
        lines.push([row.cond[0], s.name, t, s.liftedMean[i], s.simulatedMean[i], s.meanDifference[i], s.meanDifferenceError[i], s.liftedVariance[i], s.simulatedVariance[i], s.varianceDifference[i], s.varianceDifferenceError[i]].join(',')),
      );
    }
  }
  return lines.join('\n');
}

export function closureCsv(r: ConsistencyReport): string {
  const c = r.closure;
  if (!c) return '';
  return [`${r.condNames[0]},generated,simulation,exact`, ...c.cond.map((x, i) => `${x},${c.generated[i]},${c.simulation[i] ?? ''},${c.exact?.[i] ?? ''}`)].join('\n');
}
