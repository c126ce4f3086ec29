// The two-mode training rows every two-mode measurement script uses (docs/generative-defaults.md):
// n exact draws of (x, y) in 7 windows (x = centre + 0.1 N(0, 1)), y from the exact conditional
// law at kT = 1, from one data seed, so that the scripts' figures compare.
import { Rng } from '../../src-main/engine/random';
import { defaultSystemSpec, sampleLaw, twoModeConditional, wasserstein1NoiseFloor, type ConditionalLaw1D } from '../../src-main/engine/systems';

export const TWO_MODE_CENTERS = [-1.5, -1, -0.5, 0, 0.5, 1, 1.5];

/** n (a multiple of 7) rows; `segments` are the windows' row counts for the trainer's time-block split. */
export function twoModeRows(n = 14000, dataSeed = 11) {
  const spec = defaultSystemSpec('two-mode');
  const rng = new Rng(dataSeed, 0);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const per = n / TWO_MODE_CENTERS.length;
  for (let i = 0; i < n; i++) {
    x[i] = TWO_MODE_CENTERS[Math.floor(i / per)] + 0.1 * rng.normal();
    y[i] = sampleLaw(twoModeConditional(spec, x[i], 1, { intervals: 1024 }), 1, rng)[0];
  }
  return { spec, x, y, segments: TWO_MODE_CENTERS.map(() => per) };
}

/**
 * The finite-sample W1 floors at one condition, both on the exact law: `draws`, of the lifted
 * samples (n draws; the floor every table in docs/generative-defaults.md divides by), `rows`, of
 * the training rows of the nearest window (a model that follows its rows inherits their error),
 * and `combined` = sqrt(draws^2 + rows^2), the W1 expected from the two independent samples together.
 */
export function twoModeFloors(law: ConditionalLaw1D, nDraws: number, nRows: number) {
  const draws = wasserstein1NoiseFloor(law, nDraws, new Rng(5, 1), 20);
  const rows = wasserstein1NoiseFloor(law, nRows, new Rng(5, 2), 20);
  return { draws, rows, combined: Math.hypot(draws, rows) };
}
