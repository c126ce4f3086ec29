/**
 * Bootstrap replicates on every core: replicate r is a pure function of (data, seed, r) (it
 * resamples with Rng(seed, r)), so replicates can be computed in any order on any thread. The
 * pool hands out replicate indices one at a time to `threads` worker threads (the same bundle
 * the runs use, message type 'bootstrap-replicate'), collects each result under its index, and
 * the caller reduces them in index order: the error bars are bit-identical for any thread
 * count. With no worker script (tests of the API functions, the CLI) or one thread, replicates
 * run in this thread, one per event-loop turn.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { LiftwellError, type LiftwellErrorShape } from '../../schema/errors';

export interface ReplicateProgress {
  done: number;
  total: number;
}

export interface PoolOptions {
  workerScript?: URL | string;
  /** Threads to use; default: the machine's cores (at most one per replicate). */
  threads?: number;
  onProgress?: (p: ReplicateProgress) => void;
  /**
   * Threads only pay when the replicates would take longer than this in one thread (seconds,
   * default MIN_PARALLEL_SECONDS): starting a thread loads the worker bundle (~0.3-2 s here).
   */
  minSeconds?: number;
  /** Predicted seconds of all replicates in one thread (measured: one estimate x replicates). */
  predictedSeconds?: number;
}

export const MIN_PARALLEL_SECONDS = 2;

/** The job travels with a thread's first replicate only; the thread keeps it for the next ones. */
export type BootstrapReplicateMessage<T> = { type: 'bootstrap-replicate'; job?: T; replicate: number };
export type BootstrapReplicateReply = { type: 'bootstrap-replicate-result'; replicate: number; ok: true; value: unknown } | { type: 'bootstrap-replicate-result'; replicate: number; ok: false; error: LiftwellErrorShape };

/** Threads a pool will use for `replicates` replicates. */
export function poolThreads(replicates: number, o: PoolOptions): number {
  if (!o.workerScript) return 1;
  if (o.predictedSeconds !== undefined && o.predictedSeconds < (o.minSeconds ?? MIN_PARALLEL_SECONDS)) return 1;
  return Math.max(1, Math.min(o.threads ?? availableParallelism(), replicates));
}

/**
 * Runs replicate(job, r) for r = 0..replicates-1 and returns the results in r order. In worker
 * threads, `job` is sent once per thread (structured clone) and the worker computes with the
 * function registered for its kind (see worker.ts); `local` is the same function for this thread.
 */
export async function runReplicates<T, R>(job: T, replicates: number, local: (job: T, r: number) => R, o: PoolOptions): Promise<R[]> {
  const threads = poolThreads(replicates, o);
  const results = new Array<R>(replicates);
  let done = 0;
  const report = () => o.onProgress?.({ done, total: replicates });
  if (threads <= 1) {
    for (let r = 0; r < replicates; r++) {
      results[r] = local(job, r);
      done++;
      report();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return results;
  }
  let next = 0;
  const workers: Worker[] = [];
  try {
    await Promise.all(
      Array.from({ length: threads }, () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(o.workerScript!);
          workers.push(worker);
          let first = true;
          const send = () => {
            if (next >= replicates) {
              resolve();
              return;
            }
            const replicate = next++;
            worker.postMessage({ type: 'bootstrap-replicate', ...(first ? { job } : {}), replicate } satisfies BootstrapReplicateMessage<T>);
            first = false;
          };
          worker.on('message', (m: BootstrapReplicateReply | { type: string }) => {
            if (m.type !== 'bootstrap-replicate-result') return;
            const reply = m as BootstrapReplicateReply;
            if (!reply.ok) {
              reject(LiftwellError.fromShape(reply.error));
              return;
            }
            results[reply.replicate] = reply.value as R;
            done++;
            report();
            send();
          });
          worker.on('error', reject);
          worker.on('exit', (code) => {
            if (next < replicates || done < replicates) reject(new Error(`a bootstrap thread stopped (exit code ${code})`));
          });
          send();
        }),
      ),
    );
  } finally {
    for (const w of workers) void w.terminate();
  }
  return results;
}
