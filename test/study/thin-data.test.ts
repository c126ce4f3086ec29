/**
 * Studies on thin data: a metadynamics toy study of a few thousand steps fills too few bins for a
 * mean force to be integrated. The mean-force stage used to throw ("thermodynamic integration
 * needs at least two neighbouring bins with a mean force") and fail the study; now it finishes
 * with F null and a warning with advice, and the closures and the rest of the study go on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closureReports, meanForceReport, THIN_MEAN_FORCE_WARNING } from '../../src-main/study/analysis';
import { runStudy } from '../../src-main/study/pipeline';
import { parseStudy } from '../../src-main/study/schema';
import { createSystem } from '../../src-main/engine/systems';
import { makeContext, tempDir } from '../api/helpers';

const root = join(import.meta.dirname, '../..');
const FS = { kind: 'fast-slow', a: 2, s: 0.5, epsilon: 0.01, f: 'sin', c: 0.5 } as const;

describe('analyses on thin data', () => {
  it('mean force with data in one bin only: F null with a warning, not an exception; closures report what they have', () => {
    const system = createSystem(FS);
    // 200 frames, every x in the bin [0, 0.1): one bin with data, none next to it.
    const rows = Float64Array.from({ length: 400 }, (_, k) => (k % 2 === 0 ? 0.05 + 0.01 * Math.sin(k) : Math.cos(k)));
    const axis = { bins: 10, min: -0.5, max: 0.5 };
    const mf = meanForceReport(system, 0, 1, [rows], axis, { centers: [], F: [] }, null);
    expect(mf.warning).toBe(THIN_MEAN_FORCE_WARNING);
    expect(mf.F.every((v) => v === null)).toBe(true);
    expect(mf.dF.every((v) => v === null)).toBe(true);
    expect(mf.rmsVsFes).toBeNull();
    const [y] = closureReports(system, 0, 1, [rows], axis, [{ name: 'y', expr: 'y' }], null);
    expect(y.simulated.count.filter((c) => c > 0)).toHaveLength(1);
  });
});

describe('a metadynamics study of a few thousand steps', () => {
  const dir = tempDir('liftwell-thin-data-');
  const ctx = makeContext(join(dir.path, 'home'));
  afterAll(async () => {
    await ctx.shutdown();
    dir.cleanup();
  });

  it('finishes: the mean-force stage warns (too few bins with data, more steps), the FES and closures are reported', async () => {
    const s = JSON.parse(readFileSync(join(root, 'resources/examples/fast-slow-metad.study.json'), 'utf8'));
    delete s.model;
    delete s.lift;
    s.sampling = { ...s.sampling, walkers: 1, steps: 3000 };
    s.closures = { observables: [{ name: 'y', expr: 'y' }], meanForce: true, bins: 15 };
    const text = JSON.stringify(s);
    const lines: string[] = [];
    const out = join(dir.path, 'out');
    const report = await runStudy(parseStudy(text), text, { outDir: out, resume: false, context: ctx, appVersion: 'test', log: (l: string) => lines.push(l), isCancelled: () => false });
    expect(report.meanForce!.warning).toBe(THIN_MEAN_FORCE_WARNING);
    expect(lines).toContain(`warning: meanForce: ${THIN_MEAN_FORCE_WARNING}`);
    expect(report.closures).toHaveLength(1);
    expect(report.fes.F.some((v) => v !== null)).toBe(true);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Warning: mean force / thermodynamic integration not available');
  }, 240_000);
});
