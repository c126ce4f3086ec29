/**
 * Region free energies of a metadynamics run through the API: the value and its error come from
 * the same estimator (c(t)-reweighted frames, block bootstrap over time), with the final-bias
 * grid integral beside it. Double well a = 3: the wells [-1.5, -0.5] and [0.5, 1.5] are mirror
 * images, exact Delta F = 0. (Coverage of these error bars over 100 runs: test/coverage.)
 */
import { afterAll, expect, test } from 'vitest';
import { join } from 'node:path';
import type { MetadParams } from '../../src-main/api/contract';
import { call, makeContext, setupProject, tempDir, waitForFinal } from './helpers';

const dir = tempDir('liftwell-metad-regions-');
afterAll(() => dir.cleanup());

const params: MetadParams = {
  cvIndices: [0],
  sigma: [0.1],
  height: 0.3,
  pace: 200,
  biasFactor: 8,
  kT: 1,
  dt: 2e-3,
  steps: 40_000,
  walkers: 8,
  integrator: 'overdamped',
  friction: 10,
  mass: 1,
  seed: 5,
};

test('metadynamics regions: value and error from reweighted frames, grid value beside it', async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  try {
    const { projectPath, systemId } = await setupProject(ctx, dir.path, 'MetadRegions', { kind: 'double-well', a: 3 });
    const run = await call(ctx, 'startMetadRun', { projectPath, systemId, name: 'metad regions', params });
    expect((await waitForFinal(ctx, run.id, 120_000)).status).toBe('completed');
    const res = await call(ctx, 'regionFreeEnergies', {
      projectPath,
      runId: run.id,
      regions: [
        { name: 'left', kind: 'interval', min: -1.5, max: -0.5 },
        { name: 'right', kind: 'interval', min: 0.5, max: 1.5 },
      ],
    });
    expect(res.source).toBe('metad-reweighted');
    expect(res.errorMethod).toMatch(/block bootstrap over time .* of the c\(t\)-reweighted COLVAR frames that give the values/);
    const right = res.regions[1];
    expect(right.error).not.toBeNull();
    expect(right.error!).toBeGreaterThan(0);
    // Exact 0: within 4 of its own standard errors (a wrong or missing error fails this or the line above).
    expect(Math.abs(right.freeEnergy!)).toBeLessThan(4 * right.error!);
    expect(right.reweightedFreeEnergy).toBe(right.freeEnergy);
    expect(right.gridFreeEnergy).not.toBeUndefined();
    // The grid integral and the reweighted frames describe the same landscape.
    expect(Math.abs(right.gridFreeEnergy! - right.freeEnergy!)).toBeLessThan(0.5);
  } finally {
    await ctx.shutdown();
  }
});
