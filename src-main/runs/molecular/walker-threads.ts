/**
 * Walker slices of a multiple-walker metadynamics run in helper threads. The helper threads are
 * more threads of the job worker's own bundle (worker.ts answers 'metad-walkers' messages with
 * answerMetadWalkers, as it answers bootstrap replicates), so the desktop app, the server, the CLI
 * and the tests need no extra bundle. A helper holds one MetadWalkerSlice and does what each
 * message says, one message at a time; the task (metad-walkers-task.ts) is the only sender.
 * Helpers end with the task: it terminates them, and a cancelled task's thread takes them along.
 */
import { Worker } from 'node:worker_threads';
import { LiftwellError, type LiftwellErrorShape } from '../../schema/errors';
import { toErrorShape } from '../../schema/error-shape';
import { MetadWalkerSlice, type WalkerCheckpoint, type WalkerSliceInit } from './metad-walkers';

/** A hill deposit the helper makes first: every walker's CV values at `step`, walker order. */
export interface WalkerDeposit {
  centers: Float64Array;
  step: number;
}

export type MetadWalkersMessage =
  | { type: 'metad-walkers'; op: 'init'; init: WalkerSliceInit }
  /** Deposit (if any), then run the slice to `to`: the reply holds its CV values there. */
  | { type: 'metad-walkers'; op: 'run'; deposit: WalkerDeposit | null; to: number }
  /** Deposit (if any), then flush the files: the reply holds the walkers' states. */
  | { type: 'metad-walkers'; op: 'save'; deposit: WalkerDeposit | null };

export type MetadWalkersReply =
  | { type: 'metad-walkers-reply'; ok: true; centers?: Float64Array; states?: WalkerCheckpoint[] }
  | { type: 'metad-walkers-reply'; ok: false; error: LiftwellErrorShape };

/** This helper thread's slice (one run per helper thread). */
let slice: MetadWalkerSlice | null = null;

/** Helper-thread side: does what the message says and posts the reply. */
export function answerMetadWalkers(m: MetadWalkersMessage, post: (reply: MetadWalkersReply) => void): void {
  try {
    if (m.op === 'init') {
      slice = new MetadWalkerSlice(m.init);
      post({ type: 'metad-walkers-reply', ok: true });
      return;
    }
    if (!slice) throw new Error('metadynamics walkers: a message came before the slice was made');
    if (m.deposit) slice.deposit(m.deposit.centers, m.deposit.step);
    if (m.op === 'run') {
      post({ type: 'metad-walkers-reply', ok: true, centers: slice.runTo(m.to) });
    } else {
      slice.flush();
      post({ type: 'metad-walkers-reply', ok: true, states: slice.states() });
    }
  } catch (error) {
    post({ type: 'metad-walkers-reply', ok: false, error: toErrorShape(error) });
  }
}

/** Task side: one helper thread, one request at a time. */
export class WalkerThread {
  private readonly worker: Worker;
  private pending: { resolve: (r: MetadWalkersReply & { ok: true }) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(workerScript: URL | string) {
    this.worker = new Worker(workerScript);
    this.worker.on('message', (m: MetadWalkersReply | { type: string }) => {
      if (m.type !== 'metad-walkers-reply' || !this.pending) return;
      const reply = m as MetadWalkersReply;
      const { resolve, reject } = this.pending;
      this.pending = null;
      if (reply.ok) resolve(reply);
      else reject(LiftwellError.fromShape(reply.error));
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`a metadynamics walker thread stopped (exit code ${code})`)));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const p = this.pending;
    this.pending = null;
    p?.reject(this.failure);
  }

  /** Sends one message; resolves with the helper's reply (rejects with its error). */
  request(message: MetadWalkersMessage): Promise<MetadWalkersReply & { ok: true }> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending) return Promise.reject(new Error('metadynamics walker thread: one request at a time'));
    const reply = new Promise<MetadWalkersReply & { ok: true }>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(message);
    });
    // Handled here too: when this thread's own slice fails first, nobody awaits the helpers' replies.
    reply.catch(() => undefined);
    return reply;
  }

  /** Ends the thread; a request still waiting is rejected. */
  terminate(): void {
    this.fail(new Error('the metadynamics walker thread was ended'));
    void this.worker.terminate();
  }
}
