/**
 * Worker side of run kind 'ensemble': its one task. Loaded by runs/task-runners.ts when such a
 * task arrives, so a worker that runs umbrella windows or MD starts without this code (the task
 * may need tfjs, ~0.3 s to load).
 */
import { taskCommon, type TaskRunner } from '../run-kind';
import type { EnsembleJob } from './schema';
import { runEnsembleTask } from './task';

export const runEnsembleKindTask: TaskRunner<EnsembleJob> = (task, callbacks) =>
  runEnsembleTask({ ...taskCommon(task, callbacks), job: task.job, onRecord: (fields) => callbacks.onRecord?.({ ...fields }) });
