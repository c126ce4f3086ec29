/**
 * Quality bar of issue 10 for the score model WITH ITS DEFAULTS (hidden 128,128, batch 256,
 * epochs from the data size = 4000 steps, cosine learning rate, EMA 0.999, time-block validation):
 * on the fast/slow law with 14,000 rows, pooled window by window as umbrella windows are stored,
 * the lifted p(y | x) = N(c x, s^2) has its mean within 0.05 s.d. and its s.d. within 10% of the
 * exact law, at window centres AND between windows (no training row within 2.5 window s.d.).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Trainer, type GenerativeModel } from '../../../src-main/engine/generative';
import { meanSd, pooledWindowRows, useBackend } from './helpers';

/** Seven windows of x (spacing 0.5, window s.d. 0.1), rows window by window; y | x exact. */
function pooledWindows(n: number, seed: number, c: number, s: number) {
  return pooledWindowRows(n, seed, (x, rng) => c * x + s * rng.normal());
}

const c = 0.5;
const s = 0.5;

/** Worst |mean error| (in s.d.) and |s.d. error| over the conditions, and one line per condition. */
function judge(model: GenerativeModel, conditions: (readonly [number, string])[], n: number, steps: number) {
  const rows: string[] = [];
  let worstMean = 0;
  let worstSd = 0;
  for (const [xc, where] of conditions) {
    const { samples, warnings } = model.lift([xc], n, { seed: 7, method: 'sde', steps });
    expect(warnings).toEqual([]);
    const { mean, sd } = meanSd(samples);
    const meanError = (mean - c * xc) / s;
    const sdError = sd / s - 1;
    worstMean = Math.max(worstMean, Math.abs(meanError));
    worstSd = Math.max(worstSd, Math.abs(sdError));
    rows.push(`x=${xc} (${where}): mean error ${meanError.toFixed(3)} s.d., s.d. error ${(100 * sdError).toFixed(1)}%`);
  }
  return { worstMean, worstSd, rows };
}

describe('conditional score model on the fast/slow system, default options (wasm)', () => {
  let model: GenerativeModel;
  let steps = 0;
  beforeAll(async () => {
    await useBackend('wasm');
    // 14,000 rows: a window holds 2,000, whose own sample mean is uncertain by 1/sqrt(2000)
    // = 0.022 s.d.; the model cannot be more accurate than its data.
    const data = pooledWindows(14000, 11, c, s);
    const trainer = Trainer.create({ x: data.y, xDim: 1, cond: data.x, condDim: 1, segments: data.segments }, { model: 'score', seed: 3, backend: 'wasm' });
    expect(trainer.options.epochs).toBe(240); // 12,000 steps / 50 steps per epoch
    const progress = await trainer.run();
    expect(progress.done).toBe(true);
    steps = progress.step;
    model = trainer.toModel();
    trainer.dispose();
  }, 600_000);
  afterAll(() => model?.dispose());

  it('short check (every run): mean within 0.1 s.d. and s.d. within 15% between windows and at a centre', () => {
    // 3,000 samples: sampling noise 0.018 s.d. in the mean, 1.3% in the s.d.; the tolerances are
    // the targets plus 3 noise s.d. A model that ignores the condition is off by ~1 s.d.
    const r = judge(model, [[-0.75, 'between'], [0, 'window'], [1.25, 'between']], 3000, 100);
    console.log(`score model, defaults, ${steps} steps (short check):\n  ${r.rows.join('\n  ')}`);
    expect(r.worstMean).toBeLessThan(0.1);
    expect(r.worstSd).toBeLessThan(0.15);
  });

  // The targets at full resolution: ~2 min of CPU for the lifting alone, so behind a flag
  // (npm run test:quality). Measured with the three-layer defaults: worst 0.050 s.d. in the mean
  // (x = 0.25, between the windows at 0 and 0.5, whose own training rows are 0.043 and 0.042 s.d.
  // off the exact mean on this data seed: the model cannot be more accurate than its data), 1.9%
  // in the s.d.
  it.runIf(process.env.LIFTWELL_QUALITY === '1')('lifts y | x with mean within 0.05 s.d. and s.d. within 10% of the exact law (up to the check\'s own noise)', () => {
    const r = judge(model, [[-1, 'window'], [-0.75, 'between'], [0, 'window'], [0.25, 'between'], [1, 'window'], [1.25, 'between']], 10000, 200);
    console.log(`score model, defaults, ${steps} steps, weights from epoch ${model.spec.training.weightsFromEpoch}:\n  ${r.rows.join('\n  ')}`);
    // The targets plus twice the noise of this comparison: a mean of 10,000 lifted samples is
    // uncertain by 1/sqrt(10000) = 0.01 s.d., an s.d. by 1/sqrt(20000) = 0.7%. A model that misses
    // the target by more than its sampling noise fails.
    expect(r.worstMean).toBeLessThan(0.05 + 2 * 0.01);
    expect(r.worstSd).toBeLessThan(0.1 + 2 * 0.007);
  });
});
