/**
 * Free energies of user-drawn regions (intervals in 1D, rectangles and polygons in 2D) of a
 * finished run: F_R = -kT ln P(R), differences between regions, and errors.
 *
 * - Umbrella runs (toy systems): MBAR, binless (every sample inside the region counts with its
 *   MBAR weight; errors from MBAR's asymptotic covariance for disjoint regions) or WHAM at bin
 *   level (a bin belongs to a region when its centre does). bootstrap > 0 replaces the errors
 *   by the spread of bootstrap replicates (blocks of sqrt(g n / 2) samples, bias-corrected; seed
 *   reproducible). Without bootstrap, MBAR errors come from the decorrelated samples.
 * - Metadynamics runs: P from c(t)-reweighted COLVAR frames (first 20% of the run discarded) and
 *   its error from a block bootstrap over time of that same estimator (frame-regions.ts); the
 *   final-bias grid integral (sum over nodes inside of exp(-F/kT)) is reported beside it
 *   (gridFreeEnergy), and is the value only when the COLVAR has too few frames.
 * - Molecular runs: the run's FES grid (kJ/mol); no error bar (said in errorMethod).
 *
 * Region rules (closed regions, periodic images, min > max wraps): engine/estimators/regions.ts.
 * The work for umbrella and metadynamics runs runs in the analysis thread (analysis/thread.ts);
 * umbrella estimates go through the one umbrella-FES estimate (umbrella-fes/estimate.ts).
 */
import { ApiError } from '../schema/errors';
import type { MolecularResult, RegionFreeEnergiesResult, RegionSpec } from '../schema';
import { poolThreads, runReplicates } from '../runs/runtime/bootstrap-pool';
import { EngineInputError } from '../engine/errors';
import type { MbarUmbrellaResult } from '../engine/estimators/mbar-umbrella';
import { mbarBinFreeEnergies } from '../engine/estimators/mbar';
import { axisCenters, type GridAxis } from '../engine/estimators/histogram';
import { resampleColumns } from '../engine/estimators/bootstrap';
import { blockPlan, describeBlocks, windowInefficiencies } from '../engine/estimators/block-bootstrap';
import { ctLogWeights } from '../engine/estimators/reweight';
import { frameRegionFreeEnergies, MIN_BLOCKS } from '../engine/estimators/frame-regions';
import {
  checkRegions,
  gridMasks,
  pointMasks,
  regionCounts,
  regionProbabilities,
  relativeFreeEnergies,
  spread,
  type Region,
  type RegionAxis,
} from '../engine/estimators/regions';
import { Rng } from '../engine/random';
import { createSystem } from '../engine/systems';
import { BOLTZMANN_KJ_PER_MOL_K } from '../engine/molecules/dynamics/langevin';
import { colvarFields, metadFiles } from '../runs/metad/files';
import { createMetadBias } from '../runs/metad/task';
import { jobCvIndices } from '../runs/umbrella/window-task';
import type { MetadRunFile } from '../runs/run-file';
import { REWEIGHT_DISCARD_FRACTION } from './metad-result';
import { readNpyFile as readNpy } from './npy-file';
import { replicateProgress } from './progress';
import type { AnalysisRuntime } from './runtime';
import { estimateUmbrella } from './umbrella-fes/estimate';
import { defaultAxisRange, jobRestraints, loadWindowColumns, subsampleColumns, type UmbrellaFesInput } from './umbrella-fes/windows';

export interface RegionOptions {
  estimator?: 'wham' | 'mbar';
  bootstrap?: number;
  seed?: number;
  /** Umbrella runs: decorrelate each window by its statistical inefficiency first (as getFes). */
  subsample?: boolean;
}

const BINS_1D = 100;
const BINS_2D = 40;

const orNull = (v: number) => (Number.isFinite(v) ? v : null);

function check(regions: readonly RegionSpec[], axes: RegionAxis[]): Region[] {
  try {
    checkRegions(regions as Region[], axes);
  } catch (error) {
    if (error instanceof EngineInputError) throw new ApiError('invalid-input', error.message);
    throw error;
  }
  return regions as Region[];
}

