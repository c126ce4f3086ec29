/**
 * The training rows of a 'train' job: the COLVAR frames of its metadynamics runs, pooled in run
 * order with no reweighting (the bias depends on the CV only, so p_bias(target | CV) = p(target | CV);
 * SCIENCE.md section 2). Frames whose condition lies in the hold-out interval are set aside for the
 * consistency report. Synchronous: the worker and the API both call it.
 */
import { readFileSync } from 'node:fs';
import { decodeNpy } from '../engine/io/npy';
import type { TrainJob } from '../store/project';
import { metadFiles } from './metad-files';
import { loadMolecularTrainingFrames } from './train-molecular-data';

export interface TrainingFrames {
  /** rows x condDim / rows x targetDim, row-major (training rows). */
  cond: Float64Array;
  target: Float64Array;
  rows: number;
  /** Frames in the hold-out interval (not trained on). */
  heldOutCond: Float64Array;
  heldOutTarget: Float64Array;
  heldOutRows: number;
}

export class TrainingDataError extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
    this.name = 'TrainingDataError';
  }
}

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
  for (const runId of job.sourceRunIds) {
    const { data, rows } = readColvar(projectPath, runId, job.colvarWidth);
    const first = Math.floor(rows * job.discardFraction);
    for (let r = first; r < rows; r++) {
      const base = r * job.colvarWidth;
      const c0 = data[base + job.condColumns[0]];
      const held = cd === 1 && c0 >= lo && c0 <= hi;
      const cOut = held ? hoCond : cond;
      const tOut = held ? hoTarget : target;
      for (const j of job.condColumns) cOut.push(data[base + j]);
      for (const j of job.targetColumns) tOut.push(data[base + j]);
    }
  }
  return {
    cond: Float64Array.from(cond),
    target: Float64Array.from(target),
    rows: cond.length / cd,
    heldOutCond: Float64Array.from(hoCond),
    heldOutTarget: Float64Array.from(hoTarget),
    heldOutRows: hoCond.length / cd,
  };
}
