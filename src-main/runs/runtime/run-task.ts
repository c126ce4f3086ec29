/** Worker-side: runs one task of a job, whatever its kind (each kind's runTask; runs/registry.ts). */
import type { TaskMessage } from './protocol';
import { runKindOf } from '../registry';
import type { TaskCallbacks } from '../run-kind';

export type { TaskCallbacks };

/** Synchronous for simulations; ensemble and training tasks return a promise (tfjs is loaded on their first task). */
export function runTask(task: TaskMessage, callbacks: TaskCallbacks): void | Promise<void> {
  const { type: _type, taskId: _taskId, ...kindTask } = task;
  return runKindOf(task.job).runTask(kindTask, callbacks);
}
