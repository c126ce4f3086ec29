#!/usr/bin/env node
/**
 * Smoke test of the 3D molecule viewer in headless Chromium (WebGL2 through SwiftShader).
 *
 * Builds src-renderer/src/features/viewer/harness.ts (MoleculeViewer + alanine dipeptide + 100
 * synthetic streamed frames in which psi turns 3.6 degrees per frame) with Vite's JS API into a
 * temporary folder, serves it on 127.0.0.1, and checks: the canvas draws the molecule, clicking an
 * atom names it, picking N-CA-C-N measures psi, scrubbing changes psi by the expected amount,
 * keyboard playback, superposition of 50 frames, a 10^4-atom system, and PNG export.
 * Screenshots go to test-results/viewer/. Prints "N passed, M failed".
 *
 * Run: node test/e2e/viewer-smoke.mjs
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, assert, countInk, createReporter, launchChromium, requireChromium, screenshotter, testIdHelpers } from './harness.mjs';
import { startViewerHarness } from './viewer-harness.mjs';

const SHOTS = join(ROOT, 'test-results', 'viewer');
const reporter = createReporter('viewer');
const { log, check } = reporter;

/** IUPAC dihedral in degrees, (-180, 180]: the closed form the viewer must reproduce. */
function wrapDegrees(d) {
  let x = ((d + 180) % 360 + 360) % 360 - 180;
  return x === -180 ? 180 : x;
}
await requireChromium();
log('building harness');
const harness = await startViewerHarness();
const base = harness.base;
const { page, consoleErrors, close: closeBrowser } = await launchChromium({
  webgl: true,
  viewport: { width: 940, height: 780 },
  acceptDownloads: true,
  defaultTimeout: 15_000,
});
const { tid } = testIdHelpers(page);
const shot = screenshotter(page, SHOTS, '', { settleMs: 200, fullPage: false });

/** Pixels of the rendered view (via the viewer's own PNG export) that differ from white. */
async function inkPixels() {
  return countInk(page, await page.evaluate(() => window.__viewer.toPng()), 245);
}

async function clickAtom(i) {
  const box = await tid('viewer-canvas').boundingBox();
  const p = await page.evaluate((k) => window.__viewer.projectAtom(k), i);
  assert(p, `atom ${i} has no screen position`);
  await page.mouse.click(box.x + p.x, box.y + p.y);
}

async function waitFrame(i) {
  await page.waitForFunction((k) => document.querySelector('[data-testid="viewer"]')?.dataset.frame === String(k), i);
}

async function measured() {
  const el = tid('viewer-measure');
  return { kind: await el.getAttribute('data-kind'), value: Number(await el.getAttribute('data-value')), text: await el.innerText() };
}

