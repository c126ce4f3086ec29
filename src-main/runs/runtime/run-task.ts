/** Worker-side: runs one task of a job, whatever its kind. */
import type { TaskMessage, TaskPreview, TrainMetricsMessage } from './protocol';
import { runWindow } from '../umbrella/window-task';
import { runMetadTask } from '../metad/task';
import { runMolecularTask } from '../molecular/task';
import { runMolecularUmbrellaWindow } from '../molecular/umbrella-task';
// Ensemble and training tasks need tfjs (~0.3 s to load): imported when such a task arrives, so
// a worker that runs umbrella windows or MD starts without it.
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
    case 'ensemble': {
      const job = task.job;
      return import('../ensemble/task').then(({ runEnsembleTask }) => runEnsembleTask({ ...common, job, onRecord: (fields) => callbacks.onRecord?.({ ...fields }) }));
    }
    case 'molecular':
      if (task.job.umbrella) runMolecularUmbrellaWindow({ ...common, job: task.job, windowIndex: task.taskIndex });
      else runMolecularTask({ ...common, job: task.job, onPreview: callbacks.onPreview });
      return;
    case 'train': {
      const job = task.job;
      const modelId = job.modelId;
      const onMetrics = (m: Omit<TrainMetricsMessage, 'modelId'>) => callbacks.onMetrics?.({ modelId, ...m } as TrainMetricsMessage);
      // device 'webgpu': a GPU compute page trains; this thread owns the run's files (compute-task.ts).
      if (computeBackendOf(job.backend)) return import('../train/compute-task').then(({ runComputeTrainTask }) => runComputeTrainTask({ ...common, job, onMetrics }));
      return import('../train/task').then(({ runTrainTask }) => runTrainTask({ ...common, job, onMetrics }));
    }
  }
}
