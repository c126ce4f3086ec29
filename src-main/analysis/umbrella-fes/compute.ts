/**
 * Free energy of a finished umbrella run in the app (1D profile or 2D surface): WHAM or MBAR on
 * the saved window series, statistical inefficiency per window (and optional decorrelated
 * subsampling), optional bootstrap errors, basins with free-energy differences, and the exact
 * answer from quadrature where the system has one. the getFes handler (api/handlers.ts) serves it; the analysis thread runs it.
 *
 * Default histogram range per CV: [min centre - 3 sigma, max centre + 3 sigma] with
 * sigma = sqrt(kT / spring) (the width of a window's bias alone), clipped to the range the
 * samples actually cover so no empty bins pad the ends; 100 bins in 1D, 40 x 40 in 2D.
 * Caller-given bins/min/max win.
 *
 * Main-process budget: the estimate itself runs in one go (WHAM/MBAR on the run's samples, tens
 * to hundreds of ms for app-sized studies); the bootstrap runs one replicate at a time and
 * yields to the event loop between replicates, so a long bootstrap delays other calls by at most
 * one replicate. Replicate r uses Rng(seed, r) and the same resampling as the CLI
 * (engine/estimators/bootstrap.ts), so a seed reproduces the error bars exactly.
 */
import { ApiError } from '../../schema/errors';
import type { FesBasin, FesGrid2d, FesResult } from '../../schema';
import { mbarRegionFreeEnergies } from '../../engine/estimators/mbar-umbrella';
import { regionFreeEnergies } from '../../engine/estimators/bootstrap';
import { blockPlan, describeBlocks, windowInefficiencies } from '../../engine/estimators/block-bootstrap';
import { findBasins } from '../../engine/estimators/basins';
import { axisCenters, type GridAxis } from '../../engine/estimators/histogram';
import { exactProfile, exactWindowFreeEnergies } from '../../engine/estimators/exact';
import { exactRegionLogWeights1d, exactSurface2d } from '../../engine/estimators/exact-fes';
import { binCounts, histogramOverlap, overlap2d } from '../../engine/estimators/overlap';
import { logSumExp } from '../../engine/stats/log-sum-exp';
import { createSystem } from '../../engine/systems';
import { poolThreads } from '../../runs/runtime/bootstrap-pool';
import { jobCvIndices } from '../../runs/umbrella/window-task';
import { replicateProgress } from '../progress';
import type { AnalysisRuntime } from '../runtime';
import { argminFinite, bootstrapFes, estimateUmbrella, type Setup } from './estimate';
import { defaultAxisRange, jobRestraints, loadWindowColumns, subsampleColumns, windowCentre, type UmbrellaFesInput } from './windows';

export const DEFAULT_FES_BINS = 100;
export const DEFAULT_FES_BINS_2D = 40;
/** Basins shallower than this (kT) are merged into a neighbour by default: sampling noise is ~0.1 kT. */
export const DEFAULT_MIN_DEPTH_KT = 0.5;
/** Windows with fewer effectively independent samples (N / g) than this get a warning. */
export const FEW_SAMPLES = 50;
/** Basins smaller than this many bins (1D, 2D) are dropped as noise islands. */
const MIN_BASIN_BINS = [2, 6];
/** A 2D window whose best overlap with any other window is below this is flagged (as wham.ts in 1D). */
export const MIN_OVERLAP_2D = 0.03;

export interface FesOptions {
  bins?: number;
  min?: number;
  max?: number;
  binsY?: number;
  minY?: number;
  maxY?: number;
  estimator?: 'wham' | 'mbar';
  bootstrap?: number;
  seed?: number;
  subsample?: boolean;
  minDepth?: number;
}

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const seconds = (t0: number) => (performance.now() - t0) / 1000;

function rows(flat: ArrayLike<number>, nx: number, ny: number, map: (v: number) => number | null): (number | null)[][] {
  const out: (number | null)[][] = [];
  for (let i = 0; i < nx; i++) {
    const row: (number | null)[] = [];
    for (let j = 0; j < ny; j++) row.push(map(flat[i * ny + j]));
    out.push(row);
  }
  return out;
}

function sum(a: number[]): number {
  return a.reduce((s, v) => s + v, 0);
}

