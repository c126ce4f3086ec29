/**
 * Shared harness of the end-to-end journeys in test/e2e/ (plain ESM, no build step).
 *
 * A journey script is a plain Node program that prints progress lines and ends with the line
 * `N passed, M failed` (test/e2e/all.mjs sums those lines). The pieces here:
 *
 *   createReporter(prefix)   log / check / assert / fail / finish / runChecks, and the counts.
 *   requireChromium()        Chromium binary and playwright-core present, or "0 passed, 1 failed".
 *   requireBuilt()           out/node/server.mjs and out/renderer/index.html present, likewise.
 *   requireFiles(paths, hint) any other file a journey needs, likewise.
 *   startServer({ home, uid }) `node out/node/server.mjs --port 0` with LIFTWELL_HOME = home
 *                            (as user `uid` when given);
 *                            resolves to { url, base, stop() } once it prints its URL.
 *   launchChromium(options)  headless Chromium through playwright-core, one page, console errors
 *                            collected: { browser, context, page, consoleErrors, close() }.
 *   screenshotter(page, dir, prefix, options)   shot(name) -> <dir>/<prefix><name>.png;
 *                            shot.tall(name, height) at a taller viewport.
 *   assertNoUnexpectedConsoleErrors(consoleErrors, expected)  for the closing check.
 *   testIdHelpers(page)      tid(id) -> locator by data-testid, fill(id, value).
 *   countInk(page, src, threshold)  pixels of an image that differ from a white background.
 *   axeProblems(page)        axe-core's critical and serious violations on the page, as lines.
 *   checkWithShot(reporter, shot)  reporter.check that screenshots a failing check.
 *   openApp(page, url)       load (or reload) the app and wait for its connection to the server.
 *   withHardTimeout(ms, onTimeout)  a whole-run deadline; returns its cancel function.
 *   createCleanup()          an idempotent, last-in-first-out list of teardown steps.
 *   startAppSession(reporter, options)  all of the above for a journey through the app:
 *                            temp dirs, hard timeout, server, Chromium, one cleanup.
 *
 * Chromium comes from LIFTWELL_CHROMIUM or Debian's /usr/bin/chromium.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** Repository root. */
export const ROOT = resolve(import.meta.dirname, '..', '..');
/** The Chromium binary the journeys drive. */
export const CHROMIUM = process.env.LIFTWELL_CHROMIUM ?? '/usr/bin/chromium';
/** The browser-mode server bundle (npm run build:node). */
export const SERVER = join(ROOT, 'out', 'node', 'server.mjs');
/** The renderer bundle the server serves (npm run build:web). */
export const RENDERER_INDEX = join(ROOT, 'out', 'renderer', 'index.html');

/** Flags every journey launches Chromium with (headless, no sandbox, nothing talking to the network). */
const BASE_CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Added for journeys that need WebGL: with --disable-gpu, ANGLE's software backend (SwiftShader). */
const WEBGL_CHROMIUM_ARGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

/** The line the server prints once it listens (the token is part of the URL). */
const URL_LINE = /^Liftwell is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9A-Za-z_-]+)\s*$/;

/** Throws `message` unless `cond` holds: the assertion the checks use. */
export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/**
 * First line of an error's message, and from a Playwright call log the line naming the locator
 * it was waiting for: without it "Timeout 10000ms exceeded" does not say which step hung.
 */
