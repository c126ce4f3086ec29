#!/usr/bin/env node
/**
 * End-to-end: the Studies view (issue 11), in browser mode.
 *
 * Journey: project -> Studies -> build a tiny fast/slow study in the form (a wrong value is named
 * under its field with the study schema's words and blocks Run) -> View JSON -> Run -> every stage
 * done, with timings -> the study in the project tree -> click the FES: simulated and lifted
 * configurations at that CV value -> open the report in the app -> Resume: every stage cached ->
 * a reload keeps the study in the address -> Open study.json / Save study.json round trip -> a
 * metadynamics study built in the form (method choice, its fields and note) runs and opens its
 * report -> Delete… it (its runs stay) -> Undo brings it back. axe-core clean and screenshots in
 * the light and the dark theme (test-results/e2e/studies-*.png), the delete dialog included.
 *
 * Needs out/renderer (npm run build:web) and out/node/server.mjs (npm run build:node).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, assert, assertNoUnexpectedConsoleErrors, axeSeriousProblems, checkWithShot, createReporter, screenshotter, startAppSession, testIdHelpers, openApp } from './harness.mjs';

const SHOTS = join(ROOT, 'test-results', 'e2e');

const reporter = createReporter('studies');
const { log } = reporter;
const app = await startAppSession(reporter, {
  tmpPrefix: 'liftwell-e2e-studies-',
  extraDirs: ['projects'],
  hardTimeoutMs: 240_000,
  chromium: { viewport: { width: 1440, height: 900 } },
});
const { url, page, consoleErrors } = app;
const shot = screenshotter(page, SHOTS, 'studies-');
const check = checkWithShot(reporter, shot);
const { tid } = testIdHelpers(page);
const field = (path) => tid(`study-field-${path}`);

/** The stages' data-status values, in order. */
const stageStates = () => page.locator('[data-testid="study-stage"]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-stage')}=${e.getAttribute('data-status')}`));

async function waitForStages(status, timeout) {
  await page.waitForFunction(
    (s) => {
      const els = [...document.querySelectorAll('[data-testid="study-stage"]')];
      return els.length > 0 && els.every((e) => e.getAttribute('data-status') === s);
    },
    status,
    { timeout, polling: 250 },
  ).catch(async (e) => {
    throw new Error(`stages: ${(await stageStates()).join(', ')}; ${(await tid('study-error').innerText().catch(() => ''))} (${e.message.split('\n')[0]})`);
  });
}

await reporter.runChecks(async () => {
  await check('app connects; create a project; open Studies', async () => {
    await openApp(page, url);
    await tid('project-parent').fill(app.dirs.projects);
    await tid('project-name').fill('studies');
    await tid('project-create').click();
    await page.locator('[data-testid="header-project"]', { hasText: 'studies' }).waitFor({ timeout: 10000 });
    await tid('nav-studies').click();
    await page.waitForFunction(() => location.hash.startsWith('#/studies'), null, { timeout: 5000 });
    await tid('study-form').waitFor({ timeout: 5000 });
  });

  await check('the form checks as it is typed: the schema names the field, Run waits', async () => {
    await field('sampling.spring').fill('-1');
    await tid('study-error-sampling.spring').waitFor({ timeout: 5000 });
    const msg = await tid('study-error-sampling.spring').innerText();
    assert(/must be > 0/.test(msg), `spring message: ${msg}`);
    assert(await tid('study-run').isDisabled(), 'Run is disabled while the study has a problem');
    assert((await field('sampling.spring').getAttribute('aria-invalid')) === 'true', 'the field is marked invalid');
  });

  await check('a tiny fast/slow study in the form; View JSON shows the study file', async () => {
    const values = {
      name: 'e2e tiny', seed: 4, 'sampling.range.0': -1.5, 'sampling.range.1': 1.5, 'sampling.windows': 5, 'sampling.spring': 40,
      'sampling.steps': 6000, 'sampling.walkers': 4, 'sampling.dt': 0.0002, 'sampling.equilibration': 200,
      'estimate.bins': 12, 'estimate.bootstrap': 2, 'model.epochs': 2, 'model.hidden': '16',
      'lift.conditions.range.0': -1, 'lift.conditions.range.1': 1, 'lift.conditions.count': 3, 'lift.n': 50,
      'closures.observables': 'y: y', 'closures.bins': 8,
    };
    for (const [path, v] of Object.entries(values)) await field(path).fill(String(v));
    await page.waitForFunction(() => !document.querySelector('[data-testid^="study-error-"]'), null, { timeout: 5000 });
    await tid('study-view-json').click();
    const json = JSON.parse(await tid('study-json').inputValue());
    assert(json.sampling.spring === 40 && json.sampling.windows === 5 && json.cvs[0] === 'x', `json: ${JSON.stringify(json.sampling)}`);
    assert(json.system.kind === 'fast-slow' && json.model.hidden[0] === 16 && json.closures.observables[0].expr === 'y', 'system, model and closures');
    await tid('study-view-json').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="study-run"]')?.disabled, null, { timeout: 5000 });
    await shot('form');
  });

  await check('Run: the pipeline shows every stage done with its time', async () => {
    await tid('study-run').click();
    await tid('study-pipeline').waitFor({ timeout: 10000 });
    await waitForStages('done', 150_000);
    const names = await page.locator('[data-testid="study-stage"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-stage')));
    assert(names.join() === 'sampling,estimate,model,lift,consistency,closures,meanForce', `stages: ${names}`);
    const times = await page.locator('[data-testid="study-stage"] .time').allInnerTexts();
    assert(times.every((t) => /\d/.test(t)), `every stage shows its time: ${times}`);
    await tid('tree-study').filter({ hasText: 'e2e tiny' }).waitFor({ timeout: 5000 });
  });

  await check('click the FES: simulated and lifted configurations at that CV value', async () => {
    const svg = page.locator('[data-testid="study-fes-plot"] svg').first();
    await svg.waitFor({ timeout: 20_000 });
    const box = await svg.boundingBox();
    await page.mouse.click(box.x + box.width * 0.55, box.y + box.height * 0.5);
    const plot = tid('study-configurations-plot');
    await plot.waitFor({ timeout: 60_000 });
    const sim = Number(await plot.getAttribute('data-simulated'));
    const lifted = Number(await plot.getAttribute('data-lifted'));
    assert(sim > 0 && lifted === 400, `simulated ${sim}, lifted ${lifted}`);
    await plot.scrollIntoViewIfNeeded();
    await shot('configurations');
  });

  await check('open the report in the app', async () => {
    await tid('study-report-open').click();
    const frame = tid('study-report-frame');
    await frame.waitFor({ timeout: 10000 });
    const srcdoc = await frame.getAttribute('srcdoc');
    assert(srcdoc.includes('<svg') && !/<script/i.test(srcdoc), 'a self-contained report with inline SVG');
    await shot.tall('report', 2400);
    await tid('study-report-open').click();
  });

  for (const theme of ['light', 'dark']) {
    await check(`${theme} theme: Studies view axe clean, screenshot`, async () => {
      const current = await tid('theme-toggle').getAttribute('data-theme');
      if (current !== theme) await tid('theme-toggle').click();
      await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme);
      const problems = await axeSeriousProblems(page);
      await shot.tall(`${theme}`, 2200);
      assert(problems.length === 0, problems.join('\n'));
    });
  }

  await check('Resume reuses every stage (cached); a reload keeps the study in the address', async () => {
    await tid('study-resume').click();
    await waitForStages('cached', 60_000);
    const hash = await page.evaluate(() => location.hash);
    assert(/item=e2e-tiny/.test(hash), `address: ${hash}`);
    await openApp(page);
    await page.locator('[data-testid="study-title"]', { hasText: 'e2e tiny' }).waitFor({ timeout: 10000 });
    await waitForStages('cached', 10_000);
  });

  await check('Open study.json fills the form from a file; Save study.json writes the same study back', async () => {
    const example = join(ROOT, 'resources', 'examples', 'fast-slow-closures.study.json');
    await tid('study-import').setInputFiles(example);
    await page.locator('[data-testid="study-title"]', { hasText: 'New study' }).waitFor({ timeout: 5000 });
    assert((await field('sampling.windows').inputValue()) === '13', 'windows from the file');
    assert((await field('name').inputValue()) === 'fast-slow closures', 'name from the file');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), tid('study-export').click()]);
    const written = JSON.parse(readFileSync(await download.path(), 'utf8'));
    const original = JSON.parse(readFileSync(example, 'utf8'));
    assert(JSON.stringify(written) === JSON.stringify(original), `the same study: ${JSON.stringify(written).slice(0, 200)}`);
  });

  await check('the metadynamics example: Open study.json shows its method and fields, Save study.json writes it unchanged', async () => {
    const example = join(ROOT, 'resources', 'examples', 'fast-slow-metad.study.json');
    await tid('study-import').setInputFiles(example);
    await page.locator('[data-testid="study-title"]', { hasText: 'New study' }).waitFor({ timeout: 5000 });
    assert((await field('sampling.method').inputValue()) === 'metad', 'the metad method from the file');
    assert((await field('sampling.biasFactor').inputValue()) === '6', 'bias factor from the file');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), tid('study-export').click()]);
    const written = readFileSync(await download.path(), 'utf8');
    assert(JSON.stringify(JSON.parse(written)) === JSON.stringify(JSON.parse(readFileSync(example, 'utf8'))), `the same study: ${written.slice(0, 300)}`);
  });

  await check('a metadynamics study in the form: the method choice shows its fields and note', async () => {
    await tid('study-new').click();
    await page.locator('[data-testid="study-title"]', { hasText: 'New study' }).waitFor({ timeout: 5000 });
    await field('sampling.method').selectOption('metad');
    await field('sampling.height').waitFor({ timeout: 5000 });
    assert((await field('sampling.spring').count()) === 0, 'umbrella-only fields leave with the umbrella method');
    assert((await page.locator('[data-testid="study-form"] [data-testid="method-info"]').getAttribute('data-method')) === 'metad', 'the metadynamics note beside the choice');
    // A typo is named under its field with the schema's words (bias factor must exceed 1).
    await field('sampling.biasFactor').fill('1');
    await tid('study-error-sampling.biasFactor').waitFor({ timeout: 5000 });
    assert(/must be > 1/.test(await tid('study-error-sampling.biasFactor').innerText()), 'bias factor message');
    const values = {
      name: 'e2e metad', seed: 5, 'sampling.steps': 20000, 'sampling.walkers': 4, 'sampling.dt': 0.0002, 'sampling.stride': 10,
      'sampling.height': 0.1, 'sampling.sigma': 0.15, 'sampling.pace': 100, 'sampling.biasFactor': 6, 'estimate.bins': 12, 'estimate.bootstrap': 2,
    };
    for (const [path, v] of Object.entries(values)) await field(path).fill(String(v));
    // Sampling and its FES only: a few thousand metad steps leave too few bins for closures and TI.
    for (const section of ['lift', 'model', 'closures']) await tid(`study-section-${section}`).uncheck();
    await page.waitForFunction(() => !document.querySelector('[data-testid^="study-error-"]') && !document.querySelector('[data-testid="study-problems"]'), null, { timeout: 5000 });
    await tid('study-view-json').click();
    const json = JSON.parse(await tid('study-json').inputValue());
    await tid('study-view-json').click();
    const want = { method: 'metad', range: [-1.5, 1.5], steps: 20000, walkers: 4, dt: 0.0002, stride: 10, height: 0.1, sigma: 0.15, pace: 100, biasFactor: 6 };
    assert(JSON.stringify(json.sampling) === JSON.stringify(want), `sampling: ${JSON.stringify(json.sampling)}`);
    assert(json.model === undefined && json.lift === undefined && json.closures === undefined, 'no model, lift or closures stage');
    await field('sampling.method').scrollIntoViewIfNeeded();
    await shot('metad-form');
  });

  await check('the metadynamics study runs to the end and opens its report', async () => {
    await page.waitForFunction(() => !document.querySelector('[data-testid="study-run"]')?.disabled, null, { timeout: 5000 });
    await tid('study-run').click();
    await tid('study-pipeline').waitFor({ timeout: 10000 });
    await waitForStages('done', 90_000);
    const names = await page.locator('[data-testid="study-stage"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-stage')));
    assert(names.join() === 'sampling,estimate', `stages: ${names}`);
    await tid('study-report-open').click();
    const srcdoc = await tid('study-report-frame').getAttribute('srcdoc');
    assert(srcdoc.includes('<svg') && srcdoc.includes('e2e metad'), 'the metad study\'s report');
    await tid('study-report-open').click();
    await tid('tree-study').filter({ hasText: 'e2e metad' }).waitFor({ timeout: 5000 });
  });

  let runsBeforeDelete = 0;
  await check('Delete… the study: the dialog offers its runs (unticked), axe clean in both themes', async () => {
    runsBeforeDelete = await tid('tree-run').count();
    await tid('study-delete').click();
    await tid('delete-dialog').waitFor({ timeout: 5000 });
    const dialogText = await tid('delete-dialog').innerText();
    assert(/run "e2e metad/.test(dialogText), `the study's run is named: ${dialogText}`);
    assert(!(await tid('delete-with-companions').isChecked()), 'its runs stay unless ticked');
    // The theme toggle sits behind the modal: switch the theme on <html> as the toggle does, then put the chosen one back.
    const chosen = await tid('theme-toggle').getAttribute('data-theme');
    for (const theme of ['light', 'dark']) {
      await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
      const problems = await axeSeriousProblems(page);
      await shot(`delete-dialog-${theme}`);
      assert(problems.length === 0, `${theme}: ${problems.join('\n')}`);
    }
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), chosen);
    await tid('delete-confirm').click();
    await tid('toast-action').waitFor({ timeout: 5000 });
    await page.waitForFunction(() => ![...document.querySelectorAll('[data-testid="study-item"]')].some((e) => e.textContent.includes('e2e metad')), null, { timeout: 5000 });
    assert((await tid('tree-study').filter({ hasText: 'e2e metad' }).count()) === 0, 'the project tree no longer lists it');
    assert((await tid('tree-run').count()) === runsBeforeDelete, 'its runs stay in the project');
    assert((await page.locator('[data-testid="studies-view"] [role="alert"]').count()) === 0, 'no error after the delete');
    await shot('deleted');
  });

  await check('Undo brings the study back, with its report', async () => {
    await tid('toast-action').click();
    await page.locator('[data-testid="study-title"]', { hasText: 'e2e metad' }).waitFor({ timeout: 10000 });
    await tid('tree-study').filter({ hasText: 'e2e metad' }).waitFor({ timeout: 5000 });
    await tid('study-report-open').waitFor({ timeout: 5000 });
    await waitForStages('done', 5000);
  });

  await check('no page errors or console errors', async () => {
    assertNoUnexpectedConsoleErrors(consoleErrors);
  });
}, { cleanup: app.cleanup, after: () => log(`screenshots: ${SHOTS}/studies-*.png`) });
