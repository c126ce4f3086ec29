/** Messages between the JobManager (main thread) and its worker threads. */
import type { Job } from '../run-file';
import type { LiftwellErrorShape } from '../../schema/errors';

/** One independent piece of a run (an umbrella window, a metadynamics replica, ...). */
export interface TaskMessage {
  type: 'task';
  taskId: number;
  projectPath: string;
  runId: string;
  job: Job;
  /** Which task of the job (e.g. the window index). */
  taskIndex: number;
  /** Write a checkpoint at least this often (ms). */
  checkpointIntervalMs: number;
  /** Post progress at most this often (ms). */
  progressIntervalMs: number;
  /** Threads a task may use in all (multiple-walker metadynamics); absent = one per core. */
  taskThreads?: number;
}

/** Sent to a thread started before its task is known (JobManager.warmUp): load this run kind's code now. */
export interface PreloadMessage {
  type: 'preload';
  kind: Job['kind'];
}

export type ToWorker = TaskMessage;

/** A live estimate a task can show while it runs (metadynamics: the running FES on its grid). */
export interface TaskPreview { axes: number[][]; fes: number[]; hills: number }

export interface TrainMetricsMessage {
  modelId: string;
  backend: string;
  point: { epoch: number; trainLoss: number; validationLoss: number | null; learningRate: number };
  epochs: number;
  bestEpoch: number;
}

export type FromWorker =
  | { type: 'ready' }
  /** unitsDone: work units of the task done so far (see JobKind.taskUnits; for umbrella: steps per walker). */
  | { type: 'progress'; taskId: number; unitsDone: number }
  | { type: 'checkpoint'; taskId: number; unitsDone: number }
  | { type: 'preview'; taskId: number; preview: TaskPreview }
  /** Training: one finished epoch (live loss curves). */
  | { type: 'metrics'; taskId: number; metrics: TrainMetricsMessage }
  /** Facts a task learns while it runs (the ensemble executor decision), merged into the run record. */
  | { type: 'record'; taskId: number; fields: Record<string, unknown> }
  | { type: 'done'; taskId: number }
  /** The error classified on the worker side (schema/error-shape.ts): its code and the user's message. */
  | { type: 'error'; taskId: number; error: LiftwellErrorShape };
