// Training steps/s of the default conditional score model (hidden 128,128,128, batch 256) on the
// tfjs backends available here (wasm, cpu; tfjs-node(-gpu) when installed) vs the same network
// and loss in PyTorch on CPU with one thread (scripts/reference/torch_score_bench.py), measured in
// the same run. Falls back to saying so when torch is missing. No timing asserts.
import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(root, 'bench', '.build', 'generative');
mkdirSync(out, { recursive: true });
const entry = join(out, 'entry.ts');
writeFileSync(
  entry,
  `export { Trainer } from '../../../src-main/engine/generative';
export { initTensorflowBackend } from '../../../src-main/store/tf-backend';
export { tf } from '../../../src-main/engine/generative/tf';
export { Rng } from '../../../src-main/engine/random';
`,
);
await build({ entryPoints: [entry], outfile: join(out, 'generative.mjs'), bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
const g = await import(pathToFileURL(join(out, 'generative.mjs')).href);

const X_DIM = 2;
const COND_DIM = 1;
const HIDDEN = [128, 128, 128]; // the score model's default (engine/generative/trainer.ts)
const BATCH = 256;
const STEPS = Number(process.env.BENCH_GEN_STEPS ?? 100);

function data(n) {
  const rng = new g.Rng(1, 0);
  const x = new Float64Array(n * X_DIM).map(() => rng.normal());
  const cond = new Float64Array(n * COND_DIM).map(() => rng.normal());
  return { x, xDim: X_DIM, cond, condDim: COND_DIM };
}

async function tfjsRate(backend) {
  try {
    const choice = await g.initTensorflowBackend(backend);
    if (choice.backend !== backend) return null;
  } catch (e) {
    console.log(`${backend}: not available (${String(e.message ?? e).split('\n')[0]})`);
    return null;
  }
  // Enough rows that one epoch spans warm-up + timed steps (no validation pass inside the timing).
  const trainer = g.Trainer.create(data(BATCH * (STEPS * 3 + 40)), { model: 'score', hidden: HIDDEN, batchSize: BATCH, epochs: 1, validationFraction: 0, backend });
  for (let i = 0; i < 20; i++) trainer.step();
  let best = Infinity;
  let bestCpu = Infinity;
  for (let rep = 0; rep < 3; rep++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < STEPS; i++) trainer.step();
    best = Math.min(best, (performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1e6);
  }
  const tensors = g.tf.memory().numTensors;
  trainer.dispose();
  return { steps: STEPS, seconds: best, cpuSeconds: bestCpu, loss: trainer.progress().trainLoss, tensors };
}

const rows = [];
const rates = {};
// Steps per CPU-second as well as per wall-second: on a shared machine the wall figures of two
// processes measured one after the other see different loads; CPU time does not.
const cpuRates = {};
for (const backend of ['node-gpu', 'node', 'wasm', 'cpu']) {
  const r = await tfjsRate(backend);
  if (!r) continue;
  rates[backend] = r.steps / r.seconds;
  cpuRates[backend] = r.steps / r.cpuSeconds;
  rows.push([`tfjs ${backend}`, rates[backend], r.loss, cpuRates[backend]]);
}

let torchRate = null;
let torchCpuRate = null;
const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (hasTorch) {
  const r = JSON.parse(execFileSync('/usr/bin/python3', [join(root, 'scripts', 'reference', 'torch_score_bench.py'), String(X_DIM), String(COND_DIM), HIDDEN.join(','), String(BATCH), String(STEPS)], { encoding: 'utf8' }));
  torchRate = r.steps / r.seconds;
  torchCpuRate = r.steps / r.cpuSeconds;
  rows.push([`PyTorch ${r.torch} CPU, ${r.threads} thread`, torchRate, r.loss, torchCpuRate]);
} else {
  console.log('PyTorch reference skipped: /usr/bin/python3 cannot import torch (Debian: apt-get install python3-torch)');
}

console.log(`\nConditional score model training  (x ${X_DIM}-D, cond ${COND_DIM}-D, hidden ${HIDDEN.join(',')}, batch ${BATCH}, Adam; best of 3 x ${STEPS} steps)\n`);
const header = ['implementation', 'steps/s', 'ms/step', 'steps/CPU-s', 'last loss'];
const table = [header, ...rows.map(([name, rate, loss, cpuRate]) => [name, rate.toFixed(1), (1000 / rate).toFixed(2), cpuRate.toFixed(1), Number(loss).toFixed(4)])];
const widths = header.map((_, i) => Math.max(...table.map((r) => String(r[i]).length)));
for (const r of table) console.log(r.map((c, i) => String(c).padEnd(widths[i])).join('  '));
console.log('');
if (torchRate) for (const [backend, rate] of Object.entries(rates)) console.log(`tfjs ${backend} / PyTorch CPU (1 thread) = ${(rate / torchRate).toFixed(2)}x wall, ${(cpuRates[backend] / torchCpuRate).toFixed(2)}x per CPU-second`);
if (rates.wasm && rates.cpu) console.log(`tfjs wasm / tfjs cpu = ${(rates.wasm / rates.cpu).toFixed(2)}x`);

// A default GAN (and a default score model) trained by the `liftwell` bin as a user would, on
// 14,000 rows of 2D data (x | y of the fast/slow law, 7 window-like groups of 2,000 rows),
// wall time of the whole process. Needs `npm run build:node` first (bin/liftwell.mjs -> out/node).
// BENCH_GEN_WHOLE=0 skips it.
if (process.env.BENCH_GEN_WHOLE !== '0') {
  const { encodeNpy } = await import(pathToFileURL(join(out, 'npy.mjs')).href).catch(async () => {
    await build({ entryPoints: [join(root, 'src-main', 'engine', 'io', 'npy.ts')], outfile: join(out, 'npy.mjs'), bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
    return import(pathToFileURL(join(out, 'npy.mjs')).href);
  });
  const rng = new g.Rng(5, 0);
  const n = 14000;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const centers = [-1.5, -1, -0.5, 0, 0.5, 1, 1.5];
  for (let i = 0; i < n; i++) {
    xs[i] = centers[Math.floor((i * centers.length) / n)] + 0.1 * rng.normal();
    ys[i] = Math.sin(Math.PI * xs[i]) + 0.5 * rng.normal();
  }
  const dir = join(out, 'whole');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'x.npy'), encodeNpy(xs, [n]));
  writeFileSync(join(dir, 'y.npy'), encodeNpy(ys, [n]));
  console.log(`\nDefault training through the liftwell bin, ${n} rows of 2D data (y | x), wall time of the process:`);
  for (const model of ['gan', 'score']) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(root, 'bin', 'liftwell.mjs'), 'train', '--x', join(dir, 'y.npy'), '--cond', join(dir, 'x.npy'), '--model', model, '--seed', '1', '--backend', 'wasm', '--out', join(dir, model), '--json'], { encoding: 'utf8' });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) {
      console.log(`  ${model}: failed (${(r.stderr || '').trim().split('\n').pop()})`);
      continue;
    }
    const s = JSON.parse(r.stdout);
    console.log(`  ${model}: ${seconds.toFixed(1)} s wall (${s.epochsRun} epochs, ${s.steps} steps, ${s.stepsPerSecond.toFixed(0)} steps/s, backend ${s.backend}${s.warnings.length ? '; warning: ' + s.warnings[0] : ''})`);
  }
}