function describeAxes(axes: RegionAxis[]): string {
  return axes.map((a) => `${a.name ?? 'x'} in [${fmt(a.min)}, ${fmt(a.max)}]${a.periodic ? ' (periodic)' : ''}`).join(', ');
}
const fmt = (v: number) => Number(v.toPrecision(4)).toString();

/** Refuses regions that catch nothing (outside the sampled range, or between grid nodes). */
function requireNonEmpty(regions: Region[], inside: number[], axes: RegionAxis[], what: string): void {
  const empty = regions.filter((_, i) => inside[i] === 0).map((r) => `"${r.name}"`);
  if (empty.length) {
    throw new ApiError(
      'invalid-input',
      `region${empty.length > 1 ? 's' : ''} ${empty.join(', ')} contain${empty.length > 1 ? '' : 's'} no ${what}: ${empty.length > 1 ? 'they lie' : 'it lies'} outside the data (${describeAxes(axes)}) or ${empty.length > 1 ? 'are' : 'is'} too small.`,
    );
  }
}

interface Assembly {
  regions: Region[];
  p: Float64Array;
  kT: number;
  /** Error of F_i - F_0 per region, and of F_j - F_i per pair i < j (row-major); NaN = none. */
  errors: Float64Array | null;
  pairErrors: Float64Array | null;
  samples: number[] | null;
  bins: number[] | null;
}

function assemble(a: Assembly): Pick<RegionFreeEnergiesResult, 'regions' | 'differences'> {
  const F = relativeFreeEnergies(a.p, a.kT, 0);
  let lowest = 0;
  for (let i = 1; i < a.p.length; i++) if (a.p[i] > a.p[lowest]) lowest = i;
  const fromLowest = relativeFreeEnergies(a.p, a.kT, lowest);
  const differences: RegionFreeEnergiesResult['differences'] = [];
  let k = 0;
  for (let i = 0; i < a.regions.length; i++) {
    for (let j = i + 1; j < a.regions.length; j++, k++) {
      differences.push({ from: a.regions[i].name, to: a.regions[j].name, deltaF: orNull(F[j] - F[i]), error: a.pairErrors ? orNull(a.pairErrors[k]) : null });
    }
  }
  return {
    regions: a.regions.map((r, i) => ({
      name: r.name,
      probability: a.p[i],
      freeEnergy: orNull(F[i]),
      freeEnergyFromLowest: orNull(fromLowest[i]),
      error: i === 0 ? 0 : a.errors ? orNull(a.errors[i]) : null,
      samples: a.samples ? a.samples[i] : null,
      bins: a.bins ? a.bins[i] : null,
    })),
    differences,
  };
}

/** Differences F_j - F_i (per pair i < j) and F_i - F_0 of one estimate. */
function differencesOf(p: Float64Array, kT: number): { vsFirst: number[]; pairs: number[] } {
  const f = Array.from(p, (v) => (v > 0 ? -kT * Math.log(v) : NaN));
  const pairs: number[] = [];
  for (let i = 0; i < f.length; i++) for (let j = i + 1; j < f.length; j++) pairs.push(f[j] - f[i]);
  return { vsFirst: f.map((v) => v - f[0]), pairs };
}

// ---------------------------------------------------------------- umbrella

function concat(columns: Float64Array[][], axis: number): Float64Array {
  const n = columns.reduce((s, c) => s + c[axis].length, 0);
  const out = new Float64Array(n);
  let o = 0;
  for (const c of columns) {
    out.set(c[axis], o);
    o += c[axis].length;
  }
  return out;
}

interface UmbrellaEstimate {
  p: Float64Array;
  mbar: MbarUmbrellaResult | null;
  sampleMasks: Uint8Array[];
  binsInside: number[] | null;
}

