/**
 * Studies along a coordinate sampled by metadynamics or plain MD (sampling.method "metad" / "md"),
 * in process through the real API handlers and worker threads, at small sizes: the FES against
 * the exact one, closures and the mean force against exact answers, and the combinations the
 * schema refuses, each naming its key.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStudy } from '../../src-main/study/schema';
import { studyProblems } from './schema-problems';
import { runStudy } from '../../src-main/study/pipeline';
import { blockHistogramFes } from '../../src-main/study/sampling-runs';
import { makeContext, tempDir } from '../api/helpers';

const root = join(import.meta.dirname, '../..');
const exampleText = readFileSync(join(root, 'resources/examples/fast-slow-metad.study.json'), 'utf8');
const example = JSON.parse(exampleText);

/** The metad example without the model stages (training from runs is covered by run-study.test.ts). */
function metadStudyWithoutModel(): string {
  const s = structuredClone(example);
  delete s.model;
  delete s.lift;
  s.closures = { observables: [{ name: 'y', expr: 'y' }], meanForce: true, bins: 10 };
  return JSON.stringify(s);
}

/** Offset-removed differences a - b - mean(a - b) over entries where both are finite, with their indices. */
function offsetDiffs(a: (number | null)[], b: (number | null)[]): { d: number[]; at: number[] } {
  const at = a.map((_, i) => i).filter((i) => a[i] !== null && b[i] !== null && Number.isFinite(a[i]!) && Number.isFinite(b[i]!));
  const raw = at.map((i) => a[i]! - b[i]!);
  const m = raw.reduce((s, v) => s + v, 0) / raw.length;
  return { d: raw.map((v) => v - m), at };
}
const rms = (xs: number[]) => Math.sqrt(xs.reduce((a, v) => a + v * v, 0) / xs.length);

describe('blockHistogramFes', () => {
  it('reweighted uniform samples give F = the log weight, with block errors near the binomial noise', () => {
    // Uniform x on [0, 1) (a deterministic low-discrepancy sequence, shuffled per block by the
    // golden ratio) weighted by exp(-2x): F(x) = 2x + const exactly in the limit of many samples.
    const n = 100_000;
    const x = Float64Array.from({ length: n }, (_, i) => (i * 0.6180339887498949) % 1);
    const lw = Float64Array.from(x, (v) => -2 * v);
    const r = blockHistogramFes([x], [lw], { bins: 10, min: 0, max: 1 }, 1, 10);
    // Each bin's weight is exp(-2 c_k) times the same factor (equal widths), and F is 0 at bin 0:
    // F_k = 2 (c_k - c_0) exactly; the sequence's discrepancy ~1e-4 allows 5e-3.
    r.F.forEach((f, k) => expect(f!).toBeCloseTo(2 * (r.centers[k] - r.centers[0]), 2));
    expect(r.blocks).toBe(10);
    // Unweighted: F = 0 in every bin; a low-discrepancy sequence fills bins evenly, so errors are tiny.
    const flat = blockHistogramFes([x], null, { bins: 10, min: 0, max: 1 }, 1, 10);
    flat.F.forEach((f) => expect(Math.abs(f!)).toBeLessThan(1e-3));
    flat.dF.forEach((d) => expect(d!).toBeLessThan(1e-2));
    // An empty bin is null, not 0 or infinity.
    expect(blockHistogramFes([x], null, { bins: 10, min: 0, max: 2 }, 1).F.slice(5).every((f) => f === null)).toBe(true);
  });
});

