/**
 * Quality bar of issue 6: the conditional score model on the fast/slow system with the slow
 * variable x as condition reproduces the exact conditional law p(y | x) = N(c x, s^2) at x values
 * inside the data AND between windows (where no training row lies within 2.5 window s.d.).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Trainer } from '../../../src-main/engine/generative';
import { fastSlowWindows, meanSd, useBackend } from './helpers';

describe('conditional score model on the fast/slow system (wasm)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('lifts y | x with mean within 0.05 s.d. and s.d. within 10% of the exact law', async () => {
    // Seven umbrella-like windows of x, spacing 0.5, window s.d. 0.1: the midpoints (e.g. -0.75,
    // 0.25) lie 2.5 window s.d. from the nearest centre, so almost no training rows are there.
    const centers = [-1.5, -1, -0.5, 0, 0.5, 1, 1.5];
    // 12000 rows: a window then holds ~1700 rows, whose own sample mean is uncertain by 1/sqrt(1700)
    // = 0.024 s.d.; the model cannot be more accurate than its data (3000 rows gave ~0.07 errors).
    const data = fastSlowWindows(12000, 11, centers, 0.1, 0.5, 0.5);
    const trainer = Trainer.create({ x: data.y, xDim: 1, cond: data.x, condDim: 1 }, { model: 'score', seed: 3, epochs: 80, batchSize: 256, hidden: [32, 32], patience: 0, backend: 'wasm' });
    const progress = await trainer.run();
    expect(progress.done).toBe(true);
    const model = trainer.toModel();
    trainer.dispose();

    const n = 10000;
    const rows: string[] = [];
    let worstMean = 0;
    let worstSd = 0;
    for (const [xc, where] of [[-1, 'window'], [-0.75, 'between'], [0, 'window'], [0.25, 'between'], [1, 'window']] as const) {
      for (const method of ['sde', 'ode'] as const) {
        const { samples, warnings } = model.lift([xc], n, { seed: 7, method, steps: method === 'sde' ? 200 : 50 });
        expect(warnings).toEqual([]);
        const { mean, sd } = meanSd(samples);
        const meanError = (mean - data.c * xc) / data.s;
        const sdError = sd / data.s - 1;
        worstMean = Math.max(worstMean, Math.abs(meanError));
        worstSd = Math.max(worstSd, Math.abs(sdError));
        rows.push(`x=${xc} (${where}) ${method}: mean error ${meanError.toFixed(3)} s.d., s.d. error ${(100 * sdError).toFixed(1)}%`);
      }
    }
    console.log(`score model, ${progress.step} steps:\n  ${rows.join('\n  ')}`);
    // Targets of the issue. Sampling noise alone: mean 1/sqrt(10000) = 0.01 s.d., s.d. 1/sqrt(20000) = 0.7%;
    // the run is deterministic for this seed and backend, so the margin guards the model, not luck.
    expect(worstMean).toBeLessThan(0.05);
    expect(worstSd).toBeLessThan(0.1);
    model.dispose();
  });
});
