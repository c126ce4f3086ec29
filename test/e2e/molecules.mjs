#!/usr/bin/env node
/**
 * End-to-end: alanine dipeptide from click to Ramachandran free-energy surface, in browser mode.
 *
 * Starts `node out/node/server.mjs --port 0` with a throw-away LIFTWELL_HOME, drives Debian's
 * Chromium (WebGL through SwiftShader) with playwright-core: add the built-in example, see it in
 * 3D (canvas pixels drawn), import AMBER files (a bad one must be refused with the server's
 * message), run a short 2D well-tempered metadynamics on phi/psi, check the Ramachandran FES and
 * its labelled basins, scrub the trajectory, click the FES and get the nearest frame, superpose.
 * Screenshots go to test-results/e2e/molecules-*.png. Prints "N passed, M failed".
 *
 * Needs out/renderer (npm run build:web) and out/node/server.mjs (npm run build:node).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CHROMIUM = process.env.LIFTWELL_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-results', 'e2e');
const SERVER = join(ROOT, 'out', 'node', 'server.mjs');
const EXAMPLE = join(ROOT, 'resources', 'molecules', 'alanine-dipeptide');
const T0 = Date.now();

/*
 * The run: 2D well-tempered metadynamics on phi/psi at 300 K, BAOAB (1/ps), dt 2 fs with hbonds
 * constraints, 250000 steps = 500 ps (a few seconds here), hills of 1.2 kJ/mol every 100 steps
 * (0.2 ps) with sigma 20 deg (0.35 rad), bias factor 6; a frame every 250 steps (1000 frames).
 * Half a ns of this bias fills the C7eq/C5 region; whether the C7ax barrier (~30 kJ/mol) is
 * crossed depends on the seed, so the checks ask only for what is certain: the lowest basin lies
 * at phi < 0 and is named C7eq or C5.
 */
const RUN = { steps: 250000, frameInterval: 250, pace: 100, height: 1.2, sigmaDeg: 20, biasFactor: 6, seed: 7 };

let passed = 0;
let failed = 0;
const failures = [];
const log = (msg) => process.stdout.write(`[mol ${((Date.now() - T0) / 1000).toFixed(1).padStart(5)}s] ${msg}\n`);
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
const wrap = (d) => ((((d + 180) % 360) + 360) % 360) - 180;

for (const need of [CHROMIUM, SERVER, join(ROOT, 'out', 'renderer', 'index.html'), join(EXAMPLE, 'ala2.prmtop')]) {
  if (!existsSync(need)) {
    process.stderr.write(`e2e molecules: ${need} is missing (build with \`node scripts/build-node.mjs && npm run build:web\`; Chromium via LIFTWELL_CHROMIUM).\n`);
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  }
}
const { chromium } = await import('playwright-core');

mkdirSync(SHOTS, { recursive: true });
const home = mkdtempSync(join(tmpdir(), 'liftwell-mol-home-'));
const projectsParent = mkdtempSync(join(tmpdir(), 'liftwell-mol-projects-'));
const scratch = mkdtempSync(join(tmpdir(), 'liftwell-mol-files-'));

const server = spawn(process.execPath, [SERVER, '--port', '0'], { cwd: ROOT, env: { ...process.env, LIFTWELL_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
let serverErr = '';
server.stderr.on('data', (d) => {
  serverErr = (serverErr + d.toString()).slice(-20000);
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
  for (const d of [home, projectsParent, scratch]) rmSync(d, { recursive: true, force: true });
};
const hardTimeout = setTimeout(async () => {
  log('FAIL the whole run exceeded 120 s');
  failed++;
  await cleanup();
  finish(1);
}, 120_000);

const url = await new Promise((res, rej) => {
  const rl = createInterface({ input: server.stdout });
  const t = setTimeout(() => rej(new Error(`server printed no URL within 20 s. stderr:\n${serverErr}`)), 20_000);
  rl.on('line', (line) => {
    const m = /^Liftwell is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9A-Za-z_-]+)\s*$/.exec(line);
    if (m) {
      clearTimeout(t);
      res(m[1]);
    }
  });
  server.once('exit', (code) => rej(new Error(`server exited (${code}) before printing its URL. stderr:\n${serverErr}`)));
}).catch(async (error) => {
  log(`FAIL start server: ${error.message}`);
  failed++;
  await cleanup();
  finish(1);
});

browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
const page = await context.newPage();
page.setDefaultTimeout(10_000);
const consoleErrors = [];
page.on('console', (m) => {
  if (m.type() === 'error') consoleErrors.push(m.text());
});
page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
const tid = (id) => page.getByTestId(id);
const shot = async (name) => {
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(SHOTS, `molecules-${name}.png`), fullPage: true });
};

