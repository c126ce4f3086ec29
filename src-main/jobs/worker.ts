/**
 * Worker-thread entry (bundled to out/node/worker.mjs). Runs tasks one at a time and reports
 * progress; the manager cancels by terminating the thread (checkpoints are atomic, so a thread
 * stopped at any instruction leaves consistent files).
 */
import { parentPort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './protocol';
import { runTask } from './runners';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');

const post = (m: FromWorker) => port.postMessage(m);

port.on('message', (task: ToWorker) => {
  if (task.type !== 'task') return;
  try {
    runTask(task, {
      onProgress: (unitsDone) => post({ type: 'progress', taskId: task.taskId, unitsDone }),
      onCheckpoint: (unitsDone) => post({ type: 'checkpoint', taskId: task.taskId, unitsDone }),
      onPreview: (preview) => post({ type: 'preview', taskId: task.taskId, preview }),
    });
    post({ type: 'done', taskId: task.taskId });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ type: 'error', taskId: task.taskId, name: e.name, message: e.message });
  }
});
post({ type: 'ready' });