await reporter.runChecks(async () => {
  await page.goto(`${base}?mode=play`);
  await check('viewer mounts, streams frame 1 and perceives 21 bonds', async () => {
    await page.waitForSelector('[data-testid="viewer"][data-ready="true"]');
    const bonds = await tid('viewer').getAttribute('data-bonds');
    assert(bonds === '21', `expected 21 perceived bonds, got ${bonds}`);
    assert((await tid('viewer-frame').innerText()).trim() === '1 / 100', 'frame label is not "1 / 100"');
  });
  await shot('01-initial');

  await check('WebGL canvas draws the molecule (non-background pixels)', async () => {
    const { ink, total } = await inkPixels();
    log(`     ${ink} of ${total} pixels drawn`);
    // 22 atoms + 21 bonds fitted to the view cover a few percent of it; an empty canvas gives 0.
    assert(ink > total * 0.01, `only ${ink} of ${total} pixels differ from the background`);
  });

  const psi = await page.evaluate(() => window.__viewer.psi);
  const step = await page.evaluate(() => window.__viewer.degreesPerFrame);
  await check('hover names the atom under the pointer', async () => {
    const box = await tid('viewer-canvas').boundingBox();
    const p = await page.evaluate(() => window.__viewer.projectAtom(8));
    await page.mouse.move(box.x + p.x, box.y + p.y);
    await tid('viewer-hover').waitFor();
    const text = await tid('viewer-hover').innerText();
    assert(text.includes('CA 9 (C)') && text.includes('ALA 2'), `hover shows "${text}"`);
  });

  await check('clicking CA shows its name, 1-based index, element and residue', async () => {
    await clickAtom(8);
    const text = await tid('viewer-picks').innerText();
    assert(text.includes('CA 9 (C) · ALA 2'), `picked list shows "${text}"`);
  });

  await check('distance of two atoms in nm and Angstrom', async () => {
    await tid('viewer-clear').click();
    await clickAtom(4);
    await clickAtom(5);
    const m = await measured();
    assert(m.kind === 'distance', `kind ${m.kind}`);
    // C=O of the ACE cap in ala2.pdb: (3.427, 2.641, 0) -> (4.391, 1.877, 0) Angstrom, rigid in the frames.
    const expected = Math.hypot(4.391 - 3.427, 1.877 - 2.641) / 10;
    assert(Math.abs(m.value - expected) < 1e-5, `C=O ${m.value} nm, expected ${expected}`);
    assert(m.text.includes('Å'), `text "${m.text}" has no Angstrom value`);
  });

  let psi0 = 0;
  await check('picking N-CA-C-N measures psi (dihedral) on frame 1', async () => {
    await clickAtom(psi[0]);
    await page.waitForTimeout(50);
    // Picks go in click order; start over so the order is N, CA, C, N.
    await tid('viewer-clear').click();
    for (const a of psi) await clickAtom(a);
    const m = await measured();
    assert(m.kind === 'dihedral', `measurement kind "${m.kind}" (${m.text})`);
    psi0 = m.value;
    // The fixture geometry is fully extended: psi = 180 (MDTraj), i.e. +-180 within float error.
    assert(Math.abs(Math.abs(psi0) - 180) < 0.05, `psi on frame 1 is ${psi0}, expected 180`);
    const labels = await tid('viewer-picks').innerText();
    assert(labels.includes('N 7') && labels.includes('N 17'), `picked ${labels}`);
  });
  await shot('02-picked-psi');

  await check('scrubbing to frame 51 shows it and psi turns by 50 x 3.6 degrees', async () => {
    await tid('viewer-scrubber').fill('50');
    await waitFrame(50);
    assert((await tid('viewer-frame').innerText()).trim() === '51 / 100', 'frame label is not "51 / 100"');
    const m = await measured();
    const expected = wrapDegrees(psi0 + 50 * step);
    // Frames are float32 nm coordinates (~1e-7 relative): a 1e-3 degree tolerance is ~100x that.
    assert(Math.abs(wrapDegrees(m.value - expected)) < 1e-2, `psi ${m.value}, expected ${expected}`);
  });
  await shot('03-frame-51');

  await check('keyboard: arrow steps a frame, space plays and pauses', async () => {
    await tid('viewer').focus();
    await page.keyboard.press('ArrowRight');
    await waitFrame(51);
    await page.keyboard.press('Space');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="viewer"]').dataset.frame) >= 54);
    await page.keyboard.press('Space');
    const label = await tid('viewer-play').innerText();
    assert(label.trim() === 'Play', `button says "${label}" after pausing`);
  });

  await check('play button runs playback through the streamed frames', async () => {
    await tid('viewer-speed').selectOption('60');
    const before = Number(await tid('viewer').getAttribute('data-frame'));
    await tid('viewer-play').click();
    await page.waitForFunction((b) => Number(document.querySelector('[data-testid="viewer"]').dataset.frame) >= b + 10, before);
    await tid('viewer-play').click();
    const stats = await page.evaluate(() => window.__viewer.cacheStats());
    log(`     cache ${JSON.stringify(stats)}`);
    assert(stats.loads >= 10, `only ${stats.loads} frames loaded`);
  });
  await shot('04-after-playback');

  await check('PNG export downloads a PNG', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), tid('viewer-png').click()]);
    const path = join(SHOTS, 'export-ala2.png');
    await download.saveAs(path);
    const head = readFileSync(path).subarray(0, 8);
    assert(head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'not a PNG signature');
    assert(download.suggestedFilename() === 'ala2.png', `file name ${download.suggestedFilename()}`);
  });

  await check('spheres representation redraws with larger atoms', async () => {
    const before = (await inkPixels()).ink;
    await tid('viewer-style').selectOption('spheres');
    await page.waitForTimeout(100);
    const after = (await inkPixels()).ink;
    assert(after > before, `spheres cover ${after} px, ball-and-stick ${before}`);
  });
  await shot('05-spheres');

  await page.goto(`${base}?mode=superpose`);
  await check('superpose: 50 frames aligned on frame 1, translucent', async () => {
    await page.waitForSelector('[data-testid="viewer"][data-overlay="50"]');
    const { ink, total } = await inkPixels();
    assert(ink > total * 0.01, `only ${ink} pixels drawn`);
    // With alignment on heavy atoms, the tumble is removed: the ACE methyl carbon stays put (it
    // is on the fixed side of psi), so frame 51's CH3 matches frame 1's within float error.
    const p0 = await page.evaluate(() => window.__viewer.projectAtom(1));
    await tid('viewer-scrubber').fill('50');
    await waitFrame(50);
    const p50 = await page.evaluate(() => window.__viewer.projectAtom(1));
    assert(Math.hypot(p0.x - p50.x, p0.y - p50.y) < 12, `CH3 moved ${Math.hypot(p0.x - p50.x, p0.y - p50.y)} px after alignment`);
  });
  await shot('06-superpose-50');

  await page.goto(`${base}?mode=large`);
  await check('10^4 atoms, 10^5 frames: mounts, draws, plays', async () => {
    await page.waitForSelector('[data-testid="viewer"][data-ready="true"]', { timeout: 60_000 });
    const atoms = Number(await tid('viewer').getAttribute('data-atoms'));
    const bonds = Number(await tid('viewer').getAttribute('data-bonds'));
    assert(atoms === 10125 && bonds === 6750, `atoms ${atoms}, bonds ${bonds}`);
    assert((await tid('viewer-frame').innerText()).trim() === '1 / 100000', 'frame label');
    const { ink, total } = await inkPixels();
    assert(ink > total * 0.05, `only ${ink} pixels drawn`);
    await tid('viewer-speed').selectOption('60');
    const t = Date.now();
    await tid('viewer-play').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="viewer"]').dataset.frame) >= 20, null, { timeout: 60_000 });
    const played = Number(await tid('viewer').getAttribute('data-frame'));
    // dispatchEvent: a click's stability wait can starve while SwiftShader renders 10^4 atoms.
    await tid('viewer-play').dispatchEvent('click');
    // Informational only (software rendering through SwiftShader, shared CPU): no timed assert.
    log(`     playhead reached frame ${played + 1} of 10125 atoms in ${((Date.now() - t) / 1000).toFixed(1)} s (SwiftShader)`);
  });
  await shot('07-large');

  await check('no console errors', async () => {
    assert(consoleErrors.length === 0, consoleErrors.join(' | '));
  });
}, {
  cleanup: async () => {
    await closeBrowser();
    harness.close();
  },
});