/** Pixels of an element's screenshot that differ from a white background (WebGL drew something). */
async function inkOf(locator) {
  const png = await locator.screenshot();
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240) ink++;
    return { ink, total: d.length / 4 };
  }, png.toString('base64'));
}

/** Page coordinates of CV values (degrees) on the FES figure, from its frame rectangle ([-180, 180]^2). */
async function fesPoint(testid, phi, psi) {
  return page.evaluate(
    ({ testid, phi, psi }) => {
      const fig = document.querySelector(`[data-testid="${testid}"]`);
      const svgs = [...fig.querySelectorAll('svg')];
      const svg = svgs.reduce((a, b) => ((Number(b.getAttribute('width')) || 0) * (Number(b.getAttribute('height')) || 0) > (Number(a.getAttribute('width')) || 0) * (Number(a.getAttribute('height')) || 0) ? b : a));
      const frame = svg.querySelector('[aria-label="frame"] rect, rect[aria-label="frame"], [aria-label="frame"]');
      const r = (frame.tagName === 'rect' ? frame : frame.querySelector('rect')).getBoundingClientRect();
      return { x: r.left + ((phi + 180) / 360) * r.width, y: r.bottom - ((psi + 180) / 360) * r.height };
    },
    { testid, phi, psi },
  );
}

