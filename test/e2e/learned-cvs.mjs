#!/usr/bin/env node
/**
 * End-to-end: learned CVs in browser mode. The embedded fast/slow system (dynamics in hidden x, y;
 * observed through a curved, rotated map into R^3) -> a short metadynamics run on x through the
 * wizard -> Learned CVs view: a diffusion map of the observed q1..q3 frames, computed in the
 * analysis thread -> psi_1 recovers the slow x (rank correlation) -> plots and a screenshot.
 *
 * Harness: test/e2e/harness.mjs (server, Chromium, reporter). Last line "N passed, M failed".
 */
import { join } from 'node:path';
import { ROOT, assert, assertNoUnexpectedConsoleErrors, createReporter, screenshotter, startAppSession, testIdHelpers, openApp } from './harness.mjs';

const SHOTS = join(ROOT, 'test-results', 'e2e');
/* The API test's run (8 walkers x 20k steps, 3,200 COLVAR frames): |Spearman(psi_1, x)| = 0.996. */
const MD = { sigma: 0.15, height: 0.4, biasFactor: 6, pace: 100, dt: '1e-3', steps: 20_000, walkers: 8, seed: 3 };
/*
 * Bound on |Spearman(psi_1, x)|: 0.95, as in test/api/learned-cvs.test.ts (frames of a run whose
 * bias is still building are correlated and unevenly spread, so the engine test's 0.99 on exact
 * samples is too strict); a map that did not find the slow direction (psi_1 following the fast
 * y or the curvature) gives |rho(psi_1, x)| well below 0.5.
 */
const MIN_RHO = 0.95;

const reporter = createReporter('e2e');
const { log, check } = reporter;
const app = await startAppSession(reporter, {
  tmpPrefix: 'liftwell-e2e-dmap-',
  extraDirs: ['projects'],
  hardTimeoutMs: 120_000,
  chromium: { viewport: { width: 1400, height: 900 } },
});
const { url, page, consoleErrors } = app;
const shot = screenshotter(page, SHOTS);
const { tid, fill } = testIdHelpers(page);

await reporter.runChecks(async () => {
  await check('create a project with the embedded fast/slow system', async () => {
    await openApp(page, url);
    await fill('project-parent', app.dirs.projects);
    await fill('project-name', 'e2e learned cvs');
    await tid('project-create').click();
    await page.locator('[data-testid="header-project"]', { hasText: 'e2e learned cvs' }).waitFor({ timeout: 10000 });
    await tid('nav-system').click();
    await tid('system-kind-embedded').click();
    await tid('system-add').click();
    await tid('systems-table').locator('tbody tr').first().waitFor({ timeout: 10000 });
  });

  await check('a short metadynamics run on the hidden slow x', async () => {
    await tid('nav-metad').click();
    await tid('md-setup').waitFor();
    await fill('md-sigma-0', MD.sigma);
    await fill('md-height', MD.height);
    await fill('md-biasf', MD.biasFactor);
    await fill('md-pace', MD.pace);
    await fill('md-dt', MD.dt);
    await fill('md-steps', MD.steps);
    await fill('md-walkers', MD.walkers);
    await fill('md-seed', MD.seed);
    await tid('md-start').click();
    await page.locator('[data-testid="md-fes-plot"] svg').first().waitFor({ timeout: 60_000 });
  });

  await check(`diffusion map of the observed frames: |rho(psi_1, x)| > ${MIN_RHO}`, async () => {
    await tid('nav-learned-cvs').click();
    await tid('dmap-compute').waitFor();
    await tid('dmap-compute').click();
    await tid('dmap-summary').waitFor({ timeout: 60_000 });
    const text = await tid('dmap-correlations').innerText();
    log(`     correlations of psi_1: ${text}`);
    const m = /(?:^|\s)x: (-?[0-9.]+)/.exec(text);
    assert(m, `no correlation with x in "${text}"`);
    assert(Math.abs(Number(m[1])) > MIN_RHO, `|rho(psi_1, x)| = ${Math.abs(Number(m[1]))}`);
    await page.locator('[data-testid="dmap-summary"]').scrollIntoViewIfNeeded();
    await shot.tall('learned-cvs-01-diffusion-map', 2000);
  });

  await check('free energy along psi_1 by c(t) reweighting, against the exact F(x) mapped through psi_1(x)', async () => {
    await tid('lcv-fes-compute').click();
    const fig = page.locator('[data-testid="lcv-fes"]');
    await fig.locator('svg').first().waitFor({ timeout: 60_000 });
    const rms = Number(await fig.getAttribute('data-rms'));
    const ess = Number(await fig.getAttribute('data-ess'));
    log(`     RMS vs exact mapped profile ${rms.toFixed(3)} kT, effective samples ${ess.toFixed(0)}`);
    // Same bound and reasoning as test/api/learned-cvs-analysis.test.ts (0.25 kT measured there).
    assert(Number.isFinite(rms) && rms < 0.5, `RMS ${rms} kT`);
    // Restriction check: fresh exact samples at fixed x through the stored Nystrom extension.
    await tid('lcv-check-compute').click();
    await page.locator('[data-testid="lcv-check"] svg').first().waitFor({ timeout: 60_000 });
    await fig.scrollIntoViewIfNeeded();
    await shot.tall('learned-cvs-02-fes-along-psi1', 1400);
  });

  await check('no uncaught errors in the page', async () => {
    assertNoUnexpectedConsoleErrors(consoleErrors);
  });
}, { cleanup: app.cleanup, after: () => log(`screenshots in ${SHOTS}`) });
