/**
 * A study along a learned CV (study/learned-cv-study.ts, `learnedCv` in study.json) on the
 * embedded system, at a small size: the diffusion map's psi_1 tracks the hidden x, F(psi_1) from
 * windows biased along psi_1 matches the exact level-set law, and the closures E[y | psi_1],
 * E[x | psi_1] match the exact answer mapped through the embedding; a naive mapping that treats
 * psi_1 as if it were x is rejected by the same check (so it can fail). An undertrained model is
 * judged poor with advice; --resume reuses the stage.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStudy } from '../../src-main/study/schema';
import { runStudy } from '../../src-main/study/pipeline';
import { tempDir } from '../api/helpers';

const root = join(import.meta.dirname, '../..');

function study(model: unknown) {
  const s = JSON.parse(readFileSync(join(root, 'resources/examples/embedded-learned-cv.study.json'), 'utf8'));
  if (model) {
    s.learnedCv.model = model;
    s.learnedCv.umbrella.steps = 4000; // the verdict test needs training data, not a precise F
  }
  else delete s.learnedCv.model;
  return JSON.stringify(s);
}

describe('study along a learned CV (embedded system)', () => {
  const dir = tempDir('liftwell-learned-cv-');
  afterAll(() => dir.cleanup());
  const logs: string[] = [];
  // runStudy's learned-CV path uses no project runs, so no app context is needed.
  const options = (out: string, resume: boolean) => ({ outDir: out, resume, context: null as never, appVersion: 'test', log: (l: string) => logs.push(l), isCancelled: () => false });

  it('psi1 tracks x; F(psi1) and the closures match the exact level-set law; a naive mapping fails the same check', async () => {
    const out = join(dir.path, 'sim');
    const text = study(null);
    const report = await runStudy(parseStudy(text), text, options(out, false));
    const lc = report.learnedCv!;
    // The criterion for the learned CV.
    expect(lc.spearmanX).toBeGreaterThanOrEqual(0.99);
    // 9 windows x 4 walkers x 1,000 frames (g ~ 10-30): WHAM's per-bin error ~0.05 kT; 0.15 is 3x.
    expect(lc.fesRmsVsExact).toBeLessThan(0.15);
    for (const name of ['y', 'x']) {
      const c = report.closures.find((k) => k.name === name)!;
      // ~18 bins: chi^2 per point has s.d. sqrt(2/18) = 0.33 around 1 when the errors are honest and
      // unbiased; 2.0 is 3 s.d. above.
      expect(c.chi2PerPoint.simulated!).toBeLessThan(2);
      expect(c.simulated.count.some((n) => n > 20)).toBe(true);
    }
    // Control: the exact closure of the hidden x, E[y | x = c] = c_f sin(pi c), used as if psi1 were x.
    const y = report.closures.find((k) => k.name === 'y')!;
    let chi2 = 0;
    let n = 0;
    y.simulated.centers.forEach((c, b) => {
      const m = y.simulated.mean[b];
      const s = y.simulated.sem[b];
      if (m === null || s === null || y.simulated.exact![b] === null) return;
      chi2 += ((m - 0.5 * Math.sin(Math.PI * c)) / s) ** 2;
      n++;
    });
    expect(chi2 / n).toBeGreaterThan(10);
    // TI of the generalised mean force along psi1 (den Otter) against the exact F, within its own
    // error bars' scale (its dF grows to ~0.3 kT at the far end).
    expect(report.meanForce!.rmsVsExact!).toBeLessThan(0.5);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Learned CV');
    // --resume: the stage is reused.
    logs.length = 0;
    await runStudy(parseStudy(text), text, options(out, true));
    expect(logs.some((l) => l.startsWith('learnedCv: cached'))).toBe(true);
  }, 300_000);

  it('an undertrained model of p(q | psi1) is judged poor, with advice, on restriction errors that can be non-zero', async () => {
    const out = join(dir.path, 'model');
    const text = study({ kind: 'score', epochs: 2, conditions: 3, n: 200 });
    const report = await runStudy(parseStudy(text), text, options(out, false));
    const c = report.consistency!;
    expect(c.restrictionError!).toBeGreaterThan(0);
    expect(report.learnedCv!.lift!.restriction.perCondition).toHaveLength(3);
    expect(c.verdict).toBe('poor');
    expect(c.advice.join(' ')).toMatch(/train longer/i);
    expect(existsSync(join(out, 'report.json'))).toBe(true);
  }, 300_000);

  it('refuses a learned-CV study on a system without observed coordinates, and both sampling and learnedCv', () => {
    const s = JSON.parse(study(null));
    expect(() => parseStudy(JSON.stringify({ ...s, system: { kind: 'double-well', a: 2 } }))).toThrow(/needs the embedded system/);
    expect(() => parseStudy(JSON.stringify({ ...s, sampling: { method: 'umbrella', range: [-1, 1], windows: 3, spring: 10, steps: 100 } }))).toThrow(/not both/);
    expect(() => parseStudy(JSON.stringify({ ...s, cvs: ['x'] }))).toThrow(/psi1/);
  });
});
