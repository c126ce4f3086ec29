/**
 * Reading a run's .npy file for an analysis, with errors a user can act on: a missing file is
 * 'not-found' (with `missing` as the message), an unreadable one 'io', a damaged one 'bad-file'.
 */
import { readFile } from 'node:fs/promises';
import { ApiError } from '../schema/errors';
import { decodeNpy } from '../engine/io/npy';

export async function readNpyFile(path: string, missing = `${path} is missing; resume the run to produce it.`): Promise<{ data: Float64Array; shape: number[] }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError('not-found', missing, { path });
    throw new ApiError('io', `Cannot read ${path}: ${(error as Error).message}`, { path });
  }
  try {
    return decodeNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
  } catch (error) {
    throw new ApiError('bad-file', (error as Error).message, { path });
  }
}
