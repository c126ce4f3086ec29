/**
 * `liftwell run` with adaptive rounds, in process at small size (hidden-barrier example shrunk, a
 * 2-epoch model): the trapping stage leaves the trapped interval out of training, round 2 re-samples
 * the trapped windows from lifted starts and says which rule chose every centre, report.json and
 * report.html carry the rounds, and --resume reuses every finished round (stage cache per round)
 * while a changed round budget runs only the new round. The accuracy of the full-size example is
 * measured in docs/generation-assisted.md (a small model lifts roughly; this test checks the loop).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStudy } from '../../src-main/study/schema';
import { runStudy } from '../../src-main/study/pipeline';
import { makeContext, tempDir } from '../api/helpers';

const root = join(import.meta.dirname, '../..');

function smallStudy(rounds: number) {
  const s = JSON.parse(readFileSync(join(root, 'resources/examples/hidden-barrier.study.json'), 'utf8'));
  s.sampling = { ...s.sampling, windows: 9, steps: 16000, walkers: 6, dt: 0.0005 };
  s.estimate = { ...s.estimate, bins: 20, bootstrap: 4 };
  s.model = { kind: 'score', epochs: 20, hidden: [32, 32] };
  // No target: the loop runs to the round budget unless no rule asks for a window.
  s.seeding = { ...s.seeding, rounds, walkers: 8, steps: 3000, maxNewCentres: 5, retrain: true, targetUncertainty: undefined };
  return JSON.stringify(s);
}

describe('liftwell run: adaptive generation-assisted rounds', () => {
  const dir = tempDir('liftwell-rounds-');
  const ctx = makeContext(join(dir.path, 'home'));
  afterAll(async () => {
    await ctx.shutdown();
    dir.cleanup();
  });
  const out = join(dir.path, 'out');
  const options = (resume: boolean) => ({ outDir: out, resume, context: ctx, appVersion: 'test', log: () => {}, isCancelled: () => false });

  it('diagnoses trapping, holds the trapped interval out of training, re-samples trapped windows first, and reports why', async () => {
    const text = smallStudy(2);
    const report = await runStudy(parseStudy(text), text, options(false));
    const t = report.adaptive!.trapping!;
    const trapped = t.windows.filter((w) => w.trapped).map((w) => w.centre);
    // Barrier > 10 kT at |x| <= 0.25: the windows at 0 and +-0.25 cannot mix in 16000 steps.
    expect(trapped).toEqual(expect.arrayContaining([expect.closeTo(0, 12), expect.closeTo(-0.25, 12), expect.closeTo(0.25, 12)]));
    const sigma = Math.sqrt(1 / 40);
    expect(t.holdOut![0]).toBeCloseTo(Math.min(...trapped) - sigma, 12);
    const trainRun = JSON.parse(readFileSync(join(report.projectPath, 'runs', report.provenance.runs.model!, 'run.json'), 'utf8'));
    expect(trainRun.run.params.holdOut).toEqual(t.holdOut);

    expect(report.rounds).toHaveLength(2);
    const [r1, r2] = report.rounds;
    expect(r1).toMatchObject({ round: 1, seeded: false, steps: 9 * 6 * (16000 + 1000), dropped: trapped });
    expect(r2.seeded).toBe(true);
    // Trapped windows come first, at their own centres; every centre names its rule.
    const first = trapped.slice(0, 5); // maxNewCentres 5
    expect(r2.choices!.slice(0, first.length).map((c) => [c.reason, c.centre])).toEqual(first.map((c) => ['trapped-window', c]));
    expect(r2.choices!.every((c) => ['trapped-window', 'unexplored', 'weak-overlap', 'poor-consistency', 'fes-uncertainty'].includes(c.reason))).toBe(true);
    expect(r2.reason).toMatch(/trapped-window x\d/);
    expect(r2.steps).toBe(r2.newCentres.length * 8 * 3000);
    expect(report.adaptive!.stopReason).toBe('round-budget');
    const seededRun = JSON.parse(readFileSync(join(report.projectPath, 'runs', r2.runId!, 'run.json'), 'utf8'));
    expect(seededRun.run.params.seeding).toMatchObject({ source: 'lifted', modelId: report.provenance.modelId });
    expect(seededRun.job.windows).toHaveLength(r2.newCentres.length);
    expect(seededRun.job.windows[0].starts).toHaveLength(8 * 2);
    // The headline FES is the fold of both rounds; fesRounds: the plain estimate, then each fold.
    expect(report.fes.estimator).toMatch(/folded/);
    expect(report.fesRounds.map((f) => f.round)).toEqual([1, 2]);
    expect(report.fesRounds.every((f) => f.rmsVsExact !== null)).toBe(true);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('(trapped-window)');
    expect(html).toContain('Trapping of the first round');
  }, 300_000);

  it('--resume reuses finished rounds; a larger round budget runs only the new round', async () => {
    const text = smallStudy(3);
    const report = await runStudy(parseStudy(text), text, options(true));
    const s = report.provenance.stages;
    expect(s.sampling.cached).toBe(true);
    expect(s.trapping.cached).toBe(true);
    expect(s.model.cached).toBe(true);
    expect(s['round-1'].cached).toBe(true);
    // The budget is not part of a round's key: round 2 is reused, round 3 runs.
    expect(s['round-2'].cached).toBe(true);
    expect(s['round-3'].cached).toBe(false);
    expect(report.rounds.map((r) => r.round)).toEqual([1, 2, 3]);
    expect(report.rounds[2].modelId).not.toBe(report.rounds[1].modelId); // retrained after round 3
    const again = await runStudy(parseStudy(text), text, options(true));
    expect(Object.entries(again.provenance.stages).filter(([, v]) => !v.cached).map(([k]) => k)).toEqual([]);
    expect(again.rounds.map((r) => r.runId)).toEqual(report.rounds.map((r) => r.runId));
  }, 300_000);
});
