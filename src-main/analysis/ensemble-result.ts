/**
 * The result of a finished walker-ensemble run: histogram free energies along every coordinate
 * (and on the plane for 2D systems) beside the exact answer, with the executor that integrated
 * the walkers, why it was chosen, and the throughput.
 *
 * Umbrella runs (bias W = 0.5 k (x_c - c0)^2 on coordinate c only). The walkers sample
 * p_b(x) ∝ exp(-(V(x) + W(x_c))/kT). Because W depends on x_c alone:
 *  - along c, the marginal is p_b(x_c) ∝ p(x_c) exp(-W(x_c)/kT), so F(x_c) = -kT ln h(x_c) - W(x_c)
 *    holds bin by bin (W at the bin centre; the bin-average error is O(width^2) like the
 *    histogram's own) and the profile is compared with the exact unbiased one ('unbiased');
 *  - on the plane of a 2D system likewise, pointwise: F(x, y) = -kT ln h(x, y) - W;
 *  - along another coordinate the bias does not factor out of the marginal; per-sample weights
 *    exp(+W/kT) would unbias it but with a variance that explodes away from c0 (the weights are
 *    unbounded), so that profile stays biased and is compared with the exact BIASED marginal
 *    -kT ln ∫ exp(-(V + W)/kT) dx_c by quadrature ('biased').
 */
import { readFile } from 'node:fs/promises';
import { ApiError } from '../schema/errors';
import type { EnsembleProfile, EnsembleResult } from '../schema';
import { createSystem } from '../engine/systems';
import { exactProfile } from '../engine/estimators/exact';
import { exactBiasedMarginal } from '../engine/estimators/exact-fes';
import { histogramFes, rmsAgainst } from '../engine/estimators/histogram-fes';
import { ensembleFiles, type EnsembleSummary } from '../runs/ensemble/files';
import { ensembleRestraint } from '../runs/ensemble/restraint';
import type { EnsembleJob, EnsembleRunFile } from '../runs/run-file';
import { readNpyFile } from './npy-file';

/** Bins whose exact free energy is below this many kT enter the RMS (well-sampled bins). */
export const RMS_CUTOFF_KT = 4;

async function readOrFail(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError('not-found', `${path} is missing; resume the run to produce it.`, { path });
    throw new ApiError('io', `Cannot read ${path}: ${(error as Error).message}`, { path });
  }
}

const umbrellaEnergy = (job: EnsembleJob, value: number) => (job.umbrella ? ensembleRestraint(job.umbrella).term(0, value) : 0);

export async function computeEnsembleResult(projectPath: string, file: EnsembleRunFile): Promise<EnsembleResult> {
  const { job } = file;
  const files = ensembleFiles(projectPath, file.run.id);
  let summary: EnsembleSummary;
  try {
    summary = JSON.parse((await readOrFail(files.summary)).toString('utf8')) as EnsembleSummary;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError('bad-file', `${files.summary} is not valid JSON`, { path: files.summary });
  }
  const system = createSystem(job.system);
  const dim = system.dim;
  const counts = (await readNpyFile(files.histogramsNpy)).data;
  if (counts.length !== dim * job.bins) throw new ApiError('bad-file', `${files.histogramsNpy} has ${counts.length} counts, not ${dim} x ${job.bins}`, { path: files.histogramsNpy });
  const cutoff = RMS_CUTOFF_KT * job.kT;
  const widths = job.ranges.map(([lo, hi]) => (hi - lo) / job.bins);
  const centersOf = (d: number) => Array.from({ length: job.bins }, (_, i) => job.ranges[d][0] + (i + 0.5) * widths[d]);

  const profiles: EnsembleProfile[] = job.coordinateNames.map((coordinate, d) => {
    const centers = centersOf(d);
    const onThis = job.umbrella?.cvIndices[0] === d;
    const meaning: EnsembleProfile['meaning'] = !job.umbrella || onThis ? 'unbiased' : 'biased';
    const fes = histogramFes(counts.subarray(d * job.bins, (d + 1) * job.bins), summary.samples, widths[d], job.kT, (i) => (onThis ? umbrellaEnergy(job, centers[i]) : 0));
    let exact: number[] | null = null;
    if (dim <= 2) exact = meaning === 'unbiased' ? Array.from(exactProfile(system, d, job.kT, Float64Array.from(centers))) : exactBiasedMarginal(system, d, { cvIndex: job.umbrella!.cvIndices[0], center: job.umbrella!.centers[0], spring: job.umbrella!.springs[0], range: job.ranges[job.umbrella!.cvIndices[0]] }, job.kT, centers);
    return { coordinate, centers, fes, exact, meaning, rmsVsExact: exact ? rmsAgainst(fes, exact, cutoff) : null };
  });

  let fes2d: EnsembleResult['fes2d'] = null;
  if (dim === 2) {
    const c2 = (await readNpyFile(files.histogram2dNpy)).data;
    const axes = [centersOf(0), centersOf(1)];
    const u = job.umbrella?.cvIndices[0] ?? 0;
    const fes = histogramFes(c2, summary.samples, widths[0] * widths[1], job.kT, (k) => umbrellaEnergy(job, axes[u][u === 0 ? Math.floor(k / job.bins) : k % job.bins]));
    // With both coordinates on the plane, F = V up to a constant.
    const p = new Float64Array(2);
    const v = Array.from({ length: job.bins * job.bins }, (_, k) => {
      p[0] = axes[0][Math.floor(k / job.bins)];
      p[1] = axes[1][k % job.bins];
      return system.energy(p, 0);
    });
    const vmin = Math.min(...v);
    const exact = v.map((x) => x - vmin);
    fes2d = { axes, fes, exact, rmsVsExact: rmsAgainst(fes, exact, cutoff) };
  }

  return {
    runId: file.run.id,
    coordinateNames: [...job.coordinateNames],
    kT: job.kT,
    walkers: job.walkers,
    steps: job.steps,
    executor: summary.executor,
    executorReason: summary.executorReason,
    backend: summary.backend,
    walkerStepsPerSecond: summary.seconds > 0 ? summary.walkerSteps / summary.seconds : null,
    seconds: summary.seconds,
    samples: summary.samples,
    outside: summary.outside,
    profiles,
    fes2d,
  };
}
