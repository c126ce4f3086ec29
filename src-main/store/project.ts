/**
 * Project folders on disk (`<name>.liftwell/`):
 *
 *   project.json                 { schemaVersion, name, created, modified, systems[], molecules?, models?, runs[] (index) }
 *   runs/<id>/run.json           { schemaVersion, run: RunRecord, job: Job } (written before the job starts)
 *   runs/<id>/...                the run kind's own files (umbrella windows, metad HILLS/COLVAR, DCDs, ...;
 *                                see runs/<kind>/files.ts and the README's project-folder section)
 *   models/<id>/                 generative models (store/model-folder.ts)
 *   analyses/<id>/               FES, diffusion maps and other analyses of run <id>
 *
 * Every write goes through atomicWrite. Files that are damaged or written by a newer Liftwell give
 * ApiError('bad-file') naming the file and are never overwritten.
 */
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { ApiError, moleculeRecordSchema, systemSpec, type FesResult, type SystemRecord, type SystemSpec } from '../schema';
import { importRecordSchema } from '../schema/imports';
import { atomicWrite, ioError, removeStaleTemps } from './atomic';
import { describeOwner, isLockHandle, waitForLock } from './lock-file';
import { migrateRunFile } from './migrations';
import { analysisDir, newId, nowIso, PROJECT_FILE, projectFile, projectFolderName, runDir, runFilePath } from './paths';

// Ids, names and paths of a project's files live in ./paths.ts (no zod: worker threads import
// them without loading the schemas); re-exported so that callers keep one import.
export * from './paths';

export const PROJECT_SCHEMA_VERSION = 1;
/** 2: springs and centres as lists, one per CV (store/migrations.ts reads version 1). */
export const RUN_SCHEMA_VERSION = 2;

// ---------------------------------------------------------------- schemas

const systemRecordSchema = z.object({ id: z.string(), name: z.string(), spec: systemSpec, created: z.string() });
const runIndexEntry = z.object({ id: z.string(), name: z.string(), created: z.string() });
const projectFileSchema = z.object({
  schemaVersion: z.literal(PROJECT_SCHEMA_VERSION),
  name: z.string(),
  created: z.string(),
  modified: z.string(),
  systems: z.array(systemRecordSchema),
  /** Absent in projects written before molecules existed. */
  molecules: z.array(moleculeRecordSchema).optional(),
  runs: z.array(runIndexEntry),
  /** Generative models (models/<id>/); absent in projects written before models existed. */
  models: z.array(z.object({ id: z.string(), name: z.string(), created: z.string(), runId: z.string() })).optional(),
  /** Results imported from files (imports/<id>/, store/imports.ts); absent in projects written before imports existed. */
  imports: z.array(importRecordSchema).optional(),
});
export type ProjectFile = z.infer<typeof projectFileSchema>;
export type RunIndexEntry = z.infer<typeof runIndexEntry>;

/** The record fields every run kind shares (run.json's `run`); each kind's schema (runs/<kind>/schema.ts) adds its own. */
export const runRecordBase = {
  id: z.string(),
  name: z.string(),
  systemId: z.string(),
  system: systemSpec,
  status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted']),
  created: z.string(),
  started: z.string().optional(),
  finished: z.string().optional(),
  progress: z.number(),
  error: z.string().optional(),
  errorCode: z.enum(['invalid-input', 'not-found', 'conflict', 'io', 'bad-file', 'internal']).optional(),
  provenance: z.object({ appVersion: z.string(), host: z.string(), platform: z.string(), node: z.string() }),
  cluster: z
    .object({
      executor: z.literal('slurm'),
      jobIds: z.array(z.string()),
      pieces: z.array(z.object({ index: z.number().int(), state: z.enum(['pending', 'running', 'retrying', 'done']), attempts: z.number().int(), message: z.string().optional() })),
      scriptsOnly: z.boolean().optional(),
      updated: z.string(),
    })
    .optional(),
};
/** The shared record fields of runs that have no toy system (molecular runs). */
export const { systemId: _systemId, system: _system, ...runRecordCommon } = runRecordBase;
/**
 * run.json as the store sees it: the versioned envelope around a run record and a job. The job's
 * shape belongs to its run kind: runs/run-file.ts reads run.json with every kind's schema.
 */