function umbrellaEstimate(
  file: UmbrellaFesInput,
  columns: Float64Array[][],
  gridAxes: GridAxis[],
  regions: Region[],
  regionAxes: RegionAxis[],
  estimator: 'wham' | 'mbar',
  skipErrors: boolean,
): UmbrellaEstimate {
  const { job } = file;
  const D = gridAxes.length;
  const kT = job.kT;
  const coords = Array.from({ length: D }, (_, a) => concat(columns, a));
  const sampleMasks = pointMasks(regions, regionAxes, coords);
  // Bootstrap replicates solve to 1e-7 kT (their spread is what counts), the full estimate to the default.
  const setup = { restraints: jobRestraints(job, D, (w) => `window ${w.index}`), axes: gridAxes, kT, estimator };
  const r = estimateUmbrella(setup, columns, { skipErrors, tolerance: skipErrors ? 1e-7 : undefined });
  if (r.mbar) {
    const lnw = r.mbar.solution.logD.map((v) => -v);
    return { p: regionProbabilities(lnw, sampleMasks), mbar: r.mbar, sampleMasks, binsInside: null };
  }
  const probability = r.probability;
  const masks = gridMasks(regions, regionAxes, gridAxes.map(axisCenters));
  const lnw = Float64Array.from(probability, (v) => (v > 0 ? Math.log(v) : -Infinity));
  return { p: regionProbabilities(lnw, masks), mbar: null, sampleMasks, binsInside: regionCounts(masks, lnw) };
}

/** MBAR covariance errors of F_j - F_i for disjoint regions (overlapping pairs: NaN). */
function mbarPairErrors(r: MbarUmbrellaResult, masks: Uint8Array[]): { vsFirst: Float64Array; pairs: Float64Array; overlapping: string[] } {
  const R = masks.length;
  const N = masks[0].length;
  const pairs = new Float64Array((R * (R - 1)) / 2).fill(NaN);
  const vsFirst = new Float64Array(R).fill(NaN);
  vsFirst[0] = 0;
  const overlapping: string[] = [];
  const labels = new Int32Array(N);
  let k = 0;
  for (let i = 0; i < R; i++) {
    for (let j = i + 1; j < R; j++, k++) {
      let shared = false;
      for (let n = 0; n < N; n++) {
        const a = masks[i][n];
        const b = masks[j][n];
        if (a && b) shared = true;
        labels[n] = a ? 0 : b ? 1 : -1;
      }
      if (shared) {
        overlapping.push(`${i}-${j}`);
        continue;
      }
      const res = mbarBinFreeEnergies(r.solution, r.covariance!, r.Nk, labels, 2);
      // df is the error of the non-reference bin relative to the reference one (0 for itself).
      pairs[k] = Math.max(res.df[0], res.df[1]) * r.kT;
      if (i === 0) vsFirst[j] = pairs[k];
    }
  }
  return { vsFirst, pairs, overlapping };
}

/** What one region bootstrap replicate needs; sent once to each bootstrap thread (runs/runtime/bootstrap-pool.ts). */
export interface RegionsReplicateJob {
  kind: 'regions';
  file: UmbrellaFesInput;
  columns: Float64Array[][];
  gridAxes: GridAxis[];
  regions: Region[];
  regionAxes: RegionAxis[];
  estimator: 'wham' | 'mbar';
  blockLengths: number[];
  seed: number;
}

/** Replicate r: resample every window with Rng(seed, r) and estimate the region differences again. */
export function regionsReplicate(job: RegionsReplicateJob, r: number): { vsFirst: number[]; pairs: number[] } {
  const res = resampleColumns(job.columns, job.blockLengths, new Rng(job.seed, r));
  return differencesOf(umbrellaEstimate(job.file, res, job.gridAxes, job.regions, job.regionAxes, job.estimator, true).p, job.file.job.kT);
}

