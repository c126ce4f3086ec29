/**
 * A run kind: everything Liftwell knows about one kind of run (umbrella, metad, ...), in one object
 * that runs/<kind>/index.ts exports and runs/registry.ts lists. The job manager, the worker and
 * the API handlers look a kind up in the registry instead of switching on job.kind, so adding a
 * kind is one folder under runs/ and one registry line (docs/run-kinds.md).
 *
 * The main thread uses these planning and bookkeeping members (plan, taskUnits, isTaskDone,
 * walkerStepsPerUnit, phase). What a worker thread runs is apart: each kind's `run.ts` exports a
 * TaskRunner, which runs/task-runners.ts loads when a task of that kind arrives, so a job thread
 * loads only the code of the kind it runs (not every kind's schemas, planning and engine code). A completed run's result
 * is an analysis of its files: analysis/run-results.ts holds one reader per kind (a kind without
 * one is a type error there), since analysis/ sits above runs/ and reads the kinds' folders.
 */
import type { z } from 'zod';
import type { TaskMessage, TaskPreview, TrainMetricsMessage } from './runtime/protocol';
import type { RunRecord } from '../schema';

/** What a task reports while it runs (the worker posts each to the job manager). */
export interface TaskCallbacks {
  onProgress(unitsDone: number): void;
  onCheckpoint(unitsDone: number): void;
  onPreview(preview: TaskPreview): void;
  onMetrics?(metrics: TrainMetricsMessage): void;
  /** Fields for the run record (ensemble: the executor decision). */
  onRecord?(fields: Record<string, unknown>): void;
  /**
   * Helper threads a task may start (multiple-walker metadynamics): the job worker's bundle and
   * the threads to use in all; absent where tasks run without a worker bundle (Slurm pieces).
   */
  threads?: { workerScript: URL; count: number };
}

/** One task of a run of this kind, as the worker receives it (runs/runtime/protocol.ts TaskMessage). */
export type KindTask<J> = Omit<TaskMessage, 'type' | 'taskId' | 'job'> & { job: J };

/**
 * J: the job stored in run.json; P: the params of the start call; S: what planning needs besides
 * the params (a toy system's spec, a molecule, the project's source runs); F: run.json of this
 * kind.
 */
export interface RunKind<J extends { kind: string }, P, S, F extends { job: J }> {
  readonly kind: J['kind'];
  /** What the user asks for (the start call's params; validated by the API before planning). */
  readonly paramsSchema: z.ZodType<P>;
  /** The job written to run.json before the run starts; the job type is z.infer of it. */
  readonly jobSchema: z.ZodType<J>;
  /** run.json of this kind (record + job); runs/run-file.ts reads run.json with every kind's. */
  readonly runFileSchema: z.ZodType<F>;
  /** The API calls that start a run of this kind and read its result (analysis/run-results.ts reads it). */
  readonly calls: { readonly start: string; readonly result: string };
  /** Params -> job (deterministic: the same params and seed give the same job). */
  plan(source: S, params: P): J | Promise<J>;
  /** Work units of each task, by task index (umbrella: integration steps per walker of a window). */
  taskUnits(job: J): number[];
  /** Whether a task's result file exists (a resume skips it). */
  isTaskDone(projectPath: string, runId: string, job: J, taskIndex: number): boolean;
  /** Walker-steps per work unit, for the throughput shown to the user. */
  walkerStepsPerUnit(job: J): number;
  /** Words for the progress line. */
  phase(job: J, tasksDone: number): string;
}

/** Worker side of a kind (its run.ts): runs one task (synchronous for simulations; a promise where tfjs or async writes are involved). */
export type TaskRunner<J> = (task: KindTask<J>, callbacks: TaskCallbacks) => void | Promise<void>;

/** What every task runner takes (each kind's options add its own fields: a window index, previews, ...). */
export interface TaskRunOptions<J> {
  projectPath: string;
  runId: string;
  job: J;
  checkpointIntervalMs: number;
  progressIntervalMs: number;
  onProgress?: (unitsDone: number) => void;
  onCheckpoint?: (unitsDone: number) => void;
  /** Wall clock in ms (tests pass a fake one). */
  now?: () => number;
}

/** The options every task runner takes from its task message and callbacks. */
export function taskCommon<J>(task: KindTask<J>, callbacks: TaskCallbacks): Omit<TaskRunOptions<J>, 'job' | 'now'> {
  return {
    projectPath: task.projectPath,
    runId: task.runId,
    checkpointIntervalMs: task.checkpointIntervalMs,
    progressIntervalMs: task.progressIntervalMs,
    onProgress: callbacks.onProgress,
    onCheckpoint: callbacks.onCheckpoint,
  };
}

/** The job manager's view of runs computing in this process (planning checks that source runs are finished). */
export interface LiveRuns {
  activeRecord(projectPath: string, runId: string): RunRecord | null;
}
