/**
 * Issue 10's bar on a NON-GAUSSIAN law, for the score model with its defaults: the two-mode system
 * (engine/systems/two-mode.ts, default parameters, kT = 1), whose fast y has two modes whose
 * weights move with the slow x. 14,000 exact draws of y | x, x in 7 window-like groups (spacing
 * 0.5, s.d. 0.1), pooled window by window as umbrella windows are stored. Judged against the exact
 * law (quadrature, two-mode-law.ts): the weight of the upper mode and the 1-D Wasserstein distance,
 * at window centres and between windows. The full targets (weights within 0.03, W1 against the
 * finite-sample noise floor) are behind LIFTWELL_QUALITY=1 (npm run test:quality).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Trainer, type GenerativeModel } from '../../../src-main/engine/generative';
import { useBackend } from './helpers';
import { judgeTwoMode as judge, twoModeWindows } from './two-mode-judge';

describe('conditional score model on the two-mode system, default options (wasm)', () => {
  let model: GenerativeModel;
  beforeAll(async () => {
    await useBackend('wasm');
    const data = twoModeWindows(14000, 11);
    const trainer = Trainer.create({ x: data.y, xDim: 1, cond: data.x, condDim: 1, segments: data.segments }, { model: 'score', seed: 3, backend: 'wasm' });
    const progress = await trainer.run();
    expect(progress.done).toBe(true);
    model = trainer.toModel();
    trainer.dispose();
  }, 900_000);
  afterAll(() => model?.dispose());

  it('short check (every run): mode weights within 0.05 of the exact law at a centre and between windows', () => {
    // 2,000 samples: a weight near 0.15-0.85 is uncertain by at most sqrt(0.25 / 2000) = 0.011,
    // so 0.05 is the 0.03 plus ~2 noise s.d. 200 sampler steps (the default is 500; the
    // measurements in docs/generative-defaults.md used 200). A model that ignores the condition
    // gets the weight at x = 1 (exact 0.86) off by ~0.36; the previous defaults (uniform noise
    // levels, learning rate 1e-3, two layers) were off by 0.06 at x = 1.
    const r = judge(model, [-1, 0.25, 1], 2000, 200);
    console.log(`two-mode, score defaults (short check):\n  ${r.rows.join('\n  ')}`);
    expect(r.worstWeight).toBeLessThan(0.05);
  });

  it.runIf(process.env.LIFTWELL_QUALITY === '1')('mode weights within 0.03 and W1 against the noise floor (quality)', () => {
    const r = judge(model, [-1, -0.75, 0, 0.25, 1, 1.25], 4000, 200);
    console.log(`two-mode, score defaults, weights from epoch ${model.spec.training.weightsFromEpoch}:\n  ${r.rows.join('\n  ')}`);
    // Sampling noise of a weight with 4,000 samples: <= 0.008.
    expect(r.worstWeight).toBeLessThan(0.03);
    // The issue asks for W1 within 2x the finite-sample noise floor. Against the combined floor of
    // the lifted samples and one window's training rows the defaults are within it (measured
    // 1.65-1.91x over seeds 1-3, docs/generative-defaults.md "third look"); against the 4,000-draw
    // floor alone they reach 2.4-3.0x, so 4x holds what was reached there and fails the previous
    // defaults (18.6x) and the earlier two-mode settings (5-6x).
    expect(r.worstW1Combined).toBeLessThan(2);
    expect(r.worstW1Ratio).toBeLessThan(4);
  });
});
