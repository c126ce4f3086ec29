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
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { ApiError, ensembleParams, type EnsembleRunRecord, metadParams, molecularRunParams, moleculeRecordSchema, systemSpec, trainParams, umbrellaParams, type TrainRunRecord, type MetadRunRecord, type MolecularRunRecord, type UmbrellaRunRecord, type FesResult, type RunRecord, type SystemRecord, type SystemSpec } from '../schema';
import { atomicWrite, ioError, removeStaleTemps } from './atomic';
import { describeOwner, isLockHandle, waitForLock } from './lock-file';

export const PROJECT_FILE = 'project.json';
export const PROJECT_EXTENSION = '.liftwell';
export const PROJECT_SCHEMA_VERSION = 1;
export const RUN_SCHEMA_VERSION = 1;

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
});
export type ProjectFile = z.infer<typeof projectFileSchema>;
export type RunIndexEntry = z.infer<typeof runIndexEntry>;

/** Everything a worker needs to run one umbrella window; stored in run.json before the run starts. */
export interface UmbrellaJob {
  kind: 'umbrella';
  system: SystemSpec;
  cvIndex: number;
  /**
   * Per window: every walker starts at `start` (CV at the centre; see runs/umbrella/plan.ts for the rest).
   * 2D studies add `centers`/`springs` per CV (in cvIndices order); `center`/`spring` then hold the first CV's.
   */
  windows: { index: number; center: number; spring: number; start: number[]; centers?: number[]; springs?: number[]; /** Seeded runs: walkers x dim starting coordinates. */ starts?: number[] }[];
  /** 2D grid studies only: the coordinates used as CVs ([cvIndex, second]); absent = 1D on cvIndex. */
  cvIndices?: number[];
  /** 2D grid studies only: centres per CV; window k = i * gridShape[1] + j. */
  gridShape?: number[];
  kT: number;
  dt: number;
  walkers: number;
  equilibrationSteps: number;
  stepsPerWindow: number;
  stride: number;
  samplesPerWindow: number;
  seed: number;
  /** Walker w of window k uses RNG stream k * streamStride + w. */
  streamStride: number;
}

const umbrellaJobSchema = z.object({
  kind: z.literal('umbrella'),
  system: systemSpec,
  cvIndex: z.number().int(),
  windows: z.array(
    z.object({
      index: z.number().int(),
      center: z.number(),
      spring: z.number(),
      start: z.array(z.number()),
      centers: z.array(z.number()).optional(),
      springs: z.array(z.number()).optional(),
      starts: z.array(z.number()).optional(),
    }),
  ),
  cvIndices: z.array(z.number().int()).optional(),
  gridShape: z.array(z.number().int()).optional(),
  kT: z.number(),
  dt: z.number(),
  walkers: z.number().int(),
  equilibrationSteps: z.number().int(),
  stepsPerWindow: z.number().int(),
  stride: z.number().int(),
  samplesPerWindow: z.number().int(),
  seed: z.number().int(),
  streamStride: z.number().int(),
});
/** Everything the worker needs for a metadynamics run; stored in run.json before it starts. */
export interface MetadJob {
  kind: 'metad';
  system: SystemSpec;
  cvIndices: number[];
  cvNames: string[];
  sigma: number[];
  height: number;
  pace: number;
  biasFactor: number;
  kT: number;
  dt: number;
  steps: number;
  walkers: number;
  integrator: 'overdamped' | 'baoab';
  friction: number;
  mass: number;
  grid: { min: number[]; max: number[]; bins: number[] };
  colvarStride: number;
  /** Every walker starts here. */
  start: number[];
  seed: number;
}

const metadJobSchema = z.object({
  kind: z.literal('metad'),
  system: systemSpec,
  cvIndices: z.array(z.number().int()),
  cvNames: z.array(z.string()),
  sigma: z.array(z.number()),
  height: z.number(),
  pace: z.number().int(),
  biasFactor: z.number(),
  kT: z.number(),
  dt: z.number(),
  steps: z.number().int(),
  walkers: z.number().int(),
  integrator: z.enum(['overdamped', 'baoab']),
  friction: z.number(),
  mass: z.number(),
  grid: z.object({ min: z.array(z.number()), max: z.array(z.number()), bins: z.array(z.number().int()) }),
  colvarStride: z.number().int(),
  start: z.array(z.number()),
  seed: z.number().int(),
});

/** Everything the worker needs for a walker-ensemble run (runs/ensemble/plan.ts); stored in run.json. */
export interface EnsembleJob {
  kind: 'ensemble';
  system: SystemSpec;
  coordinateNames: string[];
  walkers: number;
  steps: number;
  dt: number;
  kT: number;
  umbrella: { cvIndex: number; center: number; spring: number } | null;
  executor: 'auto' | 'cpu' | 'tensor';
  /** tfjs backend preference the worker starts when the executor decision needs one. */
  backend: string;
  /** Histogram range per coordinate (the system's box widened by 10%) and bins per axis. */
  ranges: [number, number][];
  bins: number;
  equilibrationSteps: number;
  stride: number;
  /** null: every walker starts uniformly in the system's box (its own seeded draw); else this point. */
  start: number[] | null;
  seed: number;
}

