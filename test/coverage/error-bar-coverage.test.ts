/**
 * Do the app's 1-sigma error bars cover the exact answer 68% of the time on correlated data?
 *
 * Over seeded data sets with statistical inefficiency g >= 20 (data-sets.ts: Metropolis chains in
 * umbrella windows, well-tempered metadynamics runs) and exact answers by quadrature:
 *  - WHAM + bootstrap (getFes as the app runs it with a bootstrap): f_last - f_first;
 *  - MBAR as the app runs it by default (getFes, estimator mbar, no bootstrap, no subsampling):
 *    f_last - f_first;
 *  - umbrella region free energies as the app runs them by default (regionFreeEnergies: MBAR,
 *    no bootstrap): F_B - F_A;
 *  - metadynamics region free energies (the estimator computeMetadRegions uses): F_B - F_A.
 * Each coverage must lie within 3 binomial standard deviations of 0.683 (for n sets,
 * 3 sqrt(0.683 * 0.317 / n): +-0.14 at n = 100, which errors 25% too small or too large
 * (coverage 0.56 / 0.79) would leave). A negative control (MBAR's asymptotic errors of all the
 * correlated samples, the old default) must fall below the band in the full run.
 *
 * The suite runs a short seeded version (QUICK_SETS); the full version (>= 100 sets) runs with
 * `npm run test:coverage` (LIFTWELL_COVERAGE_SETS=100) and prints a table.
 */
import { afterAll, expect, test } from 'vitest';
import { computeFes } from '../../src-main/analysis/umbrella-fes/compute';
import { computeUmbrellaRegions } from '../../src-main/analysis/regions';
import { mbarUmbrella1d } from '../../src-main/engine/estimators/mbar-umbrella';
import { frameRegionFreeEnergies } from '../../src-main/engine/estimators/frame-regions';
import { pointMasks, type Region } from '../../src-main/engine/estimators/regions';
import { ctLogWeights } from '../../src-main/engine/estimators/reweight';
import { REWEIGHT_DISCARD_FRACTION } from '../../src-main/analysis/metad-result';
import { loadWindowSeries } from '../../src-main/analysis/umbrella-fes/windows';
import { tempDir } from '../api/helpers';
import { CENTERS, exactLastWindow, exactRegionDifference, metadFrames, REGION_A, REGION_B, SPRING, writeUmbrellaSet } from './data-sets';

const QUICK_SETS = 8;
const SETS = Number(process.env.LIFTWELL_COVERAGE_SETS ?? QUICK_SETS);
const FULL = SETS >= 100;
const BOOTSTRAP = FULL ? 100 : 40;
const UMBRELLA = { walkers: 2, samplesPerWalker: 1500, step: 0.12 };
const METAD = { walkers: 8, steps: 200_000, stride: 60 };

const dir = tempDir('liftwell-coverage-');
afterAll(() => dir.cleanup());

interface Tally {
  covered: number;
  n: number;
  sigma: number[];
  errors: number[];
}
const tally = (): Tally => ({ covered: 0, n: 0, sigma: [], errors: [] });
function add(t: Tally, estimate: number, sigma: number | null | undefined, exact: number): void {
  t.n++;
  if (sigma === null || sigma === undefined || !Number.isFinite(sigma)) return; // counts as not covered
  t.sigma.push(sigma);
  t.errors.push(estimate - exact);
  if (Math.abs(estimate - exact) <= sigma) t.covered++;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rms = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length);

