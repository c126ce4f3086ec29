/**
 * keptWeights (trainer.ts): which weights a trained score model keeps. 'best' keeps the best
 * validation epoch's, 'final' (the score model's default) the last averaged weights; the option must not change the
 * training itself (same seed: same history), only what toModel returns.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Trainer, type GenerativeModel } from '../../../src-main/engine/generative';
import { fastSlowWindows, useBackend } from './helpers';

function train(keptWeights: 'best' | 'final'): Promise<GenerativeModel> {
  const data = fastSlowWindows(1200, 3, [-1, 0, 1], 0.1, 0.5, 0.5);
  // A constant, large learning rate on a small network: the validation loss goes up and down, so
  // the best epoch is not the last one and the two choices differ.
  const trainer = Trainer.create(
    { x: data.y, xDim: 1, cond: data.x, condDim: 1, segments: [400, 400, 400] },
    { model: 'score', seed: 2, epochs: 8, hidden: [16], batchSize: 64, learningRate: 0.03, lrSchedule: 'constant', patience: 0, backend: 'wasm', keptWeights },
  );
  return trainer.run().then(() => {
    const model = trainer.toModel();
    trainer.dispose();
    return model;
  });
}

describe('kept weights of a score model', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it("'best' keeps the best validation epoch, 'final' the last; the training is the same", async () => {
    const best = await train('best');
    const final = await train('final');
    const h = best.spec.training.history;
    // Same seed, same training: identical validation curves (the option only changes toModel).
    expect(final.spec.training.history).toEqual(h);
    let argmin = 0;
    h.forEach((e, i) => (e.validationLoss! < h[argmin].validationLoss! ? (argmin = i) : null));
    expect(h[argmin].epoch).toBeLessThan(8); // the setting above must make the two differ
    expect(best.spec.training.weightsFromEpoch).toBe(h[argmin].epoch);
    expect(final.spec.training.weightsFromEpoch).toBe(8);
    // Different weights lift different samples from the same seed.
    const a = best.lift([0], 200, { seed: 1, steps: 20 }).samples;
    const b = final.lift([0], 200, { seed: 1, steps: 20 }).samples;
    expect(Array.from(a)).not.toEqual(Array.from(b));
    best.dispose();
    final.dispose();
  }, 120_000);

  it('rejects an unknown choice with a message naming the option', () => {
    const data = fastSlowWindows(100, 1, [0], 0.1, 0.5, 0.5);
    expect(() => Trainer.create({ x: data.y, xDim: 1, cond: data.x, condDim: 1 }, { model: 'score', keptWeights: 'last' as 'final' })).toThrow(/keptWeights must be best or final \(got last\)/);
  });
});