const ensembleJobSchema = z.object({
  kind: z.literal('ensemble'),
  system: systemSpec,
  coordinateNames: z.array(z.string()),
  walkers: z.number().int(),
  steps: z.number().int(),
  dt: z.number(),
  kT: z.number(),
  umbrella: z.object({ cvIndex: z.number().int(), center: z.number(), spring: z.number() }).nullable(),
  executor: z.enum(['auto', 'cpu', 'tensor']),
  backend: z.string(),
  ranges: z.array(z.tuple([z.number(), z.number()])),
  bins: z.number().int(),
  equilibrationSteps: z.number().int(),
  stride: z.number().int(),
  start: z.array(z.number()).nullable(),
  seed: z.number().int(),
});

/** Everything the worker needs for a molecular run (see runs/molecular/plan.ts); stored in run.json. */
export interface MolecularJob {
  kind: 'molecular';
  moleculeId: string;
  /** Paths relative to the project folder (systems/<id>/...). */
  topologyFile: string;
  coordinatesFile: string;
  temperature: number;
  friction: number;
  dt: number;
  steps: number;
  constraints: 'none' | 'hbonds';
  minimize: boolean;
  seed: number;
  frameInterval: number;
  /** Definitions with 1-based atoms ("phi=dihedral(5,7,9,15)"), names and periodicity. */
  cvs: { name: string; definition: string; periodic: boolean }[];
  metad: null | {
    cvIndices: number[];
    sigma: number[];
    height: number;
    pace: number;
    biasFactor: number;
    /** Grid per biased CV (periodic CVs: their period). */
    grid: { min: number[]; max: number[]; bins: number[] };
  };
  /**
   * Umbrella windows (runs/molecular/umbrella-task.ts): one task per window; `steps` are each
   * window's sampling steps after equilibrationSteps. Absent in runs made before umbrella existed.
   */
  umbrella?: null | {
    cvIndices: number[];
    /** One centre per restrained CV for every window (product of the lists, first CV slowest). */
    windows: number[][];
    /** Number of centres per restrained CV (the window grid's shape). */
    shape: number[];
    springs: number[];
    equilibrationSteps: number;
  };
}

const molecularJobSchema = z.object({
  kind: z.literal('molecular'),
  moleculeId: z.string(),
  topologyFile: z.string(),
  coordinatesFile: z.string(),
  temperature: z.number(),
  friction: z.number(),
  dt: z.number(),
  steps: z.number().int(),
  constraints: z.enum(['none', 'hbonds']),
  minimize: z.boolean(),
  seed: z.number().int(),
  frameInterval: z.number().int(),
  cvs: z.array(z.object({ name: z.string(), definition: z.string(), periodic: z.boolean() })),
  metad: z
    .object({
      cvIndices: z.array(z.number().int()),
      sigma: z.array(z.number()),
      height: z.number(),
      pace: z.number().int(),
      biasFactor: z.number(),
      grid: z.object({ min: z.array(z.number()), max: z.array(z.number()), bins: z.array(z.number().int()) }),
    })
    .nullable(),
  umbrella: z
    .object({
      cvIndices: z.array(z.number().int()),
      windows: z.array(z.array(z.number())),
      shape: z.array(z.number().int()),
      springs: z.array(z.number()),
      equilibrationSteps: z.number().int(),
    })
    .nullable()
    .optional(),
});

/** Everything the worker needs to train a model (see api/models.ts planTrainJob); stored in run.json. */
/** Training on molecular runs (runs/train/molecular-data.ts): where the frames are and how they are featurised. */
export interface MolecularTrainPlan {
  moleculeId: string;
  moleculeName: string;
  /** Paths relative to the project folder (as in the source runs' jobs). */
  topologyFile: string;
  coordinatesFile: string;
  temperature: number;
  /** The condition: every CV of the source runs. */
  cvs: { name: string; definition: string; periodic: boolean }[];
  /** DCD files relative to the project, pooled in this order (frames counted at planning). */
  trajectories: { runId: string; file: string; frames: number }[];
  /** engine/generative/molecular-features.ts InternalCoordinateSpec. */
  zmatrix: unknown;
  /** Internal coordinates the model generates; the others are held at `frozen` values (constrained bonds). */
  free: number[];
  frozen: { index: number; value: number }[];
  /**
   * Models planned since the CVs are imposed exactly (engine/generative/molecular-targets.ts): per
   * CV the internal coordinate set from the condition (-1: projected), and the torsions modelled
   * as offsets from an anchor on the same bond. Absent in older plans (they generated the CVs).
   */
  cvCoordinates?: number[];
  offsets?: { coordinate: number; anchor: number }[];
}

