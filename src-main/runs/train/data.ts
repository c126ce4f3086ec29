/**
 * The training rows of a 'train' job: the COLVAR frames of its metadynamics runs and the sampled
 * configurations of its umbrella runs (window-NNN-x.npy: every window, every walker), pooled in run
 * order with no reweighting (the bias depends on the CV only, so p_bias(target | CV) = p(target | CV);
 * SCIENCE.md section 2). Frames whose condition lies in the hold-out interval are set aside for the
 * consistency report. Synchronous: the worker and the API both call it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { decodeNpy } from '../../engine/io/npy';
import { TrainingDataError, type TrainingFrames } from './training-frames';
import { runFilePath, windowFilePath } from '../../store/project';
import type { TrainJob } from '../run-file';
import { colvarFields, metadFiles } from '../metad/files';
import { windowConfigurationsFilePath } from '../umbrella/window-task';
import { loadMolecularTrainingFrames } from './molecular-data';

export { TrainingDataError };
export type { TrainingFrames };



/** Reads one run's colvar.npy as rows x width float64. */
export function readColvar(projectPath: string, runId: string, width: number): { data: Float64Array; rows: number; path: string } {
  const path = metadFiles(projectPath, runId).colvarNpy;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new TrainingDataError(path, `${path}: cannot read the frames of run ${runId} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const { data, shape } = decodeNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
  if (shape.length !== 2 || shape[1] !== width) {
    throw new TrainingDataError(path, `${path} has shape [${shape.join(', ')}]; expected [rows, ${width}] (time, walker, coordinates, metad.bias, metad.rct)`);
  }
  return { data, rows: shape[0], path };
}

/** Why an umbrella run cannot be trained on: its windows keep only the CV (written before window-NNN-x.npy existed). */
export const OLD_UMBRELLA_RUN = 'run made by an older Liftwell keeps only CV samples; rerun it to train on it';

/**
 * Toy-system coordinate i is COLVAR column FIRST_COORDINATE_COLUMN + i; a job's condColumns and
 * targetColumns name coordinates this way for umbrella runs too.
 */
const FIRST_COORDINATE_COLUMN = colvarFields(['q']).indexOf('q');

/** The windows of an umbrella run whose configurations are missing (made before they were kept). */
export function windowsWithoutConfigurations(projectPath: string, runId: string, windows: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < windows; k++) if (!existsSync(windowConfigurationsFilePath(projectPath, runId, k))) out.push(k);
  return out;
}

/** The job of a source run as stored in its run.json (kind and, for umbrella runs, the window count). */
function sourceJob(projectPath: string, runId: string): { kind: string; windows?: unknown[] } {
  const path = runFilePath(projectPath, runId);
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { job: { kind: string; windows?: unknown[] } }).job;
  } catch (error) {
    throw new TrainingDataError(path, `${path}: cannot read the run file of run ${runId} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * One umbrella run's configurations, window by window (walkers x samples x dim each), calling
 * `row(data, offset)` for every kept sample: windows in order, then walkers, then samples; the
 * first discardFraction of each walker's samples is skipped.
 */
function forEachUmbrellaFrame(projectPath: string, runId: string, windows: number, discardFraction: number, minDim: number, row: (data: Float64Array, at: number) => void, seriesEnd: () => void): void {
  for (let k = 0; k < windows; k++) {
    const path = windowConfigurationsFilePath(projectPath, runId, k);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && existsSync(windowFilePath(projectPath, runId, k))) {
        throw new TrainingDataError(path, `umbrella run ${runId}: ${OLD_UMBRELLA_RUN} (${path} is missing).`);
      }
      throw new TrainingDataError(path, `${path}: cannot read the configurations of run ${runId} (${code ?? (error as Error).message})`);
    }
    const { data, shape } = decodeNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
    if (shape.length !== 3 || shape[2] < minDim) {
      throw new TrainingDataError(path, `${path} has shape [${shape.join(', ')}]; expected [walkers, samples, ${minDim} or more coordinates]`);
    }
    const [walkers, samples, dim] = shape;
    const first = Math.floor(samples * discardFraction);
    for (let w = 0; w < walkers; w++) {
      for (let s = first; s < samples; s++) row(data, (w * samples + s) * dim);
      seriesEnd();
    }
  }
}

type Plan = Pick<TrainJob, 'sourceRunIds' | 'colvarWidth' | 'condColumns' | 'targetColumns' | 'discardFraction' | 'holdOut'> & Partial<Pick<TrainJob, 'molecular'>>;

export function loadTrainingFrames(projectPath: string, job: Plan): TrainingFrames {
  // Molecular runs: DCD frames as internal coordinates, condition = the runs' CVs.
  if (job.molecular) return loadMolecularTrainingFrames(projectPath, job);
  const cd = job.condColumns.length;
  const cond: number[] = [];
  const target: number[] = [];
  const hoCond: number[] = [];
  const hoTarget: number[] = [];
  const [lo, hi] = job.holdOut ?? [Infinity, -Infinity];
  /** One frame; `cols` are its columns (COLVAR columns, or coordinates shifted by FIRST_COORDINATE_COLUMN). */
  const take = (data: Float64Array, base: number, condCols: readonly number[], targetCols: readonly number[]) => {
    const c0 = data[base + condCols[0]];
    const held = cd === 1 && c0 >= lo && c0 <= hi;
    const cOut = held ? hoCond : cond;
    const tOut = held ? hoTarget : target;
    for (const j of condCols) cOut.push(data[base + j]);
    for (const j of targetCols) tOut.push(data[base + j]);
  };
  const condCoords = job.condColumns.map((j) => j - FIRST_COORDINATE_COLUMN);
  const targetCoords = job.targetColumns.map((j) => j - FIRST_COORDINATE_COLUMN);
  const minDim = Math.max(...condCoords, ...targetCoords) + 1;
  // One series per umbrella walker and per metadynamics run (its walkers' frames interleave in time).
  const segments: number[] = [];
  let seriesStart = 0;
  const seriesEnd = () => {
    const rows = cond.length / cd - seriesStart;
    if (rows > 0) segments.push(rows);
    seriesStart += rows;
  };
  for (const runId of job.sourceRunIds) {
    const source = sourceJob(projectPath, runId);
    if (source.kind === 'umbrella') {
      forEachUmbrellaFrame(projectPath, runId, source.windows?.length ?? 0, job.discardFraction, minDim, (data, at) => take(data, at, condCoords, targetCoords), seriesEnd);
      continue;
    }
    const { data, rows } = readColvar(projectPath, runId, job.colvarWidth);
    const first = Math.floor(rows * job.discardFraction);
    for (let r = first; r < rows; r++) take(data, r * job.colvarWidth, job.condColumns, job.targetColumns);
    seriesEnd();
  }
  return {
    cond: Float64Array.from(cond),
    target: Float64Array.from(target),
    rows: cond.length / cd,
    heldOutCond: Float64Array.from(hoCond),
    heldOutTarget: Float64Array.from(hoTarget),
    heldOutRows: hoCond.length / cd,
    segments,
  };
}
