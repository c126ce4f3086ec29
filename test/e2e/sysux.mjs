#!/usr/bin/env node
/**
 * Issue 12 in a real browser: the System view's live preview of V (the double-well barrier follows
 * a; a typed expression redraws, in 1D and then 2D; Muller-Brown's three minima), the About
 * panel's live compute-backend probe, and a project folder without write permission opened
 * read-only (banner with the reason, start buttons disabled, the API refusing a change).
 *
 * Read-only needs a server that permissions restrict: when this runs as root (whom chmod does not
 * restrict) the second server runs as the unprivileged user `nobody` (uid 65534).
 * Screenshots: test-results/e2e/sysux-*.png.
 *
 *   npm run build:node && npm run build:web && node test/e2e/sysux.mjs
 */
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ROOT, assert, assertNoUnexpectedConsoleErrors, createReporter, screenshotter, startAppSession, startServer, testIdHelpers, openApp } from './harness.mjs';

const reporter = createReporter('sysux');
const app = await startAppSession(reporter, { tmpPrefix: 'liftwell-e2e-sysux-', extraDirs: ['projects'], hardTimeoutMs: 120_000, chromium: { viewport: { width: 1440, height: 900 } } });
const { url, page, consoleErrors } = app;
const shot = screenshotter(page, join(ROOT, 'test-results', 'e2e'), 'sysux-');
const { tid, fill } = testIdHelpers(page);
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

const figure = () => page.locator('[data-testid="preview-figure"]');
const attr = async (name) => figure().getAttribute(`data-${name}`);
/** Waits until the preview's data attribute `name` satisfies `test` (the throttled redraw came). */
async function waitForPreview(name, test, what) {
  const deadline = Date.now() + 10_000;
  let last = null;
  while (Date.now() < deadline) {
    last = (await figure().count()) ? await attr(name) : null;
    if (last !== null && test(last)) return last;
    await page.waitForTimeout(50);
  }
  throw new Error(`${what}: data-${name} = ${last}`);
}

/** chmod of a folder tree: `dirMode` on folders, `fileMode` on files (folders made writable before their contents when opening up). */
function chmodTree(path, dirMode, fileMode) {
  if (!statSync(path).isDirectory()) return chmodSync(path, fileMode);
  if (dirMode & 0o200) chmodSync(path, dirMode);
  for (const name of readdirSync(path)) chmodTree(join(path, name), dirMode, fileMode);
  if (!(dirMode & 0o200)) chmodSync(path, dirMode);
}

