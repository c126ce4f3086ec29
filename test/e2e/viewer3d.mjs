#!/usr/bin/env node
/**
 * End-to-end journey of the 3D viewer's linking and export (issue 12, 3D parts), in browser mode:
 * a short phi/psi metadynamics run of alanine dipeptide, then on its result page
 *   - representations: ball-and-stick -> licorice -> spheres redraw (canvas ink changes), and the
 *     choice is remembered in the project (the molecule page's viewer opens in it);
 *   - colour by source: the legend names the source in words;
 *   - CV read-out: phi/psi of the frame on screen, equal (to the 0.1 degree shown) to the run's
 *     COLVAR values for that frame;
 *   - FES -> structure: a box dragged on the Ramachandran surface lists its frames (each listed
 *     frame's CVs inside the box), one is shown, and playback goes through only those frames;
 *   - structure -> FES: frames ticked in the list (and the scrubber's frame) are drawn on the FES;
 *   - movie: a PNG sequence in a ZIP (frame count and PNG signatures checked), a WebM (EBML
 *     header), and a cancelled export that saves nothing;
 *   - axe-core: no critical or serious violation in the viewer and the frame list.
 * Screenshots: test-results/e2e/viewer3d-*.png. Prints "N passed, M failed".
 *
 *   npm run build:node && npm run build:web && node test/e2e/viewer3d.mjs
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, assert, assertNoUnexpectedConsoleErrors, countInk, createReporter, fesPoint, screenshotter, startAppSession, testIdHelpers, openApp } from './harness.mjs';

const SHOTS = join(ROOT, 'test-results', 'e2e');
// 40000 steps of 2 fs (80 ps), a frame every 200 steps: 200 frames; hills fill C7eq/C5 quickly.
const RUN = { steps: 40000, frameInterval: 200, pace: 100, height: 1.2, sigmaDeg: 20, biasFactor: 6, seed: 3 };
const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

const reporter = createReporter('v3d');
const { log, check } = reporter;
const app = await startAppSession(reporter, {
  tmpPrefix: 'liftwell-e2e-v3d-',
  extraDirs: ['projects'],
  hardTimeoutMs: 240_000,
  chromium: { webgl: true, viewport: { width: 1400, height: 1000 }, acceptDownloads: true },
});
const { url, page, consoleErrors } = app;
mkdirSync(join(SHOTS, 'exports'), { recursive: true });
const shot = screenshotter(page, SHOTS, 'viewer3d-', { settleMs: 250 });
const { tid, fill } = testIdHelpers(page);
const wrap = (d) => ((((d + 180) % 360) + 360) % 360) - 180;

async function inkOf(locator) {
  const png = await locator.screenshot();
  return countInk(page, `data:image/png;base64,${png.toString('base64')}`, 240);
}

/** axe-core on the parts this journey is about: critical and serious violations as short lines. */
async function axeProblems(selectors) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(AXE);
  const violations = await page.evaluate(async (include) => {
    const r = await window.axe.run({ include: include.map((s) => [s]) }, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length, target: v.nodes[0]?.target?.join(' ') }));
  }, selectors);
  return violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => `${v.id} x${v.n} (${v.impact}) e.g. ${v.target}`);
}

async function download(click, name) {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()]);
  const path = join(SHOTS, 'exports', `viewer3d-${name}-${d.suggestedFilename()}`);
  await d.saveAs(path);
  return { path, bytes: readFileSync(path), name: d.suggestedFilename() };
}

