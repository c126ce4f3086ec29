/** The study pipeline's view of the app API: typed calls through dispatch, and waiting for runs. */
import type { ApiEvent, CallName, CallOutput, RunRecord } from '../api/contract';
import { ApiError } from '../api/contract';
import { dispatch } from '../api/dispatch';
import type { AppContext } from '../api/handlers';

export async function callApi<K extends CallName>(context: AppContext, method: K, params: unknown): Promise<CallOutput<K>> {
  const reply = await dispatch(context.handlers, method, params);
  if (!reply.ok) throw new ApiError(reply.error.code, reply.error.message, reply.error.details);
  return reply.result as CallOutput<K>;
}

const FINAL = ['completed', 'failed', 'cancelled', 'interrupted'];

/** Resolves with the run's record once it stops; reports progress fractions meanwhile. */
export function waitForRun(context: AppContext, runId: string, onProgress: (fraction: number, eta: number | null) => void): Promise<RunRecord> {
  return new Promise((resolve) => {
    const unsubscribe = context.subscribe((event: ApiEvent) => {
      if (event.type === 'run-progress' && event.runId === runId) onProgress(event.fraction, event.etaSeconds);
      else if (event.type === 'run-status' && event.run.id === runId && FINAL.includes(event.run.status)) {
        unsubscribe();
        resolve(event.run);
      }
    });
  });
}

/** little-endian Float64 base64 (LiftOutput.samples) -> Float64Array. */
export function decodeFloat64(base64: string): Float64Array {
  const bytes = Buffer.from(base64, 'base64');
  const out = new Float64Array(bytes.length / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