export interface TrainJob {
  kind: 'train';
  /** The toy system; absent for molecular training (see `molecular`). */
  system?: SystemSpec;
  molecular?: MolecularTrainPlan;
  modelId: string;
  modelName: string;
  /** Source runs (umbrella, metadynamics or molecular), pooled in this order. */
  sourceRunIds: string[];
  /** Columns of colvar.npy: condition = the runs' CVs, target = the other coordinates. */
  colvarWidth: number;
  condColumns: number[];
  targetColumns: number[];
  condIndices: number[];
  targetIndices: number[];
  condNames: string[];
  targetNames: string[];
  kT: number;
  discardFraction: number;
  holdOut: [number, number] | null;
  /** Rows used for training (after discard and hold-out) and the optimiser steps per epoch. */
  rows: number;
  stepsPerEpoch: number;
  model: 'score' | 'gan';
  epochs: number;
  seed: number;
  hidden: number[] | null;
  batchSize: number;
  learningRate: number | null;
  validationFraction: number;
  patience: number | null;
  /** Backend preference ('auto' unless LIFTWELL_TF_BACKEND says otherwise). */
  backend: string;
}

const trainJobSchema = z.object({
  kind: z.literal('train'),
  system: systemSpec.optional(),
  molecular: z
    .object({
      moleculeId: z.string(),
      moleculeName: z.string(),
      topologyFile: z.string(),
      coordinatesFile: z.string(),
      temperature: z.number(),
      cvs: z.array(z.object({ name: z.string(), definition: z.string(), periodic: z.boolean() })),
      trajectories: z.array(z.object({ runId: z.string(), file: z.string(), frames: z.number().int() })),
      zmatrix: z.unknown(),
      free: z.array(z.number().int()),
      frozen: z.array(z.object({ index: z.number().int(), value: z.number() })),
      cvCoordinates: z.array(z.number().int()).optional(),
      offsets: z.array(z.object({ coordinate: z.number().int(), anchor: z.number().int() })).optional(),
    })
    .optional(),
  modelId: z.string(),
  modelName: z.string(),
  sourceRunIds: z.array(z.string()),
  colvarWidth: z.number().int(),
  condColumns: z.array(z.number().int()),
  targetColumns: z.array(z.number().int()),
  condIndices: z.array(z.number().int()),
  targetIndices: z.array(z.number().int()),
  condNames: z.array(z.string()),
  targetNames: z.array(z.string()),
  kT: z.number(),
  discardFraction: z.number(),
  holdOut: z.tuple([z.number(), z.number()]).nullable(),
  rows: z.number().int(),
  stepsPerEpoch: z.number().int(),
  model: z.enum(['score', 'gan']),
  epochs: z.number().int(),
  seed: z.number().int(),
  hidden: z.array(z.number().int()).nullable(),
  batchSize: z.number().int(),
  learningRate: z.number().nullable(),
  validationFraction: z.number(),
  patience: z.number().int().nullable(),
  backend: z.string(),
});

const runRecordBase = {
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
const umbrellaRunFile = z.object({
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  run: z.object({ ...runRecordBase, kind: z.literal('umbrella'), params: umbrellaParams, windowCenters: z.array(z.number()) }),
  job: umbrellaJobSchema,
});
const metadRunFile = z.object({
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  run: z.object({ ...runRecordBase, kind: z.literal('metad'), params: metadParams }),
  job: metadJobSchema,
});
const ensembleRunFile = z.object({
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  run: z.object({
    ...runRecordBase,
    kind: z.literal('ensemble'),
    params: ensembleParams,
    executor: z.enum(['cpu', 'tensor']).optional(),
    executorReason: z.string().optional(),
    backend: z.string().nullable().optional(),
  }),
  job: ensembleJobSchema,
});
const { systemId: _systemId, system: _system, ...runRecordCommon } = runRecordBase;
const molecularRunFile = z.object({
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  run: z.object({ ...runRecordCommon, kind: z.literal('molecular'), moleculeId: z.string(), moleculeName: z.string(), params: molecularRunParams }),
  job: molecularJobSchema,
});
const trainRunFile = z.object({
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  run: z.object({ ...runRecordBase, system: systemSpec.optional(), kind: z.literal('train'), params: trainParams, modelId: z.string(), device: z.enum(['worker', 'webgpu']).optional(), deviceReason: z.string().optional() }),
  job: trainJobSchema,
});
const runFileOnDisk = z.union([umbrellaRunFile, metadRunFile, molecularRunFile, trainRunFile, ensembleRunFile]);
/** Every kind of job a run can hold (one member per kind; see runs/registry.ts). */
export type Job = UmbrellaJob | MetadJob | MolecularJob | TrainJob | EnsembleJob;
export interface UmbrellaRunFile { schemaVersion: 1; run: UmbrellaRunRecord; job: UmbrellaJob }
export interface MetadRunFile { schemaVersion: 1; run: MetadRunRecord; job: MetadJob }
export interface MolecularRunFile { schemaVersion: 1; run: MolecularRunRecord; job: MolecularJob }
/** run.json: the record and the job of one run, of any kind (narrow on job.kind). */
export interface TrainRunFile { schemaVersion: 1; run: TrainRunRecord; job: TrainJob }
export interface EnsembleRunFile { schemaVersion: 1; run: EnsembleRunRecord; job: EnsembleJob }
export type RunFile = UmbrellaRunFile | MetadRunFile | MolecularRunFile | TrainRunFile | EnsembleRunFile;

// ---------------------------------------------------------------- helpers

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,80}$/;

