// The installable CLI, checked as a lab user installs it: `npm pack` makes the tarball, it is
// installed globally into a fresh prefix (no build step runs at install), and the installed
// `liftwell` bin runs --help, a small `sample`, a `fes` on generated window files, the
// built-in molecule's `energy`, and `serve` answers with the renderer. Everything runs from a
// temporary folder outside the repository, so nothing resolves through the repo's node_modules.
//
// Needs the bundles (`npm run build:node && npm run build:web`; `npm test` builds them in its
// e2e step first). Prints `N passed, M failed` like the e2e journeys.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createReporter } from '../e2e/harness.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const reporter = createReporter('package');
const { check, log } = reporter;

const needed = ['out/node/cli.mjs', 'out/node/worker.mjs', 'out/node/server.mjs', 'out/renderer/index.html'];
const missing = needed.filter((p) => !existsSync(join(ROOT, p)));
if (missing.length) {
  reporter.fail(`not built: ${missing.join(', ')} (run npm run build:node && npm run build:web)`);
  reporter.finish();
}

const work = mkdtempSync(join(tmpdir(), 'liftwell-pack-'));
const prefix = join(work, 'prefix');
const bin = process.platform === 'win32' ? join(prefix, 'liftwell.cmd') : join(prefix, 'bin', 'liftwell');

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', cwd: work, timeout: 300_000, ...options });
  if (result.error) throw result.error;
  return result;
}
function liftwell(args) {
  const result = run(bin, args);
  if (result.status !== 0) throw new Error(`liftwell ${args[0]} exited ${result.status}: ${(result.stderr || result.stdout).trim().split('\n')[0]}`);
  return result.stdout;
}

