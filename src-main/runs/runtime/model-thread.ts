/**
 * Main-process side of the model thread (see runs/train/lift.ts): one worker thread from the job
 * worker bundle, started on first use and unref'd (it never keeps the process alive), that
 * lifts and computes consistency reports. A thread that dies rejects its pending calls and is
 * replaced on the next call.
 */
import { Worker } from 'node:worker_threads';
import { ApiError, LiftwellError } from '../../schema/errors';
import type { LiftComputed, ModelCall, ModelCallMessage, ModelCallReply, ReportComputed } from '../train/lift';
import type { MoleculeLiftComputed } from '../train/lift-molecular';

export class ModelThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly workerScript: URL | string) {}

  call(call: Extract<ModelCall, { kind: 'lift' }>): Promise<LiftComputed>;
  call(call: Extract<ModelCall, { kind: 'report' }>): Promise<ReportComputed>;
  call(call: Extract<ModelCall, { kind: 'lift-molecule' }>): Promise<MoleculeLiftComputed>;
  call(call: ModelCall): Promise<unknown> {
    const worker = this.worker ?? this.spawn();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ type: 'model-call', id, call } satisfies ModelCallMessage);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.failAll('the model thread was stopped');
    await w?.terminate();
  }

  private spawn(): Worker {
    const worker = new Worker(this.workerScript);
    this.worker = worker;
    worker.unref();
    worker.on('message', (m: ModelCallReply | { type: string }) => {
      if (m.type !== 'model-call-result') return;
      const reply = m as ModelCallReply;
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.ok) p.resolve(reply.result);
      else p.reject(LiftwellError.fromShape(reply.error));
    });
    const died = (message: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.failAll(message);
    };
    worker.on('error', (error) => died(`the model thread failed: ${error.message}`));
    worker.on('exit', (code) => died(`the model thread stopped unexpectedly (exit code ${code})`));
    return worker;
  }

  private failAll(message: string): void {
    for (const p of this.pending.values()) p.reject(new ApiError('internal', message));
    this.pending.clear();
  }
}