describe('studies sampled by metadynamics and plain MD', () => {
  const dir = tempDir('liftwell-sampling-methods-');
  const ctx = makeContext(join(dir.path, 'home'));
  afterAll(async () => {
    await ctx.shutdown();
    dir.cleanup();
  });
  const options = (out: string) => ({ outDir: join(dir.path, out), resume: false, context: ctx, appVersion: 'test', log: () => {}, isCancelled: () => false });

  it('metad on fast/slow: reweighted F near exact with honest block errors; closures and mean force from unweighted frames', async () => {
    const text = metadStudyWithoutModel();
    const report = await runStudy(parseStudy(text), text, options('metad'));
    expect(report.fes.estimator).toBe('metad c(t)');
    const exact = report.fes.exact!.F;
    const { d, at } = offsetDiffs(report.fes.F, exact);
    expect(at.length).toBe(30); // every bin of [-1.5, 1.5] visited
    // 8 walkers x 4e5 steps: block errors ~0.1 kT per bin, measured RMS 0.065 kT. A histogram left
    // unreweighted would be off by (1 - 1/gamma) F ~ 1.6 kT at the barrier; the final bias alone
    // kept a 0.16 kT RMS tilt on this run.
    expect(rms(d)).toBeLessThan(0.12);
    // Errors are honest: mean squared z-score about 1 (a factor 4 of slack for 30 correlated bins).
    const z2 = d.map((v, k) => (v / report.fes.dF![at[k]]!) ** 2);
    expect(z2.reduce((s, v) => s + v, 0) / z2.length).toBeLessThan(4);
    // Closure E[y | x] = c f(x) = 0.5 sin(pi x): the bias depends on x only, so p(y | x) is unchanged.
    const y = report.closures[0];
    expect(y.chi2PerPoint.simulated!).toBeLessThan(3);
    expect(y.simulated.exact![0]).toBeCloseTo(0.5 * Math.sin(Math.PI * y.simulated.centers[0]), 3);
    // Mean force TI against exact U(x) = 2 (x^2 - 1)^2 (energy units; measured 0.065).
    expect(report.meanForce!.rmsVsExact!).toBeLessThan(0.2);
    expect(report.rounds[0]).toMatchObject({ round: 1, steps: 8 * 400_000, seeded: false });
    const run = JSON.parse(readFileSync(join(report.projectPath, 'runs', report.provenance.runs.sampling, 'run.json'), 'utf8'));
    expect(run.run.kind).toBe('metad');
  });

  it('metad frames feed the model, lift, consistency and effective dynamics', async () => {
    const s = structuredClone(example);
    s.sampling = { ...s.sampling, steps: 100_000 };
    s.model = { kind: 'score', epochs: 2, hidden: [16] };
    s.lift = { conditions: [-1, 0, 1], n: 100, steps: 20 };
    s.closures = { observables: [{ name: 'y', expr: 'y' }], meanForce: false, bins: 10 };
    s.dynamics = { grid: { range: [-1, 1], count: 3 }, bursts: 200, dt: 0.0001, times: [0.0004, 0.0008] };
    const text = JSON.stringify(s);
    const report = await runStudy(parseStudy(text), text, options('metad-model'));
    const train = JSON.parse(readFileSync(join(report.projectPath, 'runs', report.provenance.runs.model!, 'run.json'), 'utf8'));
    expect(train.run.params.sourceRunIds ?? train.run.sourceRunIds).toEqual([report.provenance.runs.sampling]);
    expect(report.closures[0].generated!.conditions).toEqual([-1, 0, 1]);
    expect(report.consistency!.verdict).toMatch(/^(good|marginal|poor)$/);
    const ed = report.effectiveDynamics!;
    expect(ed.grid).toEqual([-1, 0, 1]);
    // Legoll-Lelievre diffusion from the simulated (metad) frames: kT |grad x|^2 = 1 exactly.
    const simulatedD = ed.conditional.simulated.diffusion.filter((d) => d !== null);
    expect(simulatedD.length).toBeGreaterThan(0);
    expect(simulatedD.every((d) => Math.abs(d! - 1) < 1e-12)).toBe(true);
  });

  it('md on a low-barrier double well: histogram F with block errors, TI, against exact', async () => {
    const text = JSON.stringify({
      schemaVersion: 1, name: 'dw md', system: { kind: 'double-well', a: 1 }, kT: 1, cvs: ['x'], seed: 3,
      sampling: { method: 'md', range: [-1.6, 1.6], walkers: 16, steps: 100_000, dt: 0.001, stride: 20 },
      estimate: { bins: 16 },
      closures: { observables: [], meanForce: true, bins: 16 },
    });
    const report = await runStudy(parseStudy(text), text, options('md'));
    expect(report.fes.estimator).toBe('md histogram');
    const { d, at } = offsetDiffs(report.fes.F, report.fes.exact!.F);
    expect(at.length).toBe(16);
    // 1 kT barrier, 16 walkers x 100 time units: block errors ~0.05 kT (measured RMS 0.056 kT).
    expect(rms(d)).toBeLessThan(0.1);
    expect(report.fes.dF!.every((v) => v !== null && v > 0 && v < 0.2)).toBe(true);
    expect(report.meanForce!.rmsVsExact!).toBeLessThan(0.1);
    // No hill: the run is a metadynamics run with zero bias.
    const hills = readFileSync(join(report.projectPath, 'runs', report.provenance.runs.sampling, 'HILLS'), 'utf8');
    expect(hills.split('\n').filter((l) => l && !l.startsWith('#'))).toHaveLength(0);
    // --resume: every stage is reused, with the same numbers.
    const again = await runStudy(parseStudy(text), text, { ...options('md'), resume: true });
    expect(Object.values(again.provenance.stages).every((s) => s.cached)).toBe(true);
    expect(again.fes.F).toEqual(report.fes.F);
  });

  it('refuses bad combinations, naming the key', () => {
    const base = { ...example, model: { kind: 'score', epochs: 2 } };
    // Seeded rounds after metad run umbrella windows: they need a spring (test/study/combine-fes.test.ts).
    expect(studyProblems({ ...base, seeding: { rounds: 2 } })).toMatch(/^seeding\.spring: /m);
    expect(studyProblems({ ...base, seeding: { rounds: 3, select: 'adaptive' } })).toMatch(/^seeding\.spring: /m);
    expect(studyProblems({ ...base, sampling: { ...example.sampling, pace: 500_000 } })).toMatch(/^sampling\.pace: .*method "md"/m);
    expect(studyProblems({ ...base, sampling: { ...example.sampling, spring: 40 } })).toMatch(/^sampling: .*spring/m);
    const { range: _range, ...noRange } = example.sampling;
    expect(studyProblems({ ...base, sampling: noRange })).toMatch(/^sampling\.range: /m);
    expect(studyProblems({ ...base, sampling: { method: 'md', range: [-1, 1], steps: 1000, sigma: 0.1 } })).toMatch(/^sampling: .*sigma/m);
    expect(studyProblems({ ...base, sampling: { ...example.sampling, method: 'replica' } })).toMatch(/^sampling\.method: /m);
    // The example parses as given.
    expect(studyProblems(example)).toBe('');
  });
});
