/**
 * `liftwell fes`: free-energy profile from Grossfield WHAM input (metadata + window time series).
 * Input reading and the estimate are the shared umbrella-FES pipeline (analysis/umbrella-fes/);
 * this file parses options, adds errors and basins, and prints.
 */
import { resolve } from 'node:path';
import type { UmbrellaWindow } from '../../engine/estimators/wham';
import type { UmbrellaWindow2d, Wham2dResult } from '../../engine/estimators/wham2d';
import { mbarRegionFreeEnergies, type MbarUmbrellaResult } from '../../engine/estimators/mbar-umbrella';
import { bootstrapMbar, bootstrapWham1d, bootstrapWham2d, regionFreeEnergies, type Bootstrap2dResult } from '../../engine/estimators/bootstrap';
import { decorrelateColumns, type SubsampleSummary } from '../../engine/estimators/autocorr';
import { blockPlan } from '../../engine/estimators/block-bootstrap';
import { findBasins } from '../../engine/estimators/basins';
import type { GridAxis } from '../../engine/estimators/histogram';
import { LIMITS } from '../../schema/limits';
import { checkAtMost } from '../../api/limit-checks';
import { estimateUmbrella } from '../../analysis/umbrella-fes/estimate';
import { readWhamInput } from '../../analysis/umbrella-fes/grossfield';
import { CliUsageError, integerOption, numberListOption, numberOption, parseCommandArgs, parseNumber, positiveOption, requireString } from '../args';
import { printJson } from '../output';

/** Kept for callers of the old place (the parser lives beside the 1D one). */
export { parseWhamMetadata2d } from '../../engine/io/grossfield';

export const fesHelp = `liftwell fes --metadata FILE --bins N --range=MIN,MAX [--kT VALUE] [--periodic] [--tolerance T]
            [--estimator wham|mbar] [--bootstrap N [--seed S]] [--subsample] [--min-depth E] --json
liftwell fes --dims 2 --metadata FILE --bins NX,NY --range=XMIN,XMAX,YMIN,YMAX [--periodic x,y] ... --json

Free-energy profile (PMF) by WHAM or MBAR from Grossfield wham input (1D) or wham-2d-style input (2D).
  --metadata FILE   lines "path centre spring [correlation_time [temperature]]"; paths relative
                    to FILE; '#' starts a comment. Bias = 0.5*spring*(x-centre)^2.
  --bins N          number of histogram bins over the range
  --range=MIN,MAX   CV range (use '=' so negative numbers parse)
  --kT VALUE        thermal energy in the unit of the springs (default 1: energies in kT)
  --periodic        the CV is periodic with period MAX-MIN
  --tolerance T     convergence: max change of any window free energy, in kT (default 1e-10)
  --estimator E     wham (default) or mbar (Shirts & Chodera: binless window free energies,
                    PMF on the bins; always reports its asymptotic errors)
  --bootstrap N     N bootstrap replicates (each window resampled in blocks of sqrt(g n/2)
                    samples, variance corrected for the block bias): adds pmfError and
                    windowFreeEnergiesError (with mbar: bootstrap instead of asymptotic errors)
  --seed S          bootstrap seed (default 1): the same seed gives the same error bars
  --subsample       decorrelate each window first: statistical inefficiency g per window
                    (pymbar's estimator, the largest over the CV columns), keep every g-th
                    sample; reports statisticalInefficiency and subsampling (before/after)
  --min-depth E     basins shallower than E (energy units, default 0.5 kT) are merged
  --dims 2          2D: metadata lines "path cx cy kx ky [correlation_time [temperature]]",
                    bias 0.5*kx*(x-cx)^2 + 0.5*ky*(y-cy)^2; window files "time cv1 cv2 ...";
                    --bins NX,NY, --range=XMIN,XMAX,YMIN,YMAX, --periodic x | y | x,y
  --json            print one JSON object: centers, pmf (null = empty bin), windowFreeEnergies
                    (f_k - f_0, metadata order), iterations, converged, histograms, warnings,
                    estimator, basins [{id, minimum, freeEnergy, error}] (free energy of each
                    basin, -kT ln of its probability, relative to the lowest; error null without
                    bootstrap/mbar); pmfError, windowFreeEnergiesError when asked (mbar always);
                    statisticalInefficiency, subsampling with --subsample.
                    2D: dims, xCenters, yCenters, pmf[i][j] at (xCenters[i], yCenters[j]),
                    pmfError[i][j], basinMap[i][j] (basin id, -1 = empty bin), windowCenters [[cx, cy]]
Window files: lines "time cv_value [more columns]". Malformed input exits with code 2 and a
message naming the file and line.`;

