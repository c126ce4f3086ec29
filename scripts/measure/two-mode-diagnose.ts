// What dominates the score model's W1 on the two-mode law: trains once (same data as two-mode-defaults.ts),
// then for each sampler prints, per condition, the upper-mode weight, each mode's mean and s.d. (model vs
// exact, split at y = c x), W1 / floor, and W1 / floor after reweighting the model's samples to the exact
// mode weights (what is left is shape: widths, positions, tails); W1/combined divides by the floor of the
// draws and the nearest window's training rows together (two-mode-data.ts twoModeFloors).
// Usage: npx tsx scripts/measure/two-mode-diagnose.ts '{"seed":3,"train":{...},"samplers":[["sde",200],["sde",1000]]}'
import { Trainer } from '../../src-main/engine/generative';
import { initTensorflowBackend } from '../../src-main/store/tf-backend';
import { Rng } from '../../src-main/engine/random';
import { TWO_MODE_CENTERS, twoModeFloors, twoModeRows } from './two-mode-data';
import { sampleLaw, twoModeConditional, wasserstein1ToLaw, type ConditionalLaw1D } from '../../src-main/engine/systems';
await initTensorflowBackend('wasm');
const cfg = JSON.parse(process.argv[2] ?? '{}');
const { spec, x, y, segments } = twoModeRows(cfg.rows ?? 14000, cfg.dataSeed ?? 11);
const t0 = performance.now();
const trainer = Trainer.create({ x: y, xDim: 1, cond: x, condDim: 1, segments }, { model: 'score', seed: cfg.seed ?? 3, backend: 'wasm', ...cfg.train });
const p = await trainer.run();
const model = trainer.toModel();
trainer.dispose();
console.log(`trained ${p.step} steps in ${((performance.now() - t0) / 1000).toFixed(1)} s wall; weights from epoch ${model.spec.training.weightsFromEpoch}`);

/** Mean and s.d. of the values on each side of `split` and the fraction above it. */
function modes(v: ArrayLike<number>, split: number) {
  const s = [[0, 0, 0], [0, 0, 0]];
  for (let i = 0; i < v.length; i++) { const k = v[i] > split ? 1 : 0; s[k][0]++; s[k][1] += v[i]; s[k][2] += v[i] * v[i]; }
  const stat = ([c, a, b]: number[]) => ({ mean: a / c, sd: Math.sqrt(Math.max(0, b / c - (a / c) ** 2)) });
  return { up: s[1][0] / v.length, lower: stat(s[0]), upper: stat(s[1]) };
}

/** W1 between a weighted sample and the law: integral |F_w - F| on a fine grid (diagnostic accuracy only). */
function weightedW1(v: Float64Array, w: Float64Array, law: ConditionalLaw1D): number {
  const idx = Array.from(v.keys()).sort((a, b) => v[a] - v[b]);
  const lo = Math.min(law.quantile(1e-7), v[idx[0]]), hi = Math.max(law.quantile(1 - 1e-7), v[idx[idx.length - 1]]);
  const K = 20000, h = (hi - lo) / K;
  let total = 0; for (const u of w) total += u;
  let j = 0, fw = 0, sum = 0;
  for (let k = 0; k <= K; k++) {
    const t = lo + k * h;
    while (j < idx.length && v[idx[j]] <= t) fw += w[idx[j++]] / total;
    sum += Math.abs(fw - law.cdf(t)) * (k === 0 || k === K ? 0.5 : 1) * h;
  }
  return sum;
}

const exactCache = new Map<number, ReturnType<typeof modes>>();
for (const [method, steps] of (cfg.samplers ?? [['sde', 200]]) as ['sde' | 'ode', number][]) {
  let worstW = 0, worstR = 0, worstC = 0;
  const t1 = performance.now();
  for (const xc of [-1, -0.75, 0, 0.25, 1, 1.25]) {
    const law = twoModeConditional(spec, xc, 1);
    const split = spec.c * xc;
    if (!exactCache.has(xc)) exactCache.set(xc, modes(sampleLaw(law, 100000, new Rng(9, 2)), split));
    const ex = exactCache.get(xc)!;
    const samples = Float64Array.from(model.lift([xc], cfg.n ?? 4000, { seed: 7, method, steps }).samples);
    const md = modes(samples, split);
    const floors = twoModeFloors(law, samples.length, x.length / TWO_MODE_CENTERS.length);
    const floor = floors.draws;
    const w1 = wasserstein1ToLaw(samples, law);
    // Reweight to the exact mode weights: the remaining W1 is the shape error.
    const wts = Float64Array.from(samples, (v) => (v > split ? law.weights[1] / md.up : (1 - law.weights[1]) / (1 - md.up)));
    const shape = weightedW1(samples, wts, law);
    worstW = Math.max(worstW, Math.abs(md.up - law.weights[1])); worstR = Math.max(worstR, w1 / floor); worstC = Math.max(worstC, w1 / floors.combined);
    const f = (a: number) => a.toFixed(3);
    if (cfg.hist === xc) {
      // Density per 0.1-wide bin, model vs exact (fraction of mass), from the lower mode's centre to the upper's.
      const edges = Array.from({ length: 41 }, (_, k) => ex.lower.mean - 0.8 + k * 0.1);
      const line: string[] = [];
      for (let k = 0; k + 1 < edges.length; k++) {
        const m = samples.filter((v) => v >= edges[k] && v < edges[k + 1]).length / samples.length;
        line.push(`${edges[k].toFixed(2)}: ${m.toFixed(4)} / ${(law.cdf(edges[k + 1]) - law.cdf(edges[k])).toFixed(4)}`);
      }
      console.log(line.join('\n'));
    }
    console.log(`  x ${xc}: w ${f(md.up)}/${f(law.weights[1])}  lower ${f(md.lower.mean)}+-${f(md.lower.sd)} / ${f(ex.lower.mean)}+-${f(ex.lower.sd)}  upper ${f(md.upper.mean)}+-${f(md.upper.sd)} / ${f(ex.upper.mean)}+-${f(ex.upper.sd)}  W1/floor ${(w1 / floor).toFixed(2)}  W1/combined ${(w1 / floors.combined).toFixed(2)}  shape-only ${(shape / floor).toFixed(2)}`);
  }
  console.log(`${method} ${steps}: worst weight ${worstW.toFixed(3)}, worst W1/floor ${worstR.toFixed(2)}, worst W1/combined floor ${worstC.toFixed(2)} (${((performance.now() - t1) / 1000).toFixed(1)} s)`);
}
