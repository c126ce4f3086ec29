/**
 * Where a project's runs compute: local worker threads (default) or a Slurm cluster. Kept in
 * `<project>/executor.json` (versioned, written atomically; a damaged or newer file is refused
 * with a message naming it, never overwritten).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ApiError } from '../schema/errors';
import { atomicWrite, ioError } from './atomic';
import { executorSettingsSchema, type ExecutorSettings } from '../schema/executor';

export type { ExecutorSettings, SlurmSettings } from '../schema/executor';

export const EXECUTOR_FILE = 'executor.json';
export const EXECUTOR_SCHEMA_VERSION = 1;

const fileSchema = z.object({ schemaVersion: z.number().int(), settings: executorSettingsSchema });

export const executorFilePath = (projectPath: string) => join(projectPath, EXECUTOR_FILE);

export async function readExecutorSettings(projectPath: string): Promise<ExecutorSettings> {
  const path = executorFilePath(projectPath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { executor: 'local' };
    throw ioError(error, path, 'read');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ApiError('bad-file', `${path} is not valid JSON (${(error as Error).message}); fix or delete it to use local workers.`, { path });
  }
  const version = (raw as { schemaVersion?: unknown })?.schemaVersion;
  if (typeof version === 'number' && version > EXECUTOR_SCHEMA_VERSION) {
    throw new ApiError('bad-file', `${path} was written by a newer Liftwell (schema ${version}); this version reads ${EXECUTOR_SCHEMA_VERSION}.`, { path });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError('bad-file', `${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`, { path });
  }
  return parsed.data.settings;
}

export async function writeExecutorSettings(projectPath: string, settings: ExecutorSettings): Promise<void> {
  const valid = executorSettingsSchema.parse(settings);
  await atomicWrite(executorFilePath(projectPath), JSON.stringify({ schemaVersion: EXECUTOR_SCHEMA_VERSION, settings: valid }, null, 2) + '\n');
}
