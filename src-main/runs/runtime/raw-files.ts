/**
 * Append-only raw files that long runs stream their output to (float64 rows, DCD frames), so
 * memory stays flat however long a run is. A checkpoint records how many bytes each file held;
 * on resume every file is cut back to that length and the rows after it are recomputed.
 */
import { closeSync, existsSync, openSync, readFileSync, statSync, truncateSync, unlinkSync, writeSync } from 'node:fs';

export function appendBytes(path: string, data: Uint8Array): void {
  if (data.length === 0) return;
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

/** Appends little-endian float64 values (whole rows) to a raw file. */
export function appendRows(path: string, rows: Float64Array | number[]): void {
  const data = rows instanceof Float64Array ? rows : Float64Array.from(rows);
  appendBytes(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** Row-major float64 rows of a raw file (complete rows only; a missing file has none). */
export function readRows(path: string, width: number): Float64Array {
  if (!existsSync(path)) return new Float64Array(0);
  const bytes = readFileSync(path);
  const rows = Math.floor(bytes.byteLength / (8 * width));
  const out = new Float64Array(rows * width);
  new Uint8Array(out.buffer).set(bytes.subarray(0, rows * width * 8));
  return out;
}

/**
 * Before a task starts: with a checkpoint, cut every file back to the byte length the checkpoint
 * recorded (a file shorter than that, or missing while it should hold data, cannot resume);
 * without one, remove what an earlier attempt left.
 */
export function cutBackToCheckpoint(files: readonly (readonly [path: string, bytes: number])[], hasCheckpoint: boolean): void {
  for (const [path, bytes] of files) {
    if (!hasCheckpoint) {
      if (existsSync(path)) unlinkSync(path);
      continue;
    }
    if (!existsSync(path)) {
      if (bytes > 0) throw new Error(`${path} is missing; the run cannot resume`);
      continue;
    }
    if (statSync(path).size < bytes) throw new Error(`${path} is shorter than its checkpoint says; the run cannot resume`);
    truncateSync(path, bytes);
  }
}

/** Overwrites bytes in place (e.g. a DCD header's frame count once more frames are on disk). */
export function writeBytesAt(path: string, data: Uint8Array, position: number): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, data, 0, data.length, position);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a task's checkpoint. A damaged one (cut short by a failing disk, edited by hand) gives
 * a message that names the file and says how to go on, instead of a bare JSON.parse error.
 */
export function readCheckpointJson<T>(path: string): T {
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(
      `the checkpoint ${path} is damaged (${(error as Error).message}). Delete it and resume: this part of the run ` +
        'restarts from its beginning and gives the same result; the rest of the run is kept.',
    );
  }
}
