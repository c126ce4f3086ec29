/**
 * JobManager: runs runs on a pool of worker threads. A run splits into independent tasks (an
 * umbrella window, ...: see runs/registry.ts), each with its own RNG streams, so results do not depend
 * on the pool size. Tasks of all runs queue FIFO on one pool sized to the machine.
 *
 * Status life cycle (run.json is rewritten atomically on every change, and 'run-status' emitted):
 *   queued -> running -> completed | failed | cancelled | interrupted (shutdown, crash)
 * Progress ('run-progress') is emitted at most every `progressEmitMs` per run.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { ApiError, type ApiEvent, type LiftwellErrorCode, type RunRecord, type RunStatus } from '../../schema';
import {
  nowIso,
  withProjectLock,
  writeRunFile,
  runFilePath,
  runOwnerLockPath,
  runDir,
} from '../../store/project';
import type { Job, RunFile } from '../run-file';
import { removeStaleTemps } from '../../store/atomic';
import { describeOwner, isLockHandle, tryLock, type LockHandle } from '../../store/lock-file';
import type { FromWorker, PreloadMessage, TaskMessage } from './protocol';
import { runKindOf } from '../registry';
import type { RemoteExecution, RemoteExecutorFactory, RemoteSink } from './remote';
import { slurmDir } from './slurm/files';

export interface JobManagerOptions {
  workerScript: URL | string;
  /** Pool size; default one worker per core (defaultWorkerCount). */
  workers?: number;
  /** Checkpoint interval per window task (ms); default 30 s. */
  checkpointIntervalMs?: number;
  /** Minimum time between 'run-progress' events of one run (ms); default 250. */
  progressEmitMs?: number;
  /** Threads one task may use in all (multiple-walker metadynamics); default one per core. */
  taskThreads?: number;
  emit: (event: ApiEvent) => void;
  /** Runs whose project computes elsewhere (a Slurm cluster: runs/runtime/slurm); default all local. */
  remote?: RemoteExecutorFactory;
}

/**
 * One worker per core: the main thread only relays progress and writes small files, so leaving
 * a core to it (the old default, cores - 1) left half of a 2-core machine idle during umbrella
 * windows. Results do not depend on the count (each task has its own random streams).
 */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

interface ActiveRun {
  key: string;
  projectPath: string;
  file: RunFile;
  /** Tasks not finished yet. */
  pending: Set<number>;
  /** Work units done per task. */
  steps: Map<number, number>;
  /** Work units per task. */
  units: number[];
  totalSteps: number;
  stepsAtStart: number | null;
  timeAtStart: number;
  lastEmit: number;
  /** Resolves when the run reaches a final state in this process. */
  done: Promise<RunRecord>;
  resolveDone: (r: RunRecord) => void;
  finishing: boolean;
  /** Set when the run's pieces compute on a cluster instead of the worker pool. */
  remote: RemoteExecution | null;
  /** runs/<id>/owner.lock: this process computes the run; released when it stops. */
  owner: LockHandle;
}

interface Slot {
  worker: Worker | null;
  task: TaskMessage | null;
  /** Set when we terminate the worker on purpose: its exit is not an error. */
  stopping: boolean;
}

const runKey = (projectPath: string, runId: string) => `${projectPath}\u0000${runId}`;

