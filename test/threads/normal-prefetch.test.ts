/**
 * The O-step normals drawn ahead in a worker thread (threads/normal-prefetch.ts) are the run's own
 * stream: block for block the numbers Rng.normals gives in this thread, and the state after any
 * block is the Rng's state there (so checkpoints stay exact). Exact comparisons: the same
 * generator must give the same bits. Runs past the ring's end (CHUNKS x BLOCKS_PER_CHUNK blocks)
 * so slot reuse is covered. Uses the bundled worker (out/node/normals.mjs, built by test/global-setup.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Rng } from '../../src-main/engine/random';
import { BLOCKS_PER_CHUNK, CHUNKS, PrefetchedNormals } from '../../src-main/threads/normal-prefetch';

const workerUrl = pathToFileURL(join(import.meta.dirname, '../../out/node/normals.mjs'));

describe('PrefetchedNormals', () => {
  let source: PrefetchedNormals | null = null;
  afterEach(() => source?.close());

  it('hands out the same blocks and states as Rng.normals, across the ring', () => {
    // An odd block length exercises the spare variate carried from block to block.
    for (const blockLength of [66, 21]) {
      const reference = new Rng(7, 3);
      reference.normals(new Float64Array(5), 5); // a stream already in use (spare pending)
      source = PrefetchedNormals.spawn(workerUrl);
      expect(source, 'worker bundle missing').not.toBeNull();
      source!.begin(reference.getState(), blockLength);
      expect(source!.getState()).toEqual(reference.getState());
      const got = new Float64Array(blockLength);
      const want = new Float64Array(blockLength);
      const blocks = CHUNKS * BLOCKS_PER_CHUNK + 700;
      for (let b = 0; b < blocks; b++) {
        source!.normals(got, blockLength);
        reference.normals(want, blockLength);
        if (!got.every((v, k) => Object.is(v, want[k]))) throw new Error(`block ${b} (length ${blockLength}) differs`);
        if (b % 255 === 0 || b === blocks - 1) expect(source!.getState(), `state after block ${b}`).toEqual(reference.getState());
      }
      source!.close();
      source = null;
    }
  });

  it('refuses a block of another length (the stream would split differently)', () => {
    source = PrefetchedNormals.spawn(workerUrl)!.begin(new Rng(1).getState(), 6);
    expect(() => source!.normals(new Float64Array(4), 4)).toThrow(/blocks of 6/);
  });
});
