/**
 * The windows of an umbrella study as every free-energy path sees them: per window, the
 * restraint (centre and spring per CV, a label for messages) and the samples of each CV
 * (columns[k][c]: CV c of window k). Loaders turn the app's run files (this file), Grossfield
 * wham input (grossfield.ts) and molecular window files (molecular.ts) into this one shape.
 */
import { readFile } from 'node:fs/promises';
import { ApiError } from '../../schema/errors';
import { decodeNpy } from '../../engine/io/npy';
import type { UmbrellaWindow } from '../../engine/estimators/wham';
import { subsampleIndices, takeIndices } from '../../engine/estimators/autocorr';
import { ioError } from '../../store/atomic';
import { windowFilePath } from '../../store/project';
import { type UmbrellaJob } from '../../runs/run-file';
import { jobCvIndices } from '../../runs/umbrella/window-task';

/** Harmonic restraint 0.5 sum_c springs[c] (xi_c - centers[c])^2 of one window. */
export interface WindowRestraint {
  centers: number[];
  springs: number[];
  /** Names the window in warnings ("window 3 (centre 0.5)", "w3.txt (meta.txt:4)"). */
  label: string;
}

/** What the app's loaders need of a run file. */
export interface UmbrellaFesInput {
  run: { id: string };
  job: UmbrellaJob;
}

type JobWindow = UmbrellaJob['windows'][number];

/** Centre of window w along CV c (the restraint's AT). */
export function windowCentre(w: JobWindow, c: number): number {
  return w.centers[c];
}
export function windowSpring(w: JobWindow, c: number): number {
  return w.springs[c];
}

/** The restraints of an app umbrella job over its `dims` CVs, labelled by `label`. */
export function jobRestraints(job: UmbrellaJob, dims: number, label: (w: JobWindow) => string): WindowRestraint[] {
  return job.windows.map((w) => ({
    centers: Array.from({ length: dims }, (_, c) => windowCentre(w, c)),
    springs: Array.from({ length: dims }, (_, c) => windowSpring(w, c)),
    label: label(w),
  }));
}

async function readWindowFile(path: string, index: number, center: number): Promise<{ data: Float64Array; shape: number[] }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ApiError('not-found', `The samples of window ${index} (${path}) are missing; resume the run to produce them.`, { path });
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
    throw new ApiError('bad-file', `${path} holds no samples (window ${index} at ${center}).`, { path });
  }
  return decoded;
}

/**
 * CV columns of every window: columns[k][c] holds CV c of window k, walkers one after another
 * (1D files are walkers x samples; 2D files walkers x samples x 2).
 */
export async function loadWindowColumns(projectPath: string, file: UmbrellaFesInput): Promise<Float64Array[][]> {
  const { job } = file;
  const nCv = jobCvIndices(job).length;
  const out: Float64Array[][] = [];
  for (const w of job.windows) {
    const path = windowFilePath(projectPath, file.run.id, w.index);
    const { data, shape } = await readWindowFile(path, w.index, w.centers[0]);
    if (nCv === 1) {
      out.push([data]);
      continue;
    }
    if (shape.length !== 3 || shape[2] !== nCv) {
      throw new ApiError('bad-file', `${path} has shape (${shape.join(', ')}); a 2D study stores (walkers, samples, ${nCv}).`, { path });
    }
    const n = data.length / nCv;
    const cols = Array.from({ length: nCv }, () => new Float64Array(n));
    for (let i = 0; i < n; i++) for (let c = 0; c < nCv; c++) cols[c][i] = data[i * nCv + c];
    out.push(cols);
  }
  return out;
}

/** 1D windows of a run (kept for callers of the 1D-only API). */
export async function loadWindowSeries(projectPath: string, file: UmbrellaFesInput): Promise<UmbrellaWindow[]> {
  const cols = await loadWindowColumns(projectPath, file);
  return file.job.windows.map((w, k) => ({ center: w.centers[0], spring: w.springs[0], samples: cols[k][0], label: `window ${w.index} (centre ${w.centers[0]})` }));
}

/**
 * Default histogram range of CV c: [min centre - 3 sigma, max centre + 3 sigma] with
 * sigma = sqrt(kT / spring) (the width of a window's bias alone), clipped to where samples are.
 */
export function defaultAxisRange(job: UmbrellaJob, columns: Float64Array[][], c: number): [number, number] {
  const centres = job.windows.map((w) => windowCentre(w, c));
  const springs = job.windows.map((w) => windowSpring(w, c));
  const sigma = Math.sqrt(job.kT / Math.min(...springs));
  let lo = Math.min(...centres) - 3 * sigma;
  let hi = Math.max(...centres) + 3 * sigma;
  let dmin = Infinity;
  let dmax = -Infinity;
  for (const cols of columns) {
    const s = cols[c];
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
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

/** 1D default range (kept for existing callers). */
export function defaultRange(file: UmbrellaFesInput, windows: UmbrellaWindow[]): [number, number] {
  return defaultAxisRange(file.job, windows.map((w) => [w.samples]), 0);
}

/** Every g_k-th sample of window k (pymbar's subsampling), all columns alike. */
export function subsampleColumns(columns: Float64Array[][], g: number[]): Float64Array[][] {
  return columns.map((cols, k) => {
    const idx = subsampleIndices(cols[0].length, g[k]);
    return cols.map((c) => takeIndices(c, idx));
  });
}
