/**
 * Walker ensembles as the app runs them (startEnsembleRun in a worker thread): the executor
 * decision and its reason, the histogram FES of 20,000 double-well walkers against the exact
 * answer for both executions (CPU kernel, batched tensor integrator on the worker's tfjs
 * backend, wasm here), their statistical agreement, bit-identical resume after a crash, and
 * refused input.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnsembleParams, EnsembleResult } from '../../src-main/api/contract';
import { call, callError, makeContext, setupProject, tempDir, waitForFinal } from './helpers';

const dir = tempDir('liftwell-ensemble-');
afterAll(() => dir.cleanup());

// Double well a = 1, kT = 1 (barrier 1 kT). Walkers start uniformly in [-2, 2]; 1000 steps of
// dt 2e-3 (2 time units, > 10 in-well relaxation times 1/V''(±1) = 1/8) equilibrate, then 1000
// more are histogrammed every 10 steps: 100 snapshots x 20,000 walkers.
const params: EnsembleParams = {
  walkers: 20_000,
  steps: 2000,
  dt: 2e-3,
  kT: 1,
  umbrella: null,
  executor: 'auto',
  bins: 60,
  equilibrationSteps: 1000,
  stride: 10,
  start: 'box',
  seed: 5,
};

let projectPath: string;
let systemId: string;
const home = () => join(dir.path, 'home');
beforeAll(async () => {
  const ctx = makeContext(home());
  ({ projectPath, systemId } = await setupProject(ctx, dir.path, 'Ensemble', { kind: 'double-well', a: 1 }));
  await ctx.shutdown();
});

async function runToResult(p: EnsembleParams, name: string): Promise<{ result: EnsembleResult; runId: string; record: Awaited<ReturnType<typeof waitForFinal>> }> {
  const ctx = makeContext(home());
  const run = await call(ctx, 'startEnsembleRun', { projectPath, systemId, name, params: p });
  expect(run.kind).toBe('ensemble');
  const record = await waitForFinal(ctx, run.id);
  expect(record.status, record.error).toBe('completed');
  const result = await call(ctx, 'getEnsembleResult', { projectPath, runId: run.id });
  await ctx.shutdown();
  return { result, runId: run.id, record };
}

/** Second moment <x^2> and its variance from the histogram (bin centres). */
function moments(r: EnsembleResult): { m2: number; var2: number } {
  const { centers } = r.profiles[0];
  const counts = r.profiles[0].fes.map((f) => (f === null ? 0 : Math.exp(-f / r.kT)));
  const total = counts.reduce((a, b) => a + b, 0);
  const m2 = centers.reduce((s, x, i) => s + counts[i] * x * x, 0) / total;
  const m4 = centers.reduce((s, x, i) => s + counts[i] * x ** 4, 0) / total;
  return { m2, var2: m4 - m2 * m2 };
}

// FES vs exact -kT ln of the Boltzmann density (bins with F < 4 kT, best constant removed). Noise:
// walkers are independent, so a bin holding fraction q of the mass has a relative count error of
// at most 1/sqrt(q * 20,000) (each walker's 100 snapshots count at least as one sample): q >= 1/60
// e^-4 gives <= 0.13 kT in the sparsest bin, ~0.02 kT in the wells; the Euler-Maruyama
// time-step bias at dt 2e-3 is O(dt V'') ~ 0.02 kT. RMS < 0.08 kT leaves room for both, while
// a wrong kT (T twice as high halves every barrier: 0.5 kT off at x = 0) or a wrong mobility
// fails it.
const FES_RMS_TOLERANCE = 0.08;

let cpuResult: EnsembleResult;
let tensorResult: EnsembleResult;

test('executor auto with 20,000 walkers picks the CPU kernel here and says why', async () => {
  const { result, record } = await runToResult(params, 'auto');
  cpuResult = result;
  expect(result.executor).toBe('cpu');
  // 20,000 >= 16,384 walkers, so the worker started tfjs to decide; no GPU backend here.
  expect(result.backend).not.toBeNull();
  expect(['node', 'wasm', 'cpu']).toContain(result.backend);
  expect(result.executorReason).toMatch(/^auto: tfjs backend \S+ is not a GPU one/);
  // The decision is in the run record too (the Jobs row shows it).
  expect(record.kind === 'ensemble' && record.executor).toBe('cpu');
  expect(record.kind === 'ensemble' && record.executorReason).toBe(result.executorReason);
  expect(result.samples).toBe(params.walkers * 100);
  expect(result.walkerStepsPerSecond).toBeGreaterThan(0);
  const rms = result.profiles[0].rmsVsExact!;
  console.log(`cpu: ${result.walkerStepsPerSecond!.toExponential(2)} walker-steps/s, FES rms vs exact ${rms.toFixed(3)} kT (${result.executorReason})`);
  expect(result.profiles[0].meaning).toBe('unbiased');
  expect(rms).toBeLessThan(FES_RMS_TOLERANCE);
});

