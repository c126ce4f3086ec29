#!/usr/bin/env node
/**
 * The rest of the workbench (issue 12) in a real browser: the first-run tour (opens by itself for
 * a new user, keyboard steps, Escape, remembered across a reload, re-opened from the command
 * palette), drag-and-drop import (a synthetic drop of real files: the overlay, prmtop + inpcrd
 * imported as a molecule, a renamed file and a lone COLVAR file answered with messages naming them;
 * HILLS and WHAM imports: test/e2e/imports.mjs),
 * the imported molecule deleted and restored with Undo, a method tooltip with its reference, and
 * zoom kept on the live metadynamics preview while it updates. axe-core (0 critical/serious) on the
 * tour, the drop overlay and the molecules view in both themes; no console errors.
 * Screenshots: test-results/e2e/extras-*.png.
 *
 *   npm run build:node && npm run build:web && node test/e2e/extras.mjs
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, assert, assertNoUnexpectedConsoleErrors, axeBothThemes as axeInBothThemes, checkWithShot, dropFilesOnWindow, createReporter, screenshotter, startAppSession, testIdHelpers, openApp } from './harness.mjs';

const reporter = createReporter('extras');
const app = await startAppSession(reporter, { tmpPrefix: 'liftwell-e2e-extras-', extraDirs: ['projects'], hardTimeoutMs: 180_000, firstRun: true, chromium: { viewport: { width: 1440, height: 900 } } });
const { url, page, consoleErrors } = app;
const shot = screenshotter(page, join(ROOT, 'test-results', 'e2e'), 'extras-');
const { tid, fill } = testIdHelpers(page);
const b64 = (rel) => readFileSync(join(ROOT, rel)).toString('base64');

const axeBothThemes = (where) => axeInBothThemes(page, where);

const check = checkWithShot(reporter, shot);

const dropFiles = (files, hoverOnly = false) => dropFilesOnWindow(page, files, hoverOnly);

/** The files dragged out of the window again (a real dragleave carries the Files type too). */
function leaveDrag() {
  return page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([''], 'x'));
    window.dispatchEvent(new DragEvent('dragleave', { dataTransfer: dt, bubbles: true }));
  });
}

