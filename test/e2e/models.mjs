#!/usr/bin/env node
/**
 * End-to-end: conditional generative models in browser mode, from metadynamics frames to a
 * lifted scatter and the consistency report.
 *
 * Same harness as test/e2e/run.mjs and metad.mjs: `node out/node/server.mjs --port 0` with a
 * throw-away LIFTWELL_HOME, Debian's Chromium through playwright-core, screenshots in
 * test-results/e2e/models-*.png, last line "N passed, M failed".
 *
 * Journey: project -> fast/slow system (linear f: p(y | x) = N(x, s^2 kT) exactly) -> a short
 * metadynamics run on x through the wizard -> Models view: train a score model (25 epochs,
 * 32x32, x in [0.3, 0.5] held out) with live loss curves -> the model list (backend, provenance)
 * -> lift on a grid: scatter over the training frames; a condition outside the trained range
 * warns -> the consistency report against the exact law (mean +- s.d., W1, closure) -> exports.
 *
 * Needs out/renderer (npm run build:web) and out/node/server.mjs (npm run build:node).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CHROMIUM = process.env.LIFTWELL_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-results', 'e2e');
const SERVER = join(ROOT, 'out', 'node', 'server.mjs');
const T0 = Date.now();

/*
 * Fast/slow: V = (x^2 - 1)^2 + (y - x)^2 / (2 s^2), s = 0.5, epsilon = 0.1, kT = 1. Metadynamics
 * on x: sigma 0.2, w 0.2, gamma 4, pace 100, 16 walkers x 24 000 steps, a COLVAR row every 20
 * steps (19 200 frames; the API test uses the same run).
 */
const FS = { a: 1, s: 0.5, epsilon: 0.1, c: 1 };
const MD = { sigma: 0.2, height: 0.2, biasFactor: 4, pace: 100, steps: 24_000, walkers: 16, stride: 20, seed: 5 };
/*
 * Worst |generated mean - exact| (in exact s.d.) and |generated s.d. / exact - 1| over the report's
 * conditions (inside the trained range, including the held-out one). The API test measures
 * < 0.05 s.d. / < 8% at three conditions for this training; over 12 conditions with n = 500
 * samples each (sampling error of a mean 0.045 s.d., of a s.d. ~3%) and the data-poor edges,
 * 0.3 s.d. / 25% still fail a model that ignores x (errors of ~2 s.d. at the edges).
 */
const WORST_MEAN_SD = 0.3;
const WORST_SD_REL = 0.25;

let passed = 0;
let failed = 0;
const failures = [];

function log(msg) {
  process.stdout.write(`[e2e ${((Date.now() - T0) / 1000).toFixed(1).padStart(5)}s] ${msg}\n`);
}

async function check(name, fn) {
  try {
    await fn();
    passed++;
    log(`ok   ${name}`);
    return true;
  } catch (error) {
    failed++;
    failures.push(name);
    log(`FAIL ${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return false;
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

function finish(code) {
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exit(code ?? (failed ? 1 : 0));
}

// ---------------------------------------------------------------- preconditions

if (!existsSync(CHROMIUM)) {
  process.stderr.write(
    `e2e: Chromium not found at ${CHROMIUM}. Install Debian's chromium (sudo apt-get update && sudo apt-get install -y chromium)\n` +
      '     or point LIFTWELL_CHROMIUM at a Chromium/Chrome binary.\n',
  );
  process.stdout.write('0 passed, 1 failed\n');
  process.exit(1);
}
for (const need of [SERVER, join(ROOT, 'out', 'renderer', 'index.html')]) {
  if (!existsSync(need)) {
    process.stderr.write(`e2e: ${need} is missing; run \`npm run build:node && npm run build:web\` (npm run test:e2e does both).\n`);
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  }
}

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  process.stderr.write('e2e: playwright-core is not installed (npm ci).\n');
  process.stdout.write('0 passed, 1 failed\n');
  process.exit(1);
}

mkdirSync(join(SHOTS, 'exports'), { recursive: true });
const home = mkdtempSync(join(tmpdir(), 'liftwell-e2e-models-home-'));
const projectsParent = mkdtempSync(join(tmpdir(), 'liftwell-e2e-models-projects-'));

// ---------------------------------------------------------------- server