test(`1-sigma error bars cover the exact value at 68% on correlated data (${SETS} seeded sets${FULL ? '' : '; full run: npm run test:coverage'})`, async () => {
  const exactF = exactLastWindow();
  const exactRegions = exactRegionDifference();
  const t = { wham: tally(), mbar: tally(), regions: tally(), metad: tally(), control: tally() };
  const gUmbrella: number[] = [];
  const gMetad: number[] = [];
  const last = CENTERS.length - 1;
  const regions = [REGION_A, REGION_B];
  for (let s = 0; s < SETS; s++) {
    const runId = `set-${s}`;
    const file = { run: { id: runId }, job: writeUmbrellaSet(dir.path, runId, 1000 + s, UMBRELLA) };
    const wham = await computeFes(dir.path, file, { estimator: 'wham', bootstrap: BOOTSTRAP, seed: s + 1 });
    add(t.wham, wham.windowFreeEnergies[last], wham.windowFreeEnergiesError?.[last], exactF);
    gUmbrella.push(median(wham.statisticalInefficiency!));
    const mbar = await computeFes(dir.path, file, { estimator: 'mbar' });
    add(t.mbar, mbar.windowFreeEnergies[last], mbar.windowFreeEnergiesError?.[last], exactF);
    const reg = await computeUmbrellaRegions(dir.path, file, regions, {});
    add(t.regions, reg.regions[1].freeEnergy!, reg.regions[1].error, exactRegions);
    // Negative control: MBAR's asymptotic errors of every (correlated) sample.
    const series = await loadWindowSeries(dir.path, file);
    const raw = mbarUmbrella1d(series, { bins: 50, min: -2, max: 2, kT: 1 });
    add(t.control, raw.windowFreeEnergies[last], raw.windowFreeEnergiesError[last], exactF);

    const m = metadFrames(2000 + s, METAD);
    const times = m.x.length / m.walkers;
    const first = Math.floor(times * REWEIGHT_DISCARD_FRACTION) * m.walkers;
    const keep = (a: Float64Array) => a.subarray(first);
    const lnw = ctLogWeights(keep(m.bias), keep(m.rct), 1);
    const masks = pointMasks(regions as Region[], [{ min: -2.5, max: 2.5, periodic: false }], [keep(m.x)]);
    const est = frameRegionFreeEnergies(lnw, masks, 1, m.walkers, { seed: s + 1 });
    add(t.metad, est.vsFirst[1], est.errors[1], exactRegions);
    gMetad.push(est.g);
  }
  const band = 3 * Math.sqrt((0.683 * 0.317) / SETS);
  const line = (name: string, x: Tally) =>
    `${name.padEnd(44)} coverage ${(x.covered / x.n).toFixed(3)} (${x.covered}/${x.n})  median sigma ${median(x.sigma).toFixed(3)}  rms error ${rms(x.errors).toFixed(3)}`;
  console.log(
    [
      `Error-bar coverage over ${SETS} seeded sets (band 0.683 +- ${band.toFixed(3)}); umbrella: ${CENTERS.length} windows x ${UMBRELLA.walkers} walkers x ${UMBRELLA.samplesPerWalker} samples, spring ${SPRING}, median g ${median(gUmbrella).toFixed(0)}; metadynamics: ${METAD.walkers} walkers x ${METAD.steps} steps, median g ${median(gMetad).toFixed(0)}`,
      line('WHAM + bootstrap, f_last - f_first', t.wham),
      line('MBAR (app default), f_last - f_first', t.mbar),
      line('umbrella regions (app default), F_B - F_A', t.regions),
      line('metadynamics regions, F_B - F_A', t.metad),
      line('control: MBAR asymptotic on correlated data', t.control),
    ].join('\n'),
  );
  // The data sets are as correlated as the issue asks (g >= 20).
  expect(median(gUmbrella)).toBeGreaterThanOrEqual(20);
  expect(median(gMetad)).toBeGreaterThanOrEqual(20);
  for (const x of [t.wham, t.mbar, t.regions, t.metad]) {
    expect(x.covered / x.n).toBeGreaterThanOrEqual(0.683 - band);
    expect(x.covered / x.n).toBeLessThanOrEqual(0.683 + band);
  }
  if (FULL) expect(t.control.covered / t.control.n).toBeLessThan(0.683 - band);
}, 3_600_000);