try {
  await check('app connects; create a project', async () => {
    await page.goto(url);
    await page.locator('[data-testid="connection"][data-status="open"]').waitFor({ timeout: 10000 });
    await tid('project-parent').fill(projectsParent);
    await tid('project-name').fill('e2e alanine dipeptide');
    await tid('project-create').click();
    await page.locator('[data-testid="header-project"]', { hasText: 'e2e alanine dipeptide' }).waitFor({ timeout: 10000 });
  });

  await check('add alanine dipeptide; the 3D viewer draws it', async () => {
    await tid('nav-molecules').click();
    await tid('mol-add-example').click();
    await tid('molecule-row').first().waitFor();
    await page.locator('[data-testid="mol-viewer"][data-ready="true"]').waitFor({ timeout: 15000 });
    assert((await tid('mol-viewer').getAttribute('data-atoms')) === '22', 'viewer has 22 atoms');
    assert(Number(await tid('mol-viewer').getAttribute('data-bonds')) === 21, 'viewer has 21 bonds');
    const { ink, total } = await inkOf(tid('mol-viewer-canvas'));
    log(`     ${ink} of ${total} canvas pixels drawn`);
    // 22 atoms fitted to the view cover several percent of it; an empty canvas gives ~0.
    assert(ink > total * 0.01, `only ${ink} of ${total} pixels differ from the background`);
    assert((await tid('mol-atoms').innerText()).trim() === '22', 'atom count shown');
    assert(/ACE\s+ALA\s+NME/.test(await tid('mol-residues').innerText()), 'residues ACE ALA NME');
    const energy = await tid('mol-energy').innerText();
    assert(/total/.test(energy) && /bond/.test(energy), `energy table: ${energy.slice(0, 80)}`);
    const cvs = await tid('mol-cvs').innerText();
    assert(/phi=dihedral\(5,\s*7,\s*9,\s*15\)/.test(cvs) && /psi=dihedral\(7,\s*9,\s*15,\s*17\)/.test(cvs), `suggested CVs: ${cvs}`);
    await shot('01-example');
  });

  await check('a malformed prmtop is refused with a message naming the file', async () => {
    const bad = join(scratch, 'broken.prmtop');
    writeFileSync(bad, '%VERSION  VERSION_STAMP = V0001.000\n%FLAG TITLE\n%FORMAT(20a4)\nbroken\n%FLAG POINTERS\n%FORMAT(10I8)\n       3\n');
    await tid('mol-import-top').setInputFiles(bad);
    await tid('mol-import-crd').setInputFiles(join(EXAMPLE, 'ala2.inpcrd'));
    await tid('mol-import-name').fill('broken');
    await tid('mol-import').click();
    await tid('mol-import-error').waitFor({ timeout: 10000 });
    const msg = await tid('mol-import-error').innerText();
    log(`     server said: ${msg.slice(0, 140)}`);
    assert(/broken\.prmtop|prmtop/i.test(msg), `error names the file: ${msg}`);
    await shot('02-bad-import');
  });

  await check('import the AMBER files of alanine dipeptide (prmtop + inpcrd)', async () => {
    await tid('mol-import-top').setInputFiles(join(EXAMPLE, 'ala2.prmtop'));
    await tid('mol-import-crd').setInputFiles(join(EXAMPLE, 'ala2.inpcrd'));
    await tid('mol-import-name').fill('ala2 imported');
    await tid('mol-import').click();
    await page.locator('[data-testid="molecule-row"]').nth(1).waitFor({ timeout: 10000 });
    await page.locator('[data-testid="mol-viewer"][data-ready="true"]').waitFor({ timeout: 15000 });
    assert((await tid('mol-atoms').innerText()).trim() === '22', 'imported molecule has 22 atoms');
  });

  let runId = null;
  await check('set up and start a 2D well-tempered metadynamics on phi/psi', async () => {
    await tid('molecule-row').first().click();
    await page.locator('[data-testid="mol-viewer"][data-ready="true"]').waitFor({ timeout: 15000 });
    await tid('mol-setup-run').click();
    await tid('molrun-setup').waitFor();
    assert((await tid('mr-cv-0').inputValue()).startsWith('phi='), 'phi prefilled');
    assert((await tid('mr-cv-1').inputValue()).startsWith('psi='), 'psi prefilled');
    // dt = 2 fs without constraints must warn.
    await tid('mr-constraints').selectOption('none');
    await tid('mr-dt-warning').waitFor({ timeout: 3000 });
    await tid('mr-constraints').selectOption('hbonds');
    await tid('mr-steps').fill(String(RUN.steps));
    await tid('mr-frame-interval').fill(String(RUN.frameInterval));
    await tid('mr-seed').fill(String(RUN.seed));
    await tid('mr-sigma-0').fill(String(RUN.sigmaDeg));
    await tid('mr-sigma-1').fill(String(RUN.sigmaDeg));
    await tid('mr-height').fill(String(RUN.height));
    await tid('mr-pace').fill(String(RUN.pace));
    await tid('mr-biasfactor').fill(String(RUN.biasFactor));
    await shot('03-setup');
    await tid('mr-start').click();
    await tid('molrun').waitFor({ timeout: 10000 });
    runId = await tid('molrun').getAttribute('data-run-id');
    try {
      await tid('molrun-live-fes').locator('svg').first().waitFor({ timeout: 8000 });
      await shot('04-live');
    } catch {
      /* finished before a preview arrived */
    }
    await page.locator(`[data-testid="molrun"][data-status="completed"]`).waitFor({ timeout: 60_000 });
  });

  let minima = [];
  await check('Ramachandran FES with labelled basins', async () => {
    await page.locator('[data-testid="molrun-fes"] svg').first().waitFor({ timeout: 20000 });
    minima = JSON.parse((await tid('molrun-fes').getAttribute('data-minima')) ?? '[]');
    log(`     basins: ${minima.map((m) => `${m.label ?? '?'} (${m.at.map((v) => v.toFixed(0)).join(', ')}) ${m.value.toFixed(1)} kJ/mol`).join('; ')}`);
    assert(minima.length >= 2, 'at least two basins');
    const lowest = minima.reduce((a, b) => (b.value < a.value ? b : a));
    assert(Math.abs(lowest.value) < 1e-6, 'the lowest basin is at 0 kJ/mol');
    // In vacuum ff99SB the global minimum is in the left half (phi < 0: C7eq or C5).
    assert(lowest.at[0] < 0, `lowest basin at phi = ${lowest.at[0]}`);
    assert(minima.some((m) => m.label === 'C7eq' || m.label === 'C5'), 'C7eq or C5 is named');
    const labels = await tid('molrun-basins').innerText();
    assert(/C7eq|C5/.test(labels), 'basins table names the conformers');
    for (const id of ['molrun-cv-plot', 'molrun-energy-plot', 'molrun-temperature-plot']) await page.locator(`[data-testid="${id}"] svg`).first().waitFor();
    await tid('molrun-fes').screenshot({ path: join(SHOTS, 'molecules-05-fes.png') });
    await page.setViewportSize({ width: 1400, height: 1900 });
    await shot('05-result');
    await page.setViewportSize({ width: 1400, height: 1000 });
  });

  await check('trajectory: scrub to another frame (streamed in blocks)', async () => {
    await page.locator('[data-testid="molrun-viewer"][data-ready="true"]').waitFor({ timeout: 15000 });
    const frames = Number(await tid('molrun-result').getAttribute('data-frames'));
    assert(frames >= 100, `${frames} frames saved`);
    const target = Math.floor(frames * 0.8);
    await tid('molrun-viewer-scrubber').fill(String(target));
    await page.locator(`[data-testid="molrun-viewer"][data-frame="${target}"]`).waitFor({ timeout: 10000 });
    const info = await tid('molrun-frame-info').innerText();
    assert(info.includes(`Frame ${target + 1} of`), `frame info: ${info}`);
    const { ink, total } = await inkOf(tid('molrun-viewer-canvas'));
    assert(ink > total * 0.01, `trajectory frame drawn (${ink} of ${total} pixels)`);
    await shot('06-scrubbed');
  });

  await check('clicking the FES shows the nearest trajectory frame', async () => {
    const lowest = minima.reduce((a, b) => (b.value < a.value ? b : a));
    const before = await tid('molrun-viewer').getAttribute('data-frame');
    const p = await fesPoint('molrun-fes', lowest.at[0], lowest.at[1]);
    await page.mouse.click(p.x, p.y);
    await page.waitForFunction((b) => document.querySelector('[data-testid="molrun-viewer"]')?.getAttribute('data-frame') !== b, before, { timeout: 10000 });
    const marker = JSON.parse(await tid('molrun-fes').getAttribute('data-marker'));
    const d = Math.hypot(wrap(marker[0] - lowest.at[0]), wrap(marker[1] - lowest.at[1]));
    log(`     clicked (${lowest.at.map((v) => v.toFixed(0))}), frame ${await tid('molrun-viewer').getAttribute('data-frame')} at (${marker.map((v) => v.toFixed(0))})`);
    // The lowest basin is the most visited: some saved frame lies within a few tens of degrees.
    assert(d < 40, `nearest frame is ${d.toFixed(1)} degrees from the click`);
    await shot('07-picked');
  });

  await check('superposition of many frames', async () => {
    await tid('molrun-superpose').check();
    await tid('molrun-superpose-count').fill('25');
    await page.locator('[data-testid="molrun-viewer"][data-overlay="25"]').waitFor({ timeout: 15000 });
    await shot('08-superposed');
  });

  await check('an unbiased run gives a histogram FES (empty bins blank)', async () => {
    await tid('mr-new').click();
    await tid('molrun-setup').waitFor();
    await tid('mr-metad').uncheck();
    await tid('mr-steps').fill('20000');
    await tid('mr-frame-interval').fill('20');
    await tid('mr-start').click();
    await page.locator('[data-testid="molrun"][data-status="completed"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="molrun-fes"] svg').first().waitFor({ timeout: 15000 });
    const frames = Number(await tid('molrun-result').getAttribute('data-frames'));
    assert(frames === 1000, `20000 / 20 = 1000 frames saved, got ${frames}`);
    await tid('molrun-fes').screenshot({ path: join(SHOTS, 'molecules-09-unbiased-fes.png') });
  });

  await check('Jobs lists the run and opens its result', async () => {
    await tid('nav-jobs').click();
    const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"][data-status="completed"]`);
    await row.waitFor({ timeout: 10000 });
    await row.getByTestId('run-open-fes').click();
    await page.locator('[data-testid="molrun-fes"] svg').first().waitFor({ timeout: 15000 });
  });

  await check('no uncaught errors in the page', async () => {
    const real = consoleErrors.filter((m) => !/401|Unauthorized|WebSocket connection to .* failed|GPU stall|WebGL/i.test(m));
    assert(real.length === 0, real.slice(0, 3).join(' | '));
  });
} catch (error) {
  failed++;
  log(`FAIL unexpected: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  clearTimeout(hardTimeout);
  await cleanup();
  if (failed) log(`failed: ${failures.join('; ')}`);
  log(`screenshots in ${SHOTS}/molecules-*.png`);
  finish();
}
