/**
 * Free-energy profile of a finished umbrella run: WHAM on the saved window series plus the
 * exact answer from quadrature.
 *
 * Default histogram range: [min centre - 3 sigma, max centre + 3 sigma] with
 * sigma = sqrt(kT / spring) (the width of a window's bias alone), clipped to the range the
 * samples actually cover so no empty bins pad the ends; 100 bins. Caller-given bins/min/max win.
 */
import { readFile } from 'node:fs/promises';
import { ApiError, type FesResult } from './contract';
import { decodeNpy } from '../engine/io/npy';
import { wham1d, type UmbrellaWindow } from '../engine/estimators/wham';
import { exactProfile, exactWindowFreeEnergies } from '../engine/estimators/exact';
import { createSystem } from '../engine/systems';
import { ioError } from '../store/atomic';
import { windowFilePath, type RunFile } from '../store/project';

export const DEFAULT_FES_BINS = 100;

export async function loadWindowSeries(projectPath: string, file: RunFile): Promise<UmbrellaWindow[]> {
  const { job } = file;
  const out: UmbrellaWindow[] = [];
  for (const w of job.windows) {
    const path = windowFilePath(projectPath, file.run.id, w.index);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new ApiError('not-found', `The samples of window ${w.index} (${path}) are missing; resume the run to produce them.`, { path });
      }
      throw ioError(error, path, 'read');
    }
    let decoded: { data: Float64Array; shape: number[] };
    try {
      decoded = decodeNpy(bytes, path);
    } catch (error) {
      throw new ApiError('bad-file', `${path} is not a readable .npy file: ${(error as Error).message}`, { path });
    }
    let bad = 0;
    for (let i = 0; i < decoded.data.length; i++) if (!Number.isFinite(decoded.data[i])) bad++;
    if (bad > 0) {
      throw new ApiError('bad-file', `${path} contains ${bad} non-finite samples (NaN or infinity); the window cannot be used.`, { path });
    }
    if (decoded.data.length === 0) {
      throw new ApiError('bad-file', `${path} holds no samples (window ${w.index} at ${w.center}).`, { path });
    }
    out.push({ center: w.center, spring: w.spring, samples: decoded.data, label: `window ${w.index} (centre ${w.center})` });
  }
  return out;
}

export function defaultRange(file: RunFile, windows: UmbrellaWindow[]): [number, number] {
  const { job } = file;
  const centres = job.windows.map((w) => w.center);
  const sigma = Math.sqrt(job.kT / Math.min(...job.windows.map((w) => w.spring)));
  let lo = Math.min(...centres) - 3 * sigma;
  let hi = Math.max(...centres) + 3 * sigma;
  let dmin = Infinity;
  let dmax = -Infinity;
  for (const w of windows) {
    for (let i = 0; i < w.samples.length; i++) {
      const v = w.samples[i];
      if (v < dmin) dmin = v;
      if (v > dmax) dmax = v;
    }
  }
  const clippedLo = Math.max(lo, dmin);
  const clippedHi = Math.min(hi, dmax);
  if (clippedHi > clippedLo) {
    lo = clippedLo;
    hi = clippedHi;
  }
  return [lo, hi];
}

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

export async function computeFes(
  projectPath: string,
  file: RunFile,
  opts: { bins?: number; min?: number; max?: number },
): Promise<FesResult> {
  const { job, run } = file;
  const windows = await loadWindowSeries(projectPath, file);
  const [dlo, dhi] = defaultRange(file, windows);
  const min = opts.min ?? dlo;
  const max = opts.max ?? dhi;
  if (!(max > min)) {
    throw new ApiError('invalid-input', `max: the histogram range must have max > min (got min ${min}, max ${max}).`);
  }
  const bins = opts.bins ?? DEFAULT_FES_BINS;
  const wham = wham1d(windows, { bins, min, max, kT: job.kT });
  const system = createSystem(job.system);
  const warnings = [...wham.warnings];
  let exact: FesResult['exact'];
  try {
    const grid = Float64Array.from(wham.centers);
    const pmf = exactProfile(system, job.cvIndex, job.kT, grid);
    const f = exactWindowFreeEnergies(system, job.cvIndex, job.kT, job.windows.map((w) => ({ center: w.center, spring: w.spring })));
    exact = { centers: Array.from(grid), pmf: Array.from(pmf), windowFreeEnergies: Array.from(f) };
  } catch (error) {
    warnings.push(`The exact profile could not be computed: ${(error as Error).message}`);
  }
  return {
    runId: run.id,
    cvName: system.coordinateNames[job.cvIndex] ?? `coordinate ${job.cvIndex}`,
    kT: job.kT,
    centers: Array.from(wham.centers),
    pmf: Array.from(wham.pmf, finiteOrNull),
    windowCenters: job.windows.map((w) => w.center),
    windowFreeEnergies: Array.from(wham.windowFreeEnergies),
    histograms: wham.histograms.map((h) => Array.from(h)),
    overlap: wham.overlap.map((row) => Array.from(row)),
    iterations: wham.iterations,
    converged: wham.converged,
    tolerance: wham.tolerance,
    warnings,
    exact,
  };
}
