/** Worker side of run kind 'metad': its one task (loaded by runs/task-runners.ts when such a task arrives). */
import { taskCommon, type TaskRunner } from '../run-kind';
import type { MetadJob } from './schema';
import { runMetadTask } from './task';

export const runMetadKindTask: TaskRunner<MetadJob> = (task, callbacks) => runMetadTask({ ...taskCommon(task, callbacks), job: task.job, onPreview: callbacks.onPreview });