/** Entry names of a ZIP, from its central directory. */
function zipNames(buf) {
  const end = buf.length - 22;
  assert(buf.readUInt32LE(end) === 0x06054b50, 'ZIP end record');
  const n = buf.readUInt16LE(end + 10);
  let p = buf.readUInt32LE(end + 16);
  const out = [];
  for (let k = 0; k < n; k++) {
    const len = buf.readUInt16LE(p + 28);
    const local = buf.readUInt32LE(p + 42);
    const size = buf.readUInt32LE(p + 20);
    const name = buf.subarray(p + 46, p + 46 + len).toString('utf8');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    out.push({ name, head: buf.subarray(start, start + Math.min(8, size)) });
    p += 46 + len;
  }
  return out;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

await reporter.runChecks(async () => {
  await check('project, alanine dipeptide, a short phi/psi metadynamics run', async () => {
    await openApp(page, url);
    await fill('project-parent', app.dirs.projects);
    await fill('project-name', 'e2e viewer3d');
    await tid('project-create').click();
    await page.locator('[data-testid="header-project"]', { hasText: 'e2e viewer3d' }).waitFor({ timeout: 10000 });
    await tid('nav-molecules').click();
    await tid('mol-add-example').click();
    await tid('molecule-row').first().waitFor();
    await page.locator('[data-testid="mol-viewer"][data-ready="true"]').waitFor({ timeout: 15000 });
    await tid('mol-setup-run').click();
    await tid('molrun-setup').waitFor();
    await tid('mr-constraints').selectOption('hbonds');
    for (const [id, v] of [['mr-steps', RUN.steps], ['mr-frame-interval', RUN.frameInterval], ['mr-seed', RUN.seed], ['mr-sigma-0', RUN.sigmaDeg], ['mr-sigma-1', RUN.sigmaDeg], ['mr-height', RUN.height], ['mr-pace', RUN.pace], ['mr-biasfactor', RUN.biasFactor]]) await fill(id, v);
    await tid('mr-start').click();
    await page.locator('[data-testid="molrun"][data-status="completed"]').waitFor({ timeout: 90_000 });
    await page.locator('[data-testid="molrun-fes"] svg').first().waitFor({ timeout: 20000 });
    await page.locator('[data-testid="molrun-viewer"][data-ready="true"]').waitFor({ timeout: 15000 });
    const frames = Number(await tid('molrun-result').getAttribute('data-frames'));
    assert(frames === RUN.steps / RUN.frameInterval, `${frames} frames saved`);
  });

  await check('representations: licorice and spheres redraw; the choice is remembered in the project', async () => {
    const canvas = tid('molrun-viewer-canvas');
    const ball = (await inkOf(canvas)).ink;
    await tid('molrun-viewer-style').selectOption('licorice');
    await page.waitForTimeout(200);
    const licorice = (await inkOf(canvas)).ink;
    await shot('01-licorice');
    await tid('molrun-viewer-style').selectOption('spheres');
    await page.waitForTimeout(200);
    const spheres = (await inkOf(canvas)).ink;
    await shot('02-spheres');
    log(`     ink: ball-and-stick ${ball}, licorice ${licorice}, spheres ${spheres} px`);
    // Same camera (refit keeps the direction): vdW spheres cover more than the thin styles.
    assert(spheres > ball && spheres > licorice, 'spheres cover the most');
    assert(licorice !== ball, 'licorice draws differently from ball-and-stick');
    await tid('nav-molecules').click();
    await page.locator('[data-testid="mol-viewer"][data-ready="true"]').waitFor({ timeout: 15000 });
    assert((await tid('mol-viewer-style').inputValue()) === 'spheres', 'the molecule page opens in the remembered representation');
    await tid('mol-viewer-style').selectOption('ball-and-stick');
    await tid('nav-jobs').click();
    await page.locator('[data-testid="run-row"][data-status="completed"]').first().getByTestId('run-open-fes').click();
    await page.locator('[data-testid="molrun-viewer"][data-ready="true"]').waitFor({ timeout: 15000 });
    assert((await tid('molrun-viewer-style').inputValue()) === 'ball-and-stick', 'back on the run: the last choice');
  });

  await check('CV read-out: phi/psi of the frame on screen equal the run’s COLVAR values', async () => {
    const target = 137;
    await tid('molrun-viewer-scrubber').fill(String(target));
    await page.locator(`[data-testid="molrun-viewer-cvs"][data-frame="${target}"]`).waitFor({ timeout: 10000 });
    const shown = JSON.parse(await tid('molrun-viewer-cvs').getAttribute('data-values'));
    const info = await tid('molrun-frame-info').innerText();
    const colvar = ['phi', 'psi'].map((n) => Number(new RegExp(`${n} = (-?[\\d.]+)°`).exec(info)?.[1]));
    const deg = shown.map((v) => (v * 180) / Math.PI);
    log(`     frame ${target + 1}: read-out (${deg.map((v) => v.toFixed(3)).join(', ')})°, COLVAR (${colvar.join(', ')})°`);
    // COLVAR is computed from the float64 state, the frame from its float32 DCD copy (~1e-5 deg),
    // and the info line rounds to 0.1 degree: they agree to 0.05 degree plus that.
    deg.forEach((d, k) => assert(Math.abs(wrap(d - colvar[k])) <= 0.051, `${['phi', 'psi'][k]}: ${d} vs ${colvar[k]}`));
    await tid('molrun-viewer-color').selectOption('source');
    const legend = await tid('molrun-viewer-legend').innerText();
    assert(/simulated/.test(legend), `legend names the source: ${legend}`);
    await shot('03-readout-source');
    await tid('molrun-viewer-color').selectOption('element');
  });

  let listed = [];
  await check('brush a box on the FES: its frames are listed, shown and played', async () => {
    const box = { phi: [-170, -40], psi: [40, 175] };
    const a = await fesPoint(page, 'molrun-fes', box.phi[0], box.psi[0]);
    const b = await fesPoint(page, 'molrun-fes', box.phi[1], box.psi[1]);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
    await page.mouse.move(b.x, b.y, { steps: 4 });
    await page.mouse.up();
    await page.locator('[data-testid="molrun-frames-count"]').waitFor({ timeout: 10000 });
    const count = Number(await tid('molrun-frames-count').getAttribute('data-count'));
    const bounds = (await page.locator('[data-testid="molrun-regions-bound"]').evaluateAll((els) => els.map((e) => Number(e.value))));
    log(`     region (${bounds.join(', ')}): ${count} frames`);
    assert(count > 0, 'the C7eq/C5 box holds frames');
    const rows = await page.locator('[data-testid="molrun-frames-list"] li').evaluateAll((els) => els.map((e) => ({ frame: Number(e.dataset.frame), text: e.innerText })));
    listed = JSON.parse(await tid('molrun-frames-count').getAttribute('data-frames'));
    assert(listed.length === count && rows.every((r) => listed.includes(r.frame)), 'the list shows frames of the region');
    for (const r of rows) {
      const [phi, psi] = [...r.text.matchAll(/(?:phi|psi) (-?[\d.]+)°/g)].map((m) => Number(m[1]));
      assert(phi >= bounds[0] - 0.05 && phi <= bounds[1] + 0.05 && psi >= bounds[2] - 0.05 && psi <= bounds[3] + 0.05, `frame ${r.frame + 1} at (${phi}, ${psi}) outside the box`);
    }
    const pick = rows[Math.floor(rows.length / 2)].frame;
    await page.locator(`[data-testid="molrun-frames-list"] li[data-frame="${pick}"] [data-testid="molrun-frames-show"]`).click();
    await page.locator(`[data-testid="molrun-viewer"][data-frame="${pick}"]`).waitFor({ timeout: 10000 });
    await tid('molrun-frames-play').click();
    await tid('molrun-viewer-playlist').waitFor();
    await tid('molrun-viewer-speed').selectOption('25');
    await tid('molrun-viewer-play').click();
    const seen = new Set();
    for (let k = 0; k < 20; k++) {
      seen.add(Number(await tid('molrun-viewer').getAttribute('data-frame')));
      await page.waitForTimeout(60);
    }
    await tid('molrun-viewer-play').click();
    const outside = [...seen].filter((f) => !listed.includes(f));
    log(`     played ${seen.size} distinct frames, all in the region: ${outside.length === 0}`);
    assert(seen.size >= 2 && outside.length === 0, `frames outside the region played: ${outside}`);
    await shot('04-brushed');
  });

  await check('ticked frames and the scrubber frame are drawn on the FES', async () => {
    const marks = page.locator('[data-testid="molrun-frames-mark"]');
    await marks.nth(0).check();
    await marks.nth(1).check();
    const want = listed.slice(0, 2);
    await page.waitForFunction((w) => document.querySelector('[data-testid="molrun-fes"]')?.getAttribute('data-selected') === JSON.stringify(w), want, { timeout: 10000 });
    const squares = await page.locator('[data-testid="molrun-fes"] svg [aria-label="dot"] path').count();
    assert(squares >= 2, 'square marks drawn');
    await tid('molrun-frames-clear').click();
    await tid('molrun-viewer-scrubber').fill('5');
    await tid('molrun-frames-mark-current').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="molrun-fes"]')?.getAttribute('data-selected') === '[5]', null, { timeout: 10000 });
    await tid('molrun-fes').screenshot({ path: join(SHOTS, 'viewer3d-05-marked-fes.png') });
  });

  await check('movie: PNG sequence in a ZIP with one PNG per frame', async () => {
    await tid('molrun-viewer-movie').click();
    await fill('molrun-viewer-movie-stride', 20);
    const { bytes, name } = await download(() => tid('molrun-viewer-movie-save').click(), 'png');
    const entries = zipNames(bytes);
    const pngs = entries.filter((e) => e.name.endsWith('.png'));
    log(`     ${name}: ${pngs.length} PNGs + ${entries.length - pngs.length} other, ${bytes.length} bytes`);
    assert(pngs.length === RUN.steps / RUN.frameInterval / 20, `${pngs.length} frames`);
    assert(pngs.every((e) => e.head.equals(PNG_SIGNATURE)), 'every entry is a PNG');
    assert(entries.some((e) => e.name === 'frames.csv'), 'frames.csv lists the trajectory frames');
    await shot('06-movie-panel');
  });

  await check('movie: WebM of the selected frames; a cancelled export saves nothing', async () => {
    await tid('molrun-viewer-movie-scope').selectOption('playlist');
    await fill('molrun-viewer-movie-stride', Math.max(1, Math.floor(listed.length / 6)));
    await tid('molrun-viewer-movie-format').selectOption('webm');
    const { bytes, name } = await download(() => tid('molrun-viewer-movie-save').click(), 'webm');
    log(`     ${name}: ${bytes.length} bytes`);
    assert(bytes.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])), 'EBML (WebM) header');
    assert(bytes.includes(Buffer.from('webm')), 'DocType webm');
    await tid('molrun-viewer-movie-scope').selectOption('all');
    await fill('molrun-viewer-movie-stride', 1);
    await tid('molrun-viewer-movie-format').selectOption('png-zip');
    let downloaded = false;
    page.once('download', () => (downloaded = true));
    await tid('molrun-viewer-movie-save').click();
    await tid('molrun-viewer-movie-progress').waitFor({ timeout: 10000 });
    await tid('molrun-viewer-movie-cancel').click();
    await page.locator('[data-testid="molrun-viewer-movie-message"]', { hasText: 'Cancelled' }).waitFor({ timeout: 20000 });
    await page.waitForTimeout(300);
    assert(!downloaded, 'nothing downloaded after cancel');
  });

  await check('1D profile (phi only, unbiased): a dragged interval lists its frames; a ticked frame is drawn on the profile', async () => {
    await tid('mr-new').click();
    await tid('molrun-setup').waitFor();
    await tid('mr-sampling').selectOption('md');
    await page.getByRole('button', { name: 'Remove CV' }).nth(1).click();
    await fill('mr-steps', 10000);
    await fill('mr-frame-interval', 50);
    await tid('mr-start').click();
    await page.locator('[data-testid="molrun"][data-status="completed"]').waitFor({ timeout: 60_000 });
    const fig = tid('molrun-fes-1d');
    await fig.locator('svg').first().waitFor({ timeout: 20000 });
    const box = await page.evaluate(() => {
      const svgs = [...document.querySelectorAll('[data-testid="molrun-fes-1d"] svg')];
      const area = (s) => (Number(s.getAttribute('width')) || 0) * (Number(s.getAttribute('height')) || 0);
      const r = svgs.reduce((a, b) => (area(b) > area(a) ? b : a)).getBoundingClientRect();
      return { x: r.x, y: r.y, w: r.width, h: r.height };
    });
    // A band over the left half of the plot (phi < 0 holds nearly all samples of this run).
    await page.mouse.move(box.x + box.w * 0.15, box.y + box.h * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.w * 0.3, box.y + box.h * 0.5, { steps: 4 });
    await page.mouse.move(box.x + box.w * 0.5, box.y + box.h * 0.5, { steps: 4 });
    await page.mouse.up();
    await page.locator('[data-testid="molrun-frames-count"]').waitFor({ timeout: 10000 });
    const bounds = await page.locator('[data-testid="molrun-regions-bound"]').evaluateAll((els) => els.map((e) => Number(e.value)));
    const count = Number(await tid('molrun-frames-count').getAttribute('data-count'));
    log(`     interval phi in [${bounds.join(', ')}]: ${count} of 200 frames`);
    assert(count > 0, 'frames in the interval');
    const rows = await page.locator('[data-testid="molrun-frames-list"] li').evaluateAll((els) => els.map((e) => e.innerText));
    for (const text of rows) {
      const phi = Number(/phi (-?[\d.]+)°/.exec(text)?.[1]);
      assert(phi >= bounds[0] - 0.05 && phi <= bounds[1] + 0.05, `listed frame at phi ${phi} outside [${bounds}]`);
    }
    await page.locator('[data-testid="molrun-frames-mark"]').first().check();
    const first = JSON.parse(await tid('molrun-frames-count').getAttribute('data-frames'))[0];
    await page.waitForFunction((f) => document.querySelector('[data-testid="molrun-fes-1d"]')?.getAttribute('data-selected') === JSON.stringify([f]), first, { timeout: 10000 });
    await shot('07-profile-1d');
  });

  await check('axe, light and dark themes: no critical or serious violation in the viewer, the frame list and the regions', async () => {
    const parts = ['[data-testid="molrun-viewer"]', '[data-testid="molrun-frames"]', '[data-testid="molrun-fes-1d"]', '[data-testid="molrun-regions"]'];
    await tid('molrun-viewer-color').selectOption('source');
    await tid('molrun-viewer-movie').click();
    const light = await axeProblems(parts);
    await shot('08-result-light');
    await tid('theme-toggle').click();
    await page.waitForTimeout(300);
    const dark = await axeProblems(parts);
    await shot('09-result-dark');
    await tid('theme-toggle').click();
    assert(light.length === 0 && dark.length === 0, `light: ${light.join('; ')} | dark: ${dark.join('; ')}`);
  });

  await check('no uncaught errors in the page', async () => {
    assertNoUnexpectedConsoleErrors(consoleErrors, /401|Unauthorized|WebSocket connection to .* failed|GPU stall|WebGL/i);
  });
}, { cleanup: app.cleanup, after: () => log(`screenshots in ${SHOTS}/viewer3d-*.png`) });
