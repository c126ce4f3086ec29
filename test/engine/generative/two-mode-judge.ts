/**
 * The two-mode system's exact law as test data and judge, shared by the score model's and the
 * GAN's two-mode tests (engine/systems/two-mode.ts, default parameters, kT = 1).
 */
import { expect } from 'vitest';
import type { GenerativeModel } from '../../../src-main/engine/generative';
import { Rng } from '../../../src-main/engine/random';
import { defaultSystemSpec, sampleLaw, twoModeConditional, wasserstein1NoiseFloor, wasserstein1ToLaw } from '../../../src-main/engine/systems';
import { pooledWindowRows } from './helpers';

export const twoModeSpec = defaultSystemSpec('two-mode');

/** n rows: x around the seven window centres, y drawn from the exact law at that x. */
export function twoModeWindows(n: number, seed: number) {
  return pooledWindowRows(n, seed, (x, rng) => sampleLaw(twoModeConditional(twoModeSpec, x, 1, { intervals: 1024 }), 1, rng)[0]);
}

/** Training rows per window of twoModeWindows(14000, ...): seven windows. */
const ROWS_PER_WINDOW = 2000;

/**
 * Per condition: upper-mode weight error and W1 over two noise floors: that of n lifted samples
 * alone, and the combined floor sqrt(floor(n)^2 + floor(2,000)^2) of the samples and the training
 * rows of one window (a model learns the law from those rows; W1 of 2,000 exact draws is the
 * error it inherits from its data). Default sampler unless `steps`.
 */
export function judgeTwoMode(model: GenerativeModel, conditions: number[], n: number, steps?: number) {
  const rows: string[] = [];
  let worstWeight = 0;
  let worstW1Ratio = 0;
  let worstW1Combined = 0;
  for (const xc of conditions) {
    const law = twoModeConditional(twoModeSpec, xc, 1);
    const { samples, warnings } = model.lift([xc], n, { seed: 7, ...(steps ? { steps } : {}) });
    expect(warnings).toEqual([]);
    const upper = samples.filter((v) => v > twoModeSpec.c * xc).length / n;
    const w1 = wasserstein1ToLaw(samples, law);
    const floor = wasserstein1NoiseFloor(law, n, new Rng(5, 1), 20);
    const combined = Math.hypot(floor, wasserstein1NoiseFloor(law, ROWS_PER_WINDOW, new Rng(5, 2), 20));
    worstWeight = Math.max(worstWeight, Math.abs(upper - law.weights[1]));
    worstW1Ratio = Math.max(worstW1Ratio, w1 / floor);
    worstW1Combined = Math.max(worstW1Combined, w1 / combined);
    rows.push(`x=${xc}: upper weight ${upper.toFixed(3)} (exact ${law.weights[1].toFixed(3)}), W1 ${w1.toFixed(4)} = ${(w1 / floor).toFixed(2)} x floor ${floor.toFixed(4)} = ${(w1 / combined).toFixed(2)} x combined floor ${combined.toFixed(4)}`);
  }
  return { worstWeight, worstW1Ratio, worstW1Combined, rows };
}
