// `npm run bench`: engine kernels vs a C reference (cc -O2) and NumPy (if available).
// Bundles bench/kernels.ts with esbuild into bench/.build (git-ignored). No timing asserts.
import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '.build');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, 'kernels.ts')],
  outfile: join(out, 'kernels.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
const k = await import(pathToFileURL(join(out, 'kernels.mjs')).href);

const WALKERS = Number(process.env.BENCH_WALKERS ?? 64);
const STEPS = Number(process.env.BENCH_STEPS ?? 200_000);
const rows = [];
const rate = (n, s) => n / s;
const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(1));

// --- overdamped Muller-Brown ---
k.overdampedMB(WALKERS, 5000); // warm-up (JIT)
const js = [0, 1, 2].map(() => k.overdampedMB(WALKERS, STEPS)).sort((a, b) => a.seconds - b.seconds)[0];
rows.push(['overdamped MB', 'engine (JS)', `${WALKERS} walkers x ${STEPS}`, rate(js.walkerSteps, js.seconds), 'walker-steps/s', js.checksum]);

let cRate = null;
const exe = join(out, 'overdamped_mb');
try {
  execFileSync('cc', ['-O2', '-o', exe, join(here, 'c', 'overdamped_mb.c'), '-lm'], { stdio: 'pipe' });
  const runs = [0, 1, 2].map(() => execFileSync(exe, [String(WALKERS), String(STEPS)], { encoding: 'utf8' }).trim().split(/\s+/).map(Number));
  const best = runs.sort((a, b) => a[1] - b[1])[0];
  cRate = rate(best[0], best[1]);
  rows.push(['overdamped MB', 'C (cc -O2)', `${WALKERS} walkers x ${STEPS}`, cRate, 'walker-steps/s', best[2]]);
} catch (e) {
  console.log(`C reference skipped: ${String(e.message ?? e).split('\n')[0]}`);
}

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
let npRate = null;
if (hasNumpy) {
  for (const w of [WALKERS, 4096]) {
    const steps = Math.max(200, Math.round(2e6 / w));
    const r = JSON.parse(execFileSync('python3', [join(here, 'numpy_ref.py'), 'overdamped', String(w), String(steps)], { encoding: 'utf8' }));
    const rr = rate(r.walkerSteps, r.seconds);
    if (w === WALKERS) npRate = rr;
    rows.push(['overdamped MB', 'NumPy (vectorised over walkers)', `${w} walkers x ${steps}`, rr, 'walker-steps/s', r.checksum]);
  }
} else {
  console.log('NumPy reference skipped: python3 with numpy not found');
}

// --- WHAM ---
const K = 17;
const BINS = 84;
const prob = k.whamProblem(K, BINS, 4000);
const wj = k.whamSolve(prob, 'auto');
const wl = k.whamSolve(prob, 'log');
const whamSize = `${K} windows x ${BINS} bins`;
rows.push(['WHAM 1D', 'engine (JS, default auto path)', whamSize, 1 / wj.perIteration, 'iterations/s', wj.f[K - 1]]);
rows.push(['WHAM 1D', "engine (JS, method 'log')", whamSize, 1 / wl.perIteration, 'iterations/s', wl.f[K - 1]]);
let whamNp = null;
if (hasNumpy) {
  // Histogram the samples exactly as wham1d does (non-periodic, x == max in the last bin).
  const width = (prob.max - prob.min) / BINS;
  const histograms = prob.windows.map((w) => {
    const h = new Array(BINS).fill(0);
    for (const x of w.samples) if (x >= prob.min && x <= prob.max) h[Math.min(BINS - 1, Math.floor((x - prob.min) / width))]++;
    return h;
  });
  const file = join(out, 'wham_problem.json');
  writeFileSync(
    file,
    JSON.stringify({
      histograms,
      binCenters: Array.from({ length: BINS }, (_, b) => prob.min + (b + 0.5) * width),
      centers: prob.windows.map((w) => w.center),
      springs: prob.windows.map((w) => w.spring),
    }),
  );
  const r = JSON.parse(execFileSync('python3', [join(here, 'numpy_ref.py'), 'wham', file, String(wj.iterations)], { encoding: 'utf8' }));
  whamNp = rate(r.iterations, r.seconds);
  rows.push(['WHAM 1D', 'NumPy (log-space, vectorised)', whamSize, whamNp, 'iterations/s', r.f[K - 1]]);
}

console.log(`\nLiftwell engine bench  (node ${process.version}, ${process.platform}/${process.arch})\n`);
const header = ['benchmark', 'implementation', 'size', 'rate', 'unit', 'check value'];
const table = [header, ...rows.map((r) => [r[0], r[1], r[2], fmt(r[3]), r[4], Number(r[5]).toPrecision(8)])];
const widths = header.map((_, i) => Math.max(...table.map((r) => String(r[i]).length)));
for (const r of table) console.log(r.map((c, i) => String(c).padEnd(widths[i])).join('  '));
console.log('');
const jsRate = rate(js.walkerSteps, js.seconds);
if (cRate) console.log(`overdamped MB: JS / C = ${(jsRate / cRate).toFixed(2)}x  (target >= 0.5x)`);
if (npRate) console.log(`overdamped MB: JS / NumPy(${WALKERS} walkers) = ${(jsRate / npRate).toFixed(2)}x`);
console.log(`WHAM: converged (1e-10 kT) in ${wj.iterations} iterations, ${(wj.seconds * 1e3).toFixed(1)} ms per full solve incl. setup`);
if (whamNp) console.log(`WHAM per iteration: JS auto / NumPy = ${(1 / wj.perIteration / whamNp).toFixed(2)}x, JS log / NumPy = ${(1 / wl.perIteration / whamNp).toFixed(2)}x`);
console.log('(check value: sum of final positions / f of the last window; JS and C use the same RNG streams,');
console.log(' so their MB checksums agree until libm/V8 exp() rounding differences are amplified by the dynamics.)');

// --- further suites: each bench/suites/*.mjs is a self-contained script printing its own table
// and ratios; `npm run bench -- NAME` runs only the suites whose file name contains NAME.
import { readdirSync } from 'node:fs';
const only = process.argv[2];
for (const file of readdirSync(join(here, 'suites')).filter((f) => f.endsWith('.mjs')).sort()) {
  if (only && !file.includes(only)) continue;
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(process.execPath, [join(here, 'suites', file)], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.log(`(suite ${file} exited with code ${result.status})`);
    process.exitCode = 1; // a failed check (e.g. estimators: f_k differ from pymbar) fails the bench
  }
}