let tarball = '';
await reporter.runChecks(
  async () => {
    await check('npm pack makes a tarball with the bundles, the renderer and the resources, and no sources', () => {
      // --ignore-scripts: the bundles are already built; pack must not rebuild them under running tests.
      const result = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT });
      if (result.status !== 0) throw new Error(result.stderr);
      const [info] = JSON.parse(result.stdout);
      tarball = join(work, info.filename);
      const files = new Set(info.files.map((f) => f.path));
      for (const p of ['bin/liftwell.mjs', ...needed, 'resources/molecules/alanine-dipeptide/ala2.prmtop', 'package.json']) {
        if (!files.has(p)) throw new Error(`${p} is not in the tarball`);
      }
      const stray = [...files].filter((p) => /^(src-main|src-renderer|test|bench|scripts)\//.test(p) || p.endsWith('.ts'));
      if (stray.length) throw new Error(`sources in the tarball: ${stray.slice(0, 5).join(', ')}`);
      log(`${info.filename}: ${(info.size / 1e6).toFixed(1)} MB packed, ${info.entryCount} files`);
    });

    await check('the tarball installs globally into a fresh prefix without a build step', () => {
      // Optional native tfjs backends are left out here: their install downloads libtensorflow.
      const result = run('npm', ['install', '-g', '--prefix', prefix, tarball, '--omit=optional', '--no-audit', '--no-fund', '--prefer-offline'], { timeout: 600_000 });
      if (result.status !== 0) throw new Error(result.stderr.trim().split('\n').slice(-3).join(' | '));
      if (!existsSync(bin)) throw new Error(`no ${bin} after install`);
      if (existsSync(join(prefix, 'lib', 'node_modules', 'liftwell', 'src-main'))) throw new Error('sources were installed');
    });

    await check('liftwell --help lists the commands', () => {
      const out = liftwell(['--help']);
      for (const name of ['sample', 'umbrella', 'fes', 'md', 'train', 'lift', 'serve']) {
        if (!new RegExp(`^  ${name}\\b`, 'm').test(out)) throw new Error(`--help does not list ${name}`);
      }
    });

    await check('liftwell sample: double-well walkers stay in their well (mean x within 0.1 of +1)', () => {
      const out = JSON.parse(liftwell(['sample', '--system', 'double-well', '--a', '4', '--walkers', '64', '--steps', '2000', '--dt', '1e-3', '--kT', '0.5', '--start=1', '--seed', '3', '--json']));
      const values = out.positions?.map((row) => row[0]);
      if (!Array.isArray(values) || values.length !== 64) throw new Error(`unexpected output keys: ${Object.keys(out).join(', ')}`);
      // Barrier a = 4 at kT 0.5 (8 kT): over 2 time units no walker crosses; the mean of 64
      // walkers in the right well (s.d. ~0.13) is within 0.1 of 1 (about 6 standard errors).
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      if (Math.abs(mean - 1) > 0.1) throw new Error(`mean x = ${mean}`);
    });

    await check('liftwell fes: flat potential, Gaussian windows -> flat profile (RMS < 0.06 kT)', () => {
      // V = 0 and exact samples of each window N(c, kT/k): the profile is flat. With 10,000
      // samples per window a 0.1-wide bin holds >= ~4,000 samples, so its noise is ~0.02 kT;
      // the RMS over the inner bins is checked at 3x that.
      let state = 12345;
      const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) + 0.5) / 4294967296;
      const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
      const spring = 100;
      const lines = ['# path centre spring'];
      mkdirSync(join(work, 'windows'));
      for (let k = 0; k < 9; k++) {
        const c = -1 + 0.25 * k;
        const rows = [];
        for (let i = 0; i < 10_000; i++) rows.push(`${i} ${c + normal() * Math.sqrt(1 / spring)}`);
        writeFileSync(join(work, 'windows', `w${k}.dat`), rows.join('\n') + '\n');
        lines.push(`windows/w${k}.dat ${c} ${spring}`);
      }
      writeFileSync(join(work, 'meta.txt'), lines.join('\n') + '\n');
      const out = JSON.parse(liftwell(['fes', '--metadata', 'meta.txt', '--bins', '30', '--range=-1.5,1.5', '--kT', '1', '--json']));
      const inner = out.pmf.filter((_, i) => Math.abs(out.centers[i]) <= 0.9);
      const mean = inner.reduce((s, v) => s + v, 0) / inner.length;
      const rms = Math.sqrt(inner.reduce((s, v) => s + (v - mean) ** 2, 0) / inner.length);
      if (!(inner.length >= 15 && rms < 0.06)) throw new Error(`profile RMS ${rms} kT over ${inner.length} bins`);
    });

    await check('liftwell energy reads the built-in alanine dipeptide from the installed resources', () => {
      const dir = join(prefix, 'lib', 'node_modules', 'liftwell', 'resources', 'molecules', 'alanine-dipeptide');
      const out = JSON.parse(liftwell(['energy', '--top', join(dir, 'ala2.prmtop'), '--coords', join(dir, 'ala2.inpcrd'), '--json']));
      const total = out.frames?.[0]?.energy?.total;
      if (!Number.isFinite(total)) throw new Error(`no total energy in ${JSON.stringify(out).slice(0, 200)}`);
    });

    await check('liftwell serve answers with the renderer on 127.0.0.1', async () => {
      const child = spawn(bin, ['serve', '--port', '0'], { cwd: work, env: { ...process.env, LIFTWELL_HOME: join(work, 'home') }, stdio: ['ignore', 'pipe', 'pipe'] });
      try {
        const url = await new Promise((resolveUrl, reject) => {
          let text = '';
          const timer = setTimeout(() => reject(new Error(`no URL within 30 s: ${text}`)), 30_000);
          child.stdout.on('data', (chunk) => {
            text += chunk;
            const m = /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(text);
            if (m) {
              clearTimeout(timer);
              resolveUrl(m[0]);
            }
          });
          child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
        });
        const res = await fetch(url);
        const body = await res.text();
        if (res.status !== 200 || !body.includes('<div id="app"')) throw new Error(`GET ${url}: ${res.status}`);
      } finally {
        child.kill('SIGTERM');
      }
    });
  },
  {
    cleanup: () => rmSync(work, { recursive: true, force: true }),
  },
);
