/**
 * Runs whose pieces compute somewhere other than this process's worker threads (a Slurm
 * cluster): the JobManager keeps the run's status, progress and files, and hands the pieces to
 * a RemoteExecution, which reports back through a RemoteSink.
 */
import type { RunFile } from '../run-file';

export interface RemoteSink {
  /** Work units done so far by piece `index` (see JobKind.taskUnits). */
  progress(index: number, unitsDone: number): void;
  /** Piece `index` finished and its result files are in the project. */
  done(index: number): void;
  /** The run cannot finish (a piece failed past its retries, the cluster is unreachable). */
  fail(message: string): void;
  /** Fields merged into the run record (written to run.json and sent as 'run-status'). */
  record(fields: Record<string, unknown>): void;
  /** Nothing more happens here (scripts written for another machine): the run waits, resumable. */
  park(message: string): void;
}

export interface RemoteExecution {
  /** Stops the run's pieces (scancel). */
  cancel(): Promise<void>;
  /** Stops following but leaves the pieces computing (app/CLI shutdown; a resume re-attaches). */
  detach(): void;
}

/** Decides per run: null = local worker threads; else the pieces were handed to a RemoteExecution. */
export type RemoteExecutorFactory = (projectPath: string, file: RunFile, pending: number[], sink: RemoteSink) => Promise<RemoteExecution | null>;
