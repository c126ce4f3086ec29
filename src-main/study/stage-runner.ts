/**
 * Running a study's stages through the app API with the stage cache (stage-cache.ts): a stage is
 * skipped when the hash of its inputs is unchanged; a stage that starts a run records the run id
 * first, so --resume resumes that run instead of starting another. Used by the molecular study
 * pipeline (molecule-pipeline.ts).
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { RunRecord } from '../api/contract';
import { ApiError } from '../api/contract';
import { callApi, waitForRun } from './api-client';
import { StudyCancelledError, type StudyRunOptions } from './pipeline';
import { contentHash, StageCache } from './stage-cache';

export class StageRunner {
  readonly cache: StageCache;
  readonly wall: Record<string, { seconds: number; cached: boolean }> = {};

  constructor(private readonly opts: StudyRunOptions) {
    this.cache = new StageCache(opts.outDir);
    if (this.cache.exists() && !opts.resume) {
      throw new ApiError('conflict', `${opts.outDir} already holds a study (study-state.json); pass --resume to continue it (unchanged stages are reused), or choose another --out`);
    }
  }

  get projectPath(): string {
    return this.cache.state.projectPath!;
  }

  checkCancel(stage: string): void {
    if (this.opts.isCancelled()) throw new StudyCancelledError(stage);
  }

  /**
   * DIR/<name>.liftwell, created once and recorded in the state (opened again on --resume); in
   * in-project mode (opts.projectPath, the app's Studies view) the open project itself.
   */
  async openProject(studyName: string): Promise<void> {
    const { context } = this.opts;
    const name = studyName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'study';
    mkdirSync(this.opts.outDir, { recursive: true }); // --out names the folder: consent to create it
    if (this.opts.projectPath) {
      this.cache.state.projectPath = this.opts.projectPath;
      this.cache.save();
    } else if (!this.cache.state.projectPath || !existsSync(this.cache.state.projectPath)) {
      const project = await callApi(context, 'createProject', { parentDir: this.opts.outDir, name });
      this.cache.state.projectPath = project.path;
      this.cache.save();
    } else {
      await callApi(context, 'openProject', { projectPath: this.cache.state.projectPath });
    }
    if (this.opts.executor) await callApi(context, 'setExecutorSettings', { projectPath: this.projectPath, settings: this.opts.executor });
  }

  /** Runs `work` unless the stage's cached output has the same input hash; returns the hash and the output. */
  async stage<T>(name: string, inputs: unknown, work: (key: string) => Promise<T>): Promise<{ key: string; value: T }> {
    const key = contentHash({ name, inputs });
    this.checkCancel(name);
    const hit = this.cache.cached<T>(name, key);
    if (hit !== null) {
      this.wall[name] = { seconds: this.cache.state.stages[name].wallSeconds ?? 0, cached: true };
      this.opts.log(`${name}: cached (${key})`);
      this.opts.onStage?.(name, 'cached', this.wall[name].seconds);
      return { key, value: hit };
    }
    this.opts.log(`${name}: running`);
    this.opts.onStage?.(name, 'running', null);
    const start = Date.now();
    const value = await work(key);
    const seconds = (Date.now() - start) / 1000;
    this.cache.finish(name, key, value, seconds, this.cache.state.stages[name]?.runId);
    this.wall[name] = { seconds, cached: false };
    this.opts.log(`${name}: done in ${seconds.toFixed(1)} s`);
    this.opts.onStage?.(name, 'done', seconds);
    return { key, value };
  }

  /** Starts the stage's run (or resumes the one an interrupted study started) and waits for it. */
  async followRun(stageName: string, key: string, start: () => Promise<RunRecord>): Promise<RunRecord> {
    const { context } = this.opts;
    const projectPath = this.projectPath;
    const pending = this.cache.unfinished(stageName, key);
    let run: RunRecord;
    if (pending?.runId) {
      const records = await callApi(context, 'listRuns', { projectPath });
      const existing = records.find((r) => r.id === pending.runId);
      if (existing?.status === 'completed') return existing;
      this.opts.log(`${stageName}: resuming run ${pending.runId}`);
      run = await callApi(context, 'resumeRun', { projectPath, runId: pending.runId });
    } else {
      run = await start();
      this.cache.begin(stageName, key, run.id);
    }
    this.opts.onActiveRun?.(run.id, projectPath);
    const finished = await waitForRun(context, run.id, (f, eta) => this.opts.progress?.(stageName, f, eta));
    this.opts.onActiveRun?.(null, projectPath);
    if (finished.status === 'cancelled' || finished.status === 'interrupted') throw new StudyCancelledError(stageName);
    if (finished.status !== 'completed') throw new ApiError('internal', `${stageName}: run ${finished.id} ${finished.status}${finished.error ? `: ${finished.error}` : ''}`);
    return finished;
  }
}
