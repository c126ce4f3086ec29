/**
 * Ids, folder names and the paths of a project's files (layout: store/project.ts). Apart from
 * project.ts because job threads need these paths but not the zod schemas project.ts builds at
 * load (~0.05 s CPU a thread; docs/cli-fixed-overhead.md); project.ts re-exports all of it.
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { ApiError } from '../schema/errors';

export const PROJECT_FILE = 'project.json';
export const PROJECT_EXTENSION = '.liftwell';

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