test('executor tensor forced runs on the worker tfjs backend and matches the exact FES', async () => {
  const { result } = await runToResult({ ...params, executor: 'tensor' }, 'tensor');
  tensorResult = result;
  expect(result.executor).toBe('tensor');
  expect(result.executorReason).toContain('requested (executor tensor) on tfjs backend');
  const rms = result.profiles[0].rmsVsExact!;
  console.log(`tensor (${result.backend}): ${result.walkerStepsPerSecond!.toExponential(2)} walker-steps/s, FES rms vs exact ${rms.toFixed(3)} kT`);
  // Same tolerance as the CPU kernel: float32 rounding (1e-7 relative) adds nothing visible.
  expect(rms).toBeLessThan(FES_RMS_TOLERANCE);
});

test('both executors agree statistically (<x^2> within 4 standard errors)', () => {
  const a = moments(cpuResult);
  const b = moments(tensorResult);
  // Standard error of <x^2>: at most sqrt(Var(x^2) / walkers) per run (walkers independent, each
  // walker's time average no noisier than one sample); the two runs are independent.
  const se = Math.sqrt(a.var2 / params.walkers + b.var2 / params.walkers);
  console.log(`<x^2> cpu ${a.m2.toFixed(4)} tensor ${b.m2.toFixed(4)} (se ${se.toFixed(4)})`);
  expect(Math.abs(a.m2 - b.m2)).toBeLessThan(4 * se);
  // Not a test that cannot fail: kT 10% off moves <x^2> by far more than 4 se here.
  expect(4 * se).toBeLessThan(0.05 * a.m2);
});

async function crashAndResume(p: EnsembleParams, name: string): Promise<string> {
  const ctx1 = makeContext(home(), { checkpointIntervalMs: 10 });
  const run = await call(ctx1, 'startEnsembleRun', { projectPath, systemId, name, params: p });
  const ck = join(projectPath, 'runs', run.id, 'ensemble-checkpoint.bin');
  const t0 = Date.now();
  while (!existsSync(ck) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 2));
  await ctx1.jobs.kill();
  expect(existsSync(join(projectPath, 'runs', run.id, 'ensemble.json'))).toBe(false);
  const ctx2 = makeContext(home());
  await call(ctx2, 'openProject', { projectPath });
  // The resumed task must start from the checkpoint, not over (which would give the same bits).
  const fractions: number[] = [];
  ctx2.subscribe((e) => {
    if (e.type === 'run-progress' && e.runId === run.id) fractions.push(e.fraction);
  });
  await call(ctx2, 'resumeRun', { projectPath, runId: run.id });
  const done = await waitForFinal(ctx2, run.id);
  expect(done.status, done.error).toBe('completed');
  expect(fractions[0]).toBeGreaterThan(0);
  expect(fractions[0]).toBeLessThan(1);
  await ctx2.shutdown();
  return run.id;
}

const histogramsOf = (runId: string) => readFileSync(join(projectPath, 'runs', runId, 'histograms.npy'));

test('a crashed CPU-executor run resumes bit-identically', async () => {
  const p: EnsembleParams = { ...params, executor: 'cpu', walkers: 8000, steps: 1500, equilibrationSteps: 500 };
  const ref = await runToResult(p, 'ref cpu');
  const resumed = await crashAndResume(p, 'crash cpu');
  expect(histogramsOf(resumed).equals(histogramsOf(ref.runId))).toBe(true);
});

test('a crashed tensor-executor run resumes bit-identically on the same backend', async () => {
  const p: EnsembleParams = { ...params, executor: 'tensor', walkers: 4000, steps: 800, equilibrationSteps: 200 };
  const ref = await runToResult(p, 'ref tensor');
  const resumed = await crashAndResume(p, 'crash tensor');
  expect(histogramsOf(resumed).equals(histogramsOf(ref.runId))).toBe(true);
});

test('bad ensemble input is refused with the field named', async () => {
  const ctx = makeContext(home());
  const cases: [unknown, string][] = [
    [{ ...params, walkers: 0 }, 'walkers'],
    [{ ...params, walkers: 2_000_000 }, 'walkers'],
    [{ ...params, executor: 'gpu' }, 'executor'],
    [{ ...params, steps: 1000 }, 'steps'],
    [{ ...params, umbrella: { cvIndex: 1, center: 0, spring: 5 } }, 'cvIndex'],
    [{ ...params, umbrella: { cvIndex: 0, center: 0, spring: -1 } }, 'spring'],
    [{ ...params, bins: 3 }, 'bins'],
  ];
  for (const [bad, field] of cases) {
    const e = await callError(ctx, 'startEnsembleRun', { projectPath, systemId, name: 'bad', params: bad });
    expect(e.code).toBe('invalid-input');
    expect(e.message).toContain(field);
  }
  await ctx.shutdown();
});
