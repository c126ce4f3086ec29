// Walker-steps/s of the batched tensor integrator (engine/tensor) on the tfjs backends available
// here vs the typed-array CPU kernel (engine/integrators/overdamped.ts) at the same walker count,
// measured in the same run; prints RATIOS tensor / CPU kernel. Also the share of a tensor step
// spent in tf.randomNormal (host-side JS in tfjs-core on every backend). No timing asserts.
// On CPU tfjs backends the CPU kernel is expected to win: that is why executor 'auto' picks it
// there (engine/integrators/executor.ts). GPU numbers come from running this where one is lent
// (tfjs-node-gpu installed: LIFTWELL_BENCH_BACKENDS=node-gpu).
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(root, 'bench', '.build', 'tensor');
mkdirSync(out, { recursive: true });
const entry = join(out, 'entry.ts');
writeFileSync(
  entry,
  `export { TensorOverdamped } from '../../../src-main/engine/tensor';
export { OverdampedSimulation } from '../../../src-main/engine/integrators/overdamped';
export { createSystem } from '../../../src-main/engine/systems';
export { initTensorflowBackend } from '../../../src-main/store/tf-backend';
export { tf } from '../../../src-main/engine/generative/tf';
`,
);
await build({ entryPoints: [entry], outfile: join(out, 'tensor.mjs'), bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
const g = await import(pathToFileURL(join(out, 'tensor.mjs')).href);

const BACKENDS = (process.env.LIFTWELL_BENCH_BACKENDS ?? 'wasm,cpu').split(',');
const WALKERS = (process.env.BENCH_TENSOR_WALKERS ?? '10000,100000').split(',').map(Number);
const SYSTEMS = [
  { name: 'double-well', spec: { kind: 'double-well', a: 1 }, kT: 1, dt: 0.005, start: [-1] },
  { name: 'muller-brown', spec: { kind: 'muller-brown', scale: 1 }, kT: 15, dt: 1e-4, start: [-0.558, 1.442] },
];
// Enough walker-steps per timing (~1e6) to swamp timer noise without hogging a shared machine.
const stepsFor = (walkers) => Math.max(5, Math.round(1e6 / walkers));
const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(1)} k`);

function positions(sys, walkers) {
  const p = new Float64Array(walkers * sys.start.length);
  for (let w = 0; w < walkers; w++) p.set(sys.start, w * sys.start.length);
  return p;
}

/** Best of 3 timings of fn(), seconds. */
function best(fn) {
  let b = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    fn();
    b = Math.min(b, (performance.now() - t0) / 1000);
  }
  return b;
}

function cpuRate(sys, walkers) {
  const system = g.createSystem(sys.spec);
  const sim = new g.OverdampedSimulation({ system, kT: sys.kT, dt: sys.dt, positions: positions(sys, walkers), seed: 1, streamBase: 0 });
  const steps = stepsFor(walkers);
  sim.run(2); // JIT warm-up
  return (walkers * steps) / best(() => sim.run(steps));
}

function tensorRate(sys, walkers) {
  const system = g.createSystem(sys.spec);
  const sim = new g.TensorOverdamped({ system, kT: sys.kT, dt: sys.dt, positions: positions(sys, walkers), seed: 1 });
  const steps = stepsFor(walkers);
  sim.run(2);
  // run() ends with a device sync (divergence check), so the timing includes all device work.
  const seconds = best(() => sim.run(steps));
  const noise = best(() => {
    for (let s = 0; s < steps; s++) g.tf.tidy(() => g.tf.randomNormal([walkers, system.dim], 0, 1, 'float32', s + 1).dataSync());
  });
  const tensors = g.tf.memory().numTensors;
  sim.dispose();
  return { rate: (walkers * steps) / seconds, noiseShare: noise / seconds, tensors };
}

const cpu = new Map();
for (const sys of SYSTEMS) for (const w of WALKERS) cpu.set(`${sys.name}/${w}`, cpuRate(sys, w));

const rows = [];
for (const backend of BACKENDS) {
  try {
    const choice = await g.initTensorflowBackend(backend);
    if (choice.backend !== backend) throw new Error(`got ${choice.backend}`);
  } catch (e) {
    console.log(`${backend}: not available (${String(e.message ?? e).split('\n')[0]})`);
    continue;
  }
  for (const sys of SYSTEMS) {
    for (const w of WALKERS) {
      const t = tensorRate(sys, w);
      const c = cpu.get(`${sys.name}/${w}`);
      rows.push([sys.name, w, backend, t.rate, c, t.rate / c, t.noiseShare]);
    }
  }
}

console.log('\nOverdamped walker ensembles: tensor integrator (tfjs) vs CPU kernel (JS float64), same walkers, same run');
console.log(['system', 'walkers', 'tfjs backend', 'tensor walker-steps/s', 'CPU kernel walker-steps/s', 'ratio tensor/CPU', 'randomNormal share'].join(' | '));
for (const [s, w, b, t, c, r, n] of rows) {
  console.log([s, w.toLocaleString('en'), b, fmt(t), fmt(c), `${r.toFixed(3)}x`, `${(100 * Math.min(n, 1)).toFixed(0)}%`].join(' | '));
}
const results = { rows: rows.map(([system, walkers, backend, tensor, cpuKernel, ratio, noiseShare]) => ({ system, walkers, backend, tensor, cpuKernel, ratio, noiseShare })) };
writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 2));
