/**
 * Worker-thread entry (bundled to out/node/normals.mjs): draws a run's O-step normals ahead into
 * the shared ring of normal-prefetch.ts, block by block with the same Rng.normals calls the
 * dynamics would make, and the generator's state after every block.
 */
import { parentPort } from 'node:worker_threads';
import { Rng } from '../engine/random';
import { CONSUMED, PRODUCED, READER_WAITING, STATE_LENGTH, STATUS, STATUS_FAILED, WRITER_WAITING, type PrefetchStart } from './normal-prefetch';

const port = parentPort;
if (!port) throw new Error('normal-prefetch-worker.ts must run in a worker thread');

port.once('message', (m: PrefetchStart) => {
  const control = new Int32Array(m.control);
  try {
    produce(m, control);
  } catch (e) {
    Atomics.store(control, STATUS, STATUS_FAILED);
    Atomics.notify(control, PRODUCED); // the reader's wait then sees STATUS
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
    while (chunk - Atomics.load(control, CONSUMED) >= m.chunks) {
      Atomics.store(control, WRITER_WAITING, 1);
      // Checked again after raising the flag: a release in between is not missed.
      const consumed = Atomics.load(control, CONSUMED);
      if (chunk - consumed < m.chunks) {
        Atomics.store(control, WRITER_WAITING, 0);
        break;
      }
      Atomics.wait(control, CONSUMED, consumed);
      Atomics.store(control, WRITER_WAITING, 0);
    }
    const first = (chunk % m.chunks) * m.blocksPerChunk;
    for (let b = first; b < first + m.blocksPerChunk; b++) {
      rng.normals(blocks[b], m.blockLength);
      states.set(rng.getState(), b * STATE_LENGTH);
    }
    Atomics.store(control, PRODUCED, chunk + 1);
    if (Atomics.load(control, READER_WAITING) === 1) Atomics.notify(control, PRODUCED);
  }
}
