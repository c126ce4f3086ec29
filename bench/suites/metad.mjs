// Metadynamics bench: steps/s of 2D well-tempered metaD on Muller-Brown (kT 15, overdamped,
// dt 1e-4, sigma 0.1, pace 100) with the bias on a Hermite grid vs the same bias as a plain sum
// over hills (cost grows with the hill count: why the grid matters), vs unbiased dynamics, and
// vs a NumPy implementation of the same grid-bias step (bench/suites/metad_numpy.py, vectorised
// over walkers). Prints a table and ratios measured in this run. No timing asserts.
import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', '.build', 'metad');
mkdirSync(out, { recursive: true });
const entry = join(out, 'entry.ts');
writeFileSync(
  entry,
  `export { WellTemperedMetad } from '../../../src-main/engine/bias/metad';
export { HillSumMetad } from '../../../src-main/engine/bias/metad-hills';
export { OverdampedSimulation } from '../../../src-main/engine/integrators/overdamped';
export { createSystem } from '../../../src-main/engine/systems';\n`,
);
await build({ entryPoints: [entry], outfile: join(out, 'engine.mjs'), bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
const eng = await import(pathToFileURL(join(out, 'engine.mjs')).href);

const W = Number(process.env.BENCH_WALKERS ?? 32);
const mb = eng.createSystem({ kind: 'muller-brown', scale: 1 });
const opts = { cvs: [{ index: 0 }, { index: 1 }], sigma: [0.1, 0.1], height: 1.5, pace: 100, biasFactor: 10, kT: 15, grid: { min: [-1.7, -0.7], max: [1.3, 2.3] }, outside: 'flat' };

/** Runs `steps` per walker after `warm` steps; returns walker-steps/s of the timed part and the hill count at the end. */
function run(kind, warm, steps) {
  const bias = kind === 'grid' ? new eng.WellTemperedMetad(opts) : kind === 'sum' ? new eng.HillSumMetad(opts) : null;
  const pos = new Float64Array(2 * W);
  for (let w = 0; w < W; w++) pos.set([-0.558, 1.442], 2 * w);
  const sim = new eng.OverdampedSimulation({ system: mb, kT: 15, dt: 1e-4, positions: pos, seed: 1, streamBase: 0, generalBias: bias });
  sim.reporters.push(bias ? bias.reporter() : { interval: 100, report() {} });
  sim.run(warm);
  const t0 = performance.now();
  sim.run(steps);
  const s = (performance.now() - t0) / 1000;
  return { rate: (W * steps) / s, hills: bias ? bias.hillCount : 0 };
}

const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(1)} k`);
const rows = [];
run('grid', 2000, 20000); // JIT warm-up
const plain = run('none', 0, 20000);
rows.push(['unbiased overdamped', '-', plain.rate]);
const results = {};
for (const warm of [0, 5000, 20000]) {
  const g = run('grid', warm, 20000); // longer: the grid step is fast, short runs are timer noise
  const s = run('sum', warm, 2000);
  results[warm] = { g, s };
  rows.push([`grid bias (Hermite)`, `${g.hills} hills`, g.rate]);
  rows.push([`sum over hills`, `${s.hills} hills`, s.rate]);
}
let np = null;
if (spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0) {
  const js = run('grid', 0, 20000);
  rows.push(['grid bias, engine (JS)', `${W} walkers`, js.rate]);
  for (const w of [W, 4096]) {
    const steps = Math.max(50, Math.round(4e5 / w));
    const r = JSON.parse(execFileSync('python3', [join(here, 'metad_numpy.py'), String(w), String(steps)], { encoding: 'utf8' }));
    rows.push(['grid bias, NumPy (vectorised)', `${w} walkers`, r.walkerSteps / r.seconds]);
    if (w === W) np = { js: js.rate, np: r.walkerSteps / r.seconds };
  }
} else console.log('NumPy reference skipped: python3 with numpy not found');

console.log(`\nmetad bench: Muller-Brown 2D well-tempered metaD, ${W} walkers (walker-steps/s)\n`);
console.log('what'.padEnd(32) + 'size'.padEnd(16) + 'walker-steps/s');
for (const [a, b, r] of rows) console.log(a.padEnd(32) + b.padEnd(16) + fmt(r));
console.log('\nratios:');
for (const [warm, { g, s }] of Object.entries(results)) console.log(`  grid / sum-over-hills at ${s.hills} hills (grid timed from there on): ${(g.rate / s.rate).toFixed(1)}x`);
console.log(`  grid metaD / unbiased dynamics: ${(results[0].g.rate / plain.rate).toFixed(2)}x`);
if (np) console.log(`  engine grid metaD / NumPy grid metaD (${W} walkers): ${(np.js / np.np).toFixed(1)}x`);
