/**
 * One piece of a run, computed in this process: what a Slurm array task runs through
 * `liftwell piece`. The same runTask as a local worker thread, so the files it writes (and their
 * bytes) are the same; progress and the outcome go to files the following process reads.
 */
import { mkdirSync } from 'node:fs';
import { runKindOf } from '../../registry';
import { runTask } from '../run-task';
import { nowIso } from '../../../store/paths';
import { readRunFile } from '../../run-file';
import { slurmFiles, writePieceExit, writePieceProgress } from './files';

export interface PieceOptions {
  /** Checkpoint at least this often (ms); default 30 s, as local runs. */
  checkpointIntervalMs?: number;
}

/** Runs piece `index` of the run; resolves when its result files are written. Throws on failure (after writing the exit file). */
export async function runPiece(projectPath: string, runId: string, index: number, options: PieceOptions = {}): Promise<void> {
  const file = await readRunFile(projectPath, runId);
  const units = runKindOf(file.job).taskUnits(file.job);
  if (!Number.isInteger(index) || index < 0 || index >= units.length) {
    throw new RangeError(`run ${runId} has pieces 0..${units.length - 1}; there is no piece ${index}`);
  }
  mkdirSync(slurmFiles(projectPath, runId).dir, { recursive: true });
  let lastWrite = 0;
  const progress = (unitsDone: number, force = false) => {
    const t = Date.now();
    if (!force && t - lastWrite < 1000) return;
    lastWrite = t;
    writePieceProgress(projectPath, runId, index, unitsDone);
  };
  let record: Record<string, unknown> | undefined;
  try {
    await runTask(
      {
        type: 'task',
        taskId: 1,
        projectPath,
        runId,
        job: file.job,
        taskIndex: index,
        checkpointIntervalMs: options.checkpointIntervalMs ?? 30_000,
        progressIntervalMs: 250,
      },
      {
        onProgress: (u) => progress(u),
        onCheckpoint: (u) => progress(u, true),
        onPreview: () => {},
        onRecord: (fields) => (record = { ...record, ...fields }),
      },
    );
    progress(units[index], true);
    writePieceExit(projectPath, runId, index, { code: 0, finished: nowIso(), ...(record ? { record } : {}) });
  } catch (error) {
    writePieceExit(projectPath, runId, index, { code: 1, message: (error as Error).message, finished: nowIso() });
    throw error;
  }
}
