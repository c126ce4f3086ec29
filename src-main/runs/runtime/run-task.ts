/** Worker-side: runs one task of a job, whatever its kind (each kind's run.ts, loaded on demand: runs/task-runners.ts). */
import type { TaskMessage } from './protocol';
import { loadTaskRunner } from '../task-runners';
import type { TaskCallbacks } from '../run-kind';

export type { TaskCallbacks };

/** Resolves when the task is done: at once for simulations after their code is loaded; ensemble and training tasks load tfjs on their first task. */
export async function runTask(task: TaskMessage, callbacks: TaskCallbacks): Promise<void> {
  const { type: _type, taskId: _taskId, ...kindTask } = task;
  const run = await loadTaskRunner(task.job.kind);
  await run(kindTask, callbacks);
}
