/**
 * Using a stored diffusion map as a CV (analysis/learned-cvs/use-map.ts), on a short metadynamics run
 * of the EMBEDDED system (same settings as learned-cvs.test.ts): the free energy along psi_1 by
 * c(t) reweighting against the exact F(x) mapped through psi_1(x), restriction of fresh exact
 * samples at fixed hidden x, and refusals of bad input.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { join } from 'node:path';
import type { LearnedCvFesOutput, MetadParams } from '../../src-main/api/contract';
import { Embedded } from '../../src-main/engine/systems';
import { call, callError, makeContext, setupProject, tempDir, waitForFinal } from './helpers';

const dir = tempDir('liftwell-learned-cvs-analysis-');
afterAll(() => dir.cleanup());

const spec = { kind: 'embedded' as const, a: 2, s: 0.5, epsilon: 0.05, f: 'sin' as const, c: 1, curvature: 1, angle: 0.7 };
// 8 walkers x 20k steps, a COLVAR row every 50 steps: 3,200 frames (learned-cvs.test.ts).
const params: MetadParams = {
  cvIndices: [0], sigma: [0.15], height: 0.4, pace: 100, biasFactor: 6, kT: 1, dt: 1e-3, steps: 20_000, walkers: 8,
  integrator: 'overdamped', friction: 10, mass: 1, colvarStride: 50, seed: 3,
};

let projectPath: string;
let runId: string;
let bareRunId: string;
const home = () => join(dir.path, 'home');
beforeAll(async () => {
  const ctx = makeContext(home());
  try {
    const setup = await setupProject(ctx, dir.path, 'LearnedUse', spec);
    projectPath = setup.projectPath;
    // Subscribe at once: a run this short can finish before the next call returns.
    const run = await call(ctx, 'startMetadRun', { projectPath, systemId: setup.systemId, name: 'metad embedded', params });
    const done = waitForFinal(ctx, run.id, 60_000);
    const bare = await call(ctx, 'startMetadRun', { projectPath, systemId: setup.systemId, name: 'no map', params: { ...params, steps: 1000, walkers: 2 } });
    const bareDone = waitForFinal(ctx, bare.id, 60_000);
    expect((await done).status).toBe('completed');
    expect((await bareDone).status).toBe('completed');
    runId = run.id;
    bareRunId = bare.id;
    await call(ctx, 'computeDiffusionMap', { projectPath, runId, components: 2, seed: 1 });
  } finally {
    await ctx.shutdown();
  }
}, 120_000);

/** RMS of a - b after the best constant (mean difference), over bins where both exist and mask holds. */
function rmsAfterShift(a: (number | null)[], b: (number | null)[], mask: (i: number) => boolean): { rms: number; bins: number } {
  const d: number[] = [];
  a.forEach((v, i) => {
    const w = b[i];
    if (v !== null && w !== null && mask(i)) d.push(v - w);
  });
  const mean = d.reduce((s, v) => s + v, 0) / d.length;
  return { rms: Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / d.length), bins: d.length };
}

test('F(psi_1) by c(t) reweighting agrees with the exact F(x) mapped through psi_1(x)', async () => {
  const ctx = makeContext(home());
  try {
    await call(ctx, 'openProject', { projectPath });
    const out: LearnedCvFesOutput = await call(ctx, 'learnedCvFes', { projectPath, runId, component: 1, bins: 40 });
    // The first 20% of the 3,200 rows are left out (as analysis/metad-result.ts does).
    expect(out.framesDiscarded).toBe(640);
    expect(out.framesUsed).toBe(2560);
    expect(out.counts.reduce((s, c) => s + c, 0)).toBe(2560);
    expect(out.effectiveSamples).toBeGreaterThan(0.3 * out.framesUsed);
    expect(out.effectiveSamples).toBeLessThanOrEqual(out.framesUsed);
    expect(out.exact?.coordinate).toBe('x');
    expect(Math.abs(out.exact!.spearman)).toBeGreaterThan(0.95);
    // The relation is monotone (isotonic fit) in the direction of the correlation.
    const rel = out.exact!.relation.psi;
    const sign = Math.sign(out.exact!.spearman);
    for (let i = 1; i < rel.length; i++) expect(sign * (rel[i] - rel[i - 1])).toBeGreaterThanOrEqual(0);

    // Well-sampled bins: >= 30 frames. Statistical error of a reweighted histogram bin is about
    // kT sqrt(g / (n_b ESS/N)); with n_b >= 30, ESS/N ~ 0.7 and a statistical inefficiency g of
    // a few for frames 50 steps apart, that is 0.3-0.4 kT per bin, and the 20k-step bias is not
    // converged either. Measured (seed 3): RMS 0.25 kT against the mapped profile over 35 bins,
    // 0.23 kT against the exact push-forward; 0.5 kT bounds both with room for other seeds, while
    // a wrong profile (the Jacobian kT ln|g'| left out) is at 0.75 kT.
    const wellSampled = (i: number) => out.counts[i] >= 30;
    const vsMapped = rmsAfterShift(out.fes, out.exact!.fes, wellSampled);
    const vsPush = rmsAfterShift(out.fes, out.exactPushforward!, wellSampled);
    expect(vsMapped.bins).toBeGreaterThanOrEqual(30);
    expect(vsMapped.rms).toBeLessThan(0.5);
    expect(vsPush.rms).toBeLessThan(0.5);
    // The two exact references differ only by the y-scatter of psi_1 at fixed x (and the
    // median relation's noise), which sampleEmbeddedCheck puts at sd 0.04-0.13 in psi: a
    // blur of 1-2 bins (width 0.075) in the well regions, a few tenths of kT at most (measured 0.22).
    const refs = rmsAfterShift(out.exact!.fes, out.exactPushforward!, wellSampled);
    expect(refs.rms).toBeLessThan(0.35);

    // Without the Jacobian (F(x) at x = g^-1(psi) relabelled) the profile is wrong: the test can fail.
    const xs = out.exact!.relation.x;
    const relabelled = out.centers.map((c) => {
      for (let i = 1; i < rel.length; i++) {
        const [a, b] = [rel[i - 1], rel[i]];
        if ((c - a) * (c - b) <= 0 && a !== b) {
          const x = xs[i - 1] + ((c - a) / (b - a)) * (xs[i] - xs[i - 1]);
          return spec.a * (x * x - 1) ** 2;
        }
      }
      return null;
    });
    const wrong = rmsAfterShift(out.fes, relabelled, wellSampled);
    expect(wrong.rms).toBeGreaterThan(vsMapped.rms + 0.2);
  } finally {
    await ctx.shutdown();
  }
}, 60_000);