export async function computeUmbrellaRegions(
  projectPath: string,
  file: UmbrellaFesInput,
  specs: RegionSpec[],
  opts: RegionOptions,
  runtime: AnalysisRuntime = {},
): Promise<RegionFreeEnergiesResult> {
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const progress = runtime.onProgress;
  const { job } = file;
  const cvs = jobCvIndices(job);
  const D = cvs.length === 2 ? 2 : 1;
  const system = createSystem(job.system);
  const names = cvs.map((c) => system.coordinateNames[c] ?? `coordinate ${c}`);
  let columns = await loadWindowColumns(projectPath, file);
  // g per window (largest over its CVs): subsampling stride, and bootstrap block length.
  const g = windowInefficiencies(columns);
  const raw = columns;
  if (opts.subsample) columns = subsampleColumns(columns, g);
  const regionAxes: RegionAxis[] = [];
  const gridAxes: GridAxis[] = [];
  for (let c = 0; c < D; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const w of columns) for (const v of w[c]) (lo = v < lo ? v : lo), (hi = v > hi ? v : hi);
    regionAxes.push({ min: lo, max: hi, periodic: false, name: names[c] });
    const [a, b] = defaultAxisRange(job, columns, c);
    gridAxes.push({ bins: D === 1 ? BINS_1D : BINS_2D, min: a, max: b, periodic: false });
  }
  const regions = check(specs, regionAxes);
  const estimator = opts.estimator ?? 'mbar';
  const replicates = opts.bootstrap ?? 0;
  const seed = opts.seed ?? 1;
  const kT = job.kT;
  const warnings: string[] = [];
  if (!opts.subsample && Math.max(...g) > 10) {
    warnings.push(`Strongly correlated samples (statistical inefficiency up to ${Math.max(...g).toFixed(0)}): slowly relaxing windows can bias the result; set subsample (decorrelate) or run longer.`);
  }

  // MBAR's asymptotic errors assume independent samples: unless the data were subsampled they come
  // from a second MBAR on the decorrelated samples (the value still uses every sample).
  const errorsFromDecorrelated = replicates === 0 && estimator === 'mbar' && !opts.subsample;
  progress?.({ fraction: 0.05, phase: `${estimator.toUpperCase()} estimate`, etaSeconds: null });
  const tEstimate = performance.now();
  const full = umbrellaEstimate(file, columns, gridAxes, regions, regionAxes, estimator, replicates > 0 || errorsFromDecorrelated);
  const estimateSeconds = (performance.now() - tEstimate) / 1000;
  const samples = regionCounts(full.sampleMasks);
  requireNonEmpty(regions, estimator === 'mbar' ? samples : full.binsInside!, regionAxes, estimator === 'mbar' ? 'samples' : 'sampled bins');

  let errors: Float64Array | null = null;
  let pairErrors: Float64Array | null = null;
  let errorMethod: string;
  if (replicates > 0) {
    const plan = blockPlan(columns, opts.subsample ? undefined : g);
    const vs: number[][] = regions.map(() => []);
    const ps: number[][] = Array.from({ length: (regions.length * (regions.length - 1)) / 2 }, () => []);
    const pool = { ...runtime.pool, predictedSeconds: estimateSeconds * replicates };
    const onReplicate = replicateProgress(elapsed(), estimateSeconds, poolThreads(replicates, pool), replicates, progress, 'bootstrap replicates');
    const job: RegionsReplicateJob = { kind: 'regions', file, columns, gridAxes, regions, regionAxes, estimator, blockLengths: plan.blockLengths, seed };
    for (const d of await runReplicates(job, replicates, regionsReplicate, { ...pool, onProgress: onReplicate })) {
      d.vsFirst.forEach((v, i) => vs[i].push(v));
      d.pairs.forEach((v, i) => ps[i].push(v));
    }
    const scale = Math.sqrt(plan.varianceFactor);
    errors = Float64Array.from(vs, (v) => scale * spread(v));
    pairErrors = Float64Array.from(ps, (v) => scale * spread(v));
    errorMethod = `bootstrap (${replicates} replicates, seed ${seed}, ${describeBlocks(plan)}${opts.subsample ? ', decorrelated samples' : ''})`;
  } else if (full.mbar) {
    if (errorsFromDecorrelated) progress?.({ fraction: 0.6, phase: 'MBAR errors from the decorrelated samples', etaSeconds: estimateSeconds / 2 });
    const source = errorsFromDecorrelated
      ? umbrellaEstimate(file, subsampleColumns(raw, g), gridAxes, regions, regionAxes, 'mbar', false)
      : full;
    const e = mbarPairErrors(source.mbar!, source.sampleMasks);
    errors = e.vsFirst;
    pairErrors = e.pairs;
    errorMethod = errorsFromDecorrelated
      ? 'MBAR asymptotic covariance (binless) of the decorrelated samples (every g-th sample per window); values from all samples'
      : 'MBAR asymptotic covariance (binless) of the subsampled data';
    if (e.overlapping.length) warnings.push(`Overlapping regions (pairs ${e.overlapping.join(', ')}) get no MBAR error for their difference; use bootstrap.`);
  } else {
    errorMethod = 'none: WHAM gives no error bars without a bootstrap (set bootstrap >= 2)';
  }
  const a = assemble({ regions, p: full.p, kT, errors, pairErrors, samples, bins: full.binsInside });
  return {
    runId: file.run.id,
    source: estimator === 'mbar' ? 'umbrella-mbar' : 'umbrella-wham',
    dims: D as 1 | 2,
    cvNames: names,
    axes: regionAxes.map(({ min, max, periodic }) => ({ min, max, periodic })),
    kT,
    energyUnit: 'energy',
    ...a,
    errorMethod,
    warnings,
  };
}

