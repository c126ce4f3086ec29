/**
 * Free-energy options through the handlers: 2D umbrella study on a scaled Muller-Brown surface
 * with MBAR (basin free-energy differences vs quadrature), 1D MBAR vs WHAM, bootstrap errors
 * reproducible by seed, subsampling, and old run.json files (written before these options).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../../src-main/api/handlers';
import type { FesResult } from '../../src-main/api/contract';
import { decodeNpy } from '../../src-main/engine/io/npy';
import { call, callError, makeContext, setupProject, smallParams, tempDir, waitForFinal } from './helpers';

let dir: ReturnType<typeof tempDir>;
let ctx: AppContext;
beforeAll(() => {
  dir = tempDir('liftwell-fes-');
  ctx = makeContext(join(dir.path, 'home'));
});
afterAll(async () => {
  await ctx.shutdown();
  dir.cleanup();
});

/*
 * Muller-Brown at scale 0.1 and kT = 1: minima A (-0.56, 1.44), B (0.62, 0.03), C (-0.05, 0.47)
 * at -14.7, -10.8 and -8.1 kT; C is separated from A by a saddle ~0.9 kT above it, so with the
 * default basin depth (0.5 kT) all three basins survive. A 6 x 6 grid of windows (spacing 0.48
 * in x, 0.4 in y, spring 20: width sqrt(kT / k) ~ 0.22 on a flat surface, less where V is
 * curved) covers the three basins in ~1.8e7 walker-steps. dt = 3e-4: dt * (k + largest
 * curvature of V where the windows sample, ~300) < 0.1, so Euler-Maruyama stays stable and its
 * O(dt) bias small.
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

test('2D umbrella grid on scaled Muller-Brown: MBAR basin free energies vs quadrature', async () => {
  const { projectPath, systemId } = await setupProject(ctx, dir.path, 'MB', { kind: 'muller-brown', scale: 0.1 });
  const cost = await call(ctx, 'estimateUmbrellaCost', { params: MB_PARAMS });
  expect(cost.windows).toBe(36);
  const run = await call(ctx, 'startUmbrellaRun', { projectPath, systemId, name: 'mb grid', params: MB_PARAMS });
  if (run.kind !== 'umbrella') throw new Error('expected an umbrella run');
  expect(run.windowCenters).toHaveLength(36);
  const runJson = JSON.parse(readFileSync(join(projectPath, 'runs', run.id, 'run.json'), 'utf8'));
  expect(runJson.job.cvIndices).toEqual([0, 1]);
  expect(runJson.job.gridShape).toEqual([6, 6]);
  expect(runJson.job.windows[7].centers[0]).toBeCloseTo(-1.3 + 0.48, 12);
  expect(runJson.job.windows[7].centers[1]).toBeCloseTo(-0.2 + 0.4, 12);
  const done = await waitForFinal(ctx, run.id, 120_000);
  expect(done.status).toBe('completed');
  const { shape, data } = decodeNpy(readFileSync(join(projectPath, 'runs', run.id, 'window-007.npy')));
  expect(shape).toEqual([8, 1200, 2]);
  // The walkers stay near their window centre (x then y per sample): V pulls them off it by a
  // few tenths, but without the bias they would end in a minimum 0.8-1.4 away.
  let mx = 0;
  let my = 0;
  for (let i = 0; i < data.length; i += 2) {
    mx += data[i];
    my += data[i + 1];
  }
  expect(Math.hypot((2 * mx) / data.length - (-1.3 + 0.48), (2 * my) / data.length - 0.2)).toBeLessThan(0.5);

  // Decorrelated samples (pymbar practice): MBAR's asymptotic errors then hold, and it is fast.
  const fes = await call(ctx, 'getFes', { projectPath, runId: run.id, estimator: 'mbar', bins: 30, binsY: 30, subsample: true });
  expect(fes.dims).toBe(2);
  expect(fes.estimator).toBe('mbar');
  const grid = fes.grid!;
  expect(grid.xCenters).toHaveLength(30);
  expect(grid.pmf).toHaveLength(30);
  expect(grid.pmf[0]).toHaveLength(30);
  expect(grid.exact?.pmf).toHaveLength(30);
  expect(grid.basinMap.flat().every((v) => v >= -1)).toBe(true);
  expect(fes.errorMethod).toBe('MBAR asymptotic covariance');
  expect(fes.statisticalInefficiency).toHaveLength(36);
  expect(fes.converged).toBe(true);
  const basins = fes.basins!;
  // Three minima of Muller-Brown: A (-0.56, 1.44), B (0.62, 0.03), C (-0.05, 0.47).
  expect(basins.length).toBe(3);
  const near = (x: number, y: number) => basins.find((b) => Math.hypot(b.minimum[0] - x, b.minimum[1] - y) < 0.25);
  const A = near(-0.558, 1.442);
  const B = near(0.623, 0.028);
  const C = near(-0.05, 0.467);
  expect(A && B && C).toBeTruthy();
  for (const b of [A!, B!, C!]) {
    expect(b.error).not.toBeNull();
    expect(b.exactFreeEnergy).not.toBeNull();
    // Tolerance: 4 standard errors (MBAR covariance of the decorrelated samples) plus 0.15 kT
    // for the Euler-Maruyama O(dt) bias (dt * curvature <= 0.1 shifts the sampled density by a
    // few percent, i.e. a few hundredths to a tenth of a kT on basin probabilities).
    const tol = 4 * b.error! + 0.15;
    expect(Math.abs(b.freeEnergy - b.exactFreeEnergy!)).toBeLessThan(tol);
  }
  // Window free energies vs 2D quadrature, relative to window 0 (a well-sampled window).
  const dev = fes.windowFreeEnergies.map((f, k) => f - fes.exact!.windowFreeEnergies[k]);
  expect(Math.max(...dev.map(Math.abs))).toBeLessThan(0.5);
});

let dwRun: { projectPath: string; runId: string } | null = null;

test('1D: MBAR and WHAM agree through getFes; bootstrap errors reproducible by seed', async () => {
  const { projectPath, systemId } = await setupProject(ctx, dir.path, 'DW');
  const run = await call(ctx, 'startUmbrellaRun', { projectPath, systemId, name: 'dw', params: smallParams({ stepsPerWindow: 30_000, walkersPerWindow: 8, stride: 20 }) });
  expect((await waitForFinal(ctx, run.id)).status).toBe('completed');
  dwRun = { projectPath, runId: run.id };
  const wham = await call(ctx, 'getFes', { projectPath, runId: run.id, bins: 50 });
  const mbar = await call(ctx, 'getFes', { projectPath, runId: run.id, bins: 50, estimator: 'mbar' });
  expect(wham.estimator).toBe('wham');
  expect(wham.pmfError).toBeUndefined();
  expect(mbar.pmfError).toHaveLength(50);
  // Same data, same bins: binned WHAM and binless MBAR differ only by the within-bin bias
  // variation (bins of 0.08 in a k = 20 window: ~0.01-0.05 kT) - well below 0.1 kT.
  const df = mbar.windowFreeEnergies.map((f, k) => Math.abs(f - wham.windowFreeEnergies[k]));
  expect(Math.max(...df)).toBeLessThan(0.1);
  for (let b = 0; b < 50; b++) {
    if (Math.abs(wham.centers[b]) < 1.3 && wham.pmf[b] !== null && mbar.pmf[b] !== null) expect(Math.abs(wham.pmf[b]! - mbar.pmf[b]!)).toBeLessThan(0.1);
  }
  // Two basins of the double well (a = 2 kT barrier), free-energy difference ~0 by symmetry.
  expect(mbar.basins).toHaveLength(2);
  const [b0, b1] = mbar.basins!;
  expect(Math.abs(b1.freeEnergy - b0.freeEnergy - ((b1.exactFreeEnergy ?? 0) - (b0.exactFreeEnergy ?? 0)))).toBeLessThan(4 * Math.max(b0.error ?? 0, b1.error ?? 0) * 3 + 0.1);

  const boot1 = await call(ctx, 'getFes', { projectPath, runId: run.id, bins: 50, estimator: 'mbar', bootstrap: 20, seed: 5 });
  const boot2 = await call(ctx, 'getFes', { projectPath, runId: run.id, bins: 50, estimator: 'mbar', bootstrap: 20, seed: 5 });
  const boot3 = await call(ctx, 'getFes', { projectPath, runId: run.id, bins: 50, estimator: 'mbar', bootstrap: 20, seed: 6 });
  expect(boot1.errorMethod).toMatch(/bootstrap \(20 replicates, seed 5/);
  expect(boot1.pmfError).toEqual(boot2.pmfError);
  expect(boot1.windowFreeEnergiesError).toEqual(boot2.windowFreeEnergiesError);
  expect(boot1.pmfError).not.toEqual(boot3.pmfError);
  const errs = boot1.pmfError!.filter((e): e is number => e !== null && e > 0);
  expect(errs.length).toBeGreaterThan(20);
  // Bootstrap and asymptotic errors measure the same spread: within a factor ~3 of each other
  // in the middle bins (the asymptotic ones ignore correlation, g ~ 1-3 here; 20 replicates
  // give the bootstrap sd to ~15%).
  const mid = (r: FesResult): number[] => r.pmfError!.map((e) => e ?? NaN).filter((_, b) => Math.abs(r.centers[b]) < 1);
  const asym = mid(mbar);
  const ratio = mid(boot1).reduce((acc: number, e: number, i: number) => acc + e / asym[i], 0) / asym.length;
  expect(ratio).toBeGreaterThan(0.5);
  expect(ratio).toBeLessThan(6);
  // WHAM bootstrap too.
  const whamBoot = await call(ctx, 'getFes', { projectPath, runId: run.id, bins: 50, bootstrap: 10, seed: 5 });
  expect(whamBoot.windowFreeEnergiesError!.slice(1).every((e) => e !== null && e > 0)).toBe(true);
  expect(whamBoot.basins!.every((b) => b.error !== null)).toBe(true);
  // Five estimates, 50 bootstrap replicates and (MBAR default) a second MBAR on the decorrelated
  // samples: ~25 s on an idle 2-core machine, more on a shared one.
}, 180_000);

test('subsampling keeps about 1/g of each window', async () => {
  const { projectPath, runId } = dwRun!;
  const fes = await call(ctx, 'getFes', { projectPath, runId, subsample: true });
  const s = fes.subsampling!;
  expect(s.applied).toBe(true);
  fes.statisticalInefficiency!.forEach((g, k) => {
    expect(g).toBeGreaterThanOrEqual(1);
    // pymbar's subsampling keeps indices round(n g): N / g samples, +-1.
    expect(Math.abs(s.samplesAfter[k] - s.samplesBefore[k] / g)).toBeLessThanOrEqual(1);
  });
  expect(s.keptFraction).toBeLessThan(1);
  expect((await callError(ctx, 'getFes', { projectPath, runId, bootstrap: 1 })).code).toBe('invalid-input');
});

test('a run.json written before 2D studies and estimator options still loads', async () => {
  const { projectPath, runId } = dwRun!;
  const path = join(projectPath, 'runs', runId, 'run.json');
  const file = JSON.parse(readFileSync(path, 'utf8'));
  // The old format (run.json version 1, before 2D studies): no secondCv, no cvIndices/gridShape,
  // one spring in the params, windows with center/spring only (store/migrations.ts reads it).
  expect(file.run.params.secondCv).toBeUndefined();
  expect(file.job.cvIndices).toBeUndefined();
  file.schemaVersion = 1;
  file.run.params.spring = file.run.params.springs[0];
  delete file.run.params.springs;
  file.job.windows = file.job.windows.map(({ centers, springs, ...w }: { centers: number[]; springs: number[] }) => ({ ...w, center: centers[0], spring: springs[0] }));
  delete file.run.params.equilibrationSteps; // older still: defaulted field absent
  writeFileSync(path, JSON.stringify(file));
  const ctx2 = makeContext(join(dir.path, 'home'));
  try {
    const opened = await call(ctx2, 'openProject', { projectPath });
    expect(opened.runs[0].status).toBe('completed');
    const fes = await call(ctx2, 'getFes', { projectPath, runId });
    expect(fes.dims).toBe(1);
    expect(fes.centers).toHaveLength(100);
  } finally {
    await ctx2.shutdown();
  }
});
