/**
 * Cross-process lock files (a project's `project.lock`, a run's `runs/<id>/owner.lock`, the app's
 * `app.lock`). A lock is a small JSON file { pid, host, token, purpose, created } that appears
 * atomically (written to a temp sibling, then hard-linked into place: link fails if the name
 * exists, so exactly one process wins, and nobody ever sees a half-written lock).
 *
 * Stale locks (the holder was killed) are detected, not waited for:
 *  - same host: the holder's pid no longer exists (process.kill(pid, 0));
 *  - same pid as ours: only live if this process holds it (a test that "kills" an app context in
 *    one process leaves such a lock behind);
 *  - another host (a shared/network folder): the file was not refreshed for `staleAfterMs`
 *    (long-held locks are refreshed by their holder, see LockHandle.refresh).
 * A stale lock is taken over by renaming it away first, so two processes that both judge it
 * stale cannot both win.
 */
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ioError, processExists } from './atomic';

export interface LockOwner {
  pid: number;
  host: string;
  token: string;
  purpose: string;
  created: string;
}

export interface LockHandle {
  readonly path: string;
  readonly owner: LockOwner;
  /** Deletes the lock file (if it is still ours). */
  release(): void;
  /** Touches the file so holders on other hosts see it as alive. */
  refresh(): void;
  /** Forgets the lock without deleting it (simulates a crash in tests). */
  abandon(): void;
}

/** Tokens of the locks this process holds, by path. */
const heldHere = new Map<string, string>();

/** Another host's lock counts as stale after this long without a refresh. */
export const LOCK_STALE_AFTER_MS = 5 * 60_000;

function readLock(path: string): { owner: LockOwner | null; raw: string; mtimeMs: number } | null {
  let raw: string;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw ioError(error, path, 'read');
  }
  try {
    const data = JSON.parse(raw) as LockOwner;
    if (typeof data.pid === 'number' && typeof data.host === 'string' && typeof data.token === 'string') return { owner: data, raw, mtimeMs };
  } catch {
    /* damaged: treated as stale below */
  }
  return { owner: null, raw, mtimeMs };
}

/** Is the holder of this lock still alive? */
function isLive(path: string, owner: LockOwner | null, mtimeMs: number, staleAfterMs: number): boolean {
  if (!owner) return false; // damaged lock files are never written by us (they appear atomically)
  if (owner.host !== hostname()) return Date.now() - mtimeMs < staleAfterMs;
  if (owner.pid === process.pid) return heldHere.get(path) === owner.token;
  return processExists(owner.pid);
}

/** The live holder of the lock at `path`, or null (no lock, or a stale one). */
export function lockHolder(path: string, staleAfterMs = LOCK_STALE_AFTER_MS): LockOwner | null {
  const current = readLock(path);
  if (!current || !isLive(path, current.owner, current.mtimeMs, staleAfterMs)) return null;
  return current.owner;
}

/** True when this process holds the lock at `path`. */
export function holdsLock(path: string): boolean {
  const current = readLock(path);
  return !!current?.owner && heldHere.get(path) === current.owner.token;
}

function writeTemp(path: string, text: string): string {
  const temp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const fd = openSync(temp, 'wx', 0o644);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return temp;
}

/** Removes a stale lock unless someone replaced it meanwhile. */
function breakStale(path: string, raw: string): void {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // somebody else broke it first
  }
  let asideRaw = '';
  try {
    asideRaw = readFileSync(aside, 'utf8');
  } catch {
    /* ignore */
  }
  if (asideRaw !== raw) {
    // We moved a fresh lock taken between our read and our rename: put it back.
    try {
      linkSync(aside, path);
    } catch {
      /* a third process holds the name now; the moved one's holder will find its lock gone */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* ignore */
  }
}

/**
 * Tries once to take the lock. Returns the handle, or the live holder when someone else has it.
 * Breaks stale locks on the way.
 */
export function tryLock(path: string, purpose: string, staleAfterMs = LOCK_STALE_AFTER_MS): LockHandle | LockOwner {
  const owner: LockOwner = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex'), purpose, created: new Date().toISOString() };
  const text = JSON.stringify(owner) + '\n';
  for (let attempt = 0; attempt < 5; attempt++) {
    let temp: string;
    try {
      temp = writeTemp(path, text);
    } catch (error) {
      throw ioError(error, path, 'create the lock');
    }
    try {
      linkSync(temp, path);
      heldHere.set(path, owner.token);
      return handleFor(path, owner);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(error, path, 'create the lock');
    } finally {
      try {
        unlinkSync(temp);
      } catch {
        /* ignore */
      }
    }
    const current = readLock(path);
    if (!current) continue; // released meanwhile: try again
    if (isLive(path, current.owner, current.mtimeMs, staleAfterMs)) return current.owner!;
    breakStale(path, current.raw);
  }
  const holder = lockHolder(path, staleAfterMs);
  if (holder) return holder;
  throw ioError(new Error('the lock keeps changing hands'), path, 'take the lock');
}

function handleFor(path: string, owner: LockOwner): LockHandle {
  return {
    path,
    owner,
    release() {
      if (heldHere.get(path) !== owner.token) return;
      heldHere.delete(path);
      const current = readLock(path);
      if (current?.owner?.token !== owner.token) return;
      try {
        unlinkSync(path);
      } catch {
        /* ignore */
      }
    },
    refresh() {
      if (heldHere.get(path) !== owner.token) return;
      const now = new Date();
      try {
        utimesSync(path, now, now);
      } catch {
        /* a missing lock is noticed by the next holder check */
      }
    },
    abandon() {
      if (heldHere.get(path) === owner.token) heldHere.delete(path);
    },
  };
}

export const isLockHandle = (x: LockHandle | LockOwner): x is LockHandle => 'release' in x;

/** "process 1234 on host-a (umbrella run, since 2026-...)": for messages. */
export function describeOwner(owner: LockOwner): string {
  return `process ${owner.pid} on ${owner.host} (${owner.purpose}, since ${owner.created})`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits for a short-lived lock (project.json updates hold it for milliseconds). Gives up after
 * `timeoutMs` with the holder named.
 */
export async function waitForLock(path: string, purpose: string, timeoutMs = 30_000, staleAfterMs = 60_000): Promise<LockHandle | LockOwner> {
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  for (;;) {
    const got = tryLock(path, purpose, staleAfterMs);
    if (isLockHandle(got) || Date.now() >= deadline) return got;
    await sleep(delay + Math.random() * delay);
    delay = Math.min(100, delay * 2);
  }
}