await reporter.runChecks(async () => {
  await check('a new user: the tour opens by itself, steps with the keyboard and points at real controls', async () => {
    await openApp(page, url);
    await page.locator('[data-testid="tour"][data-step="welcome"]').waitFor({ timeout: 10000 });
    assert(await page.evaluate(() => document.activeElement?.id === 'tour-title'), 'focus starts on the tour heading');
    await shot('tour-welcome');
    await axeBothThemes('the tour');
    await page.keyboard.press('ArrowRight');
    await page.locator('[data-testid="tour"][data-step="project"]').waitFor({ timeout: 5000 });
    await tid('tour-ring').waitFor({ timeout: 5000 });
    const ring = await tid('tour-ring').boundingBox();
    const target = await tid('project-create').boundingBox();
    assert(ring && target && ring.x <= target.x && ring.x + ring.width >= target.x + target.width, `the ring surrounds "Create" (${JSON.stringify(ring)} vs ${JSON.stringify(target)})`);
    await shot('tour-step2');
    await page.keyboard.press('End');
    await page.locator('[data-testid="tour"][data-step="palette"]').waitFor({ timeout: 5000 });
    await page.keyboard.press('Escape');
    await tid('tour').waitFor({ state: 'detached', timeout: 5000 });
  });

  await check('remembered: after a reload the tour stays closed; the command palette opens it again', async () => {
    // The seen flag is written asynchronously: wait for the file rather than racing the reload.
    for (let i = 0; i < 50; i++) {
      try {
        if (JSON.parse(readFileSync(join(app.dirs.home, 'settings.json'), 'utf8')).settings.tourSeen === true) break;
      } catch {
        /* not written yet */
      }
      await page.waitForTimeout(100);
    }
    await openApp(page);
    await page.waitForTimeout(500);
    assert((await tid('tour').count()) === 0, 'no tour after reload');
    await page.keyboard.press('Control+k');
    await fill('palette-input', 'tour');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="tour"][data-step="welcome"]').waitFor({ timeout: 5000 });
    await tid('tour-skip').click();
    await tid('tour').waitFor({ state: 'detached', timeout: 5000 });
  });

  await check('drop files with no project open: the overlay says to open one first', async () => {
    await dropFiles([['ala2.prmtop', b64('resources/molecules/alanine-dipeptide/ala2.prmtop')]], true);
    await tid('drop-overlay').filter({ hasText: 'Open or create a project first' }).waitFor({ timeout: 5000 });
    await leaveDrag();
    await tid('drop-overlay').waitFor({ state: 'detached', timeout: 5000 });
  });

  await check('create a project; hovering files shows what a drop does (axe clean)', async () => {
    await fill('project-parent', app.dirs.projects);
    await fill('project-name', 'extras');
    await tid('project-create').click();
    await page.locator('[data-testid="header-project"]', { hasText: 'extras' }).waitFor({ timeout: 10000 });
    await dropFiles([['ala2.prmtop', b64('resources/molecules/alanine-dipeptide/ala2.prmtop')]], true);
    await tid('drop-overlay').filter({ hasText: 'Drop to import into extras' }).waitFor({ timeout: 5000 });
    await shot('drop-overlay');
    await axeBothThemes('the drop overlay');
    await leaveDrag();
    await tid('drop-overlay').waitFor({ state: 'detached', timeout: 5000 });
  });

  await check('drop prmtop + inpcrd: imported as a molecule and opened in Molecules', async () => {
    await dropFiles([
      ['ala2.prmtop', b64('resources/molecules/alanine-dipeptide/ala2.prmtop')],
      ['ala2.inpcrd', b64('resources/molecules/alanine-dipeptide/ala2.inpcrd')],
    ]);
    await tid('molecules-table').locator('tbody tr').first().waitFor({ timeout: 15000 });
    assert((await tid('molecule-row').count()) === 1, 'one molecule');
    assert((await tid('molecule-row').first().innerText()).includes('ala2'), 'named after the topology');
    await page.locator('[data-testid="toast-success"]', { hasText: 'from ala2.prmtop + ala2.inpcrd' }).waitFor({ timeout: 5000 });
    await shot('dropped-molecule');
    await axeBothThemes('the molecules view');
  });

  await check('a renamed file and a COLVAR without its HILLS: messages naming each file', async () => {
    await dropFiles([
      ['coords.prmtop', b64('resources/molecules/alanine-dipeptide/ala2.pdb')],
      ['COLVAR', b64('test/fixtures/plumed/COLVAR.restart')],
    ]);
    await page.locator('[data-testid="toast-error"]', { hasText: 'coords.prmtop: not an AMBER prmtop' }).waitFor({ timeout: 5000 });
    await page.locator('[data-testid="toast-warn"]', { hasText: 'COLVAR (PLUMED COLVAR file)' }).waitFor({ timeout: 5000 });
    assert((await tid('molecule-row').count()) === 1, 'nothing imported');
    await shot('drop-messages');
  });

  await check('delete the imported molecule with confirmation; Undo brings it back', async () => {
    await tid('molecule-delete').first().click();
    await tid('delete-dialog').filter({ hasText: 'Delete molecule "ala2"' }).waitFor({ timeout: 5000 });
    await tid('delete-confirm').click();
    await tid('molecule-row').first().waitFor({ state: 'detached', timeout: 10000 });
    await page.locator('[data-testid="toast-success"]', { hasText: 'Deleted molecule "ala2"' }).getByTestId('toast-action').click();
    await tid('molecule-row').first().waitFor({ timeout: 10000 });
  });

  await check('method tooltip: focusing the "i" beside the integrator (LangevinMiddle with the default H-bond constraints) names it and its paper', async () => {
    await tid('mol-setup-run').click();
    const info = page.locator('[data-testid="method-info"][data-method="middle"]').first();
    await info.waitFor({ timeout: 10000 });
    await info.locator('button').focus();
    const tip = info.locator('[role="tooltip"]');
    await tip.waitFor({ state: 'visible', timeout: 3000 });
    const text = await tip.innerText();
    assert(text.includes('Zhang et al. 2019'), `tooltip cites Zhang et al. 2019: ${text}`);
    await shot('method-tooltip');
  });

  await check('Ramachandran surface: a pan across +180 deg wraps round (the next turn is drawn, no empty space)', async () => {
    await tid('mr-steps').fill('4000');
    await tid('mr-frame-interval').fill('100');
    await tid('mr-pace').fill('50');
    await tid('mr-start').click();
    const fes = tid('molrun-fes');
    await fes.locator('svg').first().waitFor({ timeout: 60000 });
    await fes.locator('.canvas').focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('+');
    await page.locator('[data-testid="molrun-fes"][data-zoomed="true"]').waitFor({ timeout: 5000 });
    await tid('molrun-fes-mode-pan').click();
    const box = await fes.locator('.canvas').boundingBox();
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    // Drag left by most of the plot, four times: the window moves right past +180 deg.
    for (let i = 0; i < 4; i++) {
      await page.mouse.move(cx + 150, cy);
      await page.mouse.down();
      await page.mouse.move(cx - 150, cy, { steps: 5 });
      await page.mouse.up();
    }
    const view = JSON.parse((await fes.getAttribute('data-view')) ?? '{}');
    const full = JSON.parse((await fes.getAttribute('data-full')) ?? '{}');
    const width = view.x[1] - view.x[0];
    assert(view.x[1] > 180 || view.x[0] < -180, `the window runs past the seam (view x ${view.x}, full ${full.x})`);
    assert(width < 360 && width > 100, `still a zoomed window (${width} deg wide)`);
    // The surface covers the whole frame: its raster reaches both sides (no empty strip past 180).
    const image = await fes.locator('svg image').last().boundingBox(); // the first is the colour bar's
    const frame = await fes.locator('svg [aria-label="frame"]').first().boundingBox();
    assert(image && frame && image.x <= frame.x + 1 && image.x + image.width >= frame.x + frame.width - 1, `the surface fills the frame (image ${JSON.stringify(image)}, frame ${JSON.stringify(frame)})`);
    await shot('rama-wrapped');
  });

  await check('live metadynamics preview: zoomed with the keyboard, stays zoomed while it updates', async () => {
    await tid('nav-system').click();
    await tid('system-kind-double-well').click();
    await tid('system-add').click();
    await tid('systems-table').locator('tbody tr').first().waitFor({ timeout: 10000 });
    await tid('nav-metad').click();
    await tid('md-setup').waitFor({ timeout: 10000 });
    // Long enough that it is still running when the checks end on a fast idle machine (7.5 M
    // walker-steps/s there: 4 M steps finished in about a second); cancelled at the end.
    await fill('md-steps', 400_000_000);
    await fill('md-walkers', 2);
    await tid('md-start').click();
    const live = page.locator('[data-testid="md-live"][data-status="running"] [data-testid="md-live-fes"]');
    await live.locator('svg').first().waitFor({ timeout: 20000 });
    await live.locator('.canvas').focus();
    await page.keyboard.press('+');
    await page.locator('[data-testid="md-live-fes"][data-zoomed="true"]').waitFor({ timeout: 5000 });
    const view = await tid('md-live-fes').getAttribute('data-view');
    const hills = Number(await tid('md-live-fes').getAttribute('data-hills'));
    await page.waitForFunction((h) => Number(document.querySelector('[data-testid="md-live-fes"]')?.getAttribute('data-hills')) > h, hills, { timeout: 20000 });
    assert((await tid('md-live-fes').getAttribute('data-zoomed')) === 'true', 'still zoomed after an update');
    assert((await tid('md-live-fes').getAttribute('data-view')) === view, 'same window after an update');
    await shot('live-zoomed');
    const cancel = tid('md-cancel');
    if (await cancel.isEnabled().catch(() => false)) await cancel.click();
  });

  await check('no page errors or console errors', async () => assertNoUnexpectedConsoleErrors(consoleErrors));
}, { cleanup: app.cleanup });