function failureSummary(error) {
  // Playwright colours its call log with ANSI escapes; a log file wants the plain text.
  const lines = String(error instanceof Error ? error.message : error).replace(/\u001b\[[0-9;]*m/g, '').split('\n');
  const waitingFor = lines.find((l) => /waiting for/.test(l))?.trim();
  return waitingFor ? `${lines[0]} (${waitingFor})` : lines[0];
}

/**
 * Progress lines `[<prefix>  12.3s] ...` timed from the reporter's creation, named checks that
 * count as passed or failed, and the closing `N passed, M failed` line.
 *
 * @param {string} prefix tag of every log line (e.g. 'e2e', 'mol', 'viewer')
 */
export function createReporter(prefix) {
  const t0 = Date.now();
  let passed = 0;
  let failed = 0;
  const failures = [];
  /** What to print when the run has failed (e.g. the server's stderr), added by whoever owns it. */
  const failureContexts = [];

  const log = (msg) => process.stdout.write(`[${prefix} ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${msg}\n`);

  /** Runs one named check; a throw fails it (logged with the first line of the error). Resolves to whether it passed. */
  async function check(name, fn) {
    try {
      await fn();
      passed++;
      log(`ok   ${name}`);
      return true;
    } catch (error) {
      failed++;
      failures.push(name);
      log(`FAIL ${name}: ${failureSummary(error)}`);
      return false;
    }
  }

  /** Counts a failure that is not a named check (a timeout, a server that would not start). */
  function fail(msg) {
    failed++;
    log(`FAIL ${msg}`);
  }

  /**
   * Prints what the failure contexts say when anything failed, then `N passed, M failed`, and
   * exits: with `code` if given, else 1 when anything failed.
   */
  function finish(code) {
    if (failed) for (const context of failureContexts) printFailureContext(context);
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
    process.exit(code ?? (failed ? 1 : 0));
  }

  /**
   * Runs the journey's checks; an unexpected throw outside a check counts as one failure. Then
   * cleans up, names the failed checks, calls `after` (e.g. to say where the screenshots are) and
   * finishes. Never returns.
   */
  async function runChecks(body, { cleanup, after } = {}) {
    try {
      await body();
    } catch (error) {
      fail(`unexpected: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await cleanup?.();
      if (failures.length) log(`failed: ${failures.join('; ')}`);
      after?.();
      finish();
    }
  }

  /** Prints `describe()`'s lines under its label, when there are any; never throws. */
  function printFailureContext({ label, describe }) {
    let text = '';
    try {
      text = String(describe() ?? '').trim();
    } catch (error) {
      text = `(could not be read: ${error instanceof Error ? error.message : String(error)})`;
    }
    if (!text) return;
    log(`${label}:`);
    for (const line of text.split('\n')) log(`  | ${line}`);
  }

  /** `describe()` is printed under `label` when the run finishes with a failure (for CI logs). */
  const addFailureContext = (label, describe) => failureContexts.push({ label, describe });

  const counts = () => ({ passed, failed, failures: [...failures] });
  return { log, check, assert, fail, finish, runChecks, counts, addFailureContext };
}

/** Stops before any check with the closing line a missing precondition gives: `0 passed, 1 failed`. */
function abortBeforeStart(message) {
  process.stderr.write(`e2e: ${message}\n`);
  process.stdout.write('0 passed, 1 failed\n');
  process.exit(1);
}

/** Exits with `0 passed, 1 failed` unless every path exists; `hint` says how to get them. */
export function requireFiles(paths, hint) {
  for (const need of paths) if (!existsSync(need)) abortBeforeStart(`${need} is missing; ${hint}`);
}

/** The server and renderer bundles must be built (npm run test:e2e builds both first). */
export function requireBuilt() {
  requireFiles([SERVER, RENDERER_INDEX], 'run `npm run build:node && npm run build:web` (npm run test:e2e does both).');
}

let playwright = null;
/** Chromium and playwright-core must be installed; exits with `0 passed, 1 failed` otherwise. */
export async function requireChromium() {
  if (!existsSync(CHROMIUM)) {
    abortBeforeStart(
      `Chromium not found at ${CHROMIUM}. Install Debian's chromium (sudo apt-get update && sudo apt-get install -y chromium)\n` +
        '     or point LIFTWELL_CHROMIUM at a Chromium/Chrome binary.',
    );
  }
  try {
    playwright ??= await import('playwright-core');
  } catch {
    abortBeforeStart('playwright-core is not installed (npm ci).');
  }
}

/**
 * Starts the browser-mode server on a free port with a throw-away LIFTWELL_HOME and waits
 * (up to `timeoutMs`) for its `Liftwell is running at URL` line. On failure the server is
 * stopped and the promise rejects with its stderr in the message. Pass a createCleanup() list as
 * `cleanup` to have the server stopped by it from the moment it is spawned (so a hard timeout
 * that fires while it starts does not leave it running).
 *
 * @returns {Promise<{url: string, base: string, stop: () => Promise<void>, stderrTail: () => string}>}
 *   `url` carries the token; `base` is the same address without it; `stderrTail()` the server's
 *   last 20,000 characters of stderr.
 */
export async function startServer({ home, timeoutMs = 20_000, cleanup, uid, firstRun = false }) {
  // The first-run tour opens once per user (settings.json in LIFTWELL_HOME); journeys other than
  // the tour's own start as a user who has seen it, so it does not sit over what they click.
  if (!firstRun && !existsSync(join(home, 'settings.json'))) writeFileSync(join(home, 'settings.json'), JSON.stringify({ schemaVersion: 1, settings: { tourSeen: true } }));
  const child = spawn(process.execPath, [SERVER, '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, LIFTWELL_HOME: home },
    // `uid`: run the server as that user (and group), e.g. an unprivileged one from a root test run.
    ...(uid === undefined ? {} : { uid, gid: uid }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d.toString()).slice(-20000);
  });

  /** SIGTERM, then SIGKILL if it has not exited within 5 s. */
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((done) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        done();
      }, 5000);
      child.once('exit', () => {
        clearTimeout(t);
        done();
      });
    });
  };
  cleanup?.add(stop);

  try {
    const url = await new Promise((resolveUrl, reject) => {
      const rl = createInterface({ input: child.stdout });
      const t = setTimeout(() => reject(new Error(`server printed no URL within ${timeoutMs / 1000} s. stderr:\n${stderr}`)), timeoutMs);
      rl.on('line', (line) => {
        const m = URL_LINE.exec(line);
        if (m) {
          clearTimeout(t);
          resolveUrl(m[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`server exited (${code}) before printing its URL. stderr:\n${stderr}`)));
    });
    return { url, base: url.replace(/\?token=.*/, ''), stop, stderrTail: () => stderr };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Launches headless Chromium (call requireChromium() first) with one context and one page whose
 * console errors and uncaught page errors are collected in `consoleErrors`.
 *
 * @param {object} options
 * @param {boolean} [options.webgl] add the SwiftShader flags so WebGL works without a GPU
 * @param {{width: number, height: number}} options.viewport
 * @param {boolean} [options.acceptDownloads] passed to the context when given
 * @param {number} [options.defaultTimeout] the page's default timeout in ms (10 s)
 */
export async function launchChromium({ webgl = false, viewport, acceptDownloads, defaultTimeout = 10_000 }) {
  playwright ??= await import('playwright-core');
  const browser = await playwright.chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: webgl ? [...BASE_CHROMIUM_ARGS, ...WEBGL_CHROMIUM_ARGS] : BASE_CHROMIUM_ARGS,
  });
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, ...(acceptDownloads === undefined ? {} : { acceptDownloads }) });
  const page = await context.newPage();
  page.setDefaultTimeout(defaultTimeout);
  const consoleErrors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  const close = async () => {
    try {
      await browser.close();
    } catch {
      /* already gone */
    }
  };
  return { browser, context, page, consoleErrors, close };
}

