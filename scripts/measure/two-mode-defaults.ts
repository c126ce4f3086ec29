// Measures a model (score or GAN) with given TrainOptions on the two-mode system's exact law (14,000 draws in 7 windows, or cfg.rows): mode weights and W1 against the noise floor at 6 conditions. Usage: npx tsx scripts/measure/two-mode-defaults.ts '{"samplers":[["sde",200]]}' or '{"model":"gan","train":{"gan":{"pack":2}}}'
import { Trainer } from '../../src-main/engine/generative';
import { initTensorflowBackend } from '../../src-main/store/tf-backend';
import { TWO_MODE_CENTERS, twoModeFloors, twoModeRows } from './two-mode-data';
import { twoModeConditional, wasserstein1ToLaw } from '../../src-main/engine/systems';
await initTensorflowBackend('wasm');
const cfg = JSON.parse(process.argv[2] ?? '{}');
const t00 = performance.now();
const { spec, x, y, segments } = twoModeRows(cfg.rows ?? 14000); // rows: a multiple of 7
console.error('data', (performance.now() - t00) / 1000);
const t0 = performance.now();
const c0 = process.cpuUsage();
const trainer = Trainer.create({ x: y, xDim: 1, cond: x, condDim: 1, segments }, { model: cfg.model ?? 'score', seed: cfg.seed ?? 3, backend: 'wasm', ...cfg.train });
const p = await trainer.run();
const model = trainer.toModel();
trainer.dispose();
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(c0).user / 1e6;
for (const [method, steps] of (cfg.samplers ?? [['sde', 200]]) as [('sde' | 'ode'), number][]) {
const rows: string[] = [];
let worstW = 0, worstRatio = 0, worstCombined = 0, worstMean = 0, worstSd = 0;
for (const xc of [-1, -0.75, 0, 0.25, 1, 1.25]) {
  const law = twoModeConditional(spec, xc, 1);
  const { samples } = model.lift([xc], 4000, { seed: 7, method, steps });
  const up = samples.filter((v) => v > spec.c * xc).length / samples.length;
  const w = wasserstein1ToLaw(samples, law);
  const floors = twoModeFloors(law, samples.length, x.length / TWO_MODE_CENTERS.length);
  const floor = floors.draws;
  let m = 0; for (const v of samples) m += v; m /= samples.length;
  let v2 = 0; for (const v of samples) v2 += (v - m) ** 2; const sd = Math.sqrt(v2 / (samples.length - 1));
  worstW = Math.max(worstW, Math.abs(up - law.weights[1])); worstRatio = Math.max(worstRatio, w / floor); worstCombined = Math.max(worstCombined, w / floors.combined);
  worstMean = Math.max(worstMean, Math.abs(m - law.mean) / law.sd); worstSd = Math.max(worstSd, Math.abs(sd / law.sd - 1));
  rows.push(`${xc}: w ${up.toFixed(3)}/${law.weights[1].toFixed(3)} W1 ${w.toFixed(4)} floor ${floor.toFixed(4)} W1/combined ${(w / floors.combined).toFixed(2)} sd ${sd.toFixed(3)}/${law.sd.toFixed(3)}`);
}
console.log(JSON.stringify({ cfg, method, steps, trainSteps: p.step, best: model.spec.training.weightsFromEpoch, wall: wall.toFixed(1), cpu: cpu.toFixed(1), worstWeight: worstW.toFixed(3), worstW1Ratio: worstRatio.toFixed(2), worstW1Combined: worstCombined.toFixed(2), worstMean: worstMean.toFixed(3), worstSd: (100*worstSd).toFixed(1), rows: rows.join(' | ') }));
}
