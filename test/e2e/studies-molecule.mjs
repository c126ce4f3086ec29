#!/usr/bin/env node
/**
 * End-to-end: a molecular study in the Studies view (issue 11), in browser mode.
 *
 * Journey: project -> Studies -> pick the built-in molecule as a new study's system (a valid
 * molecular study in the form) -> Open study.json (test/fixtures/studies/tiny-ala2.study.json: the
 * alanine-dipeptide example shrunk to 3000 metadynamics steps per replica, a small model, 3 lifted
 * structures, 1 seeded run) -> the molecular form shows it, Save study.json writes it unchanged ->
 * a typo in the seeded steps is named under the field, the fixed value is saved in the project ->
 * Run ->
 * the pipeline's four stages done -> click the phi/psi FES at its lowest cell: the simulated
 * structures in that cell and the lifted ones in two 3D viewers, each drawn -> axe clean in both
 * themes, screenshots (test-results/e2e/studies-molecule-*.png) -> no console errors.
 *
 * Needs out/renderer (npm run build:web) and out/node/server.mjs (npm run build:node).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, assert, assertNoUnexpectedConsoleErrors, axeSeriousProblems, checkWithShot, createReporter, fesPoint, screenshotter, startAppSession, testIdHelpers, openApp } from './harness.mjs';

const SHOTS = join(ROOT, 'test-results', 'e2e');

const reporter = createReporter('studies-molecule');
const { log } = reporter;
const app = await startAppSession(reporter, {
  tmpPrefix: 'liftwell-e2e-molstudies-',
  extraDirs: ['projects'],
  hardTimeoutMs: 180_000,
  chromium: { viewport: { width: 1440, height: 900 } },
});
const { url, page, consoleErrors } = app;
const shot = screenshotter(page, SHOTS, 'studies-molecule-');
const check = checkWithShot(reporter, shot);
const { tid } = testIdHelpers(page);

// The shipped example shrunk to seconds (as test/study/service-molecule.test.ts runs it).
const studyFile = join(ROOT, 'test', 'fixtures', 'studies', 'tiny-ala2.study.json');
const study = JSON.parse(readFileSync(studyFile, 'utf8'));

const stageStates = () => page.locator('[data-testid="study-stage"]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-stage')}=${e.getAttribute('data-status')}`));

await reporter.runChecks(async () => {
  await check('app connects; create a project; open Studies', async () => {
    await openApp(page, url);
    await tid('project-parent').fill(app.dirs.projects);
    await tid('project-name').fill('molstudies');
    await tid('project-create').click();
    await page.locator('[data-testid="header-project"]', { hasText: 'molstudies' }).waitFor({ timeout: 10000 });
    await tid('nav-studies').click();
    await tid('study-form').waitFor({ timeout: 5000 });
  });

  await check('from scratch: picking the built-in molecule as the system gives a valid molecular study in the form', async () => {
    await tid('study-field-system').selectOption('molecule:alanine-dipeptide');
    await page.locator('[data-testid="study-form"][data-kind="molecule"]').waitFor({ timeout: 5000 });
    // A bad temperature is named (the molecular schema checked it); put back, nothing else is wrong.
    await tid('study-field-temperature').fill('-1');
    await tid('study-error-temperature').waitFor({ timeout: 5000 });
    await tid('study-field-temperature').fill('300');
    await tid('study-error-temperature').waitFor({ state: 'detached', timeout: 5000 });
    assert((await page.locator('[data-testid^="study-error-"], [data-testid="study-problems"]').count()) === 0, 'no problems in the new molecular study');
  });

  await check('Open study.json: the molecular form shows it; Save study.json writes it unchanged', async () => {
    await tid('study-import').setInputFiles(studyFile);
    await page.locator('[data-testid="study-form"][data-kind="molecule"]').waitFor({ timeout: 5000 });
    const steps = await tid('study-field-sampling.steps').inputValue();
    assert(steps === String(study.sampling.steps), `steps field: ${steps}`);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), tid('study-export').click()]);
    const written = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert(JSON.stringify(written) === JSON.stringify(study), `the same study: ${JSON.stringify(written).slice(0, 200)}`);
    await page.waitForFunction(() => !document.querySelector('[data-testid="study-run"]')?.disabled, null, { timeout: 5000 });
  });

  await check('edit the seeded steps in the form: a typo is named under the field; Save writes the change', async () => {
    await tid('study-field-seeding.steps').fill('3OO');
    const err = await tid('study-error-seeding.steps').innerText({ timeout: 5000 });
    assert(/expected number/.test(err), `the typo is named: ${err}`);
    await shot('typo');
    const formProblems = await axeSeriousProblems(page);
    assert(formProblems.length === 0, `the molecular form, axe: ${formProblems.join('\n')}`);
    await tid('study-field-seeding.steps').fill('300');
    await tid('study-error-seeding.steps').waitFor({ state: 'detached', timeout: 5000 });
    await page.waitForFunction(() => !document.querySelector('[data-testid="study-save"]')?.disabled, null, { timeout: 5000 });
    await tid('study-save').click();
    // Save is disabled while the call is in flight too: wait for the file itself (the server writes it before it answers).
    const savedFiles = () => readdirSync(app.dirs.projects, { recursive: true }).filter((f) => /studies[\\/][^\\/]+[\\/]study\.json$/.test(String(f)));
    for (const until = Date.now() + 10_000; savedFiles().length === 0 && Date.now() < until; ) await page.waitForTimeout(100);
    await page.waitForFunction(() => document.querySelector('[data-testid="study-save"]')?.disabled, null, { timeout: 10000 });
    const saved = savedFiles();
    assert(saved.length === 1, `one saved study.json: ${saved}`);
    const written = JSON.parse(readFileSync(join(app.dirs.projects, String(saved[0])), 'utf8'));
    assert(JSON.stringify(written) === JSON.stringify({ ...study, seeding: { ...study.seeding, steps: 300 } }), `saved with the change: ${JSON.stringify(written.seeding)}`);
  });

  await check('Run: sampling (replicas), model, lift and seeded round end done with their times', async () => {
    await tid('study-run').click();
    await tid('study-pipeline').waitFor({ timeout: 10000 });
    await page.waitForFunction(() => {
      const els = [...document.querySelectorAll('[data-testid="study-stage"]')];
      // Ends at done, or at the first failed stage (its reason is then in the message).
      return els.length > 0 && (els.every((e) => e.getAttribute('data-status') === 'done') || els.some((e) => e.getAttribute('data-status') === 'failed'));
    }, null, { timeout: 120_000, polling: 250 }).catch(async (e) => {
      throw new Error(`stages: ${(await stageStates()).join(', ')}; ${await tid('study-error').innerText().catch(() => '')} (${e.message.split('\n')[0]})`);
    });
    const states = await stageStates();
    assert(states.join() === 'sampling=done,model=done,lift=done,seeding=done', `stages: ${states}; ${await tid('study-error').innerText().catch(() => '')}`);
    const times = await page.locator('[data-testid="study-stage"] .time').allInnerTexts();
    assert(times.every((t) => /\d/.test(t)), `every stage shows its time: ${times}`);
  });

  await check('click the phi/psi FES at its lowest cell: simulated and lifted structures in the 3D viewers', async () => {
    const fig = tid('study-fes2d-plot');
    await fig.locator('svg').first().waitFor({ timeout: 20_000 });
    const minima = JSON.parse(await fig.getAttribute('data-minima'));
    assert(minima.length > 0, 'the FES has a minimum');
    const lowest = minima.reduce((a, b) => (b.value < a.value ? b : a));
    const p = await fesPoint(page, 'study-fes2d-plot', lowest.at[0], lowest.at[1]);
    await page.mouse.click(p.x, p.y);
    for (const id of ['study-simulated-viewer', 'study-lifted-viewer']) await page.locator(`[data-testid="${id}"][data-ready="true"]`).waitFor({ timeout: 30_000 });
    const sim = await tid('study-simulated-info').innerText();
    const lifted = await tid('study-lifted-info').innerText();
    log(`     clicked (${lowest.at.map((v) => v.toFixed(0))}): ${sim} | ${lifted}`);
    assert(/^\d+ frames? of the study's runs/.test(sim) && !/^0 /.test(sim), `simulated: ${sim}`);
    assert(/^3 structures of the lift stage/.test(lifted), `lifted: ${lifted}`);
    await tid('study-molecule-configurations').scrollIntoViewIfNeeded();
    await shot('configurations');
  });

  for (const theme of ['light', 'dark']) {
    await check(`${theme} theme: axe clean, screenshot`, async () => {
      const current = await tid('theme-toggle').getAttribute('data-theme');
      if (current !== theme) await tid('theme-toggle').click();
      await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme);
      const problems = await axeSeriousProblems(page);
      await shot.tall(theme, 2400);
      assert(problems.length === 0, problems.join('\n'));
    });
  }

  await check('no page errors or console errors', async () => {
    assertNoUnexpectedConsoleErrors(consoleErrors);
  });
}, { cleanup: app.cleanup, after: () => log(`screenshots: ${SHOTS}/studies-molecule-*.png`) });