const server = spawn(process.execPath, [SERVER, '--port', '0'], {
  cwd: ROOT,
  env: { ...process.env, LIFTWELL_HOME: home },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let serverErr = '';
server.stderr.on('data', (d) => {
  serverErr += d.toString();
  if (serverErr.length > 20000) serverErr = serverErr.slice(-20000);
});

let browser = null;
const cleanup = async () => {
  try {
    await browser?.close();
  } catch {
    /* already gone */
  }
  if (server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => {
      const t = setTimeout(() => {
        server.kill('SIGKILL');
        r();
      }, 5000);
      server.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
  }
  rmSync(home, { recursive: true, force: true });
  rmSync(projectsParent, { recursive: true, force: true });
};
const hardTimeout = setTimeout(async () => {
  log('FAIL the whole run exceeded 120 s');
  failed++;
  await cleanup();
  finish(1);
}, 120_000);

const url = await new Promise((resolvePromise, reject) => {
  const rl = createInterface({ input: server.stdout });
  const t = setTimeout(() => reject(new Error(`server printed no URL within 20 s. stderr:\n${serverErr}`)), 20_000);
  rl.on('line', (line) => {
    const m = /^Liftwell is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9A-Za-z_-]+)\s*$/.exec(line);
    if (m) {
      clearTimeout(t);
      resolvePromise(m[1]);
    }
  });
  server.once('exit', (code) => reject(new Error(`server exited (${code}) before printing its URL. stderr:\n${serverErr}`)));
}).catch(async (error) => {
  log(`FAIL start server: ${error.message}`);
  failed++;
  await cleanup();
  finish(1);
});
log(`server at ${url.replace(/token=.*/, 'token=…')}`);
const base = url.replace(/\?token=.*/, '');

// ---------------------------------------------------------------- browser

browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1, acceptDownloads: true });
const page = await context.newPage();
page.setDefaultTimeout(10_000);
const consoleErrors = [];
page.on('console', (m) => {
  if (m.type() === 'error') consoleErrors.push(m.text());
});
page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));

const shot = async (name) => {
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
};
const tid = (id) => page.getByTestId(id);

async function fill(testid, value) {
  const el = tid(testid);
  await el.fill(String(value));
}



