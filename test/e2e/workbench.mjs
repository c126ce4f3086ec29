#!/usr/bin/env node
/**
 * End-to-end: the workbench as a whole (issue 12), in browser mode.
 *
 * Journey: project -> double well + Muller-Brown -> a small umbrella run and a small
 * metadynamics run -> every view, in the light and in the dark theme: the view's heading gets
 * the focus, axe-core finds no critical or serious violation, no page or console error, a
 * screenshot (test-results/e2e/workbench-<theme>-<view>.png). Then the dead ends and defects
 * of the issue: Ensemble sampling opens (it used to throw props_invalid_value), the Free energy
 * view offers only umbrella runs and links a metadynamics run to its own view, the address
 * names the view and project, a reload keeps both, back/forward move between views, Clear all
 * of the regions asks and can be undone, the About panel reports versions and GPU status.
 *
 * Needs out/renderer (npm run build:web) and out/node/server.mjs (npm run build:node).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, assert, assertNoUnexpectedConsoleErrors, createReporter, screenshotter, startAppSession, testIdHelpers, openApp } from './harness.mjs';

const SHOTS = join(ROOT, 'test-results', 'e2e');
const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const VIEWS = ['projects', 'system', 'umbrella', 'metad', 'ensemble', 'jobs', 'fes', 'learned-cvs', 'molecules', 'molecular', 'models'];

const reporter = createReporter('wb');
const { log } = reporter;
let failures = 0;
/** A check that leaves a screenshot of the page when it fails (workbench-failed-N.png). */
const check = (name, fn) =>
  reporter.check(name, async () => {
    try {
      await fn();
    } catch (error) {
      await shot(`failed-${++failures}`).catch(() => {});
      throw error;
    }
  });

const app = await startAppSession(reporter, {
  tmpPrefix: 'liftwell-e2e-wb-',
  extraDirs: ['projects'],
  hardTimeoutMs: 240_000,
  chromium: { webgl: true, viewport: { width: 1440, height: 900 } },
});
const { url, page, consoleErrors } = app;
const shot = screenshotter(page, SHOTS, 'workbench-');
const { tid, fill } = testIdHelpers(page);

/** axe-core on the whole page; returns the critical and serious violations as short lines. */
async function axeProblems() {
  // page.evaluate is not subject to the page's Content-Security-Policy (script-src 'self').
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length, target: v.nodes[0]?.target?.join(' '), summary: v.nodes[0]?.failureSummary?.split('\n')[1] }));
  });
  return violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => `${v.id} x${v.n} (${v.impact}) e.g. ${v.target}: ${v.summary ?? ''}`);
}

async function openView(view) {
  await tid(`nav-${view}`).click();
  await page.waitForFunction((v) => location.hash.startsWith(`#/${v}`), view, { timeout: 5000 }).catch(async (e) => {
    throw new Error(`view ${view}: the address is ${await page.evaluate(() => location.hash)} (${e.message.split('\n')[0]})`);
  });
  await page.locator('main h2').first().waitFor();
}