/**
 * `shot(name)` waits `settleMs` (for transitions and redraws to finish) and saves the page as
 * `<dir>/<prefix><name>.png`. Creates `dir`.
 */
export function screenshotter(page, dir, prefix = '', { settleMs = 150, fullPage = true } = {}) {
  mkdirSync(dir, { recursive: true });
  const shot = async (name) => {
    await page.waitForTimeout(settleMs);
    await page.screenshot({ path: join(dir, `${prefix}${name}.png`), fullPage });
  };
  /**
   * `shot.tall(name, height)`: the same at a taller viewport, then back to the previous size. The
   * app scrolls inside <main>, so a full-page shot alone would cut off the lower figures.
   */
  shot.tall = async (name, height) => {
    const previous = page.viewportSize();
    await page.setViewportSize({ width: previous.width, height });
    await shot(name);
    await page.setViewportSize(previous);
  };
  return shot;
}

/** Console errors the app's journeys expect: the refused-token pages' 401s and their closed WebSocket. */
export const EXPECTED_APP_CONSOLE_ERRORS = /401|Unauthorized|WebSocket connection to .* failed/i;

/** Throws, naming the first three, if any collected console error does not match `expected`. */
export function assertNoUnexpectedConsoleErrors(consoleErrors, expected = EXPECTED_APP_CONSOLE_ERRORS) {
  const real = consoleErrors.filter((m) => !expected.test(m));
  assert(real.length === 0, real.slice(0, 3).join(' | '));
}

