#!/usr/bin/env node
/**
 * End-to-end: a 1D umbrella-sampling study from click to free-energy plot (WHAM, then MBAR with
 * bootstrap errors and basins), a non-overlapping study's warning, and a 2D umbrella grid on
 * Muller-Brown with its heatmap, in browser mode.
 *
 * Starts `node out/node/server.mjs --port 0` with a throw-away LIFTWELL_HOME, drives Debian's
 * Chromium (/usr/bin/chromium) through playwright-core, and checks the WHAM profile against the
 * exact double-well profile. Screenshots go to test-results/e2e/*.png. Prints "N passed, M failed".
 *
 * Needs: out/renderer (npm run build:web) and out/node/server.mjs (npm run build:node);
 * `npm run test:e2e` builds both first.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, assert, assertNoUnexpectedConsoleErrors, createReporter, screenshotter, startAppSession, testIdHelpers, openApp } from './harness.mjs';

const SHOTS = join(ROOT, 'test-results', 'e2e');

/*
 * The study. Double well V = a (x^2 - 1)^2 with a = 2 (barrier 2 kT at kT = 1). 13 windows on
 * [-1.6, 1.6] (spacing 0.267) with k = 50 (window sd ~ sqrt(kT / k) = 0.14 on a flat potential,
 * so neighbours overlap well), 8 walkers x 300000 steps of dt = 1e-3 per window, stride 10,
 * 2000 equilibration steps: ~3.1e7 walker-steps (a few seconds on one worker at ~1e7 steps/s;
 * long enough to watch progress), ~2.4e5 CV samples per window.
 */
const STUDY = { a: 2, min: -1.6, max: 1.6, count: 13, spring: 50, kT: 1, dt: 1e-3, steps: 300000, stride: 10, walkers: 8, equil: 2000, seed: 12345 };
/*
 * Tolerance on max |F - F_exact| over well-sampled bins (between the outermost window centres,
 * and >= 1% of the fullest bin's samples), after removing the best constant offset (free
 * energies are defined up to one).
 * Why 0.3 kT: each window keeps ~2.4e5 CV samples; with the relaxation time in a k = 50 window
 * (~1 / (k + V'') ~ 0.01-0.02 time units = 10-20 steps, i.e. ~1-2 strides) there are ~1e5
 * independent samples per window, so a bin holding ~1% of the peak count (~100 independent
 * samples) has a relative count error ~ 10%, i.e. ~0.1 kT, while bins inside the window range
 * are covered by two or more windows and far better determined (~0.05 kT). WHAM
 * pools neighbouring windows, and Euler-Maruyama's O(dt) bias at dt * (k + V'') <= 0.1 shifts the
 * sampled density by a few percent (< 0.05 kT). Max over ~100 bins of a few-sigma error
 * stays under ~0.2 kT; 0.3 kT leaves margin yet fails any real error (a wrong sign in the bias,
 * a mis-weighted window or a kT mistake gives errors of order 1 kT on this 2 kT barrier).
 */
const TOLERANCE_KT = 0.3;
/**
 * Bootstrap replicates of the MBAR step. Few, because each replicate is a full MBAR solve on the
 * study's ~1e6 decorrelated samples (~2-3 s here); enough to draw the band, not to trust its width.
 */
const BOOTSTRAP = 3;
/*
 * The 2D study: Muller-Brown at scale 0.1 (minima -14.7, -10.8, -8.1 kT at kT = 1), a 6 x 6 grid
 * of windows, spring 20 per axis, dt = 3e-4 (dt * curvature < 0.1), 8 walkers x 48000 steps:
 * ~1.4e7 walker-steps, a few seconds. (Half of that leaves the barrier windows with < 10
 * independent samples and basin free energies 2 kT off; the view then warns about it.)
 */
const MB = { scale: 0.1, x: [-1.3, 1.1, 6], y: [-0.2, 1.8, 6], spring: 20, dt: '3e-4', steps: 48000, stride: 40, walkers: 8, equil: 2000 };

const reporter = createReporter('e2e');
const { log, check } = reporter;

const app = await startAppSession(reporter, {
  tmpPrefix: 'liftwell-e2e-',
  extraDirs: ['projects'],
  hardTimeoutMs: 150_000,
  chromium: { viewport: { width: 1400, height: 900 }, acceptDownloads: true },
});
const { url, base, page, consoleErrors } = app;
const projectsParent = app.dirs.projects;
mkdirSync(join(SHOTS, 'exports'), { recursive: true });
const shot = screenshotter(page, SHOTS);
const { tid, fill } = testIdHelpers(page);

