#!/usr/bin/env node
/**
 * End-to-end: exploring free-energy figures (PlotFigure's zoom / pan / hover / keyboard layer),
 * in browser mode. A small metadynamics run on the double well V = a (x^2 - 1)^2, a = 3, then on
 * its FES profile: hover reads F near the exact value, a dragged box zooms and Reset restores the
 * domain, the wheel zooms a focused plot and key 0 resets it, the keyboard cross-hair moves one
 * bin per arrow (10 with Shift), stops at the end of the (non-periodic) axis, and Enter picks,
 * announced in the aria-live read-out. Then a short Muller-Brown run: the same on a 2D surface.
 *
 * Harness: test/e2e/harness.mjs. Screenshots: test-results/e2e/plots-*.png.
 * Needs out/renderer (npm run build:web) and out/node/server.mjs (npm run build:node).
 */
import { join } from 'node:path';
import { ROOT, assert, assertNoUnexpectedConsoleErrors, createReporter, screenshotter, startAppSession, testIdHelpers, openApp } from './harness.mjs';

const SHOTS = join(ROOT, 'test-results', 'e2e');
/* The double well of test/e2e/metad.mjs (barrier 3 kT at kT = 1), 4x fewer steps: ~1 s of run. */
const DW = { a: 3, steps: 400_000, walkers: 16, seed: 7 };
/*
 * Hover at the well bottom x = -1: F read out vs exact F + the best constant. metad.mjs bounds
 * the RMS over F_exact < 4 kT by 0.2 kT for a run 4x longer; at the best-sampled node of a
 * shorter run 0.5 kT is ~2.5x that bound, while a unit slip (kJ/mol read as kT: 2.5x) or the
 * read-out of a wrong bin (F changes by ~0.6 kT per bin 0.2 away from the bottom) fails it.
 */
const HOVER_TOL_KT = 0.5;

const reporter = createReporter('e2e');
const { log, check } = reporter;
const app = await startAppSession(reporter, {
  tmpPrefix: 'liftwell-e2e-plots-',
  extraDirs: ['projects'],
  hardTimeoutMs: 90_000,
  chromium: { viewport: { width: 1400, height: 900 } },
});
const { url, page, consoleErrors } = app;
const shot = screenshotter(page, SHOTS, 'plots-');
const { tid, fill } = testIdHelpers(page);

/** Client pixel of data point (x, y) on figure `testid`, through the rendered Plot figure's own scales. */
async function clientPoint(testid, x, y) {
  return page.evaluate(
    ({ testid, x, y }) => {
      const fig = document.querySelector(`[data-testid="${testid}"] .canvas > div > *`);
      // Plot returns its <svg>, or a <figure> with legend swatches and the chart: the largest <svg>.
      const svgs = fig.tagName.toLowerCase() === 'svg' ? [fig] : [...fig.querySelectorAll('svg')];
      const area = (e) => Number(e.getAttribute('width')) * Number(e.getAttribute('height'));
      const main = svgs.reduce((a, b) => (area(b) > area(a) ? b : a));
      const r = main.getBoundingClientRect();
      const k = r.width / Number(main.getAttribute('width'));
      return { x: r.left + fig.scale('x').apply(x) * k, y: r.top + fig.scale('y').apply(y) * k };
    },
    { testid, x, y },
  );
}

const attr = async (testid, name) => tid(testid).getAttribute(name);
const json = async (testid, name) => JSON.parse(await attr(testid, name));
/** "x = -1, F = 0.123 kT" -> numbers after "name = " in the read-out. */
const numberAfter = (text, name) => Number(new RegExp(`${name} = (-?[0-9.e-]+)`).exec(text)?.[1]);

async function runMetad(systemKind, setup) {
  await tid('nav-system').click();
  await tid(`system-kind-${systemKind}`).click();
  if (setup.a) await fill('param-a', setup.a);
  await tid('system-add').click();
  await tid('nav-metad').click();
  await tid('md-tab-setup').click().catch(() => {});
  const sys = await tid('md-system').locator('option').last().getAttribute('value');
  await tid('md-system').selectOption(sys);
  if (setup.steps) await fill('md-steps', setup.steps);
  if (setup.walkers) await fill('md-walkers', setup.walkers);
  await fill('md-seed', setup.seed);
  await tid('md-start').click();
}

