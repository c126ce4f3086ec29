/**
 * The hidden-barrier system of resources/examples/hidden-barrier.study.json (docs/generation-assisted.md):
 * plain umbrella windows, started the usual way (the fast variable relaxed to its lowest-energy
 * mode), stay trapped where the barrier between the modes is high (the middle of the CV range),
 * and the FES from them is wrong; windows seeded from the exact conditional law at their centres
 * fold with the mixing plain windows into an FES within a stated tolerance of the exact one, and
 * carry the exact mode weights. Exact answers by quadrature of the same energy function the
 * simulation uses. Seeding here is by the exact law, so the test judges the sampling, trapping
 * diagnosis and fold; the model's part is measured by the full example (docs/generation-assisted.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSystem } from '../../src-main/engine/systems';
import { exactProfile } from '../../src-main/engine/estimators/exact';
import type { UmbrellaWindow } from '../../src-main/engine/estimators/wham';
import { Rng } from '../../src-main/engine/random';
import { offsetRms } from '../../src-main/study/analysis';
import { column, decorrelatedPool, foldFes, readWindowWalkers } from '../../src-main/study/fold';
import { parseStudy } from '../../src-main/study/schema';
import { diagnoseWindows } from '../../src-main/study/trapping';
import { call, makeContext, smallParams, tempDir, waitForFinal } from '../api/helpers';

const root = join(import.meta.dirname, '../..');
const exampleText = readFileSync(join(root, 'resources/examples/hidden-barrier.study.json'), 'utf8');
const study = parseStudy(exampleText, 'hidden-barrier.study.json');
const system = createSystem(study.system);
const kT = study.kT;
const sampling = study.sampling!;
if (sampling.method !== 'umbrella') throw new Error('hidden-barrier.study.json samples by umbrella windows');
const spring = sampling.spring;

/** y grid for quadrature at fixed x: the energy is > 40 kT above its minimum beyond [-3, 5] for |x| <= 1.3. */
const Y = Float64Array.from({ length: 4001 }, (_, i) => -3 + (8 * i) / 4000);

/** Unnormalised p(y | x) on Y (trapezoid weights folded in later). */
function conditionalWeights(x: number): Float64Array {
  const p = new Float64Array(2);
  const e = Y.map((y) => { p[0] = x; p[1] = y; return system.energy(p); });
  const min = Math.min(...e);
  return e.map((v) => Math.exp(-(v - min) / kT));
}

/** n exact draws of y at x by the inverse CDF of the trapezoid rule on Y. */
function exactDraws(x: number, n: number, rng: Rng): number[] {
  const w = conditionalWeights(x);
  const cdf = new Float64Array(Y.length);
  for (let i = 1; i < Y.length; i++) cdf[i] = cdf[i - 1] + 0.5 * (w[i] + w[i - 1]);
  const total = cdf[Y.length - 1];
  return Array.from({ length: n }, () => {
    const u = rng.uniform() * total;
    let lo = 0, hi = Y.length - 1;
    while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (cdf[mid] < u) lo = mid; else hi = mid; }
    return Y[lo] + ((u - cdf[lo]) / (cdf[hi] - cdf[lo] || 1)) * (Y[hi] - Y[lo]);
  });
}

/** The exact weight of the upper mode (y > 0) in umbrella window k's biased ensemble: 2D quadrature. */
function windowUpperWeight(centre: number): number {
  let up = 0, all = 0;
  for (let i = 0; i <= 400; i++) {
    const x = centre - 1 + (2 * i) / 400;
    const w = conditionalWeights(x);
    const p = new Float64Array([x, 0]);
    // Slow factor exp(-(F-free part)): the y-weights above are relative to the minimum at this x.
    const e = Y.map((y) => { p[1] = y; return system.energy(p); });
    const shift = Math.exp(-(Math.min(...e) + 0.5 * spring * (x - centre) ** 2) / kT);
    for (let j = 0; j < Y.length; j++) {
      all += w[j] * shift;
      if (Y[j] > 0) up += w[j] * shift;
    }
  }
  return up / all;
}

