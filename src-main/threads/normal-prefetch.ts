/**
 * The O step's random normals drawn ahead on another core: a worker thread (normal-prefetch-worker.ts,
 * bundled to out/node/normals.mjs) runs the run's own Rng from the state the dynamics hands over
 * and writes block after block (one block = one step's 3N normals, the same calls to
 * Rng.normals the dynamics would make) into a ring of chunks in shared memory (CHUNKS x BLOCKS_PER_CHUNK blocks); the dynamics
 * copies a block per step. Same numbers, so the same trajectory bit for bit; the main thread
 * saves the generator's time (a sixth of an alanine-dipeptide step).
 *
 * Protocol (Int32 control words in shared memory): PRODUCED = chunks written, CONSUMED = chunks
 * released by the reader, STATUS = ok / the worker failed. The writer waits while the ring is
 * full, the reader while its next chunk is not written yet (Atomics.wait, with a timeout so a
 * dead worker gives an error instead of a hang). Notifies are system calls, so each side raises
 * a flag before it sleeps (and checks again after raising it) and the other notifies only then;
 * the reader wakes a sleeping writer once half the ring is free, so the writer refills in bursts. Each block also stores the generator's state
 * after it, so getState() is exact at any step.
 *
 * Only the bundled CLI can start the thread (the worker file sits next to the bundle); elsewhere
 * `spawn` returns null and the dynamics draws in its own thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RngState } from '../engine/random';
import type { NormalSource } from '../engine/molecules/dynamics/langevin';

export const PRODUCED = 0;
export const CONSUMED = 1;
export const STATUS = 2;
/** Set (1) by a side just before it sleeps: the other side calls Atomics.notify only then (a notify costs a system call). */
export const WRITER_WAITING = 3;
export const READER_WAITING = 4;
const CONTROL_WORDS = 5;
export const STATUS_FAILED = 1;
/** Numbers of an Rng state (RngState): 4 words, hasSpare, spare. */
export const STATE_LENGTH = 6;

/** What the worker is sent: the shared ring and where the stream starts. */
export interface PrefetchStart {
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
  states: SharedArrayBuffer;
  blockLength: number;
  blocksPerChunk: number;
  chunks: number;
  rng: RngState;
}

/** Below this many steps the thread's start-up (~30-50 ms) costs more than it saves. */
export const MIN_PREFETCH_STEPS = 20_000;
export const BLOCKS_PER_CHUNK = 256;
/**
 * Ring length: 32 chunks = 8,192 steps ahead (4.3 MB for 22 atoms), ~40 ms of alanine-dipeptide
 * steps, so the writer can sit out a scheduler's time slices on a busy machine (with 8 chunks
 * the reader was seen waiting under a load of ~25 on 2 cores).
 */
export const CHUNKS = 32;
/** How long the reader waits for one chunk before it calls the worker dead. */
const WAIT_MS = 10_000;

export class PrefetchedNormals implements NormalSource {
  private control: Int32Array | null = null;
  private data: Float64Array | null = null;
  private states: Float64Array | null = null;
  private start: RngState | null = null;
  private blockLength = 0;
  /** Chunk being read, block within it, chunks known to be written. */
  private chunk = 0;
  private block = 0;
  private produced = 0;
  private lastBlock = -1;

  private constructor(private readonly worker: Worker) {
    // The thread never keeps the process alive; close() ends it.
    worker.unref();
  }

  /**
   * Starts the thread early (before the system is read) so that its start-up overlaps the
   * set-up; null where the worker bundle is missing (code run from source) or a thread cannot
   * start. `url`: the bundled worker (default: next to this bundle).
   */
  static spawn(url = new URL('./normals.mjs', import.meta.url)): PrefetchedNormals | null {
    if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return null;
    try {
      return new PrefetchedNormals(new Worker(url));
    } catch {
      return null;
    }
  }

  /** Hands the stream over at `state`; each normals() call then takes one block of blockLength. */
  begin(state: RngState, blockLength: number): this {
    const control = new SharedArrayBuffer(CONTROL_WORDS * Int32Array.BYTES_PER_ELEMENT);
    const data = new SharedArrayBuffer(CHUNKS * BLOCKS_PER_CHUNK * blockLength * Float64Array.BYTES_PER_ELEMENT);
    const states = new SharedArrayBuffer(CHUNKS * BLOCKS_PER_CHUNK * STATE_LENGTH * Float64Array.BYTES_PER_ELEMENT);
    this.control = new Int32Array(control);
    this.data = new Float64Array(data);
    this.states = new Float64Array(states);
    this.start = state;
    this.blockLength = blockLength;
    const message: PrefetchStart = { control, data, states, blockLength, blocksPerChunk: BLOCKS_PER_CHUNK, chunks: CHUNKS, rng: state };
    this.worker.postMessage(message);
    return this;
  }

  normals(out: Float64Array, n: number): void {
    const control = this.control;
    if (control === null || this.data === null) throw new Error('PrefetchedNormals: begin() was not called');
    if (n !== this.blockLength) throw new Error(`PrefetchedNormals hands out blocks of ${this.blockLength} normals (asked for ${n})`);
    if (this.block === BLOCKS_PER_CHUNK) {
      this.chunk++;
      this.block = 0;
      Atomics.store(control, CONSUMED, this.chunk);
      // A sleeping writer waits for free slots: wake it once half the ring is free.
      if (Atomics.load(control, WRITER_WAITING) === 1 && this.chunk + CHUNKS - Atomics.load(control, PRODUCED) >= CHUNKS / 2) Atomics.notify(control, CONSUMED);
    }
    while (this.produced <= this.chunk) {
      const produced = Atomics.load(control, PRODUCED);
      if (produced > this.chunk) {
        this.produced = produced;
        break;
      }
      if (Atomics.load(control, STATUS) === STATUS_FAILED) throw new Error('the random-number thread failed');
      Atomics.store(control, READER_WAITING, 1);
      // The writer may have been sleeping with the ring full when we released the last chunks.
      if (Atomics.load(control, WRITER_WAITING) === 1) Atomics.notify(control, CONSUMED);
      const woke = Atomics.wait(control, PRODUCED, produced, WAIT_MS);
      Atomics.store(control, READER_WAITING, 0);
      if (woke === 'timed-out') throw new Error(`the random-number thread gave no numbers for ${WAIT_MS / 1000} s`);
    }
    const at = (this.chunk % CHUNKS) * BLOCKS_PER_CHUNK + this.block;
    const from = at * n;
    for (let k = 0; k < n; k++) out[k] = this.data[from + k];
    this.lastBlock = at;
    this.block++;
  }

  getState(): RngState {
    if (this.lastBlock < 0 || this.states === null) {
      if (this.start === null) throw new Error('PrefetchedNormals: begin() was not called');
      return this.start;
    }
    return Array.from(this.states.subarray(this.lastBlock * STATE_LENGTH, (this.lastBlock + 1) * STATE_LENGTH));
  }

  /** Ends the thread. */
  close(): void {
    void this.worker.terminate();
  }
}
