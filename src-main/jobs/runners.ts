/** Worker-side: runs one task of a job, whatever its kind. */
import type { TaskMessage } from './protocol';
import { runWindow } from './window';

export interface TaskCallbacks {
  onProgress(unitsDone: number): void;
  onCheckpoint(unitsDone: number): void;
}

export function runTask(task: TaskMessage, callbacks: TaskCallbacks): void {
  const common = {
    projectPath: task.projectPath,
    runId: task.runId,
    checkpointIntervalMs: task.checkpointIntervalMs,
    progressIntervalMs: task.progressIntervalMs,
    onProgress: callbacks.onProgress,
    onCheckpoint: callbacks.onCheckpoint,
  };
  switch (task.job.kind) {
    case 'umbrella':
      runWindow({ ...common, job: task.job, windowIndex: task.taskIndex });
      return;
  }
}
