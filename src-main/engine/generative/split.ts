/**
 * The validation split of a training set made of time series (umbrella windows x walkers,
 * metadynamics frames): whole contiguous blocks of each series are held out, never single
 * shuffled rows. Neighbouring frames of a series are correlated, so a row held out next to its
 * training neighbours measures nothing the training loss does not; a block several correlation
 * times long does. Blocks never straddle two series.
 *
 * Block length: the rows are cut into about max(20, 10 x series) blocks (at least 10 per series,
 * at least 20 in all, so the held-out blocks sample the whole condition range); a seeded random
 * choice of blocks is held out until `fraction` of the rows is reached.
 */
import { EngineInputError } from '../errors';
import type { Rng } from '../random';

export interface BlockSplit {
  /** Training rows, in stored order. */
  train: Uint32Array;
  /** Validation rows, in stored order (whole blocks). */
  validation: Uint32Array;
  /** The held-out blocks as [first row, end row) pairs, in stored order. */
  blocks: [number, number][];
}

/** Checks that `segments` (row counts of consecutive series) partition n rows. */
export function validateSegments(segments: readonly number[], n: number): void {
  let total = 0;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (!Number.isSafeInteger(s) || s < 1) throw new EngineInputError(`segment ${i} must hold a whole number >= 1 of rows (got ${s})`);
    total += s;
  }
  if (total !== n) throw new EngineInputError(`the segments hold ${total} rows but the data has ${n}`);
}

export function timeBlockSplit(n: number, segments: readonly number[] | undefined, fraction: number, rng: Rng): BlockSplit {
  const series = segments && segments.length ? segments : [n];
  validateSegments(series, n);
  const target = Math.min(n - 1, Math.floor(n * fraction));
  if (target <= 0) return { train: Uint32Array.from({ length: n }, (_, i) => i), validation: new Uint32Array(0), blocks: [] };
  const blockLength = Math.max(1, Math.ceil(n / Math.max(20, 10 * series.length)));
  const blocks: [number, number][] = [];
  let start = 0;
  for (const len of series) {
    for (let b = start; b < start + len; b += blockLength) blocks.push([b, Math.min(start + len, b + blockLength)]);
    start += len;
  }
  // Seeded Fisher-Yates over the blocks; take them in that order until the target is reached.
  const order = Uint32Array.from(blocks, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const held = new Uint8Array(n);
  const chosen: [number, number][] = [];
  let count = 0;
  for (let k = 0; k < order.length && count < target; k++) {
    const [a, b] = blocks[order[k]];
    const end = Math.min(b, a + (target - count)); // the last block may be cut short to hit the fraction
    for (let r = a; r < end; r++) held[r] = 1;
    chosen.push([a, end]);
    count += end - a;
  }
  chosen.sort((p, q) => p[0] - q[0]);
  const train = new Uint32Array(n - count);
  const validation = new Uint32Array(count);
  let ti = 0;
  let vi = 0;
  for (let r = 0; r < n; r++) {
    if (held[r]) validation[vi++] = r;
    else train[ti++] = r;
  }
  return { train, validation, blocks: chosen };
}