await reporter.runChecks(async () => {
  await check('app connects; project; a short double-well metadynamics run', async () => {
    await openApp(page, url);
    await fill('project-parent', app.dirs.projects);
    await fill('project-name', 'e2e plots');
    await tid('project-create').click();
    await page.locator('[data-testid="header-project"]', { hasText: 'e2e plots' }).waitFor({ timeout: 10000 });
    await runMetad('double-well', DW);
    await page.locator('[data-testid="md-fes-plot"][data-rms][data-full]').waitFor({ timeout: 40_000 });
  });

  let data = null;
  await check(`hover at x = -1 reads F within ${HOVER_TOL_KT} kT of the exact value`, async () => {
    data = await json('md-fes-plot', 'data-fes');
    const xs = data.axes[0];
    const i = xs.reduce((b, v, k) => (Math.abs(v + 1) < Math.abs(xs[b] + 1) ? k : b), 0);
    const p = await clientPoint('md-fes-plot', xs[i], data.fes[i]);
    await page.mouse.move(p.x, p.y);
    await page.waitForFunction((want) => document.querySelector('[data-testid="md-fes-plot"]')?.getAttribute('data-cursor') === want, `${i},-1`, { timeout: 3000 });
    const text = await tid('md-fes-plot-readout').innerText();
    const x = numberAfter(text, 'x');
    const f = numberAfter(text, 'F');
    // The best constant between estimate and exact over F_exact < 4 kT (the view's own comparison).
    const pairs = data.fes.map((v, k) => [v, data.exact[k]]).filter(([v, e]) => v !== null && e < 4);
    const shift = pairs.reduce((s, [v, e]) => s + v - e, 0) / pairs.length;
    const exact = DW.a * (xs[i] ** 2 - 1) ** 2 + shift;
    log(`     read-out "${text}"; exact ${exact.toFixed(3)} kT (bin ${i})`);
    assert(text.includes('kT'), 'the read-out names the energy unit');
    assert(Math.abs(x - xs[i]) <= 5e-3 * Math.max(1, Math.abs(xs[i])), `x read out ${x} at bin centre ${xs[i]} (3 significant digits)`);
    assert(Math.abs(f - data.fes[i]) <= 5e-3 * Math.max(1, Math.abs(data.fes[i])), `F read out ${f} is the plotted ${data.fes[i]}`);
    assert(Math.abs(f - exact) < HOVER_TOL_KT, `F ${f} vs exact ${exact.toFixed(3)}`);
    await shot('01-hover');
  });

  await check('dragging a box zooms into it, a pan drag moves it, Reset restores the domain', async () => {
    const full = await json('md-fes-plot', 'data-full');
    await tid('md-fes-plot-mode-zoom').click();
    const a = await clientPoint('md-fes-plot', -1.5, full.y[1] * 0.9);
    const b = await clientPoint('md-fes-plot', 0, full.y[0] + 0.1 * (full.y[1] - full.y[0]));
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
    await page.mouse.move(b.x, b.y, { steps: 4 });
    await page.mouse.up();
    await page.locator('[data-testid="md-fes-plot"][data-zoomed="true"]').waitFor({ timeout: 3000 });
    const view = await json('md-fes-plot', 'data-view');
    log(`     zoomed x ${view.x.map((v) => v.toFixed(3))}, y ${view.y.map((v) => v.toFixed(2))} (full x ${full.x.map((v) => v.toFixed(2))})`);
    // One pixel of a ~1300 px wide frame over 4 units of x is ~3e-3: 0.02 allows a few pixels.
    assert(Math.abs(view.x[0] + 1.5) < 0.02 && Math.abs(view.x[1]) < 0.02, `x window ${view.x}`);
    // The axis keeps its unit and label, with ticks chosen for the window (Plot writes − for minus).
    const xTicks = await page.locator('[data-testid="md-fes-plot"] [aria-label="x-axis tick label"] text').evaluateAll((ts) => ts.map((t) => Number(t.textContent.replace('−', '-'))));
    assert(xTicks.length > 2 && xTicks.every((t) => t >= -1.5 - 1e-9 && t <= 1e-9), `x ticks inside the window: ${xTicks}`);
    await shot('02-zoomed');
    // Pan: dragging the point x = -1 to where x = -0.75 was moves the window 0.25 to the left.
    await tid('md-fes-plot-mode-pan').click();
    const y = (view.y[0] + view.y[1]) / 2;
    const from = await clientPoint('md-fes-plot', -1, y);
    const to = await clientPoint('md-fes-plot', -0.75, y);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction((x0) => JSON.parse(document.querySelector('[data-testid="md-fes-plot"]').getAttribute('data-view')).x[0] !== x0, view.x[0], { timeout: 3000 });
    const panned = await json('md-fes-plot', 'data-view');
    log(`     panned x ${panned.x.map((v) => v.toFixed(3))}`);
    assert(Math.abs(panned.x[0] - (view.x[0] - 0.25)) < 0.02 && Math.abs(panned.x[1] - (view.x[1] - 0.25)) < 0.02, `pan moves the window by the dragged data distance: ${panned.x}`);
    await tid('md-fes-plot-reset').click();
    await page.locator('[data-testid="md-fes-plot"][data-zoomed="false"]').waitFor({ timeout: 3000 });
    assert(JSON.stringify(await json('md-fes-plot', 'data-view')) === JSON.stringify(full), 'Reset shows the full domain again');
    assert(await tid('md-fes-plot-reset').isDisabled(), 'Reset is disabled when nothing is zoomed');
  });

  await check('wheel zooms a focused plot about the pointer; key 0 resets', async () => {
    const full = await json('md-fes-plot', 'data-full');
    const p = await clientPoint('md-fes-plot', 1, 1);
    await page.mouse.move(p.x, p.y);
    await page.locator('[data-testid="md-fes-plot"] .canvas').focus();
    await page.mouse.wheel(0, -300);
    await page.locator('[data-testid="md-fes-plot"][data-zoomed="true"]').waitFor({ timeout: 3000 });
    const view = await json('md-fes-plot', 'data-view');
    assert(view.x[0] > full.x[0] && view.x[1] < full.x[1] && view.x[0] < 1 && view.x[1] > 1, `zoomed about x = 1: ${view.x}`);
    await page.keyboard.press('0');
    await page.locator('[data-testid="md-fes-plot"][data-zoomed="false"]').waitFor({ timeout: 3000 });
  });

  await check('keyboard: arrows move the cross-hair a bin (Shift 10), it stops at the end, Enter picks', async () => {
    const n = data.axes[0].length;
    await page.locator('[data-testid="md-fes-plot"] .canvas').focus();
    const at = async () => (await attr('md-fes-plot', 'data-cursor')).split(',').map(Number);
    const [i0] = await at();
    await page.keyboard.press('ArrowRight');
    assert((await at())[0] === i0 + 1, 'ArrowRight: one bin');
    await page.keyboard.press('Shift+ArrowLeft');
    assert((await at())[0] === i0 - 9, 'Shift+ArrowLeft: ten bins');
    for (let k = 0; k < Math.ceil(n / 10) + 1; k++) await page.keyboard.press('Shift+ArrowRight');
    assert((await at())[0] === n - 1, 'the cross-hair stops at the last bin of a non-periodic axis');
    const live = tid('md-fes-plot-readout');
    assert((await live.getAttribute('aria-live')) === 'polite', 'the read-out is an aria-live region');
    const text = await live.innerText();
    assert(Math.abs(numberAfter(text, 'x') - data.axes[0][n - 1]) < 5e-3 * Math.abs(data.axes[0][n - 1]), `read-out follows the keys: ${text}`);
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Enter');
    assert((await attr('md-fes-plot', 'data-picked')) === `${n - 11},-1`, 'Enter picks the cross-hair bin');
    assert((await live.innerText()).startsWith('Picked:'), 'the pick is announced');
    await shot('03-keyboard-pick');
  });

  await check('2D Muller-Brown surface: hover and keyboard read F of the bin under the cross-hair', async () => {
    await runMetad('muller-brown', { seed: 11 });
    await page.locator('[data-testid="md-fes-plot"][data-dims="2"][data-full]').waitFor({ timeout: 40_000 });
    const d = await json('md-fes-plot', 'data-fes');
    const [xs, ys] = d.axes;
    const value = (i, j) => d.fes[i * ys.length + j];
    const i = Math.floor(xs.length / 3);
    const j = Math.floor(ys.length / 2);
    const p = await clientPoint('md-fes-plot', xs[i], ys[j]);
    await page.mouse.move(p.x, p.y);
    await page.waitForFunction((want) => document.querySelector('[data-testid="md-fes-plot"]')?.getAttribute('data-cursor') === want, `${i},${j}`, { timeout: 3000 });
    const f = numberAfter(await tid('md-fes-plot-readout').innerText(), 'F');
    assert(Math.abs(f - value(i, j)) <= 5e-3 * Math.max(1, Math.abs(value(i, j))), `hover F ${f} is the plotted ${value(i, j)}`);
    await page.locator('[data-testid="md-fes-plot"] .canvas').focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Shift+ArrowRight');
    assert((await attr('md-fes-plot', 'data-cursor')) === `${i + 10},${j + 1}`, 'ArrowUp: +1 in y, Shift+ArrowRight: +10 in x');
    await page.keyboard.press('Enter');
    assert((await attr('md-fes-plot', 'data-picked')) === `${i + 10},${j + 1}`, 'Enter picks on a surface');
    const g = numberAfter(await tid('md-fes-plot-readout').innerText(), 'F');
    assert(Math.abs(g - value(i + 10, j + 1)) <= 5e-3 * Math.max(1, Math.abs(value(i + 10, j + 1))), `picked F ${g}`);
    await shot('04-surface-pick');
  });

  await check('no uncaught errors in the page', async () => {
    assertNoUnexpectedConsoleErrors(consoleErrors);
  });
}, { cleanup: app.cleanup, after: () => log(`screenshots in ${SHOTS}`) });