describe('hidden-barrier system: plain windows trapped, seeded windows right', () => {
  const dir = tempDir('liftwell-hidden-');
  const ctx = makeContext(join(dir.path, 'home'));
  afterAll(async () => {
    await ctx.shutdown();
    dir.cleanup();
  });

  it('the example parses as an adaptive study with a trapping diagnosis', () => {
    expect(study.seeding).toMatchObject({ select: 'adaptive', rounds: 3, fastModes: { expr: 'y', split: 0, minSwitches: 8 } });
    expect(study.model?.holdOut).toBeUndefined(); // the trapped interval is found, not given
  });

  it('plain windows in the middle are trapped and their FES is wrong; seeded from the exact law, the fold is right', async () => {
    const project = await call(ctx, 'createProject', { parentDir: dir.path, name: 'hb' });
    const sys = await call(ctx, 'addSystem', { projectPath: project.path, name: 'hb', spec: study.system });
    const s = sampling;
    const centres = Array.from({ length: s.windows! }, (_, i) => s.range![0] + ((s.range![1] - s.range![0]) * i) / (s.windows! - 1));
    const base = smallParams({ centers: { mode: 'list', values: centres }, spring, dt: s.dt, stepsPerWindow: 10_000, stride: s.stride, walkersPerWindow: 8, equilibrationSteps: s.equilibration, seed: 11 });
    const plain = await call(ctx, 'startUmbrellaRun', { projectPath: project.path, systemId: sys.id, name: 'plain', params: base });
    expect((await waitForFinal(ctx, plain.id, 120_000)).status).toBe('completed');

    const walkersOf = (runId: string, k: number) => readWindowWalkers(project.path, runId, k).walkers;
    const ySeries = (runId: string, k: number) => walkersOf(runId, k).map((rows) => column(rows, 2, 1));
    const diag = diagnoseWindows(centres, centres.map((_, k) => ySeries(plain.id, k)), { split: 0, hysteresis: 0.5 }, 8);
    // Barrier between the modes: > 10 kT for |x| <= 0.25, < 3 kT on the lower-mode side for |x| >= 0.75.
    for (const w of diag) {
      if (Math.abs(w.centre) < 0.25) expect(w.trapped, `window at ${w.centre}`).toBe(true);
      if (Math.abs(w.centre) > 0.75) expect(w.trapped, `window at ${w.centre}`).toBe(false);
    }
    const trapped = diag.filter((w) => w.trapped).map((w) => w.centre);

    const axis = { bins: 30, min: -1, max: 1 };
    const exactOn = (centers: number[]) => Array.from(exactProfile(system, 0, kT, Float64Array.from(centers)));
    const windowOf = (runId: string, k: number, centre: number): UmbrellaWindow => ({ center: centre, spring, samples: decorrelatedPool(walkersOf(runId, k).map((rows) => column(rows, 2, 0))) });
    const plainFes = foldFes(centres.map((c, k) => windowOf(plain.id, k, c)), axis, kT, 0, 1);
    const plainRms = offsetRms(plainFes.F, exactOn(plainFes.centers))!;

    // Seeded round: the trapped windows again, 32 walkers each started from exact draws at the centre.
    const walkers = 32;
    const rng = new Rng(5);
    const starts = trapped.map((c) => exactDraws(c, walkers, rng).flatMap((y) => [c, y]));
    const seeded = await call(ctx, 'startUmbrellaRun', {
      projectPath: project.path, systemId: sys.id, name: 'seeded',
      params: { ...base, centers: { mode: 'list', values: trapped }, walkersPerWindow: walkers, stepsPerWindow: 5000, equilibrationSteps: 0, seed: 12, seeding: { source: 'lifted', seed: 5, starts } },
    });
    expect((await waitForFinal(ctx, seeded.id, 120_000)).status).toBe('completed');
    const folded = foldFes([
      ...centres.map((c, k) => ({ c, k })).filter(({ c }) => !trapped.includes(c)).map(({ c, k }) => windowOf(plain.id, k, c)),
      ...trapped.map((c, k) => windowOf(seeded.id, k, c)),
    ], axis, kT, 0, 1);
    const seededRms = offsetRms(folded.F, exactOn(folded.centers))!;

    // Trapping makes the middle up to ~0.9 kT wrong (quadrature: kT ln(1 + Z_other/Z_trapped)); at
    // this size the sampling noise of F is about 0.05-0.1 kT per bin, so 0.3 separates them with room.
    expect(plainRms).toBeGreaterThan(0.3);
    // Tolerance 0.15 kT RMS: twice the per-bin noise measured with bootstrap at this size.
    expect(seededRms).toBeLessThan(0.15);

    // Mode weights: each seeded window's upper-mode fraction against the exact weight in its biased
    // ensemble, within 3 binomial standard errors of 32 walkers (walkers rarely switch there, so
    // the walker, not the frame, is the independent unit).
    trapped.forEach((c, k) => {
      const exact = windowUpperWeight(c);
      const ys = ySeries(seeded.id, k);
      const frac = ys.reduce((n, s) => n + s.filter((y) => y > 0).length, 0) / ys.reduce((n, s) => n + s.length, 0);
      const sem = Math.sqrt((exact * (1 - exact)) / walkers);
      expect(Math.abs(frac - exact), `window ${c}: ${frac} vs exact ${exact}`).toBeLessThan(3 * sem + 0.02);
      // The plain window at the same centre sat in one mode.
      const plainFrac = diag.find((w) => w.centre === c)!.upperFraction;
      if (Math.abs(c) < 0.25) expect(Math.abs(plainFrac - exact)).toBeGreaterThan(0.25);
    });
  }, 300_000);
});
