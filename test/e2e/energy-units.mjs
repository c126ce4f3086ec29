#!/usr/bin/env node
/**
 * The header's energy switch in a real browser (issue 12, docs/energy-units.md): a small
 * Muller-Brown metadynamics run (kT = 5 units of V by default) shows its RMS, axis and legend in
 * kT; switched to kJ/mol, a toy system has no temperature, so the same numbers read in "V units",
 * 5x larger. Screenshots: test-results/e2e/energy-units-{kT,V}.png.
 *
 *   npm run build:node && npm run build:web && node test/e2e/energy-units.mjs
 */
import { join } from 'node:path';
import { ROOT, assert, assertNoUnexpectedConsoleErrors, createReporter, screenshotter, startAppSession, testIdHelpers, openApp } from './harness.mjs';

const reporter = createReporter('units');
const app = await startAppSession(reporter, { tmpPrefix: 'liftwell-e2e-units-', extraDirs: ['projects'], hardTimeoutMs: 120_000, chromium: { viewport: { width: 1440, height: 900 } } });
const { url, page, consoleErrors } = app;
const shot = screenshotter(page, join(ROOT, 'test-results', 'e2e'), 'energy-units-');
const { tid, fill } = testIdHelpers(page);

await reporter.runChecks(async () => {
  await reporter.check('a small Muller-Brown metadynamics run completes', async () => {
    await openApp(page, url);
    await page.evaluate(() => localStorage.setItem('liftwell.energyUnit', 'kT'));
    await fill('project-parent', app.dirs.projects);
    await fill('project-name', 'units');
    await tid('project-create').click();
    await page.locator('[data-testid="header-project"]', { hasText: 'units' }).waitFor({ timeout: 10000 });
    await tid('nav-system').click();
    await tid('system-kind-muller-brown').click();
    await tid('system-add').click();
    await tid('systems-table').locator('tbody tr').first().waitFor({ timeout: 10000 });
    await tid('nav-metad').click();
    await fill('md-steps', 20000);
    await tid('md-start').click();
    await tid('nav-metad').click();
    await tid('md-rms').waitFor({ timeout: 90_000 });
  });

  await reporter.check('kT, then kJ/mol shows the toy run in V units (x kT = 5)', async () => {
    const rmsKT = await tid('md-rms').innerText();
    assert(/ kT$/.test(rmsKT), `RMS read-out ${rmsKT}`);
    const legend = async () => page.locator('[data-testid="md-fes-plot"]').innerText();
    assert((await legend()).includes('F (kT)'), 'colour legend in kT');
    await shot('kT');
    await tid('energy-unit').selectOption('kJ/mol');
    await page.waitForFunction(() => /V units$/.test(document.querySelector('[data-testid="md-rms"]')?.textContent ?? ''), null, { timeout: 5000 });
    const rmsV = await tid('md-rms').innerText();
    const ratio = parseFloat(rmsV) / parseFloat(rmsKT);
    // Both read-outs are rounded to 3 significant digits: the ratio is 5 within 0.5%.
    assert(Math.abs(ratio - 5) < 0.025, `RMS ${rmsV} / ${rmsKT} = ${ratio}, expected kT = 5`);
    assert((await legend()).includes('F (V units)'), 'colour legend in V units');
    await shot('V');
    await tid('energy-unit').selectOption('kT');
  });

  await reporter.check('no page errors or console errors', async () => assertNoUnexpectedConsoleErrors(consoleErrors));
}, { cleanup: app.cleanup });