await reporter.runChecks(async () => {
  await check('app connects; the page has one h1', async () => {
    await openApp(page, url);
    assert((await page.locator('h1').count()) === 1, 'one h1');
  });

  await check('create a project with a double well and Muller-Brown', async () => {
    await fill('project-parent', app.dirs.projects);
    await fill('project-name', 'workbench');
    await tid('project-create').click();
    await page.locator('[data-testid="header-project"]', { hasText: 'workbench' }).waitFor({ timeout: 10000 });
    await openView('system');
    await tid('system-kind-double-well').click();
    await tid('system-add').click();
    await tid('systems-table').locator('tbody tr').first().waitFor({ timeout: 10000 });
    await tid('system-kind-muller-brown').click();
    await tid('system-add').click();
    await tid('systems-table').locator('tbody tr').nth(1).waitFor({ timeout: 10000 });
  });

  await check('Ensemble sampling opens (no props_invalid_value) and shows its form', async () => {
    await openView('ensemble');
    await tid('ens-start-run').waitFor({ timeout: 5000 });
    assert(!consoleErrors.some((m) => /props_invalid_value/.test(m)), 'no Svelte props error');
  });

  await check('a typed potential is checked while typing', async () => {
    await openView('system');
    await tid('system-kind-expression').click();
    await tid('param-expression').fill('a*(x^2-1)^^2');
    const msg = await tid('system-server-error').innerText();
    assert(/column 11/.test(msg) && !/expression\.expression/.test(msg), `message: ${msg}`);
    assert(await tid('system-add').isDisabled(), 'Add is disabled');
    await tid('system-kind-double-well').click();
  });

  await check('a small umbrella run and a small metadynamics run complete', async () => {
    await openView('umbrella');
    const opts = await tid('us-system').locator('option').allTextContents();
    await tid('us-system').selectOption({ index: opts.findIndex((t) => /Double well/i.test(t)) });
    await fill('us-count', 9);
    await fill('us-steps', 20000);
    await fill('us-walkers', 4);
    await tid('us-start').click();
    // Starting opens Jobs by itself.
    await page.waitForFunction(() => location.hash.startsWith('#/jobs'), null, { timeout: 10000 });
    await openView('metad');
    const mdOpts = await tid('md-system').locator('option').allTextContents();
    await tid('md-system').selectOption({ index: mdOpts.findIndex((t) => /Double well/i.test(t)) });
    await fill('md-steps', 20000);
    await tid('md-start').click();
    await openView('jobs');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="run-row"]')];
      return rows.length === 2 && rows.every((r) => r.getAttribute('data-status') === 'completed');
    }, null, { timeout: 90_000, polling: 250 });
  });

  await check('Free energy lists umbrella runs only and links the metadynamics run to its view', async () => {
    await openView('fes');
    const options = await tid('fes-run').locator('option').count();
    assert(options === 1, `one umbrella run offered (${options})`);
    await page.locator('[data-testid="pmf-plot"] svg').first().waitFor({ timeout: 30_000 });
    await tid('result-link').first().click();
    await page.waitForFunction(() => location.hash.startsWith('#/metad'), null, { timeout: 5000 });
    await tid('md-fes-plot').waitFor({ timeout: 20_000 });
  });

  await check('regions: Clear all asks first and can be undone; names are R1, R2', async () => {
    await openView('fes');
    await tid('fes-regions-new-bound').nth(0).fill('-1.5');
    await tid('fes-regions-new-bound').nth(1).fill('-0.3');
    await tid('fes-regions-add').click();
    await tid('fes-regions-new-bound').nth(0).fill('0.3');
    await tid('fes-regions-new-bound').nth(1).fill('1.5');
    await tid('fes-regions-add').click();
    const names = await tid('fes-regions-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));
    assert(names.join() === 'R1,R2', `names ${names}`);
    await tid('fes-regions-clear').click();
    assert((await tid('fes-regions-row').count()) === 2, 'nothing removed before confirming');
    await tid('fes-regions-clear-confirm').click();
    assert((await tid('fes-regions-row').count()) === 0, 'removed');
    await tid('fes-regions-undo').click();
    assert((await tid('fes-regions-row').count()) === 2, 'undone');
  });

  await check('2D metadynamics regions: adding rows does not move the surface being drawn on', async () => {
    await openView('metad');
    await tid('md-tab-setup').click();
    const opts = await tid('md-system').locator('option').allTextContents();
    await tid('md-system').selectOption({ index: opts.findIndex((t) => /M(u|ü)ller/i.test(t)) });
    await page.locator('[data-testid="md-cv"]').waitFor();
    await fill('md-steps', 20000);
    await tid('md-start').click();
    const surface = page.locator('[data-testid="md-fes-plot"] svg[data-region-drawing]').first();
    await surface.waitFor({ timeout: 60_000 });
    const topOf = () => surface.evaluate((el) => el.getBoundingClientRect().top + document.querySelector('main').scrollTop);
    const before = await topOf();
    for (const b of [['-1.2', '-0.6', '1.2', '1.8'], ['0.3', '0.9', '-0.2', '0.3']]) {
      for (let k = 0; k < 4; k++) await tid('md-regions-new-bound').nth(k).fill(b[k]);
      await tid('md-regions-add').click();
    }
    await page.locator('[data-testid="md-regions"][data-count="2"]').waitFor({ timeout: 5000 });
    const after = await topOf();
    assert(Math.abs(after - before) < 1, `the surface moved by ${(after - before).toFixed(1)} px`);
  });

  await check('Molecules: the built-in alanine dipeptide in the viewer', async () => {
    await openView('molecules');
    await tid('mol-add-example').click();
    await tid('molecule-row').first().waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="mol-viewer"][data-atoms="22"]').waitFor({ timeout: 20_000 });
  });

  for (const theme of ['light', 'dark']) {
    await check(`${theme} theme: every view focused, axe clean, screenshot`, async () => {
      const current = await tid('theme-toggle').getAttribute('data-theme');
      if (current !== theme) await tid('theme-toggle').click();
      await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme);
      const problems = [];
      for (const view of VIEWS) {
        await openView(view);
        // Figures render after their first layout (the FES after its estimate); wait for them.
        if (view === 'fes') await page.locator('[data-testid="pmf-plot"] svg').first().waitFor({ timeout: 30_000 });
        if (view === 'metad') await page.locator('[data-testid="md-fes-plot"] svg').first().waitFor({ timeout: 30_000 });
        await page.waitForTimeout(300);
        const focused = await page.evaluate(() => document.activeElement?.tagName === 'H2' && document.activeElement.closest('main') !== null);
        if (!focused) problems.push(`${view}: focus is not on the view heading`);
        for (const p of await axeProblems()) problems.push(`${view}: ${p}`);
        await shot(`${theme}-${view}`);
      }
      await tid('about-open').click();
      await tid('about-panel').waitFor();
      await page.locator('[data-testid="about-webgpu"]', { hasText: /\S/ }).waitFor();
      for (const p of await axeProblems()) problems.push(`about: ${p}`);
      await shot(`${theme}-about`);
      await tid('about-close').click();
      if (problems.length) log(`     ${problems.join('\n     ')}`);
      assert(problems.length === 0, `${problems.length} problems (listed above)`);
    });
  }

  await check('the address names the view and project; reload keeps both', async () => {
    await openView('fes');
    const hash = await page.evaluate(() => location.hash);
    assert(/^#\/fes\?project=/.test(hash) && /workbench\.liftwell/.test(decodeURIComponent(hash)), `hash ${hash}`);
    await openApp(page);
    await page.locator('[data-testid="header-project"]', { hasText: 'workbench' }).waitFor({ timeout: 10000 });
    await page.locator('main h2', { hasText: 'Free energy' }).waitFor({ timeout: 10000 });
  });

  await check('back and forward move between views', async () => {
    await openView('jobs');
    await openView('models');
    await page.goBack();
    await page.locator('main h2', { hasText: 'Jobs' }).waitFor({ timeout: 5000 });
    await page.goBack();
    await page.locator('main h2', { hasText: 'Free energy' }).waitFor({ timeout: 5000 });
    await page.goForward();
    await page.locator('main h2', { hasText: 'Jobs' }).waitFor({ timeout: 5000 });
  });

  await check('command palette: Ctrl+K, type, Enter opens a run in its view; axe clean', async () => {
    await openView('jobs');
    await page.keyboard.press('Control+k');
    await tid('palette-input').waitFor();
    await tid('palette-input').fill('open metad double');
    const first = (await tid('palette-item').first().innerText()).trim();
    assert(/^Open MetaD Double well/.test(first) && /Metadynamics/.test(first), `first match: ${first}`);
    const problems = await axeProblems();
    assert(problems.length === 0, problems.join('; '));
    await shot('palette');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.startsWith('#/metad'), null, { timeout: 5000 });
    assert((await tid('palette').count()) === 0, 'the palette closed');
  });

  await check('project tree: each run opens its own result page', async () => {
    await openView('jobs');
    await tid('tree-run').filter({ hasText: /^US Double well/ }).click();
    await page.waitForFunction(() => location.hash.startsWith('#/fes') && location.hash.includes('item='), null, { timeout: 5000 });
    await tid('tree-run').filter({ hasText: /^MetaD Double well/ }).click();
    await page.waitForFunction(() => location.hash.startsWith('#/metad'), null, { timeout: 5000 });
    await tid('md-fes-plot').waitFor({ timeout: 20_000 });
    const current = await page.locator('[data-testid="tree-run"][aria-current="true"]').innerText();
    assert(/MetaD Double well/.test(current), `the open run is marked in the tree (${current})`);
  });

  await check('Models explains why these runs cannot train a model', async () => {
    await openView('models');
    const text = await tid('train-form').innerText();
    assert(/nothing to generate/.test(text) && /fast\/slow/.test(text), 'advice shown');
  });

  await check('no page errors or console errors', async () => {
    assertNoUnexpectedConsoleErrors(consoleErrors);
  });
}, { cleanup: app.cleanup, after: () => log(`screenshots: ${SHOTS}/workbench-*.png`) });