/** `--periodic` is a flag in 1D and takes axes in 2D ("--periodic x,y" or "--periodic=x"). */
function splitPeriodic(argv: string[]): { argv: string[]; axes: string | undefined } {
  const out: string[] = [];
  let axes: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--periodic=')) {
      axes = a.slice('--periodic='.length);
      out.push('--periodic');
    } else if (a === '--periodic' && i + 1 < argv.length && /^[xy](,[xy])?$/.test(argv[i + 1])) {
      axes = argv[++i];
      out.push('--periodic');
    } else {
      out.push(a);
    }
  }
  return { argv: out, axes };
}

interface Common {
  kT: number;
  tolerance: number;
  estimator: 'wham' | 'mbar';
  bootstrap: number;
  seed: number;
  subsample: boolean;
  minDepth: number;
  json: boolean;
}

function toRowsNested(flat: Float64Array | Int32Array, nx: number, ny: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < nx; i++) out.push(Array.from(flat.subarray(i * ny, (i + 1) * ny)));
  return out;
}

interface BasinReport {
  id: number;
  minimum: number | number[];
  freeEnergy: number;
  error: number | null;
}

/** Basins of the PMF grid with free energies from the probabilities and errors (bootstrap or MBAR). */
function reportBasins(
  pmf: Float64Array,
  probability: Float64Array,
  nx: number,
  ny: number,
  periodic: [boolean, boolean],
  location: (bin: number) => number | number[],
  c: Common,
  errors: (labels: Int32Array, count: number) => { freeEnergy?: Float64Array; error: Float64Array } | null,
): { labels: Int32Array; basins: BasinReport[] } {
  const { labels, basins } = findBasins({ values: pmf, nx, ny, periodicX: periodic[0], periodicY: periodic[1] }, { minDepth: c.minDepth });
  const count = basins.length;
  if (count === 0) return { labels, basins: [] };
  let fe = regionFreeEnergies(probability, labels, count, c.kT, 0);
  let lowest = 0;
  fe.forEach((v, i) => { if (v < fe[lowest]) lowest = i; });
  const err = errors(labels, count);
  if (err?.freeEnergy) fe = err.freeEnergy;
  else fe = fe.map((v) => v - fe[lowest]);
  return {
    labels,
    basins: basins.map((b, i) => ({ id: b.id, minimum: location(b.minimumBin), freeEnergy: fe[i], error: err ? err.error[i] : null })),
  };
}

function errorFields(boot: Bootstrap2dResult | null, mbar: MbarUmbrellaResult | null): { pmfError: Float64Array; windowFreeEnergiesError: Float64Array; errorMethod: string } | null {
  if (boot) return { pmfError: boot.pmfError, windowFreeEnergiesError: boot.windowFreeEnergiesError, errorMethod: `bootstrap (${boot.replicates} replicates, seed ${boot.seed})` };
  if (mbar) return { pmfError: mbar.pmfError, windowFreeEnergiesError: mbar.windowFreeEnergiesError, errorMethod: 'mbar asymptotic covariance' };
  return null;
}

