#!/usr/bin/env node
/**
 * Delete with confirmation and undo in a real browser (issue 12, docs/trash.md): a small umbrella
 * run is deleted from its Jobs row through the confirmation dialog (keyboard: Tab to Delete,
 * Enter), comes back with the toast's Undo; deleted again, it comes back from the Trash list in
 * Projects; the project tree's delete button (keyboard) and the result page's Delete run… open the
 * same dialog; the system's dialog names the run that goes with it; Empty trash asks first; a saved
 * study's × in the project tree opens the study delete dialog and moves it to the trash. axe-core
 * on the dialog and the Trash list. Screenshots: test-results/e2e/trash-*.png.
 *
 *   npm run build:node && npm run build:web && node test/e2e/trash.mjs
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, assert, assertNoUnexpectedConsoleErrors, axeSeriousProblems, checkWithShot, createReporter, screenshotter, startAppSession, testIdHelpers, openApp } from './harness.mjs';

const reporter = createReporter('trash');
const app = await startAppSession(reporter, { tmpPrefix: 'liftwell-e2e-trash-', extraDirs: ['projects'], hardTimeoutMs: 120_000, chromium: { viewport: { width: 1440, height: 900 } } });
const { url, page, consoleErrors } = app;
const shot = screenshotter(page, join(ROOT, 'test-results', 'e2e'), 'trash-');
const { tid, fill } = testIdHelpers(page);
const projectPath = () => join(app.dirs.projects, 'study.liftwell');

const check = checkWithShot(reporter, shot);
const axeProblems = () => axeSeriousProblems(page);

const runRow = (id) => page.locator(`[data-testid="run-row"][data-run-id="${id}"]`);
const indexedRuns = () => JSON.parse(readFileSync(join(projectPath(), 'project.json'), 'utf8')).runs.map((r) => r.id);

await reporter.runChecks(async () => {
  let runId = null;
  await check('a project, a double well and a small umbrella run that completes', async () => {
    await openApp(page, url);
    await fill('project-parent', app.dirs.projects);
    await fill('project-name', 'study');
    await tid('project-create').click();
    await page.locator('[data-testid="header-project"]', { hasText: 'study' }).waitFor({ timeout: 10000 });
    await tid('nav-system').click();
    await tid('system-kind-double-well').click();
    await tid('system-add').click();
    await tid('systems-table').locator('tbody tr').first().waitFor({ timeout: 10000 });
    await tid('nav-umbrella').click();
    await tid('us-mode-range').click();
    await fill('us-count', 3);
    await fill('us-steps', 1000);
    await fill('us-equil', 100);
    await tid('us-start').click();
    const row = tid('run-row').first();
    await row.waitFor({ timeout: 10000 });
    runId = await row.getAttribute('data-run-id');
    await page.locator(`[data-testid="run-row"][data-run-id="${runId}"][data-status="completed"]`).waitFor({ timeout: 60_000 });
  });

  await check('Delete from the Jobs row: the dialog names the run; Enter on Delete moves it to .trash', async () => {
    await runRow(runId).getByTestId('run-delete').click();
    const dialog = tid('delete-dialog');
    await dialog.waitFor({ timeout: 5000 });
    assert((await dialog.innerText()).includes('Delete run'), 'dialog title names a run');
    assert(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'delete-cancel'), 'focus starts on Cancel');
    const problems = await axeProblems();
    assert(problems.length === 0, `axe on the dialog: ${problems.join('; ')}`);
    await shot('1-dialog');
    await page.keyboard.press('Tab');
    assert(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'delete-confirm'), 'Tab reaches Delete');
    await page.keyboard.press('Enter');
    await runRow(runId).waitFor({ state: 'detached', timeout: 10000 });
    assert(!existsSync(join(projectPath(), 'runs', runId)), 'the run folder left runs/');
    assert(readdirSync(join(projectPath(), '.trash')).some((n) => n.endsWith(`-run-${runId}`)), 'a .trash item named after the run');
    assert(!indexedRuns().includes(runId), 'project.json no longer lists the run');
    await tid('toast-action').waitFor({ timeout: 5000 });
    await shot('2-undo-toast');
  });

  await check('Undo in the toast brings the run back', async () => {
    await tid('toast-action').click();
    await page.locator(`[data-testid="run-row"][data-run-id="${runId}"][data-status="completed"]`).waitFor({ timeout: 10000 });
    assert(existsSync(join(projectPath(), 'runs', runId, 'run.json')), 'run.json back in runs/');
    assert(indexedRuns().includes(runId), 'project.json lists the run again');
  });

  await check('deleted again, it is restored from the Trash list in Projects', async () => {
    await runRow(runId).getByTestId('run-delete').click();
    await tid('delete-confirm').click();
    await runRow(runId).waitFor({ state: 'detached', timeout: 10000 });
    await tid('nav-projects').click();
    const item = tid('trash-item').first();
    await item.waitFor({ timeout: 5000 });
    assert((await item.innerText()).includes('run'), 'the Trash list shows the run');
    const problems = await axeProblems();
    assert(problems.length === 0, `axe on Projects with the trash: ${problems.join('; ')}`);
    await shot('3-trash-list');
    await tid('theme-toggle').click();
    const dark = await axeProblems();
    assert(dark.length === 0, `axe on Projects with the trash, dark theme: ${dark.join('; ')}`);
    await shot('3-trash-list-dark');
    await tid('theme-toggle').click();
    await item.getByTestId('trash-restore').click();
    await tid('trash-item').first().waitFor({ state: 'detached', timeout: 5000 });
    assert((await tid('toast-action').count()) === 0, 'the Undo toast of the restored item closed (nothing left to undo)');
    await tid('nav-jobs').click();
    await runRow(runId).waitFor({ timeout: 10000 });
  });

  await check('the project tree: Tab from the run reaches its delete button; Enter opens the dialog, Cancel gives focus back', async () => {
    const treeRun = page.locator('[data-testid="project-tree"] li', { has: page.locator('[data-testid="tree-run"]') }).first();
    await treeRun.getByTestId('tree-run').focus();
    await page.keyboard.press('Tab');
    assert(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'tree-delete'), 'Tab reaches the tree row\'s delete button');
    await page.keyboard.press('Enter');
    const dialog = tid('delete-dialog');
    await dialog.waitFor({ timeout: 5000 });
    assert((await dialog.innerText()).includes('Delete run'), 'the same dialog as the Jobs row');
    await shot('7-tree-dialog');
    await page.keyboard.press('Enter'); // focus starts on Cancel
    await dialog.waitFor({ state: 'detached', timeout: 5000 });
    assert(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'tree-delete'), 'focus back on the tree delete button');
    assert(indexedRuns().includes(runId), 'Cancel deleted nothing');
  });

  await check('the run\'s result page: Delete run… moves it to the trash; Undo brings it back', async () => {
    await page.locator('[data-testid="project-tree"] [data-testid="tree-run"]').first().click();
    await tid('fes-run').waitFor({ timeout: 10000 });
    await tid('result-delete').click();
    await tid('delete-dialog').waitFor({ timeout: 5000 });
    await shot('8-result-dialog');
    await tid('delete-confirm').click();
    await tid('delete-dialog').waitFor({ state: 'detached', timeout: 5000 });
    await tid('toast-action').waitFor({ timeout: 5000 });
    assert(!indexedRuns().includes(runId), 'project.json no longer lists the run');
    assert(!existsSync(join(projectPath(), 'runs', runId)), 'the run folder left runs/');
    await tid('toast-action').click();
    await page.locator('[data-testid="project-tree"] [data-testid="tree-run"]').first().waitFor({ timeout: 10000 });
    assert(indexedRuns().includes(runId), 'project.json lists the run again');
    await tid('nav-jobs').click();
    await page.locator(`[data-testid="run-row"][data-run-id="${runId}"][data-status="completed"]`).waitFor({ timeout: 10000 });
  });

  await check('the system dialog names its run; Empty trash asks first, then removes it for good', async () => {
    await tid('nav-system').click();
    await tid('system-delete').first().click();
    const deps = tid('delete-dependents');
    await deps.waitFor({ timeout: 5000 });
    assert((await deps.innerText()).includes('run'), 'the run goes with the system');
    await shot('4-system-dialog');
    await tid('delete-confirm').click();
    await tid('delete-dialog').waitFor({ state: 'detached', timeout: 5000 });
    assert(indexedRuns().length === 0, 'the run went with the system');
    await tid('nav-projects').click();
    await tid('trash-empty').click();
    await tid('trash-empty-confirm').waitFor({ timeout: 5000 });
    await shot('5-empty-confirm');
    await tid('trash-empty-confirm-button').click();
    await page.locator('[data-testid="trash-list"]', { hasText: 'Nothing deleted' }).waitFor({ timeout: 5000 });
    assert(readdirSync(join(projectPath(), '.trash')).length === 0, '.trash is empty');
    assert((await tid('toast-action').count()) === 0, 'no Undo left once the trash is emptied');
    await shot('6-emptied');
  });

  await check('the project tree: a saved study has its own ×, opening the study delete dialog; Delete moves it to the trash', async () => {
    await tid('nav-studies').click();
    await tid('study-form').waitFor({ timeout: 5000 });
    await tid('study-save').click();
    const treeStudy = page.locator('[data-testid="project-tree"] li', { has: page.locator('[data-testid="tree-study"]') }).first();
    await treeStudy.waitFor({ timeout: 10000 });
    const studies = () => readdirSync(join(projectPath(), 'studies')).filter((f) => !f.startsWith('.'));
    const before = studies().length;
    assert(before === 1, `one study folder saved (${before})`);
    await treeStudy.hover();
    await treeStudy.getByTestId('tree-delete-study').click();
    const dialog = tid('delete-dialog');
    await dialog.waitFor({ timeout: 5000 });
    assert((await dialog.innerText()).includes('Delete study'), 'the same dialog as the Studies view\'s Delete…');
    await shot('9-tree-study-dialog');
    await tid('delete-confirm').click();
    await dialog.waitFor({ state: 'detached', timeout: 5000 });
    await page.locator('[data-testid="project-tree"] [data-testid="tree-study"]').waitFor({ state: 'detached', timeout: 10000 });
    assert(studies().length === 0, 'the study folder left studies/');
  });

  await check('no page errors or console errors', async () => assertNoUnexpectedConsoleErrors(consoleErrors));
}, { cleanup: app.cleanup });
