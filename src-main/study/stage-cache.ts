/**
 * Stage cache of a study folder: DIR/study-state.json records, per stage, the content hash of its
 * inputs (its own options plus the hashes of the stages it reads) and where its output lies
 * (DIR/stages/<stage>.json). A stage whose hash is unchanged is not run again; changing, e.g.,
 * the model options changes the model hash and so every hash downstream of it, not sampling's.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWriteSync } from '../store/atomic';
import { StudyFileError } from './schema';

export const STUDY_STATE_VERSION = 1;

export interface StageEntry {
  key: string;
  status: 'running' | 'done';
  /** Sampling/model stages: the run in the project folder (to resume it). */
  runId?: string;
  wallSeconds?: number;
}
export interface StudyState {
  stateVersion: number;
  projectPath: string | null;
  stages: Record<string, StageEntry>;
}

/** sha256 of canonical JSON (keys sorted), 16 hex digits. */
export function contentHash(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
    return v;
  };
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex').slice(0, 16);
}

export class StageCache {
  readonly statePath: string;
  readonly stagesDir: string;
  state: StudyState;
  constructor(readonly dir: string) {
    this.statePath = join(dir, 'study-state.json');
    this.stagesDir = join(dir, 'stages');
    this.state = { stateVersion: STUDY_STATE_VERSION, projectPath: null, stages: {} };
    if (existsSync(this.statePath)) {
      let parsed: StudyState;
      try {
        parsed = JSON.parse(readFileSync(this.statePath, 'utf8')) as StudyState;
      } catch (error) {
        throw new StudyFileError(this.statePath, [`damaged (${(error as Error).message}); move it away to start the study afresh`]);
      }
      if (parsed.stateVersion > STUDY_STATE_VERSION) throw new StudyFileError(this.statePath, [`written by a newer Liftwell (state version ${parsed.stateVersion})`]);
      this.state = parsed;
    }
  }
  exists(): boolean {
    return existsSync(this.statePath);
  }
  save(): void {
    mkdirSync(this.dir, { recursive: true });
    atomicWriteSync(this.statePath, JSON.stringify(this.state, null, 2) + '\n');
  }
  /** The cached output of a stage whose inputs hash to `key`, or null. */
  cached<T>(stage: string, key: string): T | null {
    const entry = this.state.stages[stage];
    const path = join(this.stagesDir, `${stage}.json`);
    if (!entry || entry.key !== key || entry.status !== 'done' || !existsSync(path)) return null;
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as T;
    } catch {
      return null; // a damaged cache entry is simply recomputed
    }
  }
  /** The entry of a stage started with this key and not finished (its run can be resumed). */
  unfinished(stage: string, key: string): StageEntry | null {
    const entry = this.state.stages[stage];
    return entry && entry.key === key && entry.status === 'running' ? entry : null;
  }
  begin(stage: string, key: string, runId?: string): void {
    this.state.stages[stage] = { key, status: 'running', ...(runId ? { runId } : {}) };
    this.save();
  }
  finish(stage: string, key: string, output: unknown, wallSeconds: number, runId?: string): void {
    mkdirSync(this.stagesDir, { recursive: true });
    atomicWriteSync(join(this.stagesDir, `${stage}.json`), JSON.stringify(output) + '\n');
    this.state.stages[stage] = { key, status: 'done', wallSeconds, ...(runId ? { runId } : {}) };
    this.save();
  }
}