export async function runFes(argv: string[]): Promise<number> {
  const split = splitPeriodic(argv);
  const { values } = parseCommandArgs(split.argv, {
    metadata: { type: 'string' },
    bins: { type: 'string' },
    range: { type: 'string' },
    kT: { type: 'string' },
    periodic: { type: 'boolean' },
    tolerance: { type: 'string' },
    estimator: { type: 'string' },
    bootstrap: { type: 'string' },
    seed: { type: 'string' },
    subsample: { type: 'boolean' },
    dims: { type: 'string' },
    'min-depth': { type: 'string' },
  });
  if (values.help) {
    console.log(fesHelp);
    return 0;
  }
  const dims = integerOption(values, 'dims', 1, 1);
  if (dims > 2) throw new CliUsageError(`--dims must be 1 or 2 (got ${dims})`);
  const estimator = String(values.estimator ?? 'wham');
  if (estimator !== 'wham' && estimator !== 'mbar') throw new CliUsageError(`--estimator must be wham or mbar (got ${estimator})`);
  const kT = positiveOption(values, 'kT', 1);
  const common: Common = {
    kT,
    tolerance: positiveOption(values, 'tolerance', 1e-10),
    estimator,
    bootstrap: values.bootstrap === undefined ? 0 : integerOption(values, 'bootstrap', undefined, 2),
    seed: integerOption(values, 'seed', 1, 0),
    subsample: values.subsample === true,
    minDepth: numberOption(values, 'min-depth', 0.5 * kT),
    json: values.json === true,
  };
  checkAtMost(common.bootstrap, LIMITS.bootstrap, '--bootstrap', 'the number of bootstrap replicates');
  if (common.minDepth < 0) throw new CliUsageError(`--min-depth must be >= 0 (got ${common.minDepth})`);
  if (values.seed !== undefined && !common.bootstrap) throw new CliUsageError('--seed needs --bootstrap N');
  if (dims === 2) return runFes2d(values, split.axes, common);
  if (split.axes !== undefined) throw new CliUsageError('--periodic takes no axes in 1D (use --dims 2 for x,y)');

  const metadataFile = resolve(requireString(values, 'metadata'));
  const bins = integerOption(values, 'bins', undefined, 1);
  checkAtMost(bins, LIMITS.fesBins, '--bins', 'the number of bins');
  const range = numberListOption(values, 'range', 2);
  if (!range) throw new CliUsageError('--range=MIN,MAX is required');
  const [min, max] = range;
  if (!(max > min)) throw new CliUsageError(`--range: MAX must be greater than MIN (got ${min},${max})`);
  const { tolerance } = common;

  const input = readWhamInput(metadataFile, 1);
  let columns = input.columns;
  let subsampling: SubsampleSummary | null = null;
  if (common.subsample) {
    const d = decorrelateColumns(columns);
    subsampling = d.summary;
    columns = d.columns;
  }
  const windows: UmbrellaWindow[] = input.restraints.map((r, k) => ({ center: r.centers[0], spring: r.springs[0], samples: columns[k][0], label: r.label }));
  // Correlated (or subsampled, slightly correlated) series: blocks of sqrt(g n / 2), bias-corrected.
  const blocks = common.bootstrap ? blockPlan(columns) : undefined;
  const periodic = values.periodic === true;
  const axis: GridAxis = { bins, min, max, periodic };
  const setup = { restraints: input.restraints, axes: [axis], kT };
  const whamOpts = { bins, min, max, kT, periodic, tolerance };
  // WHAM always: its bin centres, histograms and samples outside the range are reported with MBAR too.
  const result = estimateUmbrella({ ...setup, estimator: 'wham' }, columns, { tolerance }).wham1d!;
  let mbar: MbarUmbrellaResult | null = null;
  let boot: Bootstrap2dResult | null = null;
  let pmf = result.pmf;
  let probability = result.probability;
  let windowFreeEnergies = result.windowFreeEnergies;
  let iterations = result.iterations;
  let converged = result.converged;
  const warnings = [...result.warnings];
  if (estimator === 'mbar') {
    mbar = estimateUmbrella({ ...setup, estimator: 'mbar' }, columns, { tolerance }).mbar!;
    pmf = mbar.pmf;
    probability = mbar.probability;
    windowFreeEnergies = mbar.windowFreeEnergies;
    iterations = mbar.iterations;
    converged = mbar.converged;
    warnings.splice(0, warnings.length, ...result.warnings.filter((w) => !w.startsWith('WHAM did not converge')), ...mbar.warnings.filter((w) => w.startsWith('MBAR')));
  }
  const basinErrors = (labels: Int32Array, count: number) => {
    if (common.bootstrap) {
      boot = estimator === 'mbar'
        ? bootstrapMbar([axis], windows.map((w) => ({ centers: [w.center], springs: [w.spring], samples: [w.samples], label: w.label })), { kT, tolerance }, { replicates: common.bootstrap, seed: common.seed, blockLengths: blocks?.blockLengths, varianceFactor: blocks?.varianceFactor }, mbar!, { labels, count })
        : bootstrapWham1d(windows, whamOpts, { replicates: common.bootstrap, seed: common.seed, blockLengths: blocks?.blockLengths, varianceFactor: blocks?.varianceFactor }, result, { labels, count });
      const b = boot as Bootstrap2dResult;
      return b.regionError ? { error: b.regionError } : null;
    }
    if (mbar) return mbarRegionFreeEnergies(mbar, labels, count);
    return null;
  };
  const basinReport = reportBasins(pmf, probability, bins, 1, [periodic, false], (b) => result.centers[b], common, basinErrors);
  for (const warning of warnings) console.error(`warning: ${warning}`);
  const errs = errorFields(boot, mbar);
  const summary: Record<string, unknown> = {
    centers: result.centers,
    pmf,
    windowFreeEnergies,
    windowCenters: windows.map((w) => w.center),
    iterations,
    converged,
    tolerance: result.tolerance,
    samplesPerWindow: windows.map((w) => w.samples.length),
    samplesOutsideRange: result.samplesOutsideRange,
    histograms: result.histograms,
    warnings,
    estimator,
    ...(errs ?? {}),
    basins: basinReport.basins,
  };
  if (subsampling) {
    summary.statisticalInefficiency = subsampling.statisticalInefficiency;
    summary.subsampling = { samplesBefore: subsampling.samplesBefore, samplesAfter: subsampling.samplesAfter, keptFraction: subsampling.keptFraction };
  }
  if (common.json) {
    printJson(summary);
  } else {
    console.log(`# ${estimator.toUpperCase()}: ${iterations} iterations, converged=${converged} (tolerance ${result.tolerance})`);
    if (subsampling) console.log(`# subsampled: kept ${(100 * subsampling.keptFraction).toFixed(1)}% of the samples (g = ${subsampling.statisticalInefficiency.map((g) => g.toFixed(2)).join(', ')})`);
    for (const b of basinReport.basins) console.log(`# basin ${b.id}: minimum ${b.minimum}, free energy ${b.freeEnergy}${b.error !== null ? ` +- ${b.error}` : ''}`);
    console.log(errs ? '# centre\tpmf\tpmf_error' : '# centre\tpmf');
    result.centers.forEach((c, i) => {
      const p = Number.isFinite(pmf[i]) ? pmf[i] : 'nan';
      console.log(errs ? `${c}\t${p}\t${Number.isFinite(errs.pmfError[i]) ? errs.pmfError[i] : 'nan'}` : `${c}\t${p}`);
    });
  }
  return 0;
}