/**
 * Loads the app at `url` (reloads the page when `url` is omitted) and waits until the header says
 * the socket to the server is open. A timeout names what the header shows instead (connecting,
 * closed and retrying, a refused token), so a CI log says where the journey stopped.
 */
export async function openApp(page, url, { timeoutMs = 10_000 } = {}) {
  if (url === undefined) await page.reload();
  else await page.goto(url);
  try {
    await page.locator('[data-testid="connection"][data-status="open"]').waitFor({ timeout: timeoutMs });
  } catch {
    const connection = page.getByTestId('connection');
    const status = await connection.getAttribute('data-status', { timeout: 1000 }).catch(() => null);
    const label = await connection.innerText({ timeout: 1000 }).catch(() => '');
    const shown = status === null ? 'no connection indicator (the app did not render)' : `'${status}'${label.trim() ? ` ("${label.trim()}")` : ''}`;
    throw new Error(`the app did not connect to its server within ${timeoutMs / 1000} s: the header shows ${shown}`);
  }
}

/**
 * Shorthands for elements by data-testid: `tid(id)` is the locator, `fill(id, value)` types
 * `String(value)` into it.
 */
export function testIdHelpers(page) {
  const tid = (id) => page.getByTestId(id);
  const fill = (id, value) => tid(id).fill(String(value));
  return { tid, fill };
}

/**
 * Pixels of the image at `src` (any URL the page can load, e.g. a data: URL) with some channel
 * below `threshold`, i.e. that differ from a white background: proof that something was drawn.
 *
 * @returns {Promise<{ink: number, total: number}>}
 */
export function countInk(page, src, threshold) {
  return page.evaluate(
    async ({ src, threshold }) => {
      const img = new Image();
      img.src = src;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      let ink = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < threshold || d[i + 1] < threshold || d[i + 2] < threshold) ink++;
      return { ink, total: d.length / 4 };
    },
    { src, threshold },
  );
}

/** Calls `onTimeout` if the run is still going after `ms`; returns the function that cancels it. */
export function withHardTimeout(ms, onTimeout) {
  const timer = setTimeout(onTimeout, ms);
  return () => clearTimeout(timer);
}

/**
 * Teardown steps run last-added first (browser, then server, then temp dirs); `run()` runs them
 * once, however often it is called, and a failing step does not stop the others.
 */
export function createCleanup() {
  const steps = [];
  let running = null;
  return {
    add(step) {
      steps.push(step);
    },
    run() {
      running ??= (async () => {
        for (const step of [...steps].reverse()) {
          try {
            await step();
          } catch {
            /* best effort: the rest must still run */
          }
        }
      })();
      return running;
    },
  };
}

/**
 * Everything a journey through the app needs before its first check: the preconditions, fresh
 * temp dirs (`home` for LIFTWELL_HOME plus `extraDirs`, named `<tmpPrefix><name>-XXXXXX`), a hard
 * timeout over the whole run, the server and Chromium. A failure to start counts as one failure
 * and finishes the run.
 *
 * @param {ReturnType<typeof createReporter>} reporter
 * @param {object} options
 * @param {string} options.tmpPrefix e.g. 'liftwell-e2e-'
 * @param {string[]} [options.extraDirs] more temp dirs, e.g. ['projects']
 * @param {number} options.hardTimeoutMs the whole run's deadline
 * @param {Parameters<typeof launchChromium>[0]} options.chromium
 * @returns the dirs by name, `url` (with token), `base`, the launchChromium() result, and
 *   `cleanup()` (cancels the deadline, closes Chromium, stops the server, removes the dirs).
 */
