/**
 * Starting configurations read from frames of an earlier run (seeding source 'frames'): one
 * configuration per requested frame index, in the order given (the order walkers are seeded in).
 * What a frame is, per kind of the earlier run:
 * - toy umbrella: the saved configurations of every window, walker and sample, pooled in that
 *   order (window-NNN-x.npy; window 0's walker 0 first);
 * - toy metadynamics: the COLVAR rows (every walker, every colvarStride steps), their coordinates;
 * - molecular: the trajectory's DCD frames (umbrella runs: the windows' DCDs in window order), nm,
 *   float32 as stored.
 * Negative indices count from the end (-1 = the last frame).
 */
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { ApiError } from '../../schema';
import { decodeNpy } from '../../engine/io/npy';
import { DcdReader } from '../../engine/molecules/formats/dcd';
import { fdByteSource } from '../../store/byte-source';
import type { RunFile } from '../run-file';
import { windowConfigurationsFilePath } from '../umbrella/window-task';
import { metadFiles } from '../metad/files';
import { molecularFiles } from '../molecular/files';
import { joinedTrajectoryFrames } from '../molecular/umbrella-frames';
import { metadWalkerCount } from '../molecular/walker-files';

/** A frame source: how many frames it has, and frame i's configuration. */
interface FrameSource {
  total: number;
  frame(i: number): number[];
}

function npyRows(path: string, what: string): { data: Float64Array; shape: number[] } {
  if (!existsSync(path)) throw new ApiError('not-found', `params.seeding.runId: ${what} has no saved configurations (${path} is missing).`, { path });
  return decodeNpy(new Uint8Array(readFileSync(path)), path);
}

function toyUmbrellaFrames(projectPath: string, file: Extract<RunFile, { job: { kind: 'umbrella' } }>): FrameSource {
  const blocks = file.job.windows.map((_, k) => npyRows(windowConfigurationsFilePath(projectPath, file.run.id, k), `window ${k} of run "${file.run.name}"`));
  const dim = blocks[0]?.shape[2] ?? 0;
  const offsets: number[] = [];
  let total = 0;
  for (const b of blocks) {
    offsets.push(total);
    total += b.shape[0] * b.shape[1];
  }
  return {
    total,
    frame(i) {
      let k = offsets.length - 1;
      while (offsets[k] > i) k--;
      const row = i - offsets[k];
      return Array.from(blocks[k].data.subarray(row * dim, (row + 1) * dim));
    },
  };
}

function toyMetadFrames(projectPath: string, file: Extract<RunFile, { job: { kind: 'metad' } }>): FrameSource {
  const { data, shape } = npyRows(metadFiles(projectPath, file.run.id).colvarNpy, `run "${file.run.name}"`);
  const width = shape[1];
  const dim = width - 4; // time, walker, coordinates..., metad.bias, metad.rct (metad/files.ts)
  return { total: shape[0], frame: (i) => Array.from(data.subarray(i * width + 2, i * width + 2 + dim)) };
}

function molecularFramesOf(projectPath: string, file: Extract<RunFile, { job: { kind: 'molecular' } }>): FrameSource {
  const { job, run } = file;
  // Umbrella windows and metadynamics walkers: their DCDs read as one trajectory, in order.
  if (job.umbrella || metadWalkerCount(job) > 1) {
    const total = joinedTrajectoryFrames(projectPath, run.id, job, 0, 0).total;
    return { total, frame: (i) => Array.from(joinedTrajectoryFrames(projectPath, run.id, job, i, 1).positions) };
  }
  const path = molecularFiles(projectPath, run.id).trajectory;
  if (!existsSync(path)) throw new ApiError('not-found', `params.seeding.runId: run "${run.name}" has saved no frames (${path} is missing).`, { path });
  const fd = openSync(path, 'r');
  try {
    const total = new DcdReader(fdByteSource(fd), path).nFrames;
    return {
      total,
      frame(i) {
        const again = openSync(path, 'r');
        try {
          return Array.from(new DcdReader(fdByteSource(again), path).readFrames(i, 1).positions);
        } finally {
          closeSync(again);
        }
      },
    };
  } finally {
    closeSync(fd);
  }
}

/** The configurations at `frames` of the earlier run `file` (completed), one per index. */
export function readSeedFrames(projectPath: string, file: RunFile, frames: readonly number[]): number[][] {
  if (file.run.status !== 'completed') throw new ApiError('invalid-input', `params.seeding.runId: run "${file.run.name}" is ${file.run.status}; seed from a completed run.`);
  let source: FrameSource;
  if (file.job.kind === 'umbrella') source = toyUmbrellaFrames(projectPath, file as Extract<RunFile, { job: { kind: 'umbrella' } }>);
  else if (file.job.kind === 'metad') source = toyMetadFrames(projectPath, file as Extract<RunFile, { job: { kind: 'metad' } }>);
  else if (file.job.kind === 'molecular') source = molecularFramesOf(projectPath, file as Extract<RunFile, { job: { kind: 'molecular' } }>);
  else throw new ApiError('invalid-input', `params.seeding.runId: run "${file.run.name}" is a ${file.job.kind} run, which keeps no configurations; seed from an umbrella, metadynamics or molecular run.`);
  return frames.map((f, j) => {
    const i = f < 0 ? source.total + f : f;
    if (!(i >= 0 && i < source.total)) throw new ApiError('invalid-input', `params.seeding.frames[${j}]: frame ${f} is outside the run's ${source.total} frames (0..${source.total - 1}, or -1 for the last).`);
    return source.frame(i);
  });
}
