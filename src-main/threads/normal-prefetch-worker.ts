/**
 * Worker-thread entry (bundled to out/node/normals.mjs): draws a run's O-step normals ahead into
 * the shared ring of normal-prefetch.ts, block by block with the same Rng.normals calls the
 * dynamics would make, and the generator's state after every block.
 */
import { parentPort } from 'node:worker_threads';
import { Rng } from '../engine/random';
import { CONSUMED, PRODUCED, STATE_LENGTH, STATUS, STATUS_FAILED, type PrefetchStart } from './normal-prefetch';

const port = parentPort;
if (!port) throw new Error('normal-prefetch-worker.ts must run in a worker thread');

port.once('message', (m: PrefetchStart) => {
  const control = new Int32Array(m.control);
  try {
    produce(m, control);
  } catch (e) {
    Atomics.store(control, STATUS, STATUS_FAILED);
    Atomics.notify(control, PRODUCED);
    throw e;
  }
});

/** Runs until the thread is terminated (the reader closes it when the run ends). */
function produce(m: PrefetchStart, control: Int32Array): never {
  const rng = Rng.fromState(m.rng);
  const data = new Float64Array(m.data);
  const states = new Float64Array(m.states);
  const blocks = Array.from({ length: m.chunks * m.blocksPerChunk }, (_, b) => data.subarray(b * m.blockLength, (b + 1) * m.blockLength));
  for (let chunk = 0; ; chunk++) {
    // The ring is full while the chunk that this one overwrites has not been released.
    for (;;) {
      const consumed = Atomics.load(control, CONSUMED);
      if (chunk - consumed < m.chunks) break;
      Atomics.wait(control, CONSUMED, consumed);
    }
    const first = (chunk % m.chunks) * m.blocksPerChunk;
    for (let b = first; b < first + m.blocksPerChunk; b++) {
      rng.normals(blocks[b], m.blockLength);
      states.set(rng.getState(), b * STATE_LENGTH);
    }
    Atomics.store(control, PRODUCED, chunk + 1);
    Atomics.notify(control, PRODUCED);
  }
}