/** One API call over the browser-mode WebSocket (as a second client of that server). */
function apiCall(serverUrl, method, params) {
  const u = new URL(serverUrl);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${u.host}/api?token=${u.searchParams.get('token')}`);
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ id: 1, method, params })));
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      if (msg.id !== 1) return;
      ws.close();
      resolve(msg);
    });
  });
}

await reporter.runChecks(async () => {
  await reporter.check('double well: the preview barrier follows a', async () => {
    await openApp(page, url);
    await page.evaluate(() => localStorage.setItem('liftwell.energyUnit', 'kT'));
    await fill('project-parent', app.dirs.projects);
    await fill('project-name', 'sysux');
    await tid('project-create').click();
    await page.locator('[data-testid="header-project"]', { hasText: 'sysux' }).waitFor({ timeout: 10000 });
    await tid('nav-system').click();
    await tid('system-kind-double-well').click();
    await figure().waitFor({ timeout: 10000 });
    for (const a of [4, 0.75]) {
      await fill('param-a', a);
      // V = a (x^2 - 1)^2 on 401 nodes of [-2, 2]: x = 0 and +-1 are nodes, so the barrier is a (kT = 1) to rounding.
      await waitForPreview('barrier', (v) => Math.abs(Number(v) - a) < 1e-9, `barrier for a = ${a}`);
      const minima = JSON.parse(await attr('minima'));
      assert(minima.length === 2 && minima.every((m) => Math.abs(Math.abs(m.at[0]) - 1) < 1e-9), `minima ${JSON.stringify(minima)}`);
    }
    assert((await tid('preview-barrier').innerText()) === '0.75 kT', await tid('preview-barrier').innerText());
    // Keyboard read-out (the shared figure explorer): focus the plot, step the cross-hair.
    await figure().locator('.canvas.explorable').focus();
    await page.keyboard.press('ArrowRight');
    const readout = await tid('preview-figure-readout').innerText();
    assert(/^x = -?[\d.]+, V − min V = [\d.e+-]+ kT$/.test(readout), `read-out: ${readout}`);
    const svg = await figure().locator('svg').count();
    assert(svg > 0, 'no plot drawn');
    await shot('double-well');
  });

  await reporter.check('typed expression: the preview redraws, 1D then 2D', async () => {
    await tid('system-kind-expression').click();
    await figure().waitFor({ timeout: 10000 });
    await fill('param-dim', 1);
    await fill('param-expression', 'a*(x^2-1)^2');
    // The default named parameters hold a = 2: barrier 2 kT.
    await waitForPreview('barrier', (v) => Math.abs(Number(v) - 2) < 1e-9, 'typed double well');
    const before = Number(await attr('redraws'));
    // A tilted double well: the left well is lower, so m1 moves to x < 0 and the barrier is no longer a.
    await fill('param-expression', 'a*(x^2-1)^2 + 0.5*x');
    await waitForPreview('redraws', (v) => Number(v) > before, 'redraw after typing');
    // V' = 8x(x^2-1) + 0.5 = 0: wells at x = -1.030 (lower) and 0.967; nodes 0.01 apart.
    const minima = JSON.parse(await waitForPreview('minima', (v) => JSON.parse(v)[0]?.at[0] < -1, 'tilted minima'));
    assert(Math.abs(minima[0].at[0] + 1.030) < 0.011 && Math.abs(minima[1].at[0] - 0.967) < 0.011, `tilted minima ${JSON.stringify(minima)}`);
    await shot('expression-1d');
    await fill('param-expression', 'a*(x^2-1)^2 + k*y^2/4');
    await tid('preview-waiting').waitFor({ timeout: 5000 }); // y is not a coordinate of a 1D potential
    await fill('param-dim', 2);
    await waitForPreview('dims', (v) => v === '2', '2D preview');
    const m2 = JSON.parse(await attr('minima'));
    assert(m2.length >= 2 && m2.slice(0, 2).every((m) => Math.abs(Math.abs(m.at[0]) - 1) < 0.05 && Math.abs(m.at[1]) < 0.05), `2D minima ${JSON.stringify(m2)}`);
    await shot.tall('expression-2d', 1300);
  });

  await reporter.check('Muller-Brown: three minima, the lowest near (-0.558, 1.442)', async () => {
    await tid('system-kind-muller-brown').click();
    const minima = JSON.parse(await waitForPreview('minima', (v) => JSON.parse(v).length >= 3 && Math.abs(JSON.parse(v)[0].at[0] + 0.558) < 0.03, 'Muller-Brown minima'));
    // 101 x 101 nodes: spacing 0.027 in x, 0.025 in y.
    assert(Math.abs(minima[0].at[1] - 1.442) < 0.03, `m1 ${JSON.stringify(minima[0])}`);
    assert(Math.abs(minima[1].at[0] - 0.623) < 0.03 && Math.abs(minima[1].at[1] - 0.028) < 0.03, `m2 ${JSON.stringify(minima[1])}`);
    await shot.tall('muller-brown', 1300);
  });

  await reporter.check('About: the live backend line and GPU status, Refresh probes again', async () => {
    await tid('about-open').click();
    await tid('about-panel').waitFor();
    const line = await page.locator('[data-testid="about-backend-line"]').innerText({ timeout: 20_000 });
    assert(/^(node-gpu|node|wasm|cpu) \(@tensorflow\/[a-z-]+\), TensorFlow\.js \d+\.\d+\.\d+/.test(line), `backend line: ${line}`);
    const gpu = await tid('about-gpu').innerText();
    assert(/^GPU: (yes|none): \S/.test(gpu), `GPU line: ${gpu}`);
    const probed = await tid('about-compute-backend').innerText();
    await tid('about-backend-refresh').click();
    await page.waitForFunction((old) => {
      const el = document.querySelector('[data-testid="about-compute-backend"]');
      return el && el.getAttribute('aria-busy') === 'false' && el.textContent !== old;
    }, probed.replace(/\s+/g, ' '), { timeout: 20_000 }).catch(() => {});
    assert((await page.locator('[data-testid="about-backend-line"]').count()) === 1, 'backend line after Refresh');
    await shot('about');
    await tid('about-close').click();
  });

  await reporter.check('a project without write permission opens read-only', async () => {
    // A second server that permissions restrict (nobody when this runs as root), its own project.
    const dirs = ['home', 'parent'].map((n) => mkdtempSync(join(tmpdir(), `liftwell-e2e-sysux-ro-${n}-`)));
    const [home, parent] = dirs;
    if (isRoot) for (const d of dirs) chownSync(d, NOBODY, NOBODY);
    let server;
    try {
      server = await startServer({ home, uid: isRoot ? NOBODY : undefined });
      const created = await apiCall(server.url, 'createProject', { parentDir: parent, name: 'locked' });
      assert(created.ok, `createProject: ${JSON.stringify(created.error)}`);
      const projectPath = created.result.path;
      const added = await apiCall(server.url, 'addSystem', { projectPath, name: 'dw', spec: { kind: 'double-well', a: 1 } });
      assert(added.ok, `addSystem before chmod: ${JSON.stringify(added.error)}`);
      // A tiny umbrella run, so there is a result to look at once the folder is read-only.
      const params = { cvIndex: 0, centers: { mode: 'range', min: -1.2, max: 1.2, count: 5 }, spring: 20, kT: 1, dt: 1e-3, stepsPerWindow: 2000, stride: 10, walkersPerWindow: 2, equilibrationSteps: 100, seed: 3 };
      const started = await apiCall(server.url, 'startUmbrellaRun', { projectPath, systemId: added.result.id, name: 'us', params });
      assert(started.ok, `startUmbrellaRun: ${JSON.stringify(started.error)}`);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const runs = await apiCall(server.url, 'listRuns', { projectPath });
        const status = runs.result?.find((r) => r.id === started.result.id)?.status;
        if (status === 'completed') break;
        assert(Date.now() < deadline && ['queued', 'running'].includes(status), `umbrella run ${status}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      // The whole folder read-only, as a copy of someone else's results would be.
      chmodTree(projectPath, 0o555, 0o444);
      try {
        const refused = await apiCall(server.url, 'addSystem', { projectPath, name: 'dw2', spec: { kind: 'double-well', a: 2 } });
        assert(!refused.ok && /^Read-only project: You have no write permission on /.test(refused.error.message), `addSystem after chmod: ${JSON.stringify(refused)}`);
        // Looking at results still works: the free energy is estimated without saving its copy.
        const fes = await apiCall(server.url, 'getFes', { projectPath, runId: started.result.id });
        assert(fes.ok && fes.result.pmf?.length > 0 && fes.result.pmf.some((v) => v !== null), `getFes on the read-only project: ${JSON.stringify(fes.error ?? Object.keys(fes.result ?? {}))}`);
        await openApp(page, server.url);
        await fill('project-open-path', projectPath);
        await tid('project-open').click();
        const banner = await tid('readonly-banner').innerText({ timeout: 10000 });
        assert(/^Read-only: you can look at results but not start runs\.\s+You have no write permission on /.test(banner), `banner: ${banner}`);
        await tid('nav-system').click();
        assert(await tid('system-add').isDisabled(), 'Add to project is enabled');
        await tid('system-delete').first().click();
        await page.locator('[data-testid="toast-warn"]', { hasText: 'Cannot delete: read-only project.' }).waitFor({ timeout: 5000 });
        assert((await tid('delete-dialog').count()) === 0 || !(await tid('delete-dialog').isVisible()), 'delete dialog opened on a read-only project');
        await tid('nav-umbrella').click();
        assert(await tid('us-start').isDisabled(), 'Start run is enabled');
        await tid('us-start-readonly').waitFor();
        await shot('read-only');
        // The other changing buttons too: adding a molecule, deleting from the tree and from the result page.
        await tid('nav-molecules').click();
        assert(await tid('mol-add-example').isDisabled(), 'Add alanine dipeptide is enabled');
        assert((await tid('mol-readonly').innerText()).startsWith('Read-only project: You have no write permission on '), 'the molecule import names the reason');
        assert(await tid('tree-delete').first().isDisabled(), 'the project tree delete button is enabled');
        await tid('tree-run').first().click();
        await tid('result-delete').waitFor({ timeout: 10000 });
        assert(await tid('result-delete').isDisabled(), 'Delete run… is enabled on the result page');
        assert((await tid('result-delete').getAttribute('title'))?.startsWith('Read-only project: '), 'Delete run… says why it is disabled');
      } finally {
        chmodTree(projectPath, 0o755, 0o644);
      }
    } finally {
      await page.goto('about:blank');
      await server?.stop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });

  await reporter.check('no page errors or console errors', async () => assertNoUnexpectedConsoleErrors(consoleErrors));
}, { cleanup: app.cleanup });
