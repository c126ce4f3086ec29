/**
 * A weak model on a stiff potential lifts configurations from which the lift-evolve-restrict
 * bursts diverge in their first steps. That is a poor lifting at those conditions, reported with a
 * warning: the consistency report must not fail as a whole ("walker diverged"), which used to stop
 * a study at its consistency stage.
 */
import { afterAll, expect, test } from 'vitest';
import { join } from 'node:path';
import { call, makeContext, setupProject, tempDir, waitForFinal } from './helpers';

// The hidden-barrier example's potential (resources/examples/hidden-barrier.study.json): y has a
// quartic double well of height up to 12 kT, stiff for overdamped steps of 1e-3.
const HIDDEN_BARRIER = {
  kind: 'expression', dim: 2,
  expression: 'a*(x^2 - 1)^2 + (hl + (hh - hl)*exp(-(x/w)^2))*(y^2 - 1)^2*(1 - k*tanh(2*y)) - b*x*y + t*y',
  parameters: { a: 0.5, hl: 0.3, hh: 12, w: 0.5, k: 0.9, b: 1.5, t: 0.6 },
  domain: [[-1.3, 1.3], [-3, 5]],
} as const;

const dir = tempDir('liftwell-consistency-diverged-');
const ctx = makeContext(join(dir.path, 'home'));
afterAll(async () => {
  await ctx.shutdown();
  dir.cleanup();
});

test('bursts that diverge from lifted configurations make those conditions poor, with a warning, not an error', async () => {
  const { projectPath, systemId } = await setupProject(ctx, dir.path, 'Diverging bursts', HIDDEN_BARRIER as never);
  const run = await call(ctx, 'startUmbrellaRun', {
    projectPath, systemId, name: 'hb umbrella',
    params: { cvIndex: 0, centers: { mode: 'range', min: -1, max: 1, count: 5 }, spring: 40, kT: 1, dt: 1e-3, stepsPerWindow: 4000, stride: 20, walkersPerWindow: 4, equilibrationSteps: 500, seed: 7 },
  });
  expect((await waitForFinal(ctx, run.id, 60_000)).status).toBe('completed');
  const train = await call(ctx, 'startTraining', { projectPath, name: 'weak', sourceRunIds: [run.id], model: 'score', epochs: 2, seed: 1, hidden: [8] });
  expect((await waitForFinal(ctx, train.id, 120_000)).status).toBe('completed');
  const model = (await call(ctx, 'listModels', { projectPath }))[0];
  const report = await call(ctx, 'consistencyReport', { projectPath, modelId: model.id, conditions: [-0.8, 0, 0.8], n: 300, seed: 2, steps: 50 });
  console.log(report.rows.map((r) => `${r.cond[0]}: ${r.verdict} ${r.warnings.join(' | ')}`).join('\n'));
  const diverged = report.rows.filter((r) => r.warnings.some((w) => /diverged/.test(w)));
  expect(diverged.length).toBeGreaterThan(0);
  for (const r of diverged) expect(r.verdict).toBe('poor');
  expect(report.verdict.overall).toBe('poor');
}, 300_000);
