#!/usr/bin/env node
/**
 * Imports by drag and drop (issue 12, docs/imports.md) in a real browser: synthetic drops of real
 * fixture files. A WHAM metadata file without two of its windows is refused naming them; with all
 * its windows it is imported and its free-energy profile shown; a PLUMED HILLS file with its
 * COLVAR is imported and its surface and COLVAR columns shown; both are listed in the project tree
 * and survive a reload (hash route); a prmtop + inpcrd + DCD drop imports the molecule and its
 * trajectory, played in the 3D view with phi/psi read out. axe-core (0 critical/serious) on the Imported results view in
 * both themes; no console errors. Screenshots: test-results/e2e/imports-*.png.
 *
 *   npm run build:node && npm run build:web && node test/e2e/imports.mjs
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, assert, assertNoUnexpectedConsoleErrors, axeBothThemes as axeInBothThemes, checkWithShot, dropFilesOnWindow, createReporter, screenshotter, startAppSession, testIdHelpers, openApp } from './harness.mjs';

const reporter = createReporter('imports');
const app = await startAppSession(reporter, { tmpPrefix: 'liftwell-e2e-imports-', extraDirs: ['projects'], hardTimeoutMs: 120_000, chromium: { viewport: { width: 1440, height: 900 } } });
const { url, page, consoleErrors } = app;
const shot = screenshotter(page, join(ROOT, 'test-results', 'e2e'), 'imports-');
const { tid, fill } = testIdHelpers(page);
const check = checkWithShot(reporter, shot);
const b64 = (rel) => readFileSync(join(ROOT, rel)).toString('base64');
const windows = (n) => Array.from({ length: n }, (_, i) => [`window${i}.dat`, b64(`test/fixtures/wham/window${i}.dat`)]);

const axeBothThemes = (where) => axeInBothThemes(page, where);
const dropFiles = (files) => dropFilesOnWindow(page, files);

await reporter.runChecks(async () => {
  await check('create a project', async () => {
    await openApp(page, url);
    await fill('project-parent', app.dirs.projects);
    await fill('project-name', 'imports');
    await tid('project-create').click();
    await page.locator('[data-testid="header-project"]', { hasText: 'imports' }).waitFor({ timeout: 10000 });
  });

  await check('WHAM metadata without two of its windows: refused, naming the missing files', async () => {
    await dropFiles([['metadata.txt', b64('test/fixtures/wham/metadata.txt')], ...windows(5)]);
    await page.locator('[data-testid="toast-error"]', { hasText: 'window5.dat, window6.dat' }).waitFor({ timeout: 5000 });
    assert((await tid('tree-import').count()) === 0, 'nothing imported');
  });

  await check('WHAM metadata with all its windows: imported, profile shown in kT with the windows', async () => {
    await dropFiles([['metadata.txt', b64('test/fixtures/wham/metadata.txt')], ...windows(7)]);
    await tid('imported-view').waitFor({ timeout: 15000 });
    await tid('import-fes').locator('svg').first().waitFor({ timeout: 15000 });
    assert((await tid('import-summary').innerText()).includes('7 windows'), 'seven windows');
    assert((await tid('import-fes').innerText()).includes('F (kT)'), 'the axis names the unit');
    assert((await tid('import-windows').locator('tbody tr').count()) === 7, 'a row per window');
    assert(Number(await tid('import-fes').getAttribute('data-points')) > 20, 'a profile over the bins');
    await shot('wham');
  });

  await check('HILLS + COLVAR: imported, the surface in kJ/mol and the COLVAR columns shown; axe clean', async () => {
    await dropFiles([['HILLS', b64('test/fixtures/plumed/HILLS.periodic')], ['COLVAR', b64('test/fixtures/plumed/COLVAR.restart')]]);
    await tid('import-title').filter({ hasText: 'HILLS' }).waitFor({ timeout: 15000 });
    await tid('import-fes').locator('svg').first().waitFor({ timeout: 15000 });
    assert((await tid('import-fes').innerText()).includes('F (kJ/mol)'), 'the colour bar names the unit');
    assert(Number(await tid('import-fes').getAttribute('data-points')) === 80 * 80, 'an 80 x 80 surface');
    await tid('import-colvar').locator('svg').first().waitFor({ timeout: 5000 });
    assert((await tid('tree-import').count()) === 2, 'both imports in the project tree');
    await shot('hills');
    await axeBothThemes('the Imported results view');
  });

  await check('a reload keeps the view and the import; the tree opens the other one', async () => {
    await page.reload();
    await tid('import-title').filter({ hasText: 'HILLS' }).waitFor({ timeout: 15000 });
    await tid('tree-import').filter({ hasText: 'metadata' }).click();
    await tid('import-title').filter({ hasText: 'metadata' }).waitFor({ timeout: 15000 });
  });

  await check('prmtop + inpcrd + DCD: the molecule and its trajectory imported, played in the 3D view with phi/psi read out', async () => {
    await dropFiles([
      ['ala2.prmtop', b64('resources/molecules/alanine-dipeptide/ala2.prmtop')],
      ['ala2.inpcrd', b64('resources/molecules/alanine-dipeptide/ala2.inpcrd')],
      ['ala2-300K-1000.dcd', b64('test/fixtures/molecules/ala2-300K-1000.dcd')],
    ]);
    await tid('mol-trajectories').waitFor({ timeout: 15000 });
    await tid('mol-trajectory-info').filter({ hasText: 'Frame 1 of 1000' }).waitFor({ timeout: 15000 });
    await page.locator('[data-testid="mol-viewer-cvs"][data-frame="0"]').waitFor({ timeout: 15000 });
    const values = JSON.parse(await tid('mol-viewer-cvs').getAttribute('data-values'));
    assert(values.length === 2 && values.every((v) => Number.isFinite(v)), `phi and psi of frame 1 (${JSON.stringify(values)})`);
    await shot('trajectory');
    await axeBothThemes('the molecule with its imported trajectory');
    // Pressing the trajectory again goes back to the structure.
    await tid('mol-trajectory').click();
    await tid('mol-trajectory-info').filter({ hasText: 'Showing the structure' }).waitFor({ timeout: 5000 });
  });

  await check('no page errors or console errors', async () => assertNoUnexpectedConsoleErrors(consoleErrors));
}, { cleanup: app.cleanup });
