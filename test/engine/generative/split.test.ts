/**
 * The time-block validation split (engine/generative/split.ts) and the trainer's warning when the
 * best validation epoch is the last one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { timeBlockSplit } from '../../../src-main/engine/generative/split';
import { Trainer } from '../../../src-main/engine/generative';
import { Rng } from '../../../src-main/engine/random';
import { fastSlowWindows, useBackend } from './helpers';

describe('time-block validation split', () => {
  it('holds out whole contiguous blocks inside each series, about the requested fraction, reproducibly', () => {
    const segments = [300, 500, 200, 1000];
    const n = 2000;
    const a = timeBlockSplit(n, segments, 0.1, new Rng(4, 2));
    const b = timeBlockSplit(n, segments, 0.1, new Rng(4, 2));
    expect(Array.from(a.validation)).toEqual(Array.from(b.validation));
    expect(a.validation.length).toBe(200);
    expect(a.train.length + a.validation.length).toBe(n);
    // Every row exactly once.
    const seen = new Uint8Array(n);
    for (const r of [...a.train, ...a.validation]) seen[r]++;
    expect(seen.every((v) => v === 1)).toBe(true);
    // Blocks are contiguous runs of the validation rows and never cross a series boundary.
    const bounds = [0, 300, 800, 1000, 2000];
    let covered = 0;
    for (const [lo, hi] of a.blocks) {
      expect(hi).toBeGreaterThan(lo);
      const series = bounds.findIndex((s, i) => lo >= s && lo < bounds[i + 1]);
      expect(hi).toBeLessThanOrEqual(bounds[series + 1]);
      covered += hi - lo;
    }
    expect(covered).toBe(200);
    // Far fewer blocks than rows: validation rows are not scattered neighbours of training rows.
    expect(a.blocks.length).toBeLessThanOrEqual(5);
    // One series (no segments): still blocks, spread over the data.
    const one = timeBlockSplit(1000, undefined, 0.1, new Rng(1, 2));
    expect(one.validation.length).toBe(100);
    expect(one.blocks.length).toBe(2); // blocks of 1000/20 = 50 rows
  });

  it('rejects segments that do not add up to the rows', () => {
    expect(() => timeBlockSplit(100, [50, 40], 0.1, new Rng(1))).toThrow(/segments hold 90 rows but the data has 100/);
  });
});

describe('training record', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });
  it('records the split and warns when the best validation epoch is the last', async () => {
    // Three short epochs of a fresh network: the validation loss still falls at every epoch.
    const data = fastSlowWindows(2000, 3, [-1, 0, 1], 0.1, 0.5, 0.5);
    const trainer = Trainer.create({ x: data.y, xDim: 1, cond: data.x, condDim: 1, segments: [700, 700, 600] }, { model: 'score', seed: 1, epochs: 3, hidden: [16], batchSize: 128, backend: 'wasm' });
    await trainer.run();
    const model = trainer.toModel();
    const t = model.spec.training;
    model.dispose();
    trainer.dispose();
    expect(t.validation).toEqual({ split: 'time-blocks', blocks: expect.any(Number) });
    expect(t.rows.validation).toBe(200);
    expect(t.weightsFromEpoch).toBe(3);
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings![0]).toMatch(/best validation loss came at the last epoch \(3 of 3\).*Train longer/);
  });
});
