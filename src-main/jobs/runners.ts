/** Worker-side: runs one task of a job, whatever its kind. */
import type { TaskMessage, TaskPreview, TrainMetricsMessage } from './protocol';
import { runWindow } from './window';
import { runMetadTask } from './metad-task';
import { runEnsembleTask } from './ensemble-task';
import { runMolecularTask } from './molecular-task';
import { runMolecularUmbrellaWindow } from './molecular-umbrella-task';
import { runTrainTask } from './train-task';
import { runComputeTrainTask } from './compute-task';
import { computeBackendOf } from './compute-protocol';

export interface TaskCallbacks {
  onProgress(unitsDone: number): void;
  onCheckpoint(unitsDone: number): void;
  onPreview(preview: TaskPreview): void;
  onMetrics?(metrics: TrainMetricsMessage): void;
  /** Fields for the run record (ensemble: the executor decision). */
  onRecord?(fields: Record<string, unknown>): void;
}

/** Synchronous for simulations; training returns a promise (tfjs start-up and file writes are async). */
export function runTask(task: TaskMessage, callbacks: TaskCallbacks): void | Promise<void> {
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
    case 'ensemble':
      return runEnsembleTask({ ...common, job: task.job, onRecord: (fields) => callbacks.onRecord?.({ ...fields }) });
    case 'molecular':
      if (task.job.umbrella) runMolecularUmbrellaWindow({ ...common, job: task.job, windowIndex: task.taskIndex });
      else runMolecularTask({ ...common, job: task.job, onPreview: callbacks.onPreview });
      return;
    case 'train': {
      const modelId = task.job.modelId;
      // device 'webgpu': a GPU compute page trains; this thread owns the run's files (compute-task.ts).
      if (computeBackendOf(task.job.backend)) return runComputeTrainTask({ ...common, job: task.job, onMetrics: (m) => callbacks.onMetrics?.({ modelId, ...m }) });
      return runTrainTask({ ...common, job: task.job, onMetrics: (m) => callbacks.onMetrics?.({ modelId, ...m }) });
    }
  }
}
