/**
 * Worker-thread entry (bundled to out/node/worker.mjs). Runs tasks one at a time and reports
 * progress; the manager cancels by terminating the thread (checkpoints are atomic, so a thread
 * stopped at any instruction leaves consistent files).
 */
import { parentPort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from '../runs/runtime/protocol';
import { runTask } from '../runs/runtime/run-task';
import { answerAnalysisRequest, throttledProgress } from '../analysis/answer';
import { toErrorShape } from '../schema/error-shape';
import { regionsReplicate, type RegionsReplicateJob } from '../analysis/regions';
import type { AnalysisMessage, AnalysisReply } from '../analysis/thread';
import type { ModelCallMessage } from '../runs/train/lift';
import { fesReplicate, type FesReplicateJob } from '../analysis/umbrella-fes/estimate';
import type { AnalysisRuntime } from '../analysis/runtime';
import type { BootstrapReplicateMessage, BootstrapReplicateReply } from '../runs/runtime/bootstrap-pool';
import { answerMetadWalkers, type MetadWalkersMessage } from '../runs/molecular/walker-threads';
import { availableParallelism } from 'node:os';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');

const post = (m: FromWorker) => port.postMessage(m);

/** This thread's own bundle: bootstrap replicates go to more threads of it (runs/runtime/bootstrap-pool.ts); progress a few times a second. */
const analysisRuntime = (): AnalysisRuntime => ({
  pool: { workerScript: new URL(import.meta.url) },
  onProgress: throttledProgress((progress) => port!.postMessage({ type: 'analysis-progress', progress })),
});

/** The job of the bootstrap replicates this thread computes (sent with its first replicate). */
let replicateJob: FesReplicateJob | RegionsReplicateJob | null = null;
function answerReplicate(m: BootstrapReplicateMessage<FesReplicateJob | RegionsReplicateJob>): void {
  if (m.job) replicateJob = m.job;
  let reply: BootstrapReplicateReply;
  try {
    if (!replicateJob) throw new Error('bootstrap replicate without its job');
    reply = { type: 'bootstrap-replicate-result', replicate: m.replicate, ok: true, value: replicateJob.kind === 'fes' ? fesReplicate(replicateJob, m.replicate) : regionsReplicate(replicateJob, m.replicate) };
  } catch (error) {
    reply = { type: 'bootstrap-replicate-result', replicate: m.replicate, ok: false, error: toErrorShape(error) };
  }
  port!.postMessage(reply);
}

/** An analysis request (see analysis.ts): answered once; the caller then ends the thread. */
async function answerAnalysis(message: AnalysisMessage): Promise<void> {
  const { request } = message;
  let reply: AnalysisReply;
  try {
    const result = await answerAnalysisRequest(request, analysisRuntime());
    reply = { type: 'analysis-result', ok: true, result };
  } catch (error) {
    reply = { type: 'analysis-result', ok: false, error: toErrorShape(error) };
  }
  port!.postMessage(reply);
}

port.on('message', async (task: ToWorker | AnalysisMessage | ModelCallMessage | BootstrapReplicateMessage<FesReplicateJob | RegionsReplicateJob> | MetadWalkersMessage) => {
  if (task.type === 'metad-walkers') {
    // A helper thread of a multiple-walker metadynamics task (runs/molecular/walker-threads.ts).
    answerMetadWalkers(task, (reply) => port.postMessage(reply));
    return;
  }
  if (task.type === 'bootstrap-replicate') {
    answerReplicate(task as BootstrapReplicateMessage<FesReplicateJob | RegionsReplicateJob>);
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
    post({ type: 'error', taskId: task.taskId, error: toErrorShape(error) });
  }
});
post({ type: 'ready' });