test('restriction of fresh exact samples at fixed x lands on psi_1(x) of the map', async () => {
  const ctx = makeContext(home());
  try {
    await call(ctx, 'openProject', { projectPath });
    const xs = [-1.2, -0.8, -0.4, 0, 0.4, 0.8, 1.2];
    const n = 400;
    const out = await call(ctx, 'sampleEmbeddedCheck', { projectPath, runId, xs, n, seed: 5 });
    expect(out.inputCoordinates).toEqual(['q1', 'q2', 'q3']);
    expect(out.rows.map((r) => r.x)).toEqual(xs);
    // Tolerance 0.05 in psi (1.7% of its range over the frames, ~3.0): the sample mean's error is
    // 3 sd / sqrt(400) <= 0.02 (sd <= 0.13 measured), the median relation psi_1(x) comes from
    // ~80 frames per x bin (standard error ~1.25 sd / sqrt(80) <= 0.02) plus linear interpolation
    // between bins 0.1 apart in x. Measured (seed 5): largest |mean - mapped| 0.026.
    for (const row of out.rows) {
      expect(row.mapped).not.toBeNull();
      expect(Math.abs(row.mean - row.mapped!)).toBeLessThan(0.05);
      expect(row.sd).toBeGreaterThan(0);
      expect(row.sd).toBeLessThan(0.1 * out.psiRange);
    }
    // R separates the x values: psi_1 of the samples is monotone in x.
    const sign = Math.sign(out.rows[out.rows.length - 1].mean - out.rows[0].mean);
    for (let i = 1; i < out.rows.length; i++) expect(sign * (out.rows[i].mean - out.rows[i - 1].mean)).toBeGreaterThan(0);

    // restrictToLearnedCv gives the same numbers for the same points (the observed (x, f(x)) point).
    const system = new Embedded(spec);
    const xy = new Float64Array(xs.flatMap((x) => [x, system.f(x)]));
    const q = system.observe(xy, xs.length);
    const restricted = await call(ctx, 'restrictToLearnedCv', { projectPath, runId, points: Buffer.from(q.buffer).toString('base64') });
    expect(restricted.points).toBe(xs.length);
    expect(restricted.components).toBe(2);
    expect(restricted.coordinates).toHaveLength(2);
    restricted.coordinates[0].forEach((v, i) => expect(v).toBeCloseTo(out.rows[i].atMeanY, 12));
  } finally {
    await ctx.shutdown();
  }
}, 60_000);

test('bad input is refused with clear messages', async () => {
  const ctx = makeContext(home());
  try {
    await call(ctx, 'openProject', { projectPath });
    const noMap = await callError(ctx, 'learnedCvFes', { projectPath, runId: bareRunId });
    expect(noMap.code).toBe('not-found');
    expect(noMap.message).toMatch(/The run "no map" has no diffusion map yet; compute one first/);
    const noMapRestrict = await callError(ctx, 'restrictToLearnedCv', { projectPath, runId: bareRunId, points: Buffer.from(new Float64Array(3).buffer).toString('base64') });
    expect(noMapRestrict.message).toMatch(/has no diffusion map yet/);
    const wrongDim = await callError(ctx, 'restrictToLearnedCv', { projectPath, runId, points: Buffer.from(new Float64Array([1, 2, 3, 4]).buffer).toString('base64') });
    expect(wrongDim.code).toBe('invalid-input');
    expect(wrongDim.message).toMatch(/points: 4 values is not a whole number of points of dimension 3 \(the map's input coordinates q1, q2, q3\)/);
    const notFinite = await callError(ctx, 'restrictToLearnedCv', { projectPath, runId, points: Buffer.from(new Float64Array([1, NaN, 3]).buffer).toString('base64') });
    expect(notFinite.code).toBe('invalid-input');
    expect(notFinite.message).toMatch(/row 0, column 1 is not a finite number/);
    const notB64 = await callError(ctx, 'restrictToLearnedCv', { projectPath, runId, points: 'a b' });
    expect(notB64.message).toMatch(/not base64/);
    const component = await callError(ctx, 'learnedCvFes', { projectPath, runId, component: 3 });
    expect(component.message).toMatch(/component: the stored map has 2 components \(got 3\)/);
    const outside = await callError(ctx, 'sampleEmbeddedCheck', { projectPath, runId, xs: [0, 7] });
    expect(outside.message).toMatch(/xs: 7 outside the system's x domain \[-2, 2\]/);
    const missing = await callError(ctx, 'learnedCvFes', { projectPath, runId: 'run-nope' });
    expect(missing.code).toBe('not-found');
  } finally {
    await ctx.shutdown();
  }
}, 60_000);
