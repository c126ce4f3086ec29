/**
 * Worker-thread entry (bundled to out/node/worker.mjs). Runs tasks one at a time and reports
 * progress; the manager cancels by terminating the thread (checkpoints are atomic, so a thread
 * stopped at any instruction leaves consistent files).
 *
 * It loads code as work arrives: a task loads its run kind's code only (runs/task-runners.ts), an
 * analysis, a bootstrap replicate or a walker slice the analysis or walker code. A thread that
 * starts before its task is known (JobManager.warmUp) may be told the kind to load meanwhile (a
 * 'preload' message). Loading all of it at start cost ~0.15 s CPU per thread
 * (docs/cli-fixed-overhead.md).
 */
import { parentPort } from 'node:worker_threads';
import type { FromWorker, PreloadMessage, ToWorker } from '../runs/runtime/protocol';
import { runTask } from '../runs/runtime/run-task';
import { loadTaskRunner } from '../runs/task-runners';
import type { RegionsReplicateJob } from '../analysis/regions';
import type { AnalysisMessage, AnalysisReply } from '../analysis/thread';
import type { ModelCallMessage } from '../runs/train/lift';
import type { FesReplicateJob } from '../analysis/umbrella-fes/estimate';
import type { AnalysisRuntime } from '../analysis/runtime';
import type { BootstrapReplicateMessage, BootstrapReplicateReply } from '../runs/runtime/bootstrap-pool';
import type { MetadWalkersMessage } from '../runs/molecular/walker-threads';
import { availableParallelism } from 'node:os';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');

const post = (m: FromWorker) => port.postMessage(m);

/** Code a thread may never need, imported on first use (each once: later callers get the same promise). */
const once = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let loaded: Promise<T> | null = null;
  return () => (loaded ??= load());
};
const analysisCode = once(() => import('../analysis/answer'));
const replicateCode = once(() => Promise.all([import('../analysis/umbrella-fes/estimate'), import('../analysis/regions')]));
const walkerCode = once(() => import('../runs/molecular/walker-threads'));
/** An error as it crosses to the main thread; its module recognises zod's errors, so it loads zod (only when something failed). */
const errorShape = async (error: unknown) => (await import('../schema/error-shape')).toErrorShape(error);

/** The job of the bootstrap replicates this thread computes (sent with its first replicate). */
let replicateJob: FesReplicateJob | RegionsReplicateJob | null = null;
async function answerReplicate(m: BootstrapReplicateMessage<FesReplicateJob | RegionsReplicateJob>): Promise<void> {
  if (m.job) replicateJob = m.job;
  let reply: BootstrapReplicateReply;
  try {
    const [{ fesReplicate }, { regionsReplicate }] = await replicateCode();
    if (!replicateJob) throw new Error('bootstrap replicate without its job');
    reply = { type: 'bootstrap-replicate-result', replicate: m.replicate, ok: true, value: replicateJob.kind === 'fes' ? fesReplicate(replicateJob, m.replicate) : regionsReplicate(replicateJob, m.replicate) };
  } catch (error) {
    reply = { type: 'bootstrap-replicate-result', replicate: m.replicate, ok: false, error: await errorShape(error) };
  }
  port!.postMessage(reply);
}

/** An analysis request (see analysis.ts): answered once; the caller then ends the thread. */
async function answerAnalysis(message: AnalysisMessage): Promise<void> {
  const { request } = message;
  let reply: AnalysisReply;
  try {
    const { answerAnalysisRequest, throttledProgress } = await analysisCode();
    // This thread's own bundle: bootstrap replicates go to more threads of it (runs/runtime/bootstrap-pool.ts); progress a few times a second.
    const runtime: AnalysisRuntime = {
      pool: { workerScript: new URL(import.meta.url) },
      onProgress: throttledProgress((progress) => port!.postMessage({ type: 'analysis-progress', progress })),
    };
    const result = await answerAnalysisRequest(request, runtime);
    reply = { type: 'analysis-result', ok: true, result };
  } catch (error) {
    reply = { type: 'analysis-result', ok: false, error: await errorShape(error) };
  }
  port!.postMessage(reply);
}

port.on('message', async (task: ToWorker | PreloadMessage | AnalysisMessage | ModelCallMessage | BootstrapReplicateMessage<FesReplicateJob | RegionsReplicateJob> | MetadWalkersMessage) => {
  if (task.type === 'preload') {
    // Load the kind's code while the caller still plans the run; a failure shows when the task runs.
    loadTaskRunner(task.kind).catch(() => {});
    return;
  }
  if (task.type === 'metad-walkers') {
    // A helper thread of a multiple-walker metadynamics task (runs/molecular/walker-threads.ts).
    // Messages are answered in order: each waits for the same import, then runs in arrival order.
    const { answerMetadWalkers } = await walkerCode();
    answerMetadWalkers(task, (reply) => port.postMessage(reply));
    return;
  }
  if (task.type === 'bootstrap-replicate') {
    await answerReplicate(task as BootstrapReplicateMessage<FesReplicateJob | RegionsReplicateJob>);
    return;
  }
  if (task.type === 'model-call') {
    // Lifting / consistency reports (api/models.ts keeps one such thread).
    // tfjs is loaded only by threads that answer model calls.
    const { answerModelCall } = await import('../runs/train/lift');
    await answerModelCall(task, (reply) => port.postMessage(reply));
    return;
  }
  if (task.type === 'analysis') {
    await answerAnalysis(task);
    return;
  }
  if (task.type !== 'task') return;
  try {
    await runTask(task, {
      onProgress: (unitsDone) => post({ type: 'progress', taskId: task.taskId, unitsDone }),
      onCheckpoint: (unitsDone) => post({ type: 'checkpoint', taskId: task.taskId, unitsDone }),
      onPreview: (preview) => post({ type: 'preview', taskId: task.taskId, preview }),
      onMetrics: (metrics) => post({ type: 'metrics', taskId: task.taskId, metrics }),
      onRecord: (fields) => post({ type: 'record', taskId: task.taskId, fields }),
      threads: { workerScript: new URL(import.meta.url), count: task.taskThreads ?? availableParallelism() },
    });
    post({ type: 'done', taskId: task.taskId });
  } catch (error) {
    post({ type: 'error', taskId: task.taskId, error: await errorShape(error) });
  }
});
post({ type: 'ready' });
