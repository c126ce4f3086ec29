/**
 * Crash-safe writes: every file Liftwell writes goes to a temporary sibling, is fsynced, then
 * renamed over the target (rename is atomic on POSIX and NTFS within one folder). A crash at any
 * point leaves either the old file or the new one, never a torn mix. Disk errors become
 * ApiError('io') naming the path.
 */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync, type Dirent } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { ApiError } from '../schema/errors';

const IO_WORDS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'the path is a folder',
  EEXIST: 'it already exists',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/** Turns a Node fs error into ApiError('io', ...) naming the path; passes ApiErrors through. */
export function ioError(error: unknown, path: string, action = 'write'): ApiError {
  if (error instanceof ApiError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const words = (code && IO_WORDS[code]) || (error instanceof Error ? error.message : String(error));
  return new ApiError('io', `Could not ${action} ${path}: ${words}${code ? ` (${code})` : ''}.`, { path, code });
}

/** Name of the temporary sibling used while writing `path`. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Test hooks: a crash can be simulated between writing the temp file and the rename. */
export const atomicHooks: { beforeRename: ((tempPath: string, path: string) => void) | null } = { beforeRename: null };

function fsyncDirSync(dir: string): void {
  // Makes the rename durable. Not supported on every platform (Windows); best effort.
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* ignore */
  }
}

export async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(path);
  let handle: Awaited<ReturnType<typeof open>> | null = null;
  try {
    handle = await open(temp, 'wx', 0o644);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = null;
    atomicHooks.beforeRename?.(temp, path);
    await rename(temp, path);
    fsyncDirSync(dirname(path));
  } catch (error) {
    if (handle) await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw ioError(error, path);
  }
}

/** Synchronous variant for worker threads (checkpoints, window results). */
export function atomicWriteSync(path: string, data: string | Uint8Array): void {
  const temp = tempPathFor(path);
  let fd: number | null = null;
  try {
    fd = openSync(temp, 'wx', 0o644);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    atomicHooks.beforeRename?.(temp, path);
    renameSync(temp, path);
    fsyncDirSync(dirname(path));
  } catch (error) {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        /* ignore */
      }
    }
    try {
      unlinkSync(temp);
    } catch {
      /* ignore */
    }
    throw ioError(error, path);
  }
}

/** Name pattern of tempPathFor's siblings: ".<name>.tmp-<pid>-<8 hex>". */
const TEMP_NAME = /^\..+\.tmp-(\d+)-[0-9a-f]{8}$/;

/**
 * Removes the temporary siblings that processes killed mid-write (kill -9, power loss) left in
 * `dir` and its direct subfolders. Only files of processes that no longer exist on this host are
 * touched, so a write in progress elsewhere is never disturbed. Returns what it removed.
 */
export function removeStaleTemps(dir: string, depth = 1): string[] {
  const removed: string[] = [];
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return removed;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth > 0) removed.push(...removeStaleTemps(path, depth - 1));
      continue;
    }
    const match = TEMP_NAME.exec(entry.name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || processExists(pid)) continue;
    try {
      unlinkSync(path);
      removed.push(path);
    } catch {
      /* gone already */
    }
  }
  return removed;
}

/** Does a process with this pid exist on this host? (EPERM: it exists but is not ours.) */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