export interface RunFileEnvelope {
  schemaVersion: typeof RUN_SCHEMA_VERSION;
  run: { id: string; name: string };
  job: { kind: string };
}

// ---------------------------------------------------------------- helpers

/** Does anything (file or folder) exist at `path`? */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads and checks a versioned JSON file. Never writes. Errors name the file:
 * missing -> not-found, unreadable -> io, not JSON / wrong shape / newer version -> bad-file.
 * `migrate` turns an older version into the current one in memory (store/migrations.ts).
 */
async function readVersionedJson<T>(path: string, what: string, supported: number, schema: z.ZodType<T>, migrate?: (data: unknown, current: number) => unknown): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ApiError('not-found', `${what} not found: ${path} does not exist.`, { path });
    }
    throw ioError(error, path, 'read');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ApiError(
      'bad-file',
      `${path} is damaged (not valid JSON: ${(error as Error).message}). Liftwell left it unchanged; restore it from a backup.`,
      { path },
    );
  }
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > supported) {
    throw new ApiError(
      'bad-file',
      `${path} was written by a newer version of Liftwell (schema version ${version}; this version reads up to ${supported}). ` +
        'Update Liftwell to open it; the file was left unchanged.',
      { path, schemaVersion: version },
    );
  }
  // jitless: zod would otherwise compile a parser for each object schema on its first parse (code
  // generation + eval), which pays only over many parses; a file is checked once per read, and the
  // compiling was most of a read of run.json (docs/cli-fixed-overhead.md). Same checks, same result.
  const parsed = schema.safeParse(migrate ? migrate(data, supported) : data, { jitless: true });
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? `${first.path.join('.')}: ` : '';
    throw new ApiError(
      'bad-file',
      `${path} is damaged or not a Liftwell ${what} (${where}${first?.message ?? 'unexpected content'}). Liftwell left it unchanged.`,
      { path, issues: parsed.error.issues },
    );
  }
  return parsed.data;
}

// ---------------------------------------------------------------- per-project lock

const locks = new Map<string, Promise<unknown>>();

/** Serialises read-modify-write of one project's files within this process. */
export async function withProjectLock<T>(projectPath: string, fn: () => Promise<T>): Promise<T> {
  const previous = locks.get(projectPath) ?? Promise.resolve();
  const next = previous.then(fn, fn);
  const settled = next.catch(() => {});
  locks.set(projectPath, settled);
  try {
    return await next;
  } finally {
    if (locks.get(projectPath) === settled) locks.delete(projectPath);
  }
}

// ---------------------------------------------------------------- project.json

export async function readProjectFile(projectPath: string): Promise<ProjectFile> {
  return readVersionedJson(projectFile(projectPath), 'project file', PROJECT_SCHEMA_VERSION, projectFileSchema);
}

export async function writeProjectFile(projectPath: string, data: ProjectFile): Promise<void> {
  await atomicWrite(projectFile(projectPath), JSON.stringify(data, null, 2) + '\n');
}

/** The lock file every process takes around a read-modify-write of project.json. */
export const projectLockPath = (projectPath: string) => join(projectPath, 'project.lock');

/**
 * Runs `fn` holding the project's lock in this process (a promise chain) and across processes
 * and hosts (project.lock, see lock-file.ts). Held for milliseconds: others wait for it.
 */
export async function withProjectFileLock<T>(projectPath: string, fn: () => Promise<T>): Promise<T> {
  return withProjectLock(projectPath, async () => {
    const lock = await waitForLock(projectLockPath(projectPath), 'project.json update');
    if (!isLockHandle(lock)) {
      throw new ApiError('conflict', `${projectFile(projectPath)} is being updated by ${describeOwner(lock)} for over 30 s; try again.`, { path: projectPath });
    }
    try {
      return await fn();
    } finally {
      lock.release();
    }
  });
}