async function runFes2d(values: Record<string, unknown>, periodicAxes: string | undefined, common: Common): Promise<number> {
  const { kT, tolerance, estimator } = common;
  const metadataFile = resolve(requireString(values, 'metadata'));
  const binsText = requireString(values, 'bins');
  const binParts = binsText.split(',').map((p) => parseNumber(p, 'bins'));
  if (binParts.length !== 2 || !binParts.every((b) => Number.isInteger(b) && b >= 1)) throw new CliUsageError(`--bins needs NX,NY (two integers >= 1) with --dims 2 (got ${binsText})`);
  binParts.forEach((b) => checkAtMost(b, LIMITS.fesBins, '--bins', 'the bins per axis'));
  checkAtMost(binParts[0] * binParts[1], LIMITS.fesCells, '--bins', 'NX * NY (histogram cells)');
  const range = numberListOption(values, 'range', 4);
  if (!range) throw new CliUsageError('--range=XMIN,XMAX,YMIN,YMAX is required with --dims 2');
  const [xmin, xmax, ymin, ymax] = range;
  if (!(xmax > xmin) || !(ymax > ymin)) throw new CliUsageError(`--range: need XMIN < XMAX and YMIN < YMAX (got ${range.join(',')})`);
  let px = false;
  let py = false;
  if (values.periodic === true) {
    if (periodicAxes === undefined) px = py = true;
    else for (const a of periodicAxes.split(',')) (a === 'x' ? (px = true) : (py = true));
  }
  const xAxis: GridAxis = { bins: binParts[0], min: xmin, max: xmax, periodic: px };
  const yAxis: GridAxis = { bins: binParts[1], min: ymin, max: ymax, periodic: py };
  const input = readWhamInput(metadataFile, 2);
  let columns = input.columns;
  let subsampling: SubsampleSummary | null = null;
  if (common.subsample) {
    const d = decorrelateColumns(columns);
    subsampling = d.summary;
    columns = d.columns;
  }
  const windows: UmbrellaWindow2d[] = input.restraints.map((r, k) => ({ center: [r.centers[0], r.centers[1]], spring: [r.springs[0], r.springs[1]], x: columns[k][0], y: columns[k][1], label: r.label }));
  const blocks = common.bootstrap ? blockPlan(columns) : undefined;
  const nx = xAxis.bins;
  const ny = yAxis.bins;
  const whamOpts = { x: xAxis, y: yAxis, kT, tolerance };
  const setup = { restraints: input.restraints, axes: [xAxis, yAxis], kT };
  let pmf: Float64Array;
  let probability: Float64Array;
  let windowFreeEnergies: Float64Array;
  let iterations: number;
  let converged: boolean;
  let warnings: string[];
  let samplesOutsideRange: number[];
  let xCenters: Float64Array;
  let yCenters: Float64Array;
  let whamRes: Wham2dResult | null = null;
  let mbar: MbarUmbrellaResult | null = null;
  if (estimator === 'mbar') {
    mbar = estimateUmbrella({ ...setup, estimator: 'mbar' }, columns, { tolerance }).mbar!;
    ({ pmf, probability, windowFreeEnergies, iterations, converged, warnings, samplesOutsideRange } = mbar);
    [xCenters, yCenters] = mbar.axisCenters;
  } else {
    whamRes = estimateUmbrella({ ...setup, estimator: 'wham' }, columns, { tolerance }).wham2d!;
    ({ pmf, probability, windowFreeEnergies, iterations, converged, warnings, samplesOutsideRange, xCenters, yCenters } = whamRes);
  }
  let boot: Bootstrap2dResult | null = null;
  const basinErrors = (labels: Int32Array, count: number) => {
    if (common.bootstrap) {
      const bo = { replicates: common.bootstrap, seed: common.seed, blockLengths: blocks?.blockLengths, varianceFactor: blocks?.varianceFactor };
      boot = mbar
        ? bootstrapMbar([xAxis, yAxis], windows.map((w) => ({ centers: [...w.center], springs: [...w.spring], samples: [w.x, w.y], label: w.label })), { kT, tolerance }, bo, mbar, { labels, count })
        : bootstrapWham2d(windows, { ...whamOpts, tolerance: Math.max(tolerance, 1e-8) }, bo, whamRes!, { labels, count });
      const b = boot as Bootstrap2dResult;
      return b.regionError ? { error: b.regionError } : null;
    }
    if (mbar) return mbarRegionFreeEnergies(mbar, labels, count);
    return null;
  };
  const basinReport = reportBasins(pmf, probability, nx, ny, [px, py], (b) => [xCenters[Math.floor(b / ny)], yCenters[b % ny]], common, basinErrors);
  for (const warning of warnings) console.error(`warning: ${warning}`);
  const errs = errorFields(boot, mbar);
  const summary: Record<string, unknown> = {
    dims: 2,
    xCenters,
    yCenters,
    pmf: toRowsNested(pmf, nx, ny),
    windowFreeEnergies,
    windowCenters: windows.map((w) => [...w.center]),
    iterations,
    converged,
    tolerance,
    samplesPerWindow: windows.map((w) => w.x.length),
    samplesOutsideRange,
    warnings,
    estimator,
    ...(errs ? { pmfError: toRowsNested(errs.pmfError, nx, ny), windowFreeEnergiesError: errs.windowFreeEnergiesError, errorMethod: errs.errorMethod } : {}),
    basins: basinReport.basins,
    basinMap: toRowsNested(basinReport.labels, nx, ny),
  };
  if (subsampling) {
    summary.statisticalInefficiency = subsampling.statisticalInefficiency;
    summary.subsampling = { samplesBefore: subsampling.samplesBefore, samplesAfter: subsampling.samplesAfter, keptFraction: subsampling.keptFraction };
  }
  if (common.json) {
    printJson(summary);
  } else {
    console.log(`# ${estimator.toUpperCase()} 2D: ${iterations} iterations, converged=${converged}`);
    for (const b of basinReport.basins) console.log(`# basin ${b.id}: minimum ${(b.minimum as number[]).join(',')}, free energy ${b.freeEnergy}${b.error !== null ? ` +- ${b.error}` : ''}`);
    console.log('# x\ty\tpmf');
    for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) console.log(`${xCenters[i]}\t${yCenters[j]}\t${Number.isFinite(pmf[i * ny + j]) ? pmf[i * ny + j] : 'nan'}`);
  }
  return 0;
}
