/**
 * The sampling and estimate stages of a study along a coordinate sampled by well-tempered
 * metadynamics (`sampling.method: "metad"`) or by plain unbiased walkers (`"md"`), through the
 * app's metadynamics run (startMetadRun, getMetadResult).
 *
 * Plain MD is a metadynamics run whose pace lies beyond its last step: no hill is ever deposited,
 * the bias stays zero and the COLVAR holds unbiased frames of every walker (the app has no other
 * toy run kind that keeps per-frame configurations; ensemble runs keep histograms only).
 */
import type { MetadParams, RunRecord } from '../api/contract';
import { ApiError } from '../api/contract';
import type { AppContext } from '../api/handlers';
import { exactProfile } from '../engine/estimators/exact';
import type { ToySystem } from '../engine/systems/types';
import { callApi } from './api-client';
import type { Sampling } from './schema';
import { blockHistogramFes, interpolate, metadReweightingSeries, readMetadWalkers, type SamplingStageValue } from './sampling-runs';
import { column } from './fold';

type MetadOrMd = Exclude<Sampling, { method: 'umbrella' }>;

/** Blocks of the block-averaged FES errors (10: the usual compromise between block length and count). */
const FES_BLOCKS = 10;

export function metadRunParams(s: MetadOrMd, cvIndex: number, kT: number, seed: number): MetadParams {
  if (cvIndex > 1) throw new ApiError('invalid-input', `cvs: metadynamics and md studies run along the first or second coordinate (x or y); coordinate ${cvIndex + 1} is not supported`);
  const common = { cvIndices: [cvIndex], kT, dt: s.dt, steps: s.steps, walkers: s.walkers, colvarStride: s.stride, seed, integrator: 'overdamped' as const, friction: 10, mass: 1 };
  if (s.method === 'metad') {
    return { ...common, sigma: [s.sigma], height: s.height, pace: s.pace, biasFactor: s.biasFactor, ...(s.grid ? { gridBins: [s.grid] } : {}) };
  }
  // No hill is ever deposited (pace > steps): the hill shape below never enters the dynamics.
  return { ...common, sigma: [(s.range[1] - s.range[0]) / 20], height: kT, pace: s.steps + 1, biasFactor: 10 };
}

export function startCoordinateMetad(context: AppContext, projectPath: string, systemId: string, studyName: string, s: MetadOrMd, cvIndex: number, kT: number, seed: number): Promise<RunRecord> {
  const params = metadRunParams(s, cvIndex, kT, seed);
  const label = s.method === 'metad' ? 'metadynamics' : 'md (unbiased walkers)';
  return callApi(context, 'startMetadRun', { projectPath, systemId, name: `${studyName}: ${label}`, params });
}

/**
 * The estimate stage of a metad/md study: F on the study's bins over its range (energy units, min 0).
 * metad: F is the c(t)-reweighted histogram (Tiwary and Parrinello 2015; the app's reweighted
 * profile, here on the study's bins) of the frames after the first 20%, dF its block standard
 * error; the app's final-bias FES (getMetadResult) is kept beside it as finalBiasF.
 * md: the histogram FES of the unbiased frames and its block errors.
 */
export async function estimateFromMetad(
  context: AppContext, projectPath: string, sampling: SamplingStageValue, system: ToySystem, cvIndex: number, kT: number,
  axis: { bins: number; min: number; max: number },
) {
  const walkers = readMetadWalkers(projectPath, sampling.runId, system.coordinateNames);
  const cv = walkers.frames.map((f) => column(f, system.dim, cvIndex));
  let F: (number | null)[];
  let dF: (number | null)[];
  let centers: number[];
  let errorMethod: string;
  const warnings: string[] = [];
  let finalBiasF: (number | null)[] | null = null;
  if (sampling.method === 'metad') {
    const { series, logWeights } = metadReweightingSeries(cv, walkers.bias, walkers.rct, kT);
    const blocks = blockHistogramFes(series, logWeights, axis, kT, FES_BLOCKS);
    ({ centers, F, dF } = blocks);
    errorMethod = `block standard error over ${blocks.blocks} time blocks of the c(t)-reweighted histogram (first 20% of frames dropped)`;
    // The final bias, -(G/(G-1)) V, beside it: it converges more slowly than the reweighted
    // frames (on the fast/slow test it kept a tilt of ~0.4 kT across the range at 8 x 4e5 steps).
    const result = await callApi(context, 'getMetadResult', { projectPath, runId: sampling.runId });
    const raw = centers.map((c) => interpolate(result.axes[0], result.fes, c));
    const lowest = Math.min(...raw.filter((v): v is number => v !== null));
    finalBiasF = raw.map((v) => (v === null ? null : v - lowest));
    if (result.hills === 0) warnings.push('no hill was deposited: raise steps or lower pace');
  } else {
    const blocks = blockHistogramFes(cv, null, axis, kT, FES_BLOCKS);
    ({ centers, F, dF } = blocks);
    errorMethod = `block standard error over ${blocks.blocks} time blocks of the unbiased histogram`;
    const empty = F.filter((v) => v === null).length;
    if (empty) warnings.push(`${empty} of ${axis.bins} bins hold no frame: the walkers did not reach all of sampling.range (lengthen steps or narrow the range)`);
  }
  return {
    cv: system.coordinateNames[cvIndex], centers, F, dF, unit: 'kT' as const, kT,
    exact: system.dim <= 2 ? { centers, F: Array.from(exactProfile(system, cvIndex, kT, Float64Array.from(centers))) } : null,
    // Short: the report uppercases it in the plot legend. errorMethod says how F and dF were made.
    estimator: sampling.method === 'metad' ? 'metad c(t)' : 'md histogram',
    errorMethod, warnings, finalBiasF,
  };
}
