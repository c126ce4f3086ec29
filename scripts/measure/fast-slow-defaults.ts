// Measures the score model (or GAN) with given TrainOptions on the fast/slow law, 14,000 rows in 7 windows; worst mean/s.d. errors at 6 conditions. Usage: npx tsx scripts/measure/fast-slow-defaults.ts '{"train":{"model":"gan"},"samplers":[["ode",100]]}' (samplers: [method, steps] pairs; absent: the model's defaults)
import { Trainer } from '../../src-main/engine/generative';
import { initTensorflowBackend } from '../../src-main/store/tf-backend';
import { Rng } from '../../src-main/engine/random';
await initTensorflowBackend('wasm');
const cfg = JSON.parse(process.argv[2] ?? '{}');
const centers = [-1.5, -1, -0.5, 0, 0.5, 1, 1.5];
const n = cfg.rows ?? 14000;
const rng = new Rng(11, 0);
const x = new Float64Array(n), y = new Float64Array(n);
// window by window, as pooled umbrella runs are stored
const per = n / centers.length;
for (let i = 0; i < n; i++) { x[i] = centers[Math.floor(i / per)] + 0.1 * rng.normal(); y[i] = 0.5 * x[i] + 0.5 * rng.normal(); }
// The training rows' own error: each window's mean of (y - 0.5 x) / 0.5 (s.d. units; standard error 1/sqrt(per), 0.022 at 2,000 rows).
// A model that follows its rows carries this into its conditional mean, at the window and between windows.
const dataMean = centers.map((c, w) => { let s = 0; for (let i = w * per; i < (w + 1) * per; i++) s += (y[i] - 0.5 * x[i]) / 0.5; return `${c}:${(s / per).toFixed(3)}`; }).join(' ');
const c0 = process.cpuUsage();
const t0 = performance.now();
const trainer = Trainer.create({ x: y, xDim: 1, cond: x, condDim: 1, segments: centers.map(() => per) }, { model: 'score', seed: 3, backend: 'wasm', ...cfg.train });
const p = await trainer.run();
const model = trainer.toModel();
trainer.dispose();
const cpu = (process.cpuUsage(c0).user) / 1e6;
const samplers: [('sde' | 'ode' | undefined), number | undefined][] = cfg.samplers ?? [[cfg.method, cfg.steps]];
for (const [method, steps] of samplers) {
let worstMean = 0, worstSd = 0;
const rows: string[] = [];
for (const xc of [-1, -0.75, 0, 0.25, 1, 1.25]) {
  const { samples } = model.lift([xc], 10000, { seed: 7, ...(method ? { method } : {}), ...(steps ? { steps } : {}) });
  let m = 0; for (const v of samples) m += v; m /= samples.length;
  let v2 = 0; for (const v of samples) v2 += (v - m) ** 2; const sd = Math.sqrt(v2 / (samples.length - 1));
  const me = (m - 0.5 * xc) / 0.5, se = sd / 0.5 - 1;
  worstMean = Math.max(worstMean, Math.abs(me)); worstSd = Math.max(worstSd, Math.abs(se));
  rows.push(`${xc}:${me.toFixed(3)}/${(100 * se).toFixed(1)}%`);
}
console.log(JSON.stringify({ cfg, method: method ?? 'default', samplerSteps: steps ?? 'default', steps: p.step, epochs: p.epoch, best: model.spec.training.weightsFromEpoch, warnings: model.spec.training.warnings, cpu: cpu.toFixed(1), wall: ((performance.now() - t0) / 1000).toFixed(1), worstMean: worstMean.toFixed(3), worstSd: (100 * worstSd).toFixed(1), rows: rows.join(' '), dataWindowMeans: dataMean }));
}
