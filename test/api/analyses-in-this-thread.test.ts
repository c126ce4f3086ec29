/**
 * Analyses in the caller's thread (AppContextOptions.analysesInThisThread, what the one-shot CLI
 * commands use, analysis/run-analysis.ts) give exactly the numbers of the app's analysis thread:
 * the same completed umbrella run's free energy (WHAM; MBAR with bootstrap replicates on their
 * own threads) and region free energies, asked of two contexts on one project.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { join } from 'node:path';
import type { AppContext } from '../../src-main/api/handlers';
import { call, makeContext, setupProject, smallParams, tempDir, waitForFinal } from './helpers';

let dir: ReturnType<typeof tempDir>;
let app: AppContext;
let cli: AppContext;
beforeAll(() => {
  dir = tempDir('liftwell-analyses-here-');
  app = makeContext(join(dir.path, 'home-app'));
  cli = makeContext(join(dir.path, 'home-cli'), { analysesInThisThread: true });
});
afterAll(async () => {
  await Promise.all([app.shutdown(), cli.shutdown()]);
  dir.cleanup();
});

/** A result without its wall-clock timings (the only fields that may differ). */
const numbers = (r: object) => JSON.parse(JSON.stringify(r, (key, value) => (key === 'timing' ? undefined : value)));

test('free energies and regions: the caller\'s thread gives the analysis thread\'s numbers, bit for bit', async () => {
  const { projectPath, systemId } = await setupProject(app, dir.path, 'DW');
  const run = await call(app, 'startUmbrellaRun', { projectPath, systemId, name: 'dw', params: smallParams({ centers: { mode: 'range', min: -1.2, max: 1.2, count: 5 }, stepsPerWindow: 3000, walkersPerWindow: 2 }) });
  expect((await waitForFinal(app, run.id)).status).toBe('completed');
  await call(cli, 'openProject', { projectPath });
  for (const options of [{ bins: 30 }, { bins: 30, estimator: 'mbar', bootstrap: 6, seed: 3 }] as const) {
    const inThread = await call(app, 'getFes', { projectPath, runId: run.id, ...options });
    const here = await call(cli, 'getFes', { projectPath, runId: run.id, ...options });
    expect(here.pmf.some((p) => p !== null)).toBe(true);
    expect(numbers(here)).toEqual(numbers(inThread));
  }
  const regions = [{ name: 'left', kind: 'interval', min: -1.5, max: 0 }, { name: 'right', kind: 'interval', min: 0, max: 1.5 }];
  const a = await call(app, 'regionFreeEnergies', { projectPath, runId: run.id, regions });
  const b = await call(cli, 'regionFreeEnergies', { projectPath, runId: run.id, regions });
  expect(numbers(b)).toEqual(numbers(a));
}, 60_000);
