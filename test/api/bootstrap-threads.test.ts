/**
 * Bootstrap replicates on several threads (runs/runtime/bootstrap-pool.ts): the error bars are
 * bit-identical for 1 and 2 threads and for the in-thread path (each replicate is a pure
 * function of its seed and index, reduced in index order), and progress reports arrive with a
 * rising fraction and a time estimate measured during the call.
 */
import { afterAll, expect, test } from 'vitest';
import { computeFes } from '../../src-main/analysis/umbrella-fes/compute';
import { computeUmbrellaRegions } from '../../src-main/analysis/regions';
import type { AnalysisProgress } from '../../src-main/analysis/progress';
import { tempDir, WORKER_SCRIPT } from './helpers';
import { REGION_A, REGION_B, writeUmbrellaSet } from '../coverage/data-sets';

const dir = tempDir('liftwell-boot-threads-');
afterAll(() => dir.cleanup());

test('bootstrap errors are identical for any thread count; progress has a measured ETA', async () => {
  const file = { run: { id: 'threads' }, job: writeUmbrellaSet(dir.path, 'threads', 7, { walkers: 1, samplesPerWalker: 600, step: 0.12 }) };
  const options = { estimator: 'mbar' as const, bootstrap: 6, seed: 3 };
  const inThread = await computeFes(dir.path, file, options);
  const events: AnalysisProgress[] = [];
  const one = await computeFes(dir.path, file, options, { pool: { workerScript: WORKER_SCRIPT, threads: 1, minSeconds: 0 } });
  const two = await computeFes(dir.path, file, options, { pool: { workerScript: WORKER_SCRIPT, threads: 2, minSeconds: 0 }, onProgress: (p) => events.push(p) });
  expect(inThread.windowFreeEnergiesError!.every((v, k) => k === 0 || (v !== null && v > 0))).toBe(true);
  for (const r of [one, two]) {
    expect(r.windowFreeEnergiesError).toEqual(inThread.windowFreeEnergiesError);
    expect(r.pmfError).toEqual(inThread.pmfError);
    expect(r.basins?.map((b) => b.error)).toEqual(inThread.basins?.map((b) => b.error));
  }
  const boot = events.filter((e) => e.phase.startsWith('bootstrap'));
  expect(boot.length).toBeGreaterThanOrEqual(2);
  for (let i = 1; i < events.length; i++) expect(events[i].fraction).toBeGreaterThanOrEqual(events[i - 1].fraction - 1e-12);
  expect(boot.every((e) => e.etaSeconds !== null && e.etaSeconds >= 0 && e.fraction > 0 && e.fraction <= 1)).toBe(true);
  expect(boot.at(-1)!.phase).toBe('bootstrap replicates 6/6');
});

test('region bootstrap errors are identical on 1 and 2 threads', async () => {
  const file = { run: { id: 'regions' }, job: writeUmbrellaSet(dir.path, 'regions', 8, { walkers: 1, samplesPerWalker: 500, step: 0.12 }) };
  const options = { estimator: 'wham' as const, bootstrap: 5, seed: 2 };
  const inThread = await computeUmbrellaRegions(dir.path, file, [REGION_A, REGION_B], options);
  const two = await computeUmbrellaRegions(dir.path, file, [REGION_A, REGION_B], options, { pool: { workerScript: WORKER_SCRIPT, threads: 2, minSeconds: 0 } });
  expect(inThread.regions[1].error).toBeGreaterThan(0);
  expect(two.regions).toEqual(inThread.regions);
  expect(two.differences).toEqual(inThread.differences);
});