/**
 * Read-modify-write of project.json: under the cross-process project lock the file is read
 * afresh, so another process's additions (runs, systems) are kept; bumps `modified`.
 */
export async function updateProjectFile(projectPath: string, mutate: (p: ProjectFile) => void): Promise<ProjectFile> {
  return withProjectFileLock(projectPath, async () => {
    removeStaleTemps(projectPath, 0);
    const data = await readProjectFile(projectPath);
    mutate(data);
    data.modified = nowIso();
    await writeProjectFile(projectPath, data);
    return data;
  });
}

/** Creates `<parentDir>/<name>.liftwell/` with an empty project.json. */
export async function createProjectFolder(parentDir: string, name: string): Promise<{ path: string; data: ProjectFile }> {
  if (parentDir.includes('\0')) throw new ApiError('invalid-input', 'parentDir: the path contains a NUL character.');
  if (!isAbsolute(parentDir)) throw new ApiError('invalid-input', `parentDir: "${parentDir}" must be an absolute path.`);
  const parent = resolve(parentDir);
  let parentStat;
  try {
    parentStat = await stat(parent);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ApiError('not-found', `parentDir: the folder ${parent} does not exist.`, { path: parent });
    }
    throw ioError(error, parent, 'read');
  }
  if (!parentStat.isDirectory()) throw new ApiError('invalid-input', `parentDir: ${parent} is not a folder.`);
  const path = join(parent, projectFolderName(name));
  const taken = () => new ApiError('conflict', `A file or folder named ${path} already exists; choose another name or open it.`, { path });
  if (await exists(path)) throw taken();
  // Built complete in a temporary sibling, then renamed into place: another process never sees a
  // project folder without its project.json, and of two processes creating it at once one wins.
  const temp = join(parent, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const now = nowIso();
  const data: ProjectFile = { schemaVersion: 1, name: name.trim(), created: now, modified: now, systems: [], runs: [] };
  try {
    await mkdir(temp);
    await mkdir(join(temp, 'runs'));
    await mkdir(join(temp, 'analyses'));
    await writeProjectFile(temp, data);
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => {});
    throw ioError(error, path, 'create');
  }
  try {
    if (await exists(path)) throw taken();
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => {});
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof ApiError || code === 'EEXIST' || code === 'ENOTEMPTY') throw taken();
    throw ioError(error, path, 'create');
  }
  return { path, data };
}

// ---------------------------------------------------------------- runs

/** Reads and checks runs/<id>/run.json against `schema` (runs/run-file.ts passes every run kind's). */
export async function readRunFileWith<T>(projectPath: string, runId: string, schema: z.ZodType<T>): Promise<T> {
  return readVersionedJson(runFilePath(projectPath, runId), 'run file', RUN_SCHEMA_VERSION, schema, migrateRunFile);
}

export async function writeRunFile(projectPath: string, file: RunFileEnvelope): Promise<void> {
  const dir = runDir(projectPath, file.run.id);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw ioError(error, dir, 'create');
  }
  await atomicWrite(join(dir, 'run.json'), JSON.stringify(file, null, 2) + '\n');
}

export async function listFiles(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------- analyses

export async function writeFesFile(projectPath: string, runId: string, fes: FesResult): Promise<string> {
  const dir = analysisDir(projectPath, runId);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw ioError(error, dir, 'create');
  }
  const path = join(dir, 'fes.json');
  await atomicWrite(path, JSON.stringify({ schemaVersion: 1, kind: 'fes-1d', created: nowIso(), fes }, null, 2) + '\n');
  return path;
}

export function systemRecord(name: string, spec: SystemSpec): SystemRecord {
  return { id: newId('sys'), name: name.trim(), spec, created: nowIso() };
}