await reporter.runChecks(async () => {
  await check('page without token shows the token error', async () => {
    await page.goto(base);
    const banner = tid('token-banner');
    await banner.waitFor({ state: 'visible', timeout: 5000 });
    assert((await banner.getAttribute('data-reason')) === 'no-token', 'banner should name the missing token');
    assert(/token/i.test(await banner.innerText()), 'banner text mentions the token');
    await shot('00-no-token');
  });

  await check('page with a wrong token says it was refused', async () => {
    await page.goto(`${base}?token=not-the-token`);
    const banner = tid('token-banner');
    await banner.waitFor({ state: 'visible', timeout: 8000 });
    assert((await banner.getAttribute('data-reason')) === 'unauthorized', 'banner should say the token was refused');
    await shot('01-bad-token');
  });

  await check('app connects and loads app info', async () => {
    await openApp(page, url);
    await tid('app-version').waitFor({ timeout: 10000 });
    assert((await tid('token-banner').count()) === 0, 'no token banner with the right token');
    const parent = await tid('project-parent').inputValue();
    assert(parent.length > 0, 'parent folder is prefilled from AppInfo.defaultProjectsDir');
    await shot('02-projects');
  });

  await check('create a project', async () => {
    await fill('project-parent', projectsParent);
    await fill('project-name', 'e2e double well');
    await tid('project-create').click();
    await page.locator('[data-testid="header-project"]', { hasText: 'e2e double well' }).waitFor({ timeout: 10000 });
    assert(existsSync(join(projectsParent, 'e2e double well.liftwell', 'project.json')) || existsSync(projectsParent), 'project folder exists');
  });

  await check('system parameters are validated inline', async () => {
    await tid('nav-system').click();
    await tid('system-kind-double-well').click();
    await fill('param-a', '-1');
    await tid('param-a-error').filter({ hasText: /./ }).waitFor({ timeout: 3000 });
    assert(await tid('system-add').isDisabled(), 'Add is disabled while a parameter is invalid');
    await shot('03-system-invalid');
  });

  await check('add the double-well system (a = 2)', async () => {
    await fill('param-a', STUDY.a);
    await tid('system-add').click();
    await tid('systems-table').locator('tbody tr').first().waitFor({ timeout: 10000 });
    await shot('04-system-added');
  });

  await check('umbrella wizard shows a live cost estimate', async () => {
    await tid('nav-umbrella').click();
    await tid('us-mode-range').click();
    await fill('us-min', STUDY.min);
    await fill('us-max', STUDY.max);
    await fill('us-count', STUDY.count);
    await fill('us-spring', STUDY.spring);
    await fill('us-kT', STUDY.kT);
    await fill('us-dt', '1e-3');
    await fill('us-steps', STUDY.steps);
    await fill('us-stride', STUDY.stride);
    await fill('us-walkers', STUDY.walkers);
    await fill('us-equil', STUDY.equil);
    await fill('us-seed', STUDY.seed);
    await page.locator('[data-testid="est-windows"]', { hasText: String(STUDY.count) }).waitFor({ timeout: 10000 });
    await shot('05-umbrella-wizard');
  });

  let runId = null;
  await check('start the run; it completes in Jobs with live progress', async () => {
    await tid('us-start').click();
    const row = tid('run-row').first();
    await row.waitFor({ timeout: 10000 });
    runId = await row.getAttribute('data-run-id');
    // Catch it mid-flight for a screenshot when we can (it may already be done).
    try {
      await page.locator('[data-testid="run-row"][data-status="running"]').waitFor({ timeout: 4000 });
      await page.waitForFunction(
        () => {
          const row = document.querySelector('[data-testid="run-row"]');
          return row?.getAttribute('data-status') === 'running' && /\b[1-9]\d?%/.test(row.textContent ?? '');
        },
        null,
        { timeout: 3000, polling: 50 },
      );
      await shot('06-jobs-running');
    } catch {
      /* finished before we looked */
    }
    await page.locator(`[data-testid="run-row"][data-run-id="${runId}"][data-status="completed"]`).waitFor({ timeout: 90_000 });
    await shot('07-jobs-completed');
  });

  let pmf = null;
  await check('free-energy view plots the WHAM profile with the exact overlay', async () => {
    await tid('run-open-fes').first().click();
    const fig = page.locator('[data-testid="pmf-plot"][data-pmf]');
    await fig.waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="pmf-plot"] svg').first().waitFor({ timeout: 10000 });
    for (const id of ['windows-plot', 'hist-plot', 'overlap-plot', 'adjacent-plot']) {
      await page.locator(`[data-testid="${id}"] svg`).first().waitFor({ timeout: 10000 });
    }
    pmf = JSON.parse(await fig.getAttribute('data-pmf'));
    // A tall viewport so the screenshot holds every figure (the app scrolls inside <main>).
    await page.setViewportSize({ width: 1400, height: 2000 });
    assert(Array.isArray(pmf.centers) && pmf.centers.length >= 20, 'PMF has bins');
    assert(Array.isArray(pmf.exact), 'exact profile is present for the double well');
    const iters = await tid('fes-iterations').innerText();
    assert(Number(iters) > 0, `WHAM iterations shown (${iters})`);
    await shot('08-free-energy');
  });

  await check(`PMF within ${TOLERANCE_KT} kT of the exact profile on well-sampled bins`, async () => {
    assert(pmf, 'no PMF data');
    const maxCount = Math.max(...pmf.samples);
    const idx = pmf.centers
      .map((_, b) => b)
      .filter(
        (b) =>
          pmf.centers[b] >= STUDY.min &&
          pmf.centers[b] <= STUDY.max &&
          pmf.pmf[b] !== null &&
          pmf.exact[b] !== null &&
          pmf.samples[b] >= 0.01 * maxCount,
      );
    assert(idx.length >= 20, `enough well-sampled bins (${idx.length})`);
    const diffs = idx.map((b) => pmf.pmf[b] - pmf.exact[b]);
    const offset = diffs.reduce((s, d) => s + d, 0) / diffs.length;
    const maxDev = Math.max(...diffs.map((d) => Math.abs(d - offset)));
    const span = [pmf.centers[idx[0]], pmf.centers[idx[idx.length - 1]]];
    log(`     ${idx.length} bins on [${span[0].toFixed(2)}, ${span[1].toFixed(2)}], max |F - F_exact| = ${maxDev.toFixed(3)} kT`);
    assert(maxDev < TOLERANCE_KT, `max deviation ${maxDev.toFixed(3)} kT >= ${TOLERANCE_KT} kT`);
    // The barrier itself (F(0) - F(+-1) = a = 2 kT) must come out right, not just the shape.
    const near = (x) => idx.reduce((best, b) => (Math.abs(pmf.centers[b] - x) < Math.abs(pmf.centers[best] - x) ? b : best), idx[0]);
    const barrier = pmf.pmf[near(0)] - (pmf.pmf[near(-1)] + pmf.pmf[near(1)]) / 2;
    log(`     barrier F(0) - F(±1) = ${barrier.toFixed(3)} kT (exact ${STUDY.a})`);
    assert(Math.abs(barrier - STUDY.a) < TOLERANCE_KT, `barrier ${barrier.toFixed(3)} kT vs exact ${STUDY.a}`);
  });

  await check('bins control recomputes the profile', async () => {
    await fill('fes-bins', 60);
    await page.waitForFunction(
      () => {
        const el = document.querySelector('[data-testid="pmf-plot"][data-pmf]');
        return el && JSON.parse(el.getAttribute('data-pmf')).centers.length === 60;
      },
      null,
      { timeout: 15000 },
    );
    await shot('09-free-energy-60-bins');
  });

  await check('exports: CSV, SVG and PNG downloads', async () => {
    const grab = async (testid) => {
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), tid(testid).click()]);
      const name = download.suggestedFilename();
      const path = join(SHOTS, 'exports', name);
      await download.saveAs(path);
      return { name, bytes: readFileSync(path) };
    };
    const csv = await grab('pmf-plot-csv');
    const text = csv.bytes.toString('utf8');
    assert(csv.name.endsWith('.csv'), `CSV name ${csv.name}`);
    assert(text.startsWith('bin_centre,pmf_kT,exact_kT'), `CSV header: ${text.slice(0, 40)}`);
    assert(text.trim().split('\n').length === 61, 'CSV has one row per bin');
    const svg = await grab('pmf-plot-svg');
    const svgText = svg.bytes.toString('utf8');
    assert(svgText.includes('<svg') && svgText.includes('xmlns="http://www.w3.org/2000/svg"'), 'standalone SVG');
    assert(/stroke-dasharray:\s*6(px)?,?\s*4/.test(svgText) || svgText.includes('stroke-dasharray="6,4"'), 'dashed exact curve in SVG');
    const png = await grab('pmf-plot-png');
    assert(png.bytes.subarray(1, 4).toString('latin1') === 'PNG', 'PNG signature');
    const width = png.bytes.readUInt32BE(16);
    assert(width >= 1000, `PNG is drawn at 2x (width ${width})`);
  });

  await check('MBAR + bootstrap (subsampled) on the 1D study: error band, window error bars, basins', async () => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await tid('fes-subsample').check();
    await tid('fes-estimator').selectOption('mbar');
    await fill('fes-bootstrap', BOOTSTRAP);
    // While MBAR + bootstrap run (seconds), the previous WHAM numbers stay on screen greyed out
    // and marked stale, and a progress bar shows the phase and the measured time left.
    await page.locator('[data-testid="fes-result"][data-stale="true"]').waitFor({ timeout: 10_000 });
    await tid('fes-stale').waitFor({ timeout: 5000 });
    await page.locator('[data-testid="fes-progress"][data-fraction]:not([data-fraction=""])').waitFor({ timeout: 30_000 });
    log(`     while computing: ${(await tid('fes-progress').innerText()).replace(/\s+/g, ' ')}`);
    await shot('10a-free-energy-computing-stale');
    await page.waitForFunction(
      () => {
        const el = document.querySelector('[data-testid="pmf-plot"][data-pmf]');
        if (!el) return false;
        const d = JSON.parse(el.getAttribute('data-pmf'));
        return d.estimator === 'mbar' && Array.isArray(d.error) && d.error.some((e) => e !== null && e > 0);
      },
      null,
      { timeout: 60_000, polling: 200 },
    );
    const d = JSON.parse(await tid('pmf-plot').getAttribute('data-pmf'));
    assert((await page.locator('[data-testid="pmf-plot"] [aria-description="error band"]').count()) >= 1, 'error band drawn');
    assert(/bootstrap \(\d+ replicates/.test(await tid('fes-error-method').innerText()), 'error method names the bootstrap');
    assert(d.basins.length === 2, `two basins of the double well (${d.basins.length})`);
    // The two wells are symmetric: their free-energy difference is 0 (same tolerance as the PMF;
    // three replicates give an error bar too rough to test against).
    const [b0, b1] = d.basins;
    const diff = Math.abs(b1.freeEnergy - b0.freeEnergy);
    const err = Math.max(b0.error ?? 0, b1.error ?? 0);
    log(`     basins ΔF = ${diff.toFixed(3)} ± ${err.toFixed(3)} kT (exact 0)`);
    assert(err > 0 && diff < TOLERANCE_KT, `basin ΔF ${diff.toFixed(3)} ± ${err.toFixed(3)} kT`);
    await tid('basins-table').waitFor();
    await page.locator('[data-testid="ineff-plot"] svg').first().waitFor();
    await shot.tall('10-free-energy-mbar-bootstrap', 2300);
    // Back to the defaults for the next study.
    await fill('fes-bootstrap', 0);
    await tid('fes-estimator').selectOption('wham');
    await tid('fes-subsample').uncheck();
  });

  await check('regions drawn on the 1D profile by mouse: ΔF between the two wells is 0 within tolerance', async () => {
    const t0 = Date.now();
    // Let the previous step's switch back to WHAM finish: a re-rendered figure would drop a drag.
    await page.waitForFunction(
      () => {
        const el = document.querySelector('[data-testid="pmf-plot"][data-pmf]');
        const busy = /Computing/.test(document.querySelector('[data-testid="fes-timing"]')?.textContent ?? '');
        return !busy && el && JSON.parse(el.getAttribute('data-pmf')).estimator === 'wham';
      },
      null,
      { timeout: 30_000, polling: 100 },
    );
    const svg = page.locator('[data-testid="pmf-plot"] svg[data-region-drawing]').first();
    await svg.scrollIntoViewIfNeeded();
    if ((await tid('fes-regions-row').count()) > 0) {
      await tid('fes-regions-clear').click();
      await tid('fes-regions-clear-confirm').click();
    }
    // Data -> client pixels with the figure's own x scale (the same mapping the app inverts).
    const at = (xs) =>
      svg.evaluate((el, xs) => {
        const s = el.scale('x');
        const y = el.scale('y');
        const box = el.getBoundingClientRect();
        const k = box.width / Number(el.getAttribute('width'));
        const py = box.top + ((y.range[0] + y.range[1]) / 2) * k;
        return xs.map((x) => [box.left + (s.range[0] + ((x - s.domain[0]) / (s.domain[1] - s.domain[0])) * (s.range[1] - s.range[0])) * k, py]);
      }, xs);
    // The two wells of V = a (x^2 - 1)^2, mirror images: [-1.5, -0.3] and [0.3, 1.5].
    for (const [from, to] of [[-1.5, -0.3], [1.5, 0.3]]) {
      const [[x0, y0], [x1, y1]] = await at([from, to]);
      await page.mouse.move(x0, y0);
      await page.mouse.down();
      await page.mouse.move((x0 + x1) / 2, y0, { steps: 4 });
      await page.mouse.move(x1, y1, { steps: 4 });
      await page.mouse.up();
    }
    await page.locator('[data-testid="fes-regions"][data-count="2"]').waitFor({ timeout: 5000 });
    assert((await page.locator('[data-testid="pmf-plot"] svg rect[data-region]').count()) === 2, 'both regions drawn inside the figure SVG');
    // Computed with the view's settings: WHAM with a bootstrap on decorrelated samples (a few
    // WHAM solves, ~0.1 s each; an MBAR solve on this study takes several seconds).
    await tid('fes-subsample').check();
    await fill('fes-bootstrap', BOOTSTRAP);
    await tid('fes-regions-compute').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="fes-regions"]')?.getAttribute('data-result'), null, { timeout: 30_000, polling: 100 });
    const res = JSON.parse(await tid('fes-regions').getAttribute('data-result'));
    assert(res.source === 'umbrella-wham' && res.regions.length === 2, `WHAM result for two regions (${res.source})`);
    assert(/bootstrap \(3 replicates/.test(res.errorMethod), `errors by bootstrap: ${res.errorMethod}`);
    const [A, B] = res.regions;
    log(`     regions: P(A) = ${A.probability.toFixed(3)}, P(B) = ${B.probability.toFixed(3)}, ΔF(B - A) = ${B.freeEnergy.toFixed(3)} ± ${B.error?.toFixed(3)} kT (exact 0; errors: ${res.errorMethod})`);
    // Tolerance as for the basins above (0.3 kT): the two mirror-image regions hold ~1e5
    // independent samples between them, so the statistical error of ΔF is a few 0.01 kT; WHAM
    // counts a bin when its centre is inside (bins of 0.04: the ends move by < 0.02, where the
    // density is low: < 0.02 kT); the ends are dragged to within a pixel (~0.003 in x). A wrong
    // pixel->data mapping (a reversed or shifted axis) makes the regions unequal, ΔF ~ 1 kT.
    assert(Math.abs(B.freeEnergy) < TOLERANCE_KT, `ΔF ${B.freeEnergy.toFixed(3)} kT`);
    assert(B.error !== null && B.error > 0, 'the bootstrap gives an error bar');
    assert(A.probability > 0.3 && B.probability > 0.3, 'each well holds a large share of the probability');
    // Drawn bounds: what was dragged, to a pixel.
    const bounds = await tid('fes-regions-bound').evaluateAll((els) => els.map((e) => Number(e.value)));
    assert(Math.abs(bounds[0] + 1.5) < 0.02 && Math.abs(bounds[3] - 1.5) < 0.02, `dragged bounds ${bounds.join(', ')}`);
    await page.locator('[data-testid="pmf-plot"] text', { hasText: /ΔF -?\d/ }).first().waitFor({ timeout: 5000 });
    // Exports carry the regions: they are marks of the figure's own SVG.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), tid('pmf-plot-svg').click()]);
    const svgPath = join(SHOTS, 'exports', `regions-${download.suggestedFilename()}`);
    await download.saveAs(svgPath);
    const exported = readFileSync(svgPath, 'utf8');
    assert((exported.match(/data-region="/g) ?? []).length === 2 && exported.includes('>ΔF '), 'exported SVG shows both regions and the ΔF label');
    await tid('pmf-plot').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot('10b-free-energy-regions');
    await fill('fes-bootstrap', 0);
    await tid('fes-subsample').uncheck();
    log(`     regions step took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  await check('a study with non-overlapping windows is flagged prominently', async () => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await tid('nav-umbrella').click();
    await fill('us-count', 3);
    await fill('us-spring', 400);
    await fill('us-steps', 20000);
    await page.locator('[data-testid="est-windows"]', { hasText: '3' }).waitFor();
    await tid('us-start').click();
    await page.locator('[data-testid="run-row"]').nth(1).waitFor();
    await page.locator('[data-testid="run-row"]').first().and(page.locator('[data-status="completed"]')).waitFor({ timeout: 60_000 });
    await tid('run-open-fes').first().click();
    const warn = tid('fes-warnings');
    await warn.waitFor({ timeout: 30_000 });
    const text = await warn.innerText();
    assert(/overlap/i.test(text), `warning mentions overlap: ${text.slice(0, 120)}`);
    await shot('11-free-energy-warnings');
  });

  await check('2D umbrella grid on Muller-Brown: heatmap with basins next to the exact surface', async () => {
    await tid('nav-system').click();
    await tid('system-kind-muller-brown').click();
    await fill('param-scale', MB.scale);
    await tid('system-add').click();
    await tid('systems-table').locator('tbody tr').nth(1).waitFor({ timeout: 10000 });
    await tid('nav-umbrella').click();
    const options = await tid('us-system').locator('option').allTextContents();
    await tid('us-system').selectOption({ index: options.length - 1 });
    await tid('us-cv').selectOption('grid');
    await tid('us-grid2').waitFor();
    await fill('us-min', MB.x[0]);
    await fill('us-max', MB.x[1]);
    await fill('us-count', MB.x[2]);
    await fill('us-min2', MB.y[0]);
    await fill('us-max2', MB.y[1]);
    await fill('us-count2', MB.y[2]);
    await fill('us-spring', MB.spring);
    await fill('us-dt', MB.dt);
    await fill('us-steps', MB.steps);
    await fill('us-stride', MB.stride);
    await fill('us-walkers', MB.walkers);
    await fill('us-equil', MB.equil);
    await page.locator('[data-testid="est-windows"]', { hasText: String(MB.x[2] * MB.y[2]) }).waitFor({ timeout: 10000 });
    await shot('12-umbrella-wizard-2d');
    await tid('us-start').click();
    await page.locator('[data-testid="run-row"]').nth(2).waitFor();
    await page.locator('[data-testid="run-row"]').first().and(page.locator('[data-status="completed"]')).waitFor({ timeout: 60_000 });
    await tid('run-open-fes').first().click();
    // Decorrelate: the barrier windows are slow (g up to ~100), and counting their correlated
    // samples at face value biases the basins by ~2 kT at this length (see the warning).
    await tid('fes-subsample').check();
    const surf = page.locator('[data-testid="surface-plots"][data-surface]');
    await surf.waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="surface-plot"] svg').first().waitFor({ timeout: 10000 });
    await page.locator('[data-testid="exact-surface-plot"] svg').first().waitFor({ timeout: 10000 });
    const info = JSON.parse(await surf.getAttribute('data-surface'));
    assert(info.hasExact, 'exact surface present');
    const near = (x, y) => info.basins.find((b) => Math.hypot(b.minimum[0] - x, b.minimum[1] - y) < 0.3);
    assert(near(-0.558, 1.442) && near(0.623, 0.028), `basins A and B found: ${JSON.stringify(info.basins.map((b) => b.minimum))}`);
    await page.waitForFunction(() => document.querySelector('[data-testid="fes-kept"]') !== null, null, { timeout: 30_000 });
    const info2 = JSON.parse(await surf.getAttribute('data-surface'));
    info.basins = info2.basins;
    for (const b of info.basins) log(`     basin at (${b.minimum.map((v) => v.toFixed(2)).join(', ')}): F = ${b.freeEnergy.toFixed(2)} (exact ${b.exactFreeEnergy?.toFixed(2)})`);
    const csv = await (async () => {
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), tid('surface-plot-csv').click()]);
      const path = join(SHOTS, 'exports', download.suggestedFilename());
      await download.saveAs(path);
      return readFileSync(path, 'utf8');
    })();
    assert(csv.startsWith('x,y,pmf_kT,error_kT,basin'), `2D CSV header: ${csv.slice(0, 40)}`);
    await shot.tall('13-free-energy-2d', 2600);
  });

  await check('no uncaught errors in the page', async () => {
    assertNoUnexpectedConsoleErrors(consoleErrors);
  });
}, { cleanup: app.cleanup, after: () => log(`screenshots in ${SHOTS}`) });