export async function computeFes(projectPath: string, file: UmbrellaFesInput, opts: FesOptions, runtime: AnalysisRuntime = {}): Promise<FesResult> {
  const tStart = performance.now();
  const progress = runtime.onProgress;
  const { job, run } = file;
  const cvs = jobCvIndices(job);
  const dims = cvs.length === 2 ? 2 : 1;
  const kT = job.kT;
  const estimator = opts.estimator ?? 'wham';
  const replicates = opts.bootstrap ?? 0;
  const seed = opts.seed ?? 1;
  const minDepth = (opts.minDepth ?? DEFAULT_MIN_DEPTH_KT) * kT;
  if (replicates === 1 || replicates < 0) throw new ApiError('invalid-input', 'bootstrap: needs at least 2 replicates (or 0 for none).');
  const system = createSystem(job.system);
  const names = cvs.map((c) => system.coordinateNames[c] ?? `coordinate ${c}`);

  let columns = await loadWindowColumns(projectPath, file);
  const warnings: string[] = [];

  // Statistical inefficiency (always: it is what tells a user whether the error bars mean anything).
  const g = windowInefficiencies(columns);
  const before = columns.map((c) => c[0].length);
  if (opts.subsample) columns = subsampleColumns(columns, g);
  const after = columns.map((c) => c[0].length);
  const few = g.map((gk, k) => ({ k, n: before[k] / gk })).filter((w) => w.n < FEW_SAMPLES);
  if (few.length) {
    warnings.push(
      `Few independent samples (N/g < ${FEW_SAMPLES}) in window${few.length > 1 ? 's' : ''} ${few.map((w) => `${w.k} (${w.n.toFixed(0)})`).join(', ')}: ` +
        'errors are unreliable; run longer or add walkers.',
    );
  }
  if (!opts.subsample && Math.max(...g) > 10) {
    warnings.push(
      `Strongly correlated samples (statistical inefficiency up to ${Math.max(...g).toFixed(0)}): with every sample counted, ` +
        'slowly relaxing windows weigh in far beyond their information and can bias the result. Tick "Subsample" (decorrelate), or run longer.',
    );
  }
  await yieldToEventLoop();

  // Axes.
  const axes: GridAxis[] = [];
  for (let c = 0; c < dims; c++) {
    const [dlo, dhi] = defaultAxisRange(job, columns, c);
    const min = (c === 0 ? opts.min : opts.minY) ?? dlo;
    const max = (c === 0 ? opts.max : opts.maxY) ?? dhi;
    const field = c === 0 ? 'max' : 'maxY';
    if (!(max > min)) throw new ApiError('invalid-input', `${field}: the histogram range must have max > min (got min ${min}, max ${max}).`);
    const bins = c === 0 ? (opts.bins ?? (dims === 1 ? DEFAULT_FES_BINS : DEFAULT_FES_BINS_2D)) : (opts.binsY ?? opts.bins ?? DEFAULT_FES_BINS_2D);
    axes.push({ bins, min, max, periodic: false });
  }
  // Labels name windows in the estimators' warnings.
  const label = dims === 1 ? (w: (typeof job.windows)[number]) => `centre ${w.centers[0]}` : (w: (typeof job.windows)[number]) => `centre (${windowCentre(w, 0)}, ${windowCentre(w, 1)})`;
  const setup: Setup = { restraints: jobRestraints(job, dims, label), axes, kT, estimator };
  const [nx, ny] = [axes[0].bins, dims === 2 ? axes[1].bins : 1];

  // The estimate (and, in 1D, WHAM's histograms and overlap, which the plots show for both estimators).
  const tEst = performance.now();
  // MBAR's asymptotic errors assume independent samples: unless the data were subsampled, they
  // come from a second MBAR on the decorrelated samples (the value still uses every sample).
  const errorsFromDecorrelated = replicates === 0 && estimator === 'mbar' && !opts.subsample;
  const full = estimateUmbrella(setup, columns, { skipErrors: replicates > 0 || errorsFromDecorrelated });
  const estimateSeconds = seconds(tEst);
  warnings.push(...full.warnings.filter((w) => !/did not converge/.test(w)));
  let histograms: number[][];
  let overlap: number[][];
  let counts2d: Float64Array | null = null;
  if (dims === 1) {
    if (full.wham1d) {
      histograms = full.wham1d.histograms.map((h) => Array.from(h));
      overlap = full.wham1d.overlap.map((r) => Array.from(r));
    } else {
      histograms = columns.map((c) => binCounts(c[0], axes[0]));
      overlap = histogramOverlap(histograms);
      const order = job.windows.map((w, k) => ({ c: w.centers[0], k })).sort((a, b) => a.c - b.c);
      const gaps = order.slice(1).map((w, i) => ({ a: order[i].k, b: w.k, o: overlap[order[i].k][w.k] })).filter((p) => p.o < MIN_OVERLAP_2D);
      if (gaps.length) {
        warnings.push(
          `Adjacent windows ${gaps.map((p) => `${p.a}–${p.b}`).join(', ')} do not overlap (histogram overlap < ${MIN_OVERLAP_2D}); ` +
            'the profile across those gaps is not determined by the data. Add windows or lower the spring.',
        );
      }
    }
  } else {
    const o = overlap2d(columns, axes);
    overlap = o.overlap;
    counts2d = o.counts;
    histograms = columns.map((c) => binCounts(c[0], axes[0]));
    const isolated = overlap.map((row, i) => ({ i, best: Math.max(0, ...row.filter((_, j) => j !== i)) })).filter((w) => w.best < MIN_OVERLAP_2D);
    if (isolated.length && overlap.length > 1) {
      warnings.push(
        `Windows that overlap no other window (best overlap < ${MIN_OVERLAP_2D}): ${isolated.slice(0, 12).map((w) => w.i).join(', ')}${isolated.length > 12 ? ', …' : ''}. ` +
          'The surface is not connected there; add windows or lower the springs.',
      );
    }
  }
  await yieldToEventLoop();

  // Basins on the estimated surface.
  const found = findBasins({ values: full.pmf, nx, ny, periodicX: !!axes[0].periodic, periodicY: dims === 2 && !!axes[1].periodic }, { minDepth });
  // Islands of a few sampled bins cut off by empty bins (sparse high-F rims of 2D data) cannot
  // merge with anything and are noise, not basins: leave them unlabelled.
  const keep = found.basins.filter((b) => b.size >= MIN_BASIN_BINS[dims - 1] || found.basins.length === 1);
  const newId = new Map(keep.map((b, i) => [b.id, i]));
  const labels = found.labels.map((l) => (l >= 0 ? (newId.get(l) ?? -1) : -1));
  const basins = keep.map((b, i) => ({ ...b, id: i }));
  const count = basins.length;
  const rawFe = count ? regionFreeEnergies(full.probability, labels, count, kT, 0) : new Float64Array(0);
  const lowest = argminFinite(rawFe);
  let basinFe = rawFe.map((v) => v - rawFe[lowest]);
  let basinErr: Float64Array | null = null;

  // Errors.
  let pmfError: Float64Array | null = null;
  let windowFreeEnergiesError: Float64Array | null = null;
  let errorMethod: string | undefined;
  let bootstrapInfo: FesResult['bootstrap'];
  const tBoot = performance.now();
  if (replicates > 0) {
    // Blocks of sqrt(g n / 2) samples with the block-bias correction (block-bootstrap.ts); on
    // subsampled data g is close to 1 and so are the blocks.
    const plan = blockPlan(columns, opts.subsample ? undefined : g);
    const pool = { ...runtime.pool, predictedSeconds: estimateSeconds * replicates };
    const onReplicate = replicateProgress(seconds(tStart), estimateSeconds, poolThreads(replicates, pool), replicates, progress, 'bootstrap replicates');
    const b = await bootstrapFes(setup, columns, full, replicates, seed, plan, count ? { labels, count, reference: lowest } : null, { ...pool, onProgress: onReplicate });
    pmfError = b.pmfError;
    windowFreeEnergiesError = b.windowFreeEnergiesError;
    basinErr = b.regionError;
    errorMethod = `bootstrap (${replicates} replicates, seed ${seed}, ${describeBlocks(plan)})`;
    bootstrapInfo = { replicates, seed, unconverged: b.unconverged, threads: poolThreads(replicates, pool) };
    if (b.unconverged) warnings.push(`${b.unconverged} of ${replicates} bootstrap replicates did not converge; their values were still used.`);
  } else if (full.mbar) {
    let source = full.mbar;
    if (errorsFromDecorrelated) {
      progress?.({ fraction: 0.6, phase: 'MBAR errors from the decorrelated samples', etaSeconds: estimateSeconds / 2 });
      const decorrelated = subsampleColumns(columns, g);
      source = estimateUmbrella(setup, decorrelated, { skipErrors: false, initial: Float64Array.from(full.mbar.solution.f) }).mbar!;
    }
    pmfError = source.pmfError;
    windowFreeEnergiesError = source.windowFreeEnergiesError;
    errorMethod = errorsFromDecorrelated ? 'MBAR asymptotic covariance of the decorrelated samples (every g-th sample per window)' : 'MBAR asymptotic covariance';
    if (count && source.covariance) {
      // Errors of the basins from the same (decorrelated) MBAR; their values from all samples.
      basinErr = mbarRegionFreeEnergies(source, labels, count).error;
      if (!errorsFromDecorrelated) {
        const r = mbarRegionFreeEnergies(full.mbar, labels, count);
        basinFe = r.freeEnergy.map((v) => v - r.freeEnergy[lowest]);
      }
    }
  }
  const bootstrapSeconds = replicates > 0 ? seconds(tBoot) : 0;
  if (!full.converged) warnings.push(`${estimator.toUpperCase()} did not converge to ${full.tolerance} kT within ${full.iterations} iterations; results are approximate.`);

  // Exact answers.
  let exact: FesResult['exact'];
  let exactBasinLog: Float64Array | null = null;
  let exactGrid: number[][] | null = null;
  const location = (bin: number): number[] => {
    const ix = Math.floor(bin / ny);
    return dims === 1 ? [axisCenters(axes[0])[bin]] : [axisCenters(axes[0])[ix], axisCenters(axes[1])[bin % ny]];
  };
  const xCenters = axisCenters(axes[0]);
  try {
    // V on two CVs is the surface only when they are all the coordinates; quadrature covers 1D/2D.
    if (system.dim > 2) throw new Error(`exact quadrature covers systems of 1 or 2 coordinates; this one has ${system.dim}`);
    if (dims === 1) {
      const pmf = exactProfile(system, job.cvIndex, kT, xCenters);
      const f = exactWindowFreeEnergies(system, job.cvIndex, kT, job.windows.map((w) => ({ center: w.centers[0], spring: w.springs[0] })));
      exact = { centers: Array.from(xCenters), pmf: Array.from(pmf), windowFreeEnergies: Array.from(f) };
      if (count) exactBasinLog = exactRegionLogWeights1d(system, job.cvIndex, kT, axes[0], labels, count);
    } else {
      const e = exactSurface2d(system, cvs, kT, axes, labels, count, setup.restraints);
      exactGrid = e.grid;
      exactBasinLog = count ? e.basinLogWeights : null;
      // Marginal along the first CV over the same range of the second as the estimate.
      const marg = e.grid.map((row) => -kT * logSumExp(row.map((v) => -v / kT)));
      const m = Math.min(...marg);
      exact = { centers: Array.from(xCenters), pmf: marg.map((v) => v - m), windowFreeEnergies: e.windowFreeEnergies };
    }
  } catch (error) {
    warnings.push(`The exact answer could not be computed: ${(error as Error).message}`);
  }

  const basinReports: FesBasin[] = basins.map((b, i) => ({
    id: b.id,
    minimum: location(b.minimumBin),
    freeEnergy: basinFe[i],
    error: basinErr ? finiteOrNull(basinErr[i]) : null,
    ...(exactBasinLog ? { exactFreeEnergy: finiteOrNull(-kT * (exactBasinLog[i] - exactBasinLog[lowest])) } : {}),
  }));

  // 1D view of a 2D surface: the marginal along the first CV.
  const centers = Array.from(xCenters);
  let pmf1d: (number | null)[];
  if (dims === 1) {
    pmf1d = Array.from(full.pmf, finiteOrNull);
  } else {
    const px = new Float64Array(nx);
    for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) px[i] += full.probability[i * ny + j];
    const pmax = Math.max(...px);
    pmf1d = Array.from(px, (p) => (p > 0 ? -kT * Math.log(p / pmax) : null));
  }

  let grid: FesGrid2d | undefined;
  if (dims === 2) {
    const yCenters = axisCenters(axes[1]);
    grid = {
      xName: names[0],
      yName: names[1],
      xCenters: Array.from(xCenters),
      yCenters: Array.from(yCenters),
      periodic: [!!axes[0].periodic, !!axes[1].periodic],
      pmf: rows(full.pmf, nx, ny, finiteOrNull),
      ...(pmfError ? { pmfError: rows(pmfError, nx, ny, finiteOrNull) } : {}),
      basinMap: rows(labels, nx, ny, (v) => v) as number[][],
      counts: rows(counts2d!, nx, ny, (v) => v) as number[][],
      windowCenters: job.windows.map((w) => [windowCentre(w, 0), windowCentre(w, 1)] as [number, number]),
      ...(exactGrid ? { exact: { pmf: exactGrid } } : {}),
    };
  }

  const result: FesResult = {
    runId: run.id,
    dims,
    estimator,
    cvName: dims === 2 ? `${names[0]} (marginal over ${names[1]})` : names[0],
    kT,
    centers,
    pmf: pmf1d,
    windowCenters: job.windows.map((w) => w.centers[0]),
    windowFreeEnergies: Array.from(full.windowFreeEnergies),
    histograms,
    overlap,
    iterations: full.iterations,
    converged: full.converged,
    tolerance: full.tolerance,
    warnings: [...new Set(warnings)],
    exact,
    statisticalInefficiency: g,
    subsampling: { applied: !!opts.subsample, samplesBefore: before, samplesAfter: after, keptFraction: sum(after) / sum(before) },
    basins: basinReports,
    timing: { estimateSeconds, bootstrapSeconds, totalSeconds: seconds(tStart) },
  };
  if (dims === 1) result.basinLabels = Array.from(labels);
  if (pmfError && dims === 1) result.pmfError = Array.from(pmfError, finiteOrNull);
  if (windowFreeEnergiesError) result.windowFreeEnergiesError = Array.from(windowFreeEnergiesError, finiteOrNull);
  if (errorMethod) result.errorMethod = errorMethod;
  if (bootstrapInfo) result.bootstrap = bootstrapInfo;
  if (grid) result.grid = grid;
  return result;
}