/** Run and system ids become folder names: only plain characters, so no path can escape. */
export function checkId(id: string, what: string): string {
  if (!SAFE_ID.test(id)) throw new ApiError('invalid-input', `${what}: "${id}" is not a valid id.`);
  return id;
}

export function newId(prefix: string): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${prefix}-${t}-${randomBytes(3).toString('hex')}`;
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** Folder name for a project called `name`: characters no file system accepts become '-'. */
export function projectFolderName(name: string): string {
  const cleaned = name
    .trim()
    // eslint-disable-next-line no-control-regex
    .replace(/[\\/:*?"<>|\u0000-\u001f]/g, '-')
    .replace(/^\.+/, '')
    .replace(/[. ]+$/, '');
  if (!cleaned) throw new ApiError('invalid-input', `name: "${name}" cannot be used as a folder name.`);
  return cleaned + PROJECT_EXTENSION;
}

/** Accepts the project folder or its project.json; returns the absolute folder path. */
export function normaliseProjectPath(path: string): string {
  if (path.includes('\0')) throw new ApiError('invalid-input', `projectPath: "${path.replace(/\0/g, '\\0')}" contains a NUL character.`);
  if (!isAbsolute(path)) throw new ApiError('invalid-input', `projectPath: "${path}" must be an absolute path.`);
  const abs = resolve(path);
  return basename(abs) === PROJECT_FILE ? dirname(abs) : abs;
}

export const projectFile = (projectPath: string) => join(projectPath, PROJECT_FILE);
export const runDir = (projectPath: string, runId: string) => join(projectPath, 'runs', checkId(runId, 'runId'));
export const runFilePath = (projectPath: string, runId: string) => join(runDir(projectPath, runId), 'run.json');
/** Held by the process computing the run (runs/runtime/manager.ts), so no other process resumes it. */
export const runOwnerLockPath = (projectPath: string, runId: string) => join(runDir(projectPath, runId), 'owner.lock');
export const windowFileName = (k: number) => `window-${String(k).padStart(3, '0')}.npy`;
export const checkpointFileName = (k: number) => `checkpoint-${String(k).padStart(3, '0')}.json`;
export const windowFilePath = (projectPath: string, runId: string, k: number) => join(runDir(projectPath, runId), windowFileName(k));
export const checkpointFilePath = (projectPath: string, runId: string, k: number) =>
  join(runDir(projectPath, runId), checkpointFileName(k));
export const analysisDir = (projectPath: string, runId: string) => join(projectPath, 'analyses', checkId(runId, 'runId'));

async function exists(path: string): Promise<boolean> {
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
 */
async function readVersionedJson<T>(path: string, what: string, supported: number, schema: z.ZodType<T>): Promise<T> {
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
  const parsed = schema.safeParse(data);
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

export async function readRunFile(projectPath: string, runId: string): Promise<RunFile> {
  const data = await readVersionedJson(runFilePath(projectPath, runId), 'run file', RUN_SCHEMA_VERSION, runFileOnDisk);
  return data as RunFile;
}

export async function writeRunFile(projectPath: string, file: RunFile): Promise<void> {
  const dir = runDir(projectPath, file.run.id);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw ioError(error, dir, 'create');
  }
  await atomicWrite(join(dir, 'run.json'), JSON.stringify(file, null, 2) + '\n');
}

/**
 * All runs of the project index, oldest first. A damaged or unreadable run file does not hide the
 * project: it is left out and its problem (naming the file) is returned in `problems`.
 */
export async function readAllRuns(projectPath: string, project: ProjectFile): Promise<{ runs: RunFile[]; problems: string[] }> {
  const runs: RunFile[] = [];
  const problems: string[] = [];
  for (const entry of project.runs) {
    try {
      runs.push(await readRunFile(projectPath, entry.id));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      problems.push(error.message);
    }
  }
  return { runs, problems };
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
