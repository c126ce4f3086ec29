/**
 * `liftwell run` pipeline at small sizes, in process through the real API handlers and worker
 * threads: the report's keys and exact answers, stage caching by content hash, --resume rules,
 * and the self-contained HTML. (The full-size example runs in docs/study.md's numbers.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStudy } from '../../src-main/study/schema';
import { runStudy } from '../../src-main/study/pipeline';
import { makeContext, tempDir } from '../api/helpers';

const root = join(import.meta.dirname, '../..');

/** The fast/slow example shrunk: 7 windows, a 2-epoch model, few bursts. */
function smallStudy(modelEpochs = 2) {
  const s = JSON.parse(readFileSync(join(root, 'resources/examples/fast-slow-closures.study.json'), 'utf8'));
  s.sampling = { ...s.sampling, windows: 7, steps: 10_000, walkers: 4 };
  s.estimate = { ...s.estimate, bins: 15, bootstrap: 4 };
  s.model = { kind: 'score', epochs: modelEpochs, hidden: [16] };
  s.lift = { conditions: [-1, 0, 1], n: 100, steps: 20 };
  s.closures = { ...s.closures, bins: 10 };
  s.seeding = { rounds: 2 };
  s.dynamics = { grid: { range: [-1, 1], count: 5 }, bursts: 400, dt: 0.0001, times: [0.0004, 0.0008, 0.0016], mfpt: { from: -1, to: 1, walkers: 10, maxSteps: 20_000 } };
  return JSON.stringify(s);
}

describe('liftwell run pipeline (small fast/slow study)', () => {
  const dir = tempDir('liftwell-study-');
  const ctx = makeContext(join(dir.path, 'home'));
  afterAll(async () => {
    await ctx.shutdown();
    dir.cleanup();
  });
  const out = join(dir.path, 'out');
  const logs: string[] = [];
  const options = (resume: boolean) => ({ outDir: out, resume, context: ctx, appVersion: 'test', log: (l: string) => logs.push(l), isCancelled: () => false });

  it('runs every stage and writes report.json / report.html with exact answers beside estimates', async () => {
    const text = smallStudy();
    const report = await runStudy(parseStudy(text), text, options(false));
    const onDisk = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(Object.keys(onDisk)).toEqual(expect.arrayContaining(['fes', 'closures', 'meanForce', 'effectiveDynamics', 'consistency', 'rounds', 'provenance']));
    expect(report.fes.unit).toBe('kT');
    expect(report.fes.exact).not.toBeNull();
    // 7 windows x 4 walkers x 500 frames: TI and WHAM each land within a few tenths of kT of
    // U(x) (sampling noise at this size ~0.1 kT per bin); a wrong sign or a missing bias
    // correction would be off by whole kT.
    expect(report.meanForce!.rmsVsExact!).toBeLessThan(0.3);
    expect(report.meanForce!.rmsVsFes!).toBeLessThan(0.4);
    const y = report.closures.find((c) => c.name === 'y')!;
    expect(y.simulated.exact).not.toBeNull();
    expect(y.chi2PerPoint.simulated!).toBeLessThan(4);
    expect(y.generated!.conditions).toEqual([-1, 0, 1]);
    expect(y.generated!.exact![1]).toBeCloseTo(0, 6); // E[y | x = 0] = 0.5 sin(0)
    const ed = report.effectiveDynamics!;
    expect(ed.grid).toHaveLength(5);
    expect(ed.exact!.diffusion.every((d) => d === 1)).toBe(true);
    // The Legoll-Lelievre diffusion kT |grad x|^2 is exactly kT for a coordinate CV.
    expect(ed.conditional.lifted.diffusion.every((d) => Math.abs(d - 1) < 1e-12)).toBe(true);
    expect(ed.mfpt!.reduced).toBeGreaterThan(0);
    expect(report.consistency!.verdict).toMatch(/^(good|marginal|poor)$/);
    expect(report.consistency!.restrictionError).toBeNull(); // a coordinate CV: exact by construction
    expect(report.rounds[0].steps).toBe(7 * 4 * (10_000 + 1000));
    // Round 2: windows seeded from configurations lifted at their centres (no equilibration).
    expect(report.rounds[1]).toMatchObject({ round: 2, seeded: true, steps: 7 * 4 * 10_000 });
    const seededRun = JSON.parse(readFileSync(join(report.projectPath, 'runs', report.provenance.runs.seeded!, 'run.json'), 'utf8'));
    expect(seededRun.run.params.seeding).toMatchObject({ source: 'lifted', modelId: report.provenance.modelId });
    expect(seededRun.job.windows[0].starts).toHaveLength(4 * 2);
    // Even a 2-epoch model lifts y near f(x) +- its spread; a seeded FES is as good as the first.
    expect(report.fesRounds[1].rmsVsExact!).toBeLessThan(0.4);
    expect(report.fesRounds[0].rmsVsExact!).toBeLessThan(0.4);
    expect(Object.values(report.provenance.stages).every((s) => !s.cached)).toBe(true);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|src="http|href="http/);
    expect(existsSync(report.projectPath)).toBe(true);
  });

  it('refuses an existing study folder without --resume', async () => {
    const text = smallStudy();
    await expect(runStudy(parseStudy(text), text, options(false))).rejects.toThrow(/already holds a study.*--resume/);
  });

  it('--resume with new model options reuses sampling and estimate, re-runs the model and what follows', async () => {
    const text = smallStudy(3);
    const report = await runStudy(parseStudy(text), text, options(true));
    const s = report.provenance.stages;
    expect(s.sampling.cached).toBe(true);
    expect(s.estimate.cached).toBe(true);
    expect(s.meanForce.cached).toBe(true);
    expect(s.model.cached).toBe(false);
    expect(s.seeding.cached).toBe(false);
    expect(s.lift.cached).toBe(false);
    expect(s.dynamics.cached).toBe(false);
  });
});
