/** Messages between the JobManager (main thread) and its worker threads. */
import type { UmbrellaJob } from '../store/project';

export interface WindowTask {
  type: 'window';
  taskId: number;
  projectPath: string;
  runId: string;
  job: UmbrellaJob;
  windowIndex: number;
  /** Write a checkpoint at least this often (ms). */
  checkpointIntervalMs: number;
  /** Post progress at most this often (ms). */
  progressIntervalMs: number;
}

export type ToWorker = WindowTask;

export type FromWorker =
  | { type: 'ready' }
  /** stepsDone: integration steps done by each walker of the window so far (including equilibration). */
  | { type: 'progress'; taskId: number; stepsDone: number }
  | { type: 'checkpoint'; taskId: number; stepsDone: number }
  | { type: 'done'; taskId: number }
  | { type: 'error'; taskId: number; name: string; message: string };

/** Integration steps each walker of a window makes in total. */
export function stepsPerWalker(job: UmbrellaJob): number {
  return job.equilibrationSteps + job.samplesPerWindow * job.stride;
}