// ---------------------------------------------------------------- metadynamics

export async function computeMetadRegions(projectPath: string, file: MetadRunFile, specs: RegionSpec[]): Promise<RegionFreeEnergiesResult> {
  const { job } = file;
  const files = metadFiles(projectPath, file.run.id);
  const system = createSystem(job.system);
  const nodes = createMetadBias(job).axes();
  const regionAxes: RegionAxis[] = nodes.map((a, i) => ({ min: a[0], max: a[a.length - 1], periodic: false, name: job.cvNames[i] }));
  const regions = check(specs, regionAxes);
  const kT = job.kT;
  const fes = await readNpy(files.fesNpy);
  const total = nodes.reduce((n, a) => n * a.length, 1);
  if (fes.data.length !== total) throw new ApiError('bad-file', `${files.fesNpy} holds ${fes.data.length} values; the run's grid has ${total}.`, { path: files.fesNpy });
  const masks = gridMasks(regions, regionAxes, nodes);
  const lnw = Float64Array.from(fes.data, (f) => (Number.isFinite(f) ? -f / kT : -Infinity));
  const bins = regionCounts(masks, lnw);
  requireNonEmpty(regions, bins, regionAxes, 'grid nodes');
  let p = regionProbabilities(lnw, masks);

  // Value and error from the same estimator: c(t)-reweighted COLVAR frames (after the first
  // REWEIGHT_DISCARD_FRACTION of the run), errors by a block bootstrap over time of that estimator
  // (engine/estimators/frame-regions.ts). The grid integral is reported beside it (gridFreeEnergy).
  const fields = colvarFields(system.coordinateNames);
  const colvar = await readNpy(files.colvarNpy);
  const width = fields.length;
  const walkers = Math.max(1, job.walkers);
  const rows = colvar.shape[0] ?? 0;
  const first = Math.floor(rows / walkers * REWEIGHT_DISCARD_FRACTION) * walkers;
  const col = (j: number) => {
    const out = new Float64Array(rows - first);
    for (let r = first; r < rows; r++) out[r - first] = colvar.data[r * width + j];
    return out;
  };
  const warnings: string[] = [];
  let errors: Float64Array | null = null;
  let pairErrors: Float64Array | null = null;
  let samples: number[] | null = null;
  let source: RegionFreeEnergiesResult['source'] = 'metad-grid';
  let errorMethod = 'none: the COLVAR file has too few frames for reweighting; values from the final bias grid, which carries no error';
  let gridP: Float64Array | null = null;
  if (colvar.shape.length === 2 && colvar.shape[1] === width && (rows - first) / walkers >= 4 * MIN_BLOCKS) {
    const lnwFrames = ctLogWeights(col(fields.indexOf('metad.bias')), col(fields.indexOf('metad.rct')), kT);
    const frameMasks = pointMasks(regions, regionAxes, job.cvIndices.map((c) => col(2 + c)));
    const est = frameRegionFreeEnergies(lnwFrames, frameMasks, kT, walkers, { seed: 1 });
    samples = est.samples;
    const unseen = regions.filter((_, i) => samples![i] === 0).map((r) => `"${r.name}"`);
    if (unseen.length) {
      warnings.push(`No reweighted frames fell in ${unseen.join(', ')}: values from the final bias grid there, and no error bar.`);
    } else {
      gridP = p;
      p = est.probability;
      errors = est.errors;
      pairErrors = est.pairErrors;
      source = 'metad-reweighted';
      errorMethod =
        `block bootstrap over time (${est.replicates} replicates, blocks of ${est.blockLength} of ${est.times} time points, g = ${est.g.toFixed(0)}, bias-corrected) ` +
        `of the c(t)-reweighted COLVAR frames that give the values (first ${REWEIGHT_DISCARD_FRACTION * 100}% of the run discarded); gridFreeEnergy is the final-bias grid integral for comparison`;
      if (est.blocks < MIN_BLOCKS) warnings.push(`The error bars rest on only ${est.blocks.toFixed(1)} independent blocks of time (fewer than ${MIN_BLOCKS}): run longer for reliable errors.`);
    }
  }
  const a = assemble({ regions, p, kT, errors, pairErrors, samples, bins });
  if (gridP) {
    const gridF = relativeFreeEnergies(gridP, kT, 0);
    a.regions.forEach((r, i) => {
      r.gridFreeEnergy = orNull(gridF[i]);
      r.reweightedFreeEnergy = r.freeEnergy;
    });
  }
  return {
    runId: file.run.id,
    source,
    dims: nodes.length as 1 | 2,
    cvNames: job.cvNames,
    axes: regionAxes.map(({ min, max, periodic }) => ({ min, max, periodic })),
    kT,
    energyUnit: 'energy',
    ...a,
    errorMethod,
    warnings,
  };
}

