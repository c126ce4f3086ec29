/** Worker side of run kind 'train': its one task (loaded by runs/task-runners.ts when such a task arrives). */
import { computeBackendOf } from '../runtime/compute-protocol';
import type { TrainMetricsMessage } from '../runtime/protocol';
import { taskCommon, type TaskRunner } from '../run-kind';
import type { TrainJob } from './schema';

export const runTrainKindTask: TaskRunner<TrainJob> = (task, callbacks) => {
  const job = task.job;
  const modelId = job.modelId;
  const onMetrics = (m: Omit<TrainMetricsMessage, 'modelId'>) => callbacks.onMetrics?.({ modelId, ...m } as TrainMetricsMessage);
  const common = taskCommon(task, callbacks);
  // tfjs is imported when a training task arrives (as for ensembles). Device 'webgpu': a GPU
  // compute page trains; this thread owns the run's files (compute-task.ts).
  if (computeBackendOf(job.backend)) return import('./compute-task').then(({ runComputeTrainTask }) => runComputeTrainTask({ ...common, job, onMetrics }));
  return import('./task').then(({ runTrainTask }) => runTrainTask({ ...common, job, onMetrics }));
};
