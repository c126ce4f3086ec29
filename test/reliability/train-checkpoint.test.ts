/**
 * Training checkpoints are written as one unit (found by `npm run soak`: a kill between the data
 * file and checkpoint.json left a pair of different steps, and the run could not resume).
 */
import { afterEach, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { atomicHooks } from '../../src-main/store/atomic';
import { loadCheckpoint, saveCheckpoint } from '../../src-main/store/model-folder';
import type { TrainerCheckpoint } from '../../src-main/engine/generative';
import { tempDir } from '../api/helpers';

afterEach(() => {
  atomicHooks.beforeRename = null;
});

const checkpoint = (step: number): TrainerCheckpoint =>
  ({ json: { format: 'liftwell-trainer-checkpoint', formatVersion: 1, step } as unknown as TrainerCheckpoint['json'], arrays: [{ name: 'w', shape: [3], data: Float32Array.from([step, step + 1, step + 2]) }] }) as unknown as TrainerCheckpoint;

it('a kill after the data file and before checkpoint.json leaves the previous checkpoint whole', async () => {
  const dir = tempDir('liftwell-trainckpt-');
  try {
    await saveCheckpoint(dir.path, checkpoint(1));
    let writes = 0;
    atomicHooks.beforeRename = () => {
      if (++writes === 2) throw new Error('killed'); // the second write of a save is checkpoint.json
    };
    await expect(saveCheckpoint(dir.path, checkpoint(2))).rejects.toThrow();
    atomicHooks.beforeRename = null;
    const loaded = await loadCheckpoint(dir.path);
    expect((loaded!.json as unknown as { step: number }).step).toBe(1);
    expect(Array.from(loaded!.arrays[0].data)).toEqual([1, 2, 3]);
    // The next save removes data files no checkpoint.json names.
    await saveCheckpoint(dir.path, checkpoint(3));
    expect(readdirSync(dir.path).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    expect((((await loadCheckpoint(dir.path))!.json) as unknown as { step: number }).step).toBe(3);
  } finally {
    dir.cleanup();
  }
});
