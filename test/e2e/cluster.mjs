#!/usr/bin/env node
/**
 * End-to-end: a project set to compute on a Slurm cluster from the Jobs view, an umbrella study
 * started from the wizard, its pieces followed on the cluster (job id, per-piece state) to
 * completion, and its free-energy profile opened. The cluster is the single-node Slurm of
 * scripts/slurm/local-cluster.sh (Debian's slurm-wlm + munge; .ci/run installs them).
 * Prints "N passed, M failed"; screenshots in test-results/e2e/cluster-*.png.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ROOT, assert, assertNoUnexpectedConsoleErrors, createReporter, screenshotter, startAppSession, testIdHelpers, openApp } from './harness.mjs';

const reporter = createReporter('cluster');
const { check } = reporter;
const clusterDir = join(tmpdir(), 'liftwell-slurm');
const started = spawnSync('bash', [join(ROOT, 'scripts', 'slurm', 'local-cluster.sh'), 'start', clusterDir], { encoding: 'utf8' });
if (started.status !== 0) {
  reporter.fail(`the local Slurm cluster did not start (apt-get install slurm-wlm munge): ${started.stderr.trim()}`);
  reporter.finish();
}
// The server (and so the executor's sbatch/squeue) finds the cluster through SLURM_CONF.
process.env.SLURM_CONF = join(clusterDir, 'slurm.conf');

const app = await startAppSession(reporter, { tmpPrefix: 'liftwell-e2e-cluster-', extraDirs: ['projects'], hardTimeoutMs: 150_000, chromium: { viewport: { width: 1400, height: 900 } } });
const { url, page, consoleErrors } = app;
const shot = screenshotter(page, join(ROOT, 'test-results', 'e2e'), 'cluster-');
const { tid, fill } = testIdHelpers(page);

await reporter.runChecks(
  async () => {
    await check('create a project with a double-well system', async () => {
      await openApp(page, url);
      await fill('project-parent', app.dirs.projects);
      await fill('project-name', 'cluster study');
      await tid('project-create').click();
      await page.locator('[data-testid="header-project"]', { hasText: 'cluster study' }).waitFor({ timeout: 10000 });
      await tid('nav-system').click();
      await tid('system-kind-double-well').click();
      await tid('system-add').click();
      await tid('systems-table').locator('tbody tr').first().waitFor({ timeout: 10000 });
    });

    await check('Jobs: the executor form refuses a bad time limit, then saves Slurm settings', async () => {
      await tid('nav-jobs').click();
      await page.locator('[data-testid="executor-summary"]', { hasText: 'this machine' }).waitFor({ timeout: 10000 });
      await tid('executor-edit').click();
      await tid('executor-slurm').check();
      await fill('slurm-time', 'soon');
      await tid('executor-save').click();
      const error = tid('executor-error');
      await error.waitFor({ timeout: 5000 });
      assert(/time/i.test(await error.innerText()), 'the error names the time field');
      await fill('slurm-time', '00:10:00');
      await tid('executor-save').click();
      await page.locator('[data-testid="executor-summary"]', { hasText: 'Slurm, 00:10:00 per piece' }).waitFor({ timeout: 5000 });
      await shot('01-settings');
    });

    await check('an umbrella study runs as a job array; the Jobs row shows its pieces and it completes', async () => {
      await tid('nav-umbrella').click();
      await tid('us-mode-range').click();
      for (const [id, v] of [['us-min', -1.4], ['us-max', 1.4], ['us-count', 4], ['us-spring', 30], ['us-steps', 200000], ['us-walkers', 2], ['us-stride', 100]]) await fill(id, v);
      await tid('us-start').click();
      const row = tid('run-row').first();
      await row.waitFor({ timeout: 10000 });
      const cluster = row.locator('[data-testid="run-cluster"]');
      await cluster.filter({ hasText: /Slurm job \d+/ }).waitFor({ timeout: 20000 });
      await shot('02-running');
      await page.locator('[data-testid="run-row"][data-status="completed"]').waitFor({ timeout: 120_000 });
      await cluster.filter({ hasText: '4 done' }).waitFor({ timeout: 5000 });
      await shot('03-completed');
    });

    await check('the free-energy view opens the cluster run', async () => {
      await tid('run-open-fes').first().click();
      await page.locator('[data-testid="pmf-plot"] svg').first().waitFor({ timeout: 30_000 });
      await shot('04-fes');
    });

    await check('no unexpected console errors', () => assertNoUnexpectedConsoleErrors(consoleErrors));
  },
  { cleanup: app.cleanup },
);