export async function startAppSession(reporter, { tmpPrefix, extraDirs = [], hardTimeoutMs, chromium, firstRun = false }) {
  await requireChromium();
  requireBuilt();
  const teardown = createCleanup();
  const dirs = {};
  for (const name of ['home', ...extraDirs]) {
    const dir = mkdtempSync(join(tmpdir(), `${tmpPrefix}${name}-`));
    dirs[name] = dir;
    teardown.add(() => rmSync(dir, { recursive: true, force: true }));
  }
  const cancelDeadline = withHardTimeout(hardTimeoutMs, async () => {
    reporter.fail(`the whole run exceeded ${hardTimeoutMs / 1000} s`);
    await teardown.run();
    reporter.finish(1);
  });
  const cleanup = () => {
    cancelDeadline();
    return teardown.run();
  };
  const orFinish = (what) => async (error) => {
    reporter.fail(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    await cleanup();
    reporter.finish(1);
  };

  const server = await startServer({ home: dirs.home, cleanup: teardown, firstRun }).catch(orFinish('start server'));
  reporter.log(`server at ${server.url.replace(/token=.*/, 'token=…')}`);
  const chrome = await launchChromium(chromium).catch(orFinish('launch Chromium'));
  teardown.add(chrome.close);
  // A failure on a CI machine leaves only the log: say what the server and the page said.
  reporter.addFailureContext("the server's stderr (last 3,000 characters)", () => server.stderrTail().slice(-3000));
  reporter.addFailureContext("the page's console errors (last 10)", () => chrome.consoleErrors.slice(-10).join('\n'));
  return { dirs, url: server.url, base: server.base, ...chrome, cleanup };
}

/**
 * Page coordinates of a point (x, y) of a figure drawn on [-180, 180]^2 (a Ramachandran surface),
 * from the plot frame's rectangle of the figure's largest SVG.
 */
export async function fesPoint(page, testid, x, y) {
  return page.evaluate(
    ({ testid, x, y }) => {
      const fig = document.querySelector(`[data-testid="${testid}"]`);
      const area = (s) => (Number(s.getAttribute('width')) || 0) * (Number(s.getAttribute('height')) || 0);
      const svg = [...fig.querySelectorAll('svg')].reduce((a, b) => (area(b) > area(a) ? b : a));
      const frame = svg.querySelector('[aria-label="frame"] rect, rect[aria-label="frame"], [aria-label="frame"]');
      const r = (frame.tagName === 'rect' ? frame : frame.querySelector('rect')).getBoundingClientRect();
      return { x: r.left + ((x + 180) / 360) * r.width, y: r.bottom - ((y + 180) / 360) * r.height };
    },
    { testid, x, y },
  );
}

/**
 * axe-core's critical and serious violations on the whole page, as short lines ('' when clean).
 * Injects axe once per page.
 */
export async function axeSeriousProblems(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length, target: v.nodes[0]?.target?.join(' ') }));
  });
  return violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => `${v.id} x${v.n} (${v.impact}) e.g. ${v.target}`);
}

/**
 * reporter.check that, on failure, also saves a screenshot of the moment (`shot('failed')`); the
 * error is reported as any check's is.
 */
export function checkWithShot(reporter, shot) {
  return (name, fn) =>
    reporter.check(name, async () => {
      try {
        await fn();
      } catch (error) {
        await shot('failed').catch(() => {});
        throw error; // reporter.check prints its summary
      }
    });
}

/** axe in the light and the dark theme (data-theme on <html>, what the header's toggle sets); back to light after. */
export async function axeBothThemes(page, where) {
  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    const problems = await axeSeriousProblems(page);
    assert(problems.length === 0, `axe on ${where} (${theme}): ${problems.join('; ')}`);
  }
  await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
}

/** Dispatches dragenter and dragover (and, unless `hoverOnly`, drop) on the window with these files: [name, base64]. */
export function dropFilesOnWindow(page, files, hoverOnly = false) {
  return page.evaluate(
    ({ files, hoverOnly }) => {
      const dt = new DataTransfer();
      for (const [name, data] of files) {
        const bin = atob(data);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        dt.items.add(new File([bytes], name));
      }
      const fire = (type) => window.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      fire('dragenter');
      fire('dragover');
      if (!hoverOnly) fire('drop');
    },
    { files, hoverOnly },
  );
}
