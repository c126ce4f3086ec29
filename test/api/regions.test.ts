/**
 * regionFreeEnergies through the handlers (analysis thread): user-drawn intervals on a 1D
 * double-well umbrella run (symmetric: the two wells have equal free energy), rectangles around
 * the three Muller-Brown minima of a 2D umbrella grid against quadrature of exp(-V/kT) over the
 * same rectangles, and refusals of bad regions.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { join } from 'node:path';
import type { AppContext } from '../../src-main/api/handlers';
import { createSystem } from '../../src-main/engine/systems';
import { call, callError, makeContext, setupProject, smallParams, tempDir, waitForFinal } from './helpers';

let dir: ReturnType<typeof tempDir>;
let ctx: AppContext;
let dw: { projectPath: string; runId: string };
beforeAll(async () => {
  dir = tempDir('liftwell-regions-');
  ctx = makeContext(join(dir.path, 'home'));
  const { projectPath, systemId } = await setupProject(ctx, dir.path, 'DW');
  const run = await call(ctx, 'startUmbrellaRun', { projectPath, systemId, name: 'dw', params: smallParams({ stride: 40 }) });
  expect((await waitForFinal(ctx, run.id)).status).toBe('completed');
  dw = { projectPath, runId: run.id };
});
afterAll(async () => {
  await ctx.shutdown();
  dir.cleanup();
});

const wells = [
  { name: 'left', kind: 'interval', min: null, max: 0 },
  { name: 'right', kind: 'interval', min: 0, max: null },
];

test('1D double well: the two wells as intervals have equal free energy within error', async () => {
  // MBAR binless with a block bootstrap (correlated samples): the symmetric double well has
  // exactly dF = 0; 4 standard errors cover it unless the estimate is biased.
  const r = await call(ctx, 'regionFreeEnergies', { ...dw, regions: wells, bootstrap: 20, seed: 3 });
  expect(r.source).toBe('umbrella-mbar');
  expect(r.dims).toBe(1);
  expect(r.regions.map((g) => g.name)).toEqual(['left', 'right']);
  expect(r.regions[0].probability + r.regions[1].probability).toBeGreaterThan(0.99);
  const [left, right] = r.regions;
  expect(left.freeEnergy).toBe(0);
  expect(right.error).toBeGreaterThan(0);
  expect(Math.abs(right.freeEnergy!)).toBeLessThan(4 * right.error! + 0.02);
  expect(r.differences).toEqual([{ from: 'left', to: 'right', deltaF: right.freeEnergy, error: right.error }]);
  expect(left.samples! + right.samples!).toBeGreaterThan(0);
  expect(r.errorMethod).toMatch(/bootstrap \(20 replicates, seed 3/);
  // MBAR covariance errors without a bootstrap, and WHAM at bin level, give the same difference
  // to within the error (WHAM bins the interval ends to the bin grid: 0 is a bin edge here).
  const cov = await call(ctx, 'regionFreeEnergies', { ...dw, regions: wells });
  expect(cov.errorMethod).toMatch(/MBAR asymptotic covariance/);
  expect(cov.regions[1].freeEnergy).toBeCloseTo(right.freeEnergy!, 10);
  expect(cov.regions[1].error).toBeGreaterThan(0);
  const wham = await call(ctx, 'regionFreeEnergies', { ...dw, regions: wells, estimator: 'wham' });
  expect(wham.source).toBe('umbrella-wham');
  expect(wham.regions[1].error).toBeNull();
  expect(wham.errorMethod).toMatch(/^none/);
  expect(Math.abs(wham.regions[1].freeEnergy! - right.freeEnergy!)).toBeLessThan(2 * right.error! + 0.05);
});

test('bad regions are refused as invalid input with a message naming the region', async () => {
  const bad = async (regions: unknown[]) => callError(ctx, 'regionFreeEnergies', { ...dw, regions });
  expect(await bad([])).toMatchObject({ code: 'invalid-input' });
  expect((await bad([{ name: 'far', kind: 'interval', min: 50, max: 60 }])).message).toMatch(/"far" contains no samples.*outside/);
  expect((await bad([{ name: 'e', kind: 'interval', min: 0.3, max: 0.3 }])).message).toMatch(/"e".*empty/);
  expect((await bad([{ name: 'p', kind: 'polygon', points: [[0, 0], [1, 1]] }])).message).toMatch(/"p".*(2D|at least 3)/);
  expect((await bad([{ name: 'w', kind: 'interval', min: 1, max: -1 }])).message).toMatch(/only periodic axes wrap/);
  expect((await bad([{ name: 'q', kind: 'blob' }])).code).toBe('invalid-input');
});

/*
 * Muller-Brown at scale 0.1, kT = 1, the 6 x 6 window grid of test/api/fes.test.ts; decorrelated
 * (subsample) as there: with every correlated sample counted, a few slowly relaxing windows bias
 * the basin ratios by ~2 kT on this short run (getFes shows the same). Rectangles around the minima
 * A (-0.56, 1.44), B (0.62, 0.03), C (-0.05, 0.47).
 */
