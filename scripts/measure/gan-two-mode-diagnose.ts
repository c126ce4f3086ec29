// What dominates the GAN's W1 on the two-mode law: per condition, the upper-mode weight, the s.d.,
// the s.d. of each mode (the rows below / above the divide y = c x), the 5/25/50/75/95% quantiles of
// the model against the exact law, W1 over the 4,000-draw floor and W1 over the combined floor of the
// draws and of the training rows at that condition, sqrt(floor(4000)^2 + floor(rows of the nearest
// window)^2): a model that reproduced its finite training rows exactly would score about 1 there
// (both floors wasserstein1NoiseFloor on the exact law); for the trained model (the averaged
// generator) and, with "raw": true, the last raw generator too.
// Usage: npx tsx scripts/measure/gan-two-mode-diagnose.ts '{"seed":3,"train":{"gan":{"criticSteps":2}}}'
import { Trainer, type GenerativeModel } from '../../src-main/engine/generative';
import { initTensorflowBackend } from '../../src-main/store/tf-backend';
import { Rng } from '../../src-main/engine/random';
import { TWO_MODE_CENTERS, twoModeRows } from './two-mode-data';
import { twoModeConditional, wasserstein1NoiseFloor, wasserstein1ToLaw } from '../../src-main/engine/systems';

await initTensorflowBackend('wasm');
const cfg = JSON.parse(process.argv[2] ?? '{}');
const { spec, x, y, segments } = twoModeRows(cfg.rows ?? 14000, cfg.dataSeed ?? 11);
const probabilities = [0.05, 0.25, 0.5, 0.75, 0.95];

/** Rows of the window whose centre is nearest to xc (the first of two equally near). */
function nearestWindowRows(xc: number): number {
  let best = 0;
  TWO_MODE_CENTERS.forEach((c, i) => {
    if (Math.abs(c - xc) < Math.abs(TWO_MODE_CENTERS[best] - xc) - 1e-12) best = i;
  });
  return segments[best];
}

function sdOf(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m += values[i];
  m /= values.length;
  let v2 = 0;
  for (let i = 0; i < values.length; i++) v2 += (values[i] - m) ** 2;
  return Math.sqrt(v2 / (values.length - 1));
}

/** Exact s.d. of the law restricted to p in (from, to): its quantiles at 4,000 midpoints of the p range. */
function exactSdBetween(law: { quantile(p: number): number }, from: number, to: number): number {
  const K = 4000;
  const q = new Float64Array(K);
  for (let k = 0; k < K; k++) q[k] = law.quantile(from + ((k + 0.5) / K) * (to - from));
  return sdOf(q);
}

function judge(model: GenerativeModel, label: string) {
  let worstWeight = 0;
  let worstRatio = 0;
  let worstCombined = 0;
  const lines: string[] = [];
  for (const xc of [-1, -0.75, 0, 0.25, 1, 1.25]) {
    const law = twoModeConditional(spec, xc, 1);
    const samples = Float64Array.from(model.lift([xc], 4000, { seed: 7 }).samples).sort();
    const upper = samples.filter((v) => v > spec.c * xc).length / samples.length;
    const w1 = wasserstein1ToLaw(samples, law);
    const floor = wasserstein1NoiseFloor(law, 4000, new Rng(5, 1), 20);
    const rowsFloor = wasserstein1NoiseFloor(law, nearestWindowRows(xc), new Rng(5, 2), 20);
    const combined = Math.hypot(floor, rowsFloor);
    const divide = spec.c * xc;
    const lowerWeight = law.cdf(divide);
    const modeSd = `${sdOf(samples.filter((v) => v <= divide)).toFixed(3)}/${exactSdBetween(law, 0, lowerWeight).toFixed(3)} ${sdOf(samples.filter((v) => v > divide)).toFixed(3)}/${exactSdBetween(law, lowerWeight, 1).toFixed(3)}`;
    let m = 0;
    for (const v of samples) m += v;
    m /= samples.length;
    const sd = sdOf(samples);
    const q = probabilities.map((p) => (samples[Math.floor(p * samples.length)] - law.quantile(p)).toFixed(3)).join(',');
    worstWeight = Math.max(worstWeight, Math.abs(upper - law.weights[1]));
    worstRatio = Math.max(worstRatio, w1 / floor);
    worstCombined = Math.max(worstCombined, w1 / combined);
    lines.push(`  x=${xc}: w ${upper.toFixed(3)}/${law.weights[1].toFixed(3)} sd ${sd.toFixed(3)}/${law.sd.toFixed(3)} mode sd lower/upper ${modeSd} mean ${(m - law.mean).toFixed(3)} dq[5,25,50,75,95] ${q} W1/floor ${(w1 / floor).toFixed(2)} W1/combined ${(w1 / combined).toFixed(2)}`);
  }
  for (const xc of (cfg.hist ?? []) as number[]) {
    // Fraction of the samples per bin of width 0.2 against the exact law's, from -2.5 to 2.5.
    const law = twoModeConditional(spec, xc, 1);
    const samples = model.lift([xc], 4000, { seed: 7 }).samples;
    const bins: string[] = [];
    for (let lo = -2.5; lo < 2.49; lo += 0.2) {
      const inBin = samples.filter((v) => v >= lo && v < lo + 0.2).length / samples.length;
      bins.push(`${lo.toFixed(1)}:${inBin.toFixed(3)}/${(law.cdf(lo + 0.2) - law.cdf(lo)).toFixed(3)}`);
    }
    lines.push(`  histogram x=${xc} (model/exact): ${bins.join(' ')}`);
  }
  console.log(`${label}: worst weight ${worstWeight.toFixed(3)} worst W1/floor ${worstRatio.toFixed(2)} worst W1/combined floor ${worstCombined.toFixed(2)}\n${lines.join('\n')}`);
}

const t0 = performance.now();
const c0 = process.cpuUsage();
const trainer = Trainer.create({ x: y, xDim: 1, cond: x, condDim: 1, segments }, { model: 'gan', seed: cfg.seed ?? 3, backend: 'wasm', ...cfg.train });
await trainer.run();
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(c0).user / 1e6;
console.log(JSON.stringify({ cfg, steps: trainer.progress().step, wall: wall.toFixed(1), cpu: cpu.toFixed(1) }));
const model = trainer.toModel();
judge(model, 'averaged generator');
model.dispose();
if (cfg.raw) {
  // Exploration only: the trainer's private networks, to judge the last raw generator.
  const nets = (trainer as unknown as { nets: { main: unknown; average: unknown } }).nets;
  const average = nets.average;
  nets.average = nets.main;
  const raw = trainer.toModel();
  nets.average = average;
  judge(raw, 'raw generator');
  raw.dispose();
}
trainer.dispose();
