/** Worker-side: runs one task of a job, whatever its kind. */
import type { TaskMessage, TaskPreview } from './protocol';
import { runWindow } from './window';
import { runMetadTask } from './metad-task';
import { runMolecularTask } from './molecular-task';

export interface TaskCallbacks {
  onProgress(unitsDone: number): void;
  onCheckpoint(unitsDone: number): void;
  onPreview(preview: TaskPreview): void;
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
    case 'metad':
      runMetadTask({ ...common, job: task.job, onPreview: callbacks.onPreview });
      return;
    case 'molecular':
      runMolecularTask({ ...common, job: task.job, onPreview: callbacks.onPreview });
      return;
  }
}