const MB_PARAMS = {
  ...smallParams({
    cvIndex: 0,
    centers: { mode: 'range', min: -1.3, max: 1.1, count: 6 },
    spring: 20,
    dt: 3e-4,
    stepsPerWindow: 48_000,
    stride: 40,
    walkersPerWindow: 8,
    equilibrationSteps: 2000,
    seed: 11,
  }),
  secondCv: { cvIndex: 1, centers: { mode: 'range', min: -0.2, max: 1.8, count: 6 }, spring: 20 },
};
const RECTS = [
  { name: 'A', kind: 'rectangle', xMin: -0.9, xMax: -0.25, yMin: 1.15, yMax: 1.75 },
  { name: 'B', kind: 'rectangle', xMin: 0.35, xMax: 0.9, yMin: -0.15, yMax: 0.25 },
  { name: 'C', kind: 'rectangle', xMin: -0.3, xMax: 0.15, yMin: 0.3, yMax: 0.65 },
] as const;

/** -kT ln of the integral of exp(-V/kT) over each rectangle, relative to the first (midpoint rule, 300 x 300). */
function exactRectangles(): number[] {
  const system = createSystem({ kind: 'muller-brown', scale: 0.1 });
  const probe = new Float64Array(system.dim);
  const logZ = RECTS.map((r) => {
    const n = 300;
    const hx = (r.xMax - r.xMin) / n;
    const hy = (r.yMax - r.yMin) / n;
    const terms: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        probe[0] = r.xMin + (i + 0.5) * hx;
        probe[1] = r.yMin + (j + 0.5) * hy;
        terms.push(-system.energy(probe, 0));
      }
    }
    const m = Math.max(...terms);
    return m + Math.log(terms.reduce((s, t) => s + Math.exp(t - m), 0) * hx * hy);
  });
  return logZ.map((l) => -(l - logZ[0]));
}

test('2D Muller-Brown umbrella grid: rectangles around the minima vs quadrature', async () => {
  const { projectPath, systemId } = await setupProject(ctx, dir.path, 'MB', { kind: 'muller-brown', scale: 0.1 });
  const run = await call(ctx, 'startUmbrellaRun', { projectPath, systemId, name: 'mb', params: MB_PARAMS });
  expect((await waitForFinal(ctx, run.id, 120_000)).status).toBe('completed');
  const r = await call(ctx, 'regionFreeEnergies', { projectPath, runId: run.id, regions: RECTS, subsample: true });
  expect(r.dims).toBe(2);
  expect(r.errorMethod).toMatch(/MBAR asymptotic covariance/);
  const exact = exactRectangles();
  r.regions.forEach((g, i) => {
    expect(g.samples).toBeGreaterThan(100);
    expect(g.error).not.toBeNull();
    // 4 standard errors (MBAR covariance of decorrelated samples, as pymbar practice)
    // plus 0.15 kT for the Euler-Maruyama O(dt) bias (dt * curvature <= 0.1, see fes.test.ts).
    expect(Math.abs(g.freeEnergy! - exact[i])).toBeLessThan(4 * g.error! + 0.15);
  });
  // Pairwise differences are consistent with the per-region values; a polygon equal to
  // rectangle B gives the same probability (same samples inside).
  const BC = r.differences.find((d) => d.from === 'B' && d.to === 'C')!;
  expect(BC.deltaF).toBeCloseTo(r.regions[2].freeEnergy! - r.regions[1].freeEnergy!, 10);
  const b = RECTS[1];
  const poly = { name: 'B as polygon', kind: 'polygon', points: [[b.xMin, b.yMin], [b.xMax, b.yMin], [b.xMax, b.yMax], [b.xMin, b.yMax]] };
  const p = await call(ctx, 'regionFreeEnergies', { projectPath, runId: run.id, regions: [RECTS[1], poly] });
  expect(p.regions[1].probability).toBeCloseTo(p.regions[0].probability, 12);
  expect((await callError(ctx, 'regionFreeEnergies', { projectPath, runId: run.id, regions: wells })).message).toMatch(/interval needs a 1D/);
}, 150_000);
