#!/usr/bin/env node
/**
 * End-to-end: alanine dipeptide from click to Ramachandran free-energy surface, in browser mode.
 *
 * Starts `node out/node/server.mjs --port 0` with a throw-away LIFTWELL_HOME, drives Debian's
 * Chromium (WebGL through SwiftShader) with playwright-core: add the built-in example, see it in
 * 3D (canvas pixels drawn), import AMBER files (a bad one must be refused with the server's
 * message), run a short 2D well-tempered metadynamics on phi/psi, check the Ramachandran FES and
 * its labelled basins, scrub the trajectory, click the FES and get the nearest frame, superpose.
 * Screenshots go to test-results/e2e/molecules-*.png. Prints "N passed, M failed".
 *
 * Needs out/renderer (npm run build:web) and out/node/server.mjs (npm run build:node).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, assert, assertNoUnexpectedConsoleErrors, countInk, createReporter, fesPoint, requireFiles, screenshotter, startAppSession, testIdHelpers, openApp } from './harness.mjs';

const SHOTS = join(ROOT, 'test-results', 'e2e');
const EXAMPLE = join(ROOT, 'resources', 'molecules', 'alanine-dipeptide');

/*
 * The run: 2D well-tempered metadynamics on phi/psi at 300 K, BAOAB (1/ps), dt 2 fs with hbonds
 * constraints, 250000 steps = 500 ps (a few seconds here), hills of 1.2 kJ/mol every 100 steps
 * (0.2 ps) with sigma 20 deg (0.35 rad), bias factor 6; a frame every 250 steps (1000 frames).
 * Half a ns of this bias fills the C7eq/C5 region; whether the C7ax barrier (~30 kJ/mol) is
 * crossed depends on the seed, so the checks ask only for what is certain: the lowest basin lies
 * at phi < 0 and is named C7eq or C5.
 */
const RUN = { steps: 250000, frameInterval: 250, pace: 100, height: 1.2, sigmaDeg: 20, biasFactor: 6, seed: 7 };

const reporter = createReporter('mol');
const { log, check } = reporter;
const wrap = (d) => ((((d + 180) % 360) + 360) % 360) - 180;

requireFiles([join(EXAMPLE, 'ala2.prmtop')], 'the alanine-dipeptide example ships in resources/molecules/.');
const app = await startAppSession(reporter, {
  tmpPrefix: 'liftwell-mol-',
  extraDirs: ['projects', 'files'],
  hardTimeoutMs: 120_000,
  chromium: { webgl: true, viewport: { width: 1400, height: 1000 } },
});
const { url, page, consoleErrors } = app;
const { projects: projectsParent, files: scratch } = app.dirs;
const { tid } = testIdHelpers(page);
const shot = screenshotter(page, SHOTS, 'molecules-', { settleMs: 200 });

/** Pixels of an element's screenshot that differ from a white background (WebGL drew something). */
async function inkOf(locator) {
  const png = await locator.screenshot();
  return countInk(page, `data:image/png;base64,${png.toString('base64')}`, 240);
}