try {
  await check('app connects', async () => {
    await page.goto(url);
    await page.locator('[data-testid="connection"][data-status="open"]').waitFor({ timeout: 10000 });
    await tid('app-version').waitFor({ timeout: 10000 });
  });

  await check('create a project and add the fast/slow system (linear f)', async () => {
    await fill('project-parent', projectsParent);
    await fill('project-name', 'e2e models');
    await tid('project-create').click();
    await page.locator('[data-testid="header-project"]', { hasText: 'e2e models' }).waitFor({ timeout: 10000 });
    await tid('nav-system').click();
    await tid('system-kind-fast-slow').click();
    await fill('param-a', FS.a);
    await fill('param-s', FS.s);
    await fill('param-epsilon', FS.epsilon);
    await tid('param-f').selectOption('linear');
    await fill('param-c', FS.c);
    await tid('system-add').click();
    await tid('systems-table').locator('tbody tr').first().waitFor({ timeout: 10000 });
  });

  await check('the Models view explains that training needs a metadynamics run', async () => {
    await tid('nav-models').click();
    await tid('train-no-runs').waitFor({ timeout: 5000 });
    assert(/umbrella/i.test(await tid('train-no-runs').innerText()), 'mentions that umbrella runs cannot be used yet');
  });

  await check('a short metadynamics run on x through the wizard', async () => {
    await tid('nav-metad').click();
    await tid('md-setup').waitFor();
    await fill('md-sigma-0', MD.sigma);
    await fill('md-height', MD.height);
    await fill('md-biasf', MD.biasFactor);
    await fill('md-pace', MD.pace);
    await fill('md-steps', MD.steps);
    await fill('md-walkers', MD.walkers);
    await fill('md-colvar-stride', MD.stride);
    await fill('md-seed', MD.seed);
    await tid('md-start').click();
    await page.locator('[data-testid="md-fes-plot"] svg').first().waitFor({ timeout: 30_000 });
  });

  await check('train a score model: live loss curves, then a ready model with its backend', async () => {
    await tid('nav-models').click();
    await tid('train-form').waitFor();
    assert((await tid('train-source').count()) === 1, 'one completed metad run offered');
    assert(await tid('train-source').isChecked(), 'the run is picked by default');
    await fill('train-epochs', 25);
    await fill('train-seed', 1);
    await fill('train-name', 'score y|x');
    await tid('train-advanced').click();
    await fill('train-hidden', '32,32');
    await fill('train-hold-lo', 0.3);
    await fill('train-hold-hi', 0.5);
    await shot('models-01-train-form');
    await tid('train-start').click();
    await page.locator('[data-testid="train-live"] [data-testid="loss-plot"] svg').first().waitFor({ timeout: 20_000 });
    await page
      .waitForFunction(() => {
        const el = document.querySelector('[data-testid="train-live"][data-status="running"]');
        return el && Number(el.getAttribute('data-epochs-seen')) >= 5;
      }, null, { timeout: 8000, polling: 100 })
      .catch(() => {});
    await shot('models-02-training-live');
    await page.locator('[data-testid="model-row"][data-status="ready"]').waitFor({ timeout: 60_000 });
    const backend = (await tid('model-backend').innerText()).trim();
    log(`     backend ${backend}`);
    assert(/^(wasm|cpu|node|node-gpu)$/.test(backend), `backend shown: ${backend}`);
    assert((await tid('train-live').getAttribute('data-epochs-seen')) === '25', 'all 25 epochs on the loss curve');
    assert(/fast-slow/.test(await tid('model-provenance').innerText()), 'provenance names the system');
  });

  await check('lift on a grid: generated samples drawn over the training frames', async () => {
    await tid('lift-panel').waitFor();
    await fill('lift-n', 300);
    await tid('lift-run').click();
    await page.locator('[data-testid="lift-scatter"][data-generated="2700"] svg').first().waitFor({ timeout: 30_000 });
    assert((await tid('lift-warnings').count()) === 0, 'no warning inside the trained range');
    await tid('lift-scatter').scrollIntoViewIfNeeded();
    await shot('models-03-lift-scatter');
  });

  await check('a condition outside the trained range warns', async () => {
    await tid('lift-mode').selectOption('one');
    await fill('lift-cond', 3.5);
    await tid('lift-run').click();
    await page.locator('[data-testid="lift-warnings"]', { hasText: /outside the trained range/ }).waitFor({ timeout: 20_000 });
    await tid('lift-mode').selectOption('grid');
    await tid('lift-run').click();
    await page.locator('[data-testid="lift-scatter"][data-generated="2700"]').waitFor({ timeout: 30_000 });
  });

  await check(`consistency report: worst mean error < ${WORST_MEAN_SD} s.d., s.d. error < ${100 * WORST_SD_REL}%`, async () => {
    await tid('report-run').click();
    await tid('report-summary').waitFor({ timeout: 60_000 });
    for (const id of ['report-meansd', 'report-w1', 'report-closure']) await page.locator(`[data-testid="${id}"] svg`).first().waitFor({ timeout: 10000 });
    const s = tid('report-summary');
    const mean = Number(await s.getAttribute('data-worst-mean'));
    const sd = Number(await s.getAttribute('data-worst-sd'));
    log(`     ${await s.getAttribute('data-rows')} conditions: worst mean error ${mean.toFixed(3)} s.d., worst s.d. error ${(100 * sd).toFixed(1)}%`);
    assert(mean < WORST_MEAN_SD, `mean error ${mean}`);
    assert(sd < WORST_SD_REL, `s.d. error ${sd}`);
    assert(/held out/.test(await tid('report-table').innerText()), 'a held-out condition in the table');
    await tid('report-panel').scrollIntoViewIfNeeded();
    await page.setViewportSize({ width: 1400, height: 2400 });
    await shot('models-04-report');
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  await check('exports: report CSV and scatter PNG', async () => {
    const grab = async (testid) => {
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), tid(testid).click()]);
      const path = join(SHOTS, 'exports', `models-${download.suggestedFilename()}`);
      await download.saveAs(path);
      return readFileSync(path);
    };
    const csv = (await grab('report-meansd-csv')).toString('utf8');
    assert(csv.startsWith('cond,held_out,target,'), `CSV header ${csv.split('\n')[0]}`);
    const png = await grab('lift-scatter-png');
    assert(png.subarray(1, 4).toString('latin1') === 'PNG', 'PNG signature');
  });

  await check('no uncaught errors in the page', async () => {
    const real = consoleErrors.filter((m) => !/401|Unauthorized|WebSocket connection to .* failed/i.test(m));
    assert(real.length === 0, real.slice(0, 3).join(' | '));
  });
} catch (error) {
  failed++;
  log(`FAIL unexpected: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  clearTimeout(hardTimeout);
  await cleanup();
  if (failed) log(`failed: ${failures.join('; ')}`);
  log(`screenshots in ${SHOTS}`);
  finish();
}