export class JobManager {
  readonly size: number;
  private readonly checkpointIntervalMs: number;
  private readonly progressEmitMs: number;
  private readonly slots: Slot[];
  private readonly queue: TaskMessage[] = [];
  private readonly runs = new Map<string, ActiveRun>();
  private nextTaskId = 1;
  private closed = false;
  /** Refreshes the owner locks of active runs (holders on other hosts judge staleness by age). */
  private heartbeat: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly opts: JobManagerOptions) {
    this.size = Math.max(1, Math.floor(opts.workers ?? defaultWorkerCount()));
    this.checkpointIntervalMs = opts.checkpointIntervalMs ?? 30_000;
    this.progressEmitMs = opts.progressEmitMs ?? 250;
    this.slots = Array.from({ length: this.size }, () => ({ worker: null, task: null, stopping: false }));
  }

  isActive(projectPath: string, runId: string): boolean {
    return this.runs.has(runKey(projectPath, runId));
  }

  /** The live record of an active run (with current progress), or null. */
  activeRecord(projectPath: string, runId: string): RunRecord | null {
    const run = this.runs.get(runKey(projectPath, runId));
    return run ? { ...run.file.run, progress: this.fraction(run) } : null;
  }

  /** Resolves with the final record when the run stops (completed, failed, cancelled, interrupted). */
  whenDone(projectPath: string, runId: string): Promise<RunRecord> | null {
    return this.runs.get(runKey(projectPath, runId))?.done ?? null;
  }

  /**
   * Queues every unfinished task of a run whose run.json is already on disk. Tasks whose result
   * file exists are complete; the others continue from their checkpoints if any.
   */
  async start(projectPath: string, file: RunFile): Promise<RunRecord> {
    if (this.closed) throw new Error('the job manager is shut down');
    const key = runKey(projectPath, file.run.id);
    if (this.runs.has(key)) throw new Error(`run ${file.run.id} is already active`);
    const owner = tryLock(runOwnerLockPath(projectPath, file.run.id), `${file.job.kind} run ${file.run.id}`);
    if (!isLockHandle(owner)) {
      throw new ApiError('conflict', `The run "${file.run.name}" is being computed by ${describeOwner(owner)}; follow or cancel it there.`, { owner });
    }
    this.startHeartbeat();
    // Temporary files of a process killed mid-write (the run is ours now, so nobody else writes
    // here) - except in a cluster run, whose pieces write from other hosts, where a pid says nothing.
    if (!existsSync(slurmDir(projectPath, file.run.id))) removeStaleTemps(runDir(projectPath, file.run.id));
    const job = file.job;
    const { units, steps, pending } = (() => {
      try {
        return this.taskState(projectPath, file);
      } catch (error) {
        owner.release(); // nothing started: let another process (or a later try) have the run
        throw error;
      }
    })();
    let resolveDone!: (r: RunRecord) => void;
    const done = new Promise<RunRecord>((r) => (resolveDone = r));
    const run: ActiveRun = {
      key,
      projectPath,
      // A copy of the record: the manager updates status and progress on it.
      file: { ...file, run: { ...file.run } } as RunFile,
      pending,
      steps,
      units,
      totalSteps: units.reduce((a, b) => a + b, 0),
      stepsAtStart: null,
      timeAtStart: performance.now(),
      lastEmit: -Infinity,
      done,
      resolveDone,
      finishing: false,
      remote: null,
      owner,
    };
    this.runs.set(key, run);
    run.file.run.error = undefined;
    run.file.run.errorCode = undefined;
    run.file.run.finished = undefined;
    if (pending.size === 0) {
      await this.finish(run, 'completed');
      return run.file.run;
    }
    await this.setStatus(run, 'queued');
    if (this.opts.remote && (await this.startRemote(run))) return { ...run.file.run };
    for (const index of [...pending].sort((a, b) => a - b)) {
      this.queue.push({
        type: 'task',
        taskId: this.nextTaskId++,
        projectPath,
        runId: file.run.id,
        job,
        taskIndex: index,
        checkpointIntervalMs: this.checkpointIntervalMs,
        progressIntervalMs: Math.min(100, this.progressEmitMs),
        ...(this.opts.taskThreads === undefined ? {} : { taskThreads: this.opts.taskThreads }),
      });
    }
    this.pump();
    return { ...run.file.run };
  }

  /**
   * Starts up to `count` pool threads now, before any task is queued, so that their start-up
   * (each loads the worker bundle: ~0.15 s CPU) overlaps the caller's own work (creating the
   * project, checking and planning the run); tasks then run on them as on any pool thread. For
   * one-shot callers such as the CLI, which know a run is coming. shutdown() ends them as usual.
   * `kind`: the run kind coming, whose code the threads then load while they wait (a thread
   * loads a kind's code when its first task of that kind arrives otherwise).
   */
  warmUp(count: number, kind?: Job['kind']): void {
    if (this.closed) return;
    for (const slot of this.slots.slice(0, Math.max(0, Math.min(count, this.size)))) {
      if (slot.worker) continue;
      const worker = this.spawn(slot);
      if (kind) worker.postMessage({ type: 'preload', kind } satisfies PreloadMessage);
    }
  }

  /** Stops a run promptly: queued tasks are dropped, running ones have their worker terminated. */
  async cancel(projectPath: string, runId: string): Promise<RunRecord | null> {
    const run = this.runs.get(runKey(projectPath, runId));
    if (!run) return null;
    await this.stopRun(run, 'cancelled');
    return run.file.run;
  }

  /** Stops everything; active runs become 'interrupted' (resumable). */
  async shutdown(): Promise<void> {
    this.closed = true;
    const runs = [...this.runs.values()];
    await Promise.all(runs.map((run) => this.stopRun(run, 'interrupted')));
    await Promise.all(this.slots.map((slot) => this.stopSlot(slot)));
    this.stopHeartbeat();
  }

  /**
   * Test hook simulating a crash (kill -9): workers are terminated and nothing more is written,
   * so run.json keeps saying 'running'.
   */
  async kill(): Promise<void> {
    this.closed = true;
    for (const run of this.runs.values()) run.remote?.detach();
    this.queue.length = 0;
    for (const run of this.runs.values()) run.owner.abandon();
    this.runs.clear();
    this.stopHeartbeat();
    await Promise.all(this.slots.map((slot) => this.stopSlot(slot)));
  }

  // ------------------------------------------------------------ internals

  /** Hands the run's pieces to the project's remote executor, if it has one; false = run locally. */
  private async startRemote(run: ActiveRun): Promise<boolean> {
    const sink: RemoteSink = {
      progress: (index, unitsDone) => {
        if (!this.runs.has(run.key)) return;
        run.steps.set(index, unitsDone);
        this.emitProgress(run);
      },
      done: (index) => {
        if (!this.runs.has(run.key) || !run.pending.delete(index)) return;
        run.steps.set(index, run.units[index]);
        if (run.pending.size === 0) void this.finish(run, 'completed');
        else this.emitProgress(run);
      },
      fail: (message) => {
        if (!this.runs.has(run.key)) return;
        run.remote = null; // the executor has already stopped its pieces
        void this.stopRun(run, 'failed', message);
      },
      record: (fields) => {
        if (!this.runs.has(run.key)) return;
        Object.assign(run.file.run, fields);
        void this.setStatus(run, run.file.run.status);
      },
      park: (message) => {
        if (!this.runs.has(run.key)) return;
        run.remote = null;
        void this.stopRun(run, 'interrupted', message);
      },
    };
    try {
      run.remote = await this.opts.remote!(run.projectPath, run.file, [...run.pending].sort((a, b) => a - b), sink);
    } catch (error) {
      await this.finish(run, 'failed', `Could not hand the run to the cluster: ${(error as Error).message}`);
      return true;
    }
    if (!run.remote) return false;
    run.stepsAtStart = [...run.steps.values()].reduce((a, b) => a + b, 0);
    run.timeAtStart = performance.now();
    if (run.file.run.status === 'queued') await this.setStatus(run, 'running');
    return true;
  }

  /** Work units per task, and which tasks are done already (their result files exist). */
  private taskState(projectPath: string, file: RunFile): { units: number[]; steps: Map<number, number>; pending: Set<number> } {
    const job = file.job;
    const kind = runKindOf(job);
    const units = kind.taskUnits(job);
    const steps = new Map<number, number>();
    const pending = new Set<number>();
    units.forEach((u, index) => {
      if (kind.isTaskDone(projectPath, file.run.id, job, index)) steps.set(index, u);
      else {
        steps.set(index, 0);
        pending.add(index);
      }
    });
    return { units, steps, pending };
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      for (const run of this.runs.values()) run.owner.refresh();
    }, 60_000);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private fraction(run: ActiveRun): number {
    let s = 0;
    for (const v of run.steps.values()) s += v;
    return run.totalSteps > 0 ? Math.min(1, s / run.totalSteps) : 1;
  }

  private async stopRun(run: ActiveRun, status: 'cancelled' | 'interrupted' | 'failed', error?: string): Promise<void> {
    if (run.finishing) return;
    run.finishing = true;
    if (run.remote) {
      // Cancel stops the cluster's pieces; a shutdown leaves them computing (resume re-attaches).
      const remote = run.remote;
      run.remote = null;
      if (status === 'interrupted') remote.detach();
      else await remote.cancel().catch((e: Error) => this.opts.emit({ type: 'log', level: 'warn', message: `Cancelling the cluster jobs of run ${run.file.run.id}: ${e.message}` }));
    }
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (runKey(this.queue[i].projectPath, this.queue[i].runId) === run.key) this.queue.splice(i, 1);
    }
    const stops = this.slots
      .filter((slot) => slot.task && runKey(slot.task.projectPath, slot.task.runId) === run.key)
      .map((slot) => this.stopSlot(slot));
    await Promise.all(stops);
    run.finishing = false;
    await this.finish(run, status, error);
    this.pump();
  }

  private async stopSlot(slot: Slot): Promise<void> {
    const worker = slot.worker;
    slot.task = null;
    if (!worker) return;
    slot.stopping = true;
    slot.worker = null;
    await worker.terminate().catch(() => {});
  }

  private async finish(run: ActiveRun, status: RunStatus, error?: string): Promise<void> {
    if (run.finishing) return;
    run.finishing = true;
    this.runs.delete(run.key);
    const record = run.file.run;
    record.progress = status === 'completed' ? 1 : this.fraction(run);
    record.finished = nowIso();
    if (error) record.error = error;
    if (status === 'completed') this.emitProgress(run, true);
    await this.setStatus(run, status);
    // The final status is on disk: another process may now resume or read the run.
    run.owner.release();
    run.resolveDone({ ...record });
  }

  private async setStatus(run: ActiveRun, status: RunStatus): Promise<void> {
    const record = run.file.run;
    record.status = status;
    if (status === 'running' && !record.started) record.started = nowIso();
    if (status === 'running' || status === 'queued') record.finished = undefined;
    const snapshot = { ...run.file, run: { ...record } } as RunFile;
    try {
      await withProjectLock(runFilePath(run.projectPath, record.id), () => writeRunFile(run.projectPath, snapshot));
    } catch (e) {
      this.opts.emit({ type: 'log', level: 'error', message: (e as Error).message });
    }
    // The snapshot, not the live record: another status may have been set while this one was written.
    this.opts.emit({ type: 'run-status', projectPath: run.projectPath, run: snapshot.run });
  }

  private emitProgress(run: ActiveRun, force = false): void {
    const t = performance.now();
    if (!force && t - run.lastEmit < this.progressEmitMs) return;
    run.lastEmit = t;
    let done = 0;
    for (const v of run.steps.values()) done += v;
    const kind = runKindOf(run.file.job);
    const walkers = kind.walkerStepsPerUnit(run.file.job);
    let rate: number | null = null;
    let eta: number | null = null;
    if (run.stepsAtStart !== null) {
      const elapsed = (t - run.timeAtStart) / 1000;
      const progressed = done - run.stepsAtStart;
      // Early estimates (under 0.2 s) are noise and are not shown; the forced emit at the end
      // always has one: a run's average rate is well defined once it is done, however short it was.
      if ((elapsed > 0.2 || (force && elapsed > 0)) && progressed > 0) {
        rate = (progressed * walkers) / elapsed;
        eta = ((run.totalSteps - done) * walkers) / rate;
      }
    }
    const tasksDone = run.units.length - run.pending.size;
    this.opts.emit({
      type: 'run-progress',
      projectPath: run.projectPath,
      runId: run.file.run.id,
      fraction: run.totalSteps > 0 ? Math.min(1, done / run.totalSteps) : 1,
      phase: kind.phase(run.file.job, tasksDone),
      etaSeconds: force && done >= run.totalSteps ? 0 : eta,
      walkerStepsPerSecond: rate,
    });
  }

  private pump(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (slot.task) continue;
      const task = this.queue.shift();
      if (!task) return;
      const run = this.runs.get(runKey(task.projectPath, task.runId));
      if (!run) continue;
      slot.task = task;
      const worker = slot.worker ?? this.spawn(slot);
      if (run.file.run.status === 'queued') {
        // The baseline for the rate is the moment the run really starts computing.
        run.stepsAtStart = [...run.steps.values()].reduce((a, b) => a + b, 0);
        run.timeAtStart = performance.now();
        void this.setStatus(run, 'running');
      }
      worker.postMessage(task);
    }
  }

  private spawn(slot: Slot): Worker {
    const worker = new Worker(this.opts.workerScript);
    slot.worker = worker;
    slot.stopping = false;
    worker.on('message', (m: FromWorker) => this.onMessage(slot, worker, m));
    worker.on('error', (error) => this.onWorkerDied(slot, worker, `the worker thread failed: ${error.message}`));
    worker.on('exit', (code) => this.onWorkerDied(slot, worker, `the worker thread stopped unexpectedly (exit code ${code})`));
    return worker;
  }

  private onWorkerDied(slot: Slot, worker: Worker, message: string): void {
    if (slot.worker !== worker) return; // terminated on purpose or already replaced
    slot.worker = null;
    const task = slot.task;
    slot.task = null;
    if (task) this.failRun(task, message);
    this.pump();
  }

  private failRun(task: TaskMessage, message: string, code: LiftwellErrorCode = 'internal'): void {
    const run = this.runs.get(runKey(task.projectPath, task.runId));
    if (!run) return;
    run.file.run.errorCode = code;
    const what = run.file.job.kind === 'umbrella' ? `Window ${task.taskIndex}` : `Task ${task.taskIndex}`;
    void this.stopRun(run, 'failed', `${what}: ${message}`);
  }

  private onMessage(slot: Slot, worker: Worker, m: FromWorker): void {
    if (slot.worker !== worker || m.type === 'ready') return;
    const task = slot.task;
    if (!task || task.taskId !== m.taskId) return;
    const run = this.runs.get(runKey(task.projectPath, task.runId));
    if (m.type === 'error') {
      slot.task = null;
      this.failRun(task, m.error.message, m.error.code);
      this.pump();
      return;
    }
    if (!run) return;
    if (m.type === 'preview') {
      this.opts.emit({ type: 'run-preview', projectPath: run.projectPath, runId: run.file.run.id, ...m.preview });
      return;
    }
    if (m.type === 'record') {
      // Written to run.json and sent as 'run-status' (the Jobs row shows it).
      Object.assign(run.file.run, m.fields);
      void this.setStatus(run, run.file.run.status);
      return;
    }
    if (m.type === 'metrics') {
      this.opts.emit({ type: 'train-metrics', projectPath: run.projectPath, runId: run.file.run.id, ...m.metrics });
      return;
    }
    if (m.type === 'progress' || m.type === 'checkpoint') {
      run.steps.set(task.taskIndex, m.unitsDone);
      this.emitProgress(run);
      return;
    }
    if (m.type === 'done') {
      slot.task = null;
      run.steps.set(task.taskIndex, run.units[task.taskIndex]);
      run.pending.delete(task.taskIndex);
      if (run.pending.size === 0) void this.finish(run, 'completed');
      else this.emitProgress(run);
      this.pump();
    }
  }
}
