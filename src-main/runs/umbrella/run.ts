/** Worker side of run kind 'umbrella': one task = one window (loaded by runs/task-runners.ts when such a task arrives). */
import { taskCommon, type TaskRunner } from '../run-kind';
import type { UmbrellaJob } from './schema';
import { runWindow } from './window-task';

export const runUmbrellaTask: TaskRunner<UmbrellaJob> = (task, callbacks) => runWindow({ ...taskCommon(task, callbacks), job: task.job, windowIndex: task.taskIndex });
