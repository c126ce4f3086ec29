/** Worker-thread entry (bundled to out/node/walkers.mjs): runs one slice of walkers, see walker-slices.ts. */
import { parentPort, workerData } from 'node:worker_threads';
import { runWalkerSlice, type WalkerSliceJob } from './walker-slices';
import { SimulationDivergedError } from '../../engine/errors';
import { classifyError } from '../../schema/classify-error';

const port = parentPort;
if (!port) throw new Error('walker-slices-worker.ts must run in a worker thread');
try {
  const positions = runWalkerSlice(workerData as WalkerSliceJob);
  port.postMessage({ ok: true, positions }, [positions.buffer as ArrayBuffer]);
} catch (error) {
  // A divergence is rebuilt as itself (the caller renumbers its walker); any other error as a LiftwellError of its code.
  const diverged = error instanceof SimulationDivergedError ? { walker: error.walker, step: error.step } : {};
  port.postMessage({ ok: false, error: classifyError(error), ...diverged });
}