await reporter.runChecks(async () => {
  await check('app connects; create a project', async () => {
    await openApp(page, url);
    await tid('project-parent').fill(projectsParent);
    await tid('project-name').fill('e2e alanine dipeptide');
    await tid('project-create').click();
    await page.locator('[data-testid="header-project"]', { hasText: 'e2e alanine dipeptide' }).waitFor({ timeout: 10000 });
  });

  await check('add alanine dipeptide; the 3D viewer draws it', async () => {
    await tid('nav-molecules').click();
    await tid('mol-add-example').click();
    await tid('molecule-row').first().waitFor();
    await page.locator('[data-testid="mol-viewer"][data-ready="true"]').waitFor({ timeout: 15000 });
    assert((await tid('mol-viewer').getAttribute('data-atoms')) === '22', 'viewer has 22 atoms');
    assert(Number(await tid('mol-viewer').getAttribute('data-bonds')) === 21, 'viewer has 21 bonds');
    const { ink, total } = await inkOf(tid('mol-viewer-canvas'));
    log(`     ${ink} of ${total} canvas pixels drawn`);
    // 22 atoms fitted to the view cover several percent of it; an empty canvas gives ~0.
    assert(ink > total * 0.01, `only ${ink} of ${total} pixels differ from the background`);
    assert((await tid('mol-atoms').innerText()).trim() === '22', 'atom count shown');
    assert(/ACE\s+ALA\s+NME/.test(await tid('mol-residues').innerText()), 'residues ACE ALA NME');
    const energy = await tid('mol-energy').innerText();
    assert(/total/.test(energy) && /bond/.test(energy), `energy table: ${energy.slice(0, 80)}`);
    const cvs = await tid('mol-cvs').innerText();
    assert(/phi=dihedral\(5,\s*7,\s*9,\s*15\)/.test(cvs) && /psi=dihedral\(7,\s*9,\s*15,\s*17\)/.test(cvs), `suggested CVs: ${cvs}`);
    await shot('01-example');
  });

  await check('a malformed prmtop is refused with a message naming the file', async () => {
    const bad = join(scratch, 'broken.prmtop');
    writeFileSync(bad, '%VERSION  VERSION_STAMP = V0001.000\n%FLAG TITLE\n%FORMAT(20a4)\nbroken\n%FLAG POINTERS\n%FORMAT(10I8)\n       3\n');
    await tid('mol-import-top').setInputFiles(bad);
    await tid('mol-import-crd').setInputFiles(join(EXAMPLE, 'ala2.inpcrd'));
    await tid('mol-import-name').fill('broken');
    await tid('mol-import').click();
    await tid('mol-import-error').waitFor({ timeout: 10000 });
    const msg = await tid('mol-import-error').innerText();
    log(`     server said: ${msg.slice(0, 140)}`);
    assert(/broken\.prmtop|prmtop/i.test(msg), `error names the file: ${msg}`);
    await shot('02-bad-import');
  });

  await check('import the AMBER files of alanine dipeptide (prmtop + inpcrd)', async () => {
    await tid('mol-import-top').setInputFiles(join(EXAMPLE, 'ala2.prmtop'));
    await tid('mol-import-crd').setInputFiles(join(EXAMPLE, 'ala2.inpcrd'));
    await tid('mol-import-name').fill('ala2 imported');
    await tid('mol-import').click();
    await page.locator('[data-testid="molecule-row"]').nth(1).waitFor({ timeout: 10000 });
    await page.locator('[data-testid="mol-viewer"][data-ready="true"]').waitFor({ timeout: 15000 });
    assert((await tid('mol-atoms').innerText()).trim() === '22', 'imported molecule has 22 atoms');
  });

  let runId = null;
  await check('set up and start a 2D well-tempered metadynamics on phi/psi', async () => {
    await tid('molecule-row').first().click();
    await page.locator('[data-testid="mol-viewer"][data-ready="true"]').waitFor({ timeout: 15000 });
    await tid('mol-setup-run').click();
    await tid('molrun-setup').waitFor();
    assert((await tid('mr-cv-0').inputValue()).startsWith('phi='), 'phi prefilled');
    assert((await tid('mr-cv-1').inputValue()).startsWith('psi='), 'psi prefilled');
    // dt = 2 fs without constraints must warn.
    await tid('mr-constraints').selectOption('none');
    await tid('mr-dt-warning').waitFor({ timeout: 3000 });
    // The Langevin scheme follows the constraints (BAOAB without, LangevinMiddle with) until picked.
    assert((await tid('mr-integrator').inputValue()) === 'baoab', 'BAOAB without constraints');
    await tid('mr-constraints').selectOption('hbonds');
    assert((await tid('mr-integrator').inputValue()) === 'middle', 'LangevinMiddle with H-bond constraints');
    await tid('mr-steps').fill(String(RUN.steps));
    await tid('mr-frame-interval').fill(String(RUN.frameInterval));
    await tid('mr-seed').fill(String(RUN.seed));
    await tid('mr-sigma-0').fill(String(RUN.sigmaDeg));
    await tid('mr-sigma-1').fill(String(RUN.sigmaDeg));
    await tid('mr-height').fill(String(RUN.height));
    await tid('mr-pace').fill(String(RUN.pace));
    await tid('mr-biasfactor').fill(String(RUN.biasFactor));
    await shot('03-setup');
    await tid('mr-start').click();
    await tid('molrun').waitFor({ timeout: 10000 });
    runId = await tid('molrun').getAttribute('data-run-id');
    try {
      await tid('molrun-live-fes').locator('svg').first().waitFor({ timeout: 8000 });
      await shot('04-live');
    } catch {
      /* finished before a preview arrived */
    }
    await page.locator(`[data-testid="molrun"][data-status="completed"]`).waitFor({ timeout: 60_000 });
  });

  let minima = [];
  await check('Ramachandran FES with labelled basins', async () => {
    await page.locator('[data-testid="molrun-fes"] svg').first().waitFor({ timeout: 20000 });
    minima = JSON.parse((await tid('molrun-fes').getAttribute('data-minima')) ?? '[]');
    const unit = (await tid('molrun-fes').getAttribute('data-unit')) ?? '?';
    log(`     basins: ${minima.map((m) => `${m.label ?? '?'} (${m.at.map((v) => v.toFixed(0)).join(', ')}) ${m.value.toFixed(1)} ${unit}`).join('; ')}`);
    assert(minima.length >= 2, 'at least two basins');
    const lowest = minima.reduce((a, b) => (b.value < a.value ? b : a));
    assert(Math.abs(lowest.value) < 1e-6, 'the lowest basin is at 0');
    // In vacuum ff99SB the global minimum is in the left half (phi < 0: C7eq or C5).
    assert(lowest.at[0] < 0, `lowest basin at phi = ${lowest.at[0]}`);
    assert(minima.some((m) => m.label === 'C7eq' || m.label === 'C5'), 'C7eq or C5 is named');
    const labels = await tid('molrun-basins').innerText();
    assert(/C7eq|C5/.test(labels), 'basins table names the conformers');
    for (const id of ['molrun-cv-plot', 'molrun-energy-plot', 'molrun-temperature-plot']) await page.locator(`[data-testid="${id}"] svg`).first().waitFor();
    await tid('molrun-fes').screenshot({ path: join(SHOTS, 'molecules-05-fes.png') });
    await shot.tall('05-result', 1900);
  });

  await check('trajectory: scrub to another frame (streamed in blocks)', async () => {
    await page.locator('[data-testid="molrun-viewer"][data-ready="true"]').waitFor({ timeout: 15000 });
    const frames = Number(await tid('molrun-result').getAttribute('data-frames'));
    assert(frames >= 100, `${frames} frames saved`);
    const target = Math.floor(frames * 0.8);
    await tid('molrun-viewer-scrubber').fill(String(target));
    await page.locator(`[data-testid="molrun-viewer"][data-frame="${target}"]`).waitFor({ timeout: 10000 });
    const info = await tid('molrun-frame-info').innerText();
    assert(info.includes(`Frame ${target + 1} of`), `frame info: ${info}`);
    const { ink, total } = await inkOf(tid('molrun-viewer-canvas'));
    assert(ink > total * 0.01, `trajectory frame drawn (${ink} of ${total} pixels)`);
    await shot('06-scrubbed');
  });

  await check('clicking the FES shows the nearest trajectory frame', async () => {
    const lowest = minima.reduce((a, b) => (b.value < a.value ? b : a));
    const before = await tid('molrun-viewer').getAttribute('data-frame');
    const p = await fesPoint(page, 'molrun-fes', lowest.at[0], lowest.at[1]);
    await page.mouse.click(p.x, p.y);
    await page.waitForFunction((b) => document.querySelector('[data-testid="molrun-viewer"]')?.getAttribute('data-frame') !== b, before, { timeout: 10000 });
    const marker = JSON.parse(await tid('molrun-fes').getAttribute('data-marker'));
    const d = Math.hypot(wrap(marker[0] - lowest.at[0]), wrap(marker[1] - lowest.at[1]));
    log(`     clicked (${lowest.at.map((v) => v.toFixed(0))}), frame ${await tid('molrun-viewer').getAttribute('data-frame')} at (${marker.map((v) => v.toFixed(0))})`);
    // The lowest basin is the most visited: some saved frame lies within a few tens of degrees.
    assert(d < 40, `nearest frame is ${d.toFixed(1)} degrees from the click`);
    await shot('07-picked');
  });

  await check('superposition of many frames', async () => {
    await tid('molrun-superpose').check();
    await tid('molrun-superpose-count').fill('25');
    await page.locator('[data-testid="molrun-viewer"][data-overlay="25"]').waitFor({ timeout: 15000 });
    await shot('08-superposed');
  });

  await check('an unbiased run gives a histogram FES (empty bins blank)', async () => {
    await tid('mr-new').click();
    await tid('molrun-setup').waitFor();
    await tid('mr-sampling').selectOption('md');
    await tid('mr-steps').fill('20000');
    await tid('mr-frame-interval').fill('20');
    await tid('mr-start').click();
    await page.locator('[data-testid="molrun"][data-status="completed"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="molrun-fes"] svg').first().waitFor({ timeout: 15000 });
    const frames = Number(await tid('molrun-result').getAttribute('data-frames'));
    assert(frames === 1000, `20000 / 20 = 1000 frames saved, got ${frames}`);
    await tid('molrun-fes').screenshot({ path: join(SHOTS, 'molecules-09-unbiased-fes.png') });
  });

  await check('umbrella windows on a 2x2 phi/psi grid give a WHAM FES with window centres', async () => {
    await tid('mr-new').click();
    await tid('molrun-setup').waitFor();
    await tid('mr-sampling').selectOption('umbrella');
    for (const [k, from, to] of [[0, -80, 60], [1, 70, -70]]) {
      await tid(`mr-u-from-${k}`).fill(String(from));
      await tid(`mr-u-to-${k}`).fill(String(to));
      await tid(`mr-u-count-${k}`).fill('2');
      await tid(`mr-u-spring-${k}`).fill('200');
    }
    await tid('mr-u-equil').fill('500');
    await tid('mr-steps').fill('5000');
    await tid('mr-frame-interval').fill('10');
    const summary = await tid('mr-u-summary').innerText();
    assert(/^4 windows/.test(summary.trim()), `summary: ${summary}`);
    await tid('mr-start').click();
    await page.locator('[data-testid="molrun"][data-status="completed"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="molrun-fes"] svg').first().waitFor({ timeout: 15000 });
    assert((await tid('molrun-fes').getAttribute('data-centers')) === '4', 'four window centres drawn');
    const frames = Number(await tid('molrun-result').getAttribute('data-frames'));
    assert(frames === 2000, `4 windows x 5000 / 10 = 2000 samples, got ${frames}`);
    await tid('molrun-fes').screenshot({ path: join(SHOTS, 'molecules-10-umbrella-fes.png') });
  });

  await check('Jobs lists the run and opens its result', async () => {
    await tid('nav-jobs').click();
    const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"][data-status="completed"]`);
    await row.waitFor({ timeout: 10000 });
    // Its parameters name the scheme the run used (LangevinMiddle: H-bond constraints, none picked).
    await row.getByTitle('Show parameters').click();
    const integrator = await tid('run-integrator').textContent({ timeout: 5000 });
    assert(integrator === 'LangevinMiddle', `Jobs shows the integrator (got ${integrator})`);
    await shot('11-jobs-params');
    await row.getByTestId('run-open-fes').click();
    await page.locator('[data-testid="molrun-fes"] svg').first().waitFor({ timeout: 15000 });
  });

  await check('no uncaught errors in the page', async () => {
    assertNoUnexpectedConsoleErrors(consoleErrors, /401|Unauthorized|WebSocket connection to .* failed|GPU stall|WebGL/i);
  });
}, { cleanup: app.cleanup, after: () => log(`screenshots in ${SHOTS}/molecules-*.png`) });