// ---------------------------------------------------------------- molecular runs

/** Regions of a molecular run's FES grid (kJ/mol; periodic CVs on [-pi, pi)). Cheap: main thread. */
export function molecularRegions(result: MolecularResult, specs: RegionSpec[]): RegionFreeEnergiesResult {
  const fes = result.fes;
  if (!fes) throw new ApiError('invalid-input', `Run ${result.runId} has no free-energy surface (it needs 1 or 2 CVs).`);
  const kT = BOLTZMANN_KJ_PER_MOL_K * result.temperature;
  const regionAxes: RegionAxis[] = fes.axes.map((a, i) => {
    const periodic = result.cvPeriodic[result.cvNames.indexOf(fes.cvNames[i])] ?? false;
    return periodic ? { min: -Math.PI, max: Math.PI, periodic, name: fes.cvNames[i] } : { min: a[0], max: a[a.length - 1], periodic, name: fes.cvNames[i] };
  });
  const regions = check(specs, regionAxes);
  const masks = gridMasks(regions, regionAxes, fes.axes);
  const lnw = Float64Array.from(fes.fes, (f) => (f !== null && Number.isFinite(f) ? -f / kT : -Infinity));
  const bins = regionCounts(masks, lnw);
  requireNonEmpty(regions, bins, regionAxes, 'sampled bins');
  const a = assemble({ regions, p: regionProbabilities(lnw, masks), kT, errors: null, pairErrors: null, samples: null, bins });
  return {
    runId: result.runId,
    source: 'molecular-grid',
    dims: fes.axes.length as 1 | 2,
    cvNames: fes.cvNames,
    axes: regionAxes.map(({ min, max, periodic }) => ({ min, max, periodic })),
    kT,
    energyUnit: 'kJ/mol',
    ...a,
    errorMethod: `none: integrated from the run's ${fes.source} free-energy grid, which carries no error estimate`,
    warnings: [],
  };
}
