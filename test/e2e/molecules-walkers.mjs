#!/usr/bin/env node
/**
 * End-to-end: multiple-walker metadynamics of alanine dipeptide from the molecular run form, in
 * browser mode: the Walkers field (with its hint that walkers run in parallel on the cores), the
 * run summary that counts every walker's hills, a 2-walker run to completion, and a result that
 * says how many walkers there were and holds both walkers' frames.
 * Screenshots go to test-results/e2e/molecules-walkers-*.png. Prints "N passed, M failed".
 *
 * Needs out/renderer (npm run build:web) and out/node/server.mjs (npm run build:node).
 */
import { join } from 'node:path';
import { ROOT, assert, assertNoUnexpectedConsoleErrors, createReporter, screenshotter, startAppSession, testIdHelpers, openApp } from './harness.mjs';

const SHOTS = join(ROOT, 'test-results', 'e2e');
// 2 walkers x 10,000 steps of 2 fs, a hill every 100 steps from each, a frame every 100 steps.
const RUN = { walkers: 2, steps: 10000, frameInterval: 100, pace: 100 };

const reporter = createReporter('molw');
const { log, check } = reporter;
const app = await startAppSession(reporter, { tmpPrefix: 'liftwell-molw-', extraDirs: ['projects'], hardTimeoutMs: 90_000, chromium: { viewport: { width: 1400, height: 1000 } } });
const { url, page, consoleErrors } = app;
const { tid } = testIdHelpers(page);
const shot = screenshotter(page, SHOTS, 'molecules-walkers-', { settleMs: 200 });

await reporter.runChecks(async () => {
  await check('app connects; a project with the example molecule', async () => {
    await openApp(page, url);
    await tid('project-parent').fill(app.dirs.projects);
    await tid('project-name').fill('e2e walkers');
    await tid('project-create').click();
    await page.locator('[data-testid="header-project"]', { hasText: 'e2e walkers' }).waitFor({ timeout: 10000 });
    await tid('nav-molecules').click();
    await tid('mol-add-example').click();
    await tid('molecule-row').first().click();
    await tid('mol-setup-run').click();
    await tid('molrun-setup').waitFor();
  });

  await check('the Walkers field: its hint, the hills of every walker in the summary', async () => {
    const field = page.locator('.field', { has: tid('mr-walkers') });
    const text = await field.innerText();
    assert(/Walkers/.test(text) && /in parallel on available cores/.test(text), `walkers field: ${text}`);
    await tid('mr-steps').fill(String(RUN.steps));
    await tid('mr-frame-interval').fill(String(RUN.frameInterval));
    await tid('mr-pace').fill(String(RUN.pace));
    await tid('mr-walkers').fill(String(RUN.walkers));
    const summary = await page.locator('[data-testid="molrun-setup"] fieldset').first().innerText();
    assert(/by each of 2 walkers/.test(summary) && /200 hills/.test(summary), `summary: ${summary}`);
    await tid('mr-walkers').fill('0');
    await page.locator('[data-testid="mr-start"][disabled]').waitFor({ timeout: 3000 });
    await tid('mr-walkers').fill(String(RUN.walkers));
    await shot('01-setup');
  });

  await check('a 2-walker run completes; the result counts both walkers', async () => {
    await tid('mr-start').click();
    await tid('molrun').waitFor({ timeout: 10000 });
    await page.locator('[data-testid="molrun"][data-status="completed"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="molrun-fes"] svg').first().waitFor({ timeout: 20000 });
    const frames = Number(await tid('molrun-result').getAttribute('data-frames'));
    assert(frames === (RUN.walkers * RUN.steps) / RUN.frameInterval, `frames of both walkers: ${frames}`);
    const walkers = await tid('molrun-walkers').innerText();
    assert(/2 walkers/.test(walkers), `walkers note: ${walkers}`);
    await page.locator('[data-testid="molrun-cv-plot"]', { hasText: '2 walkers overlaid' }).waitFor({ timeout: 5000 });
    log(`     ${frames} frames; ${walkers.trim()}`);
    await shot('02-result');
    await tid('molrun-cv-plot').scrollIntoViewIfNeeded();
    await tid('molrun-cv-plot').screenshot({ path: join(SHOTS, 'molecules-walkers-03-cv-plot.png') });
    await tid('molrun-energy-plot').screenshot({ path: join(SHOTS, 'molecules-walkers-04-energy-plot.png') });
  });

  await check('no uncaught errors in the page', async () => {
    assertNoUnexpectedConsoleErrors(consoleErrors, /401|Unauthorized|WebSocket connection to .* failed|GPU stall|WebGL/i);
  });
}, { cleanup: app.cleanup, after: () => log(`screenshots in ${SHOTS}/molecules-walkers-*.png`) });
