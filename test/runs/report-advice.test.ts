import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consistencyAdvice, type AdviceRow } from '../../src-main/runs/train/report-advice';
import { burstDynamics } from '../../src-main/runs/train/consistency-report';
import type { TrainJob } from '../../src-main/runs/run-file';

const row = (cond: number, verdict: AdviceRow['verdict'], frames = 1000, extra: Partial<AdviceRow> = {}): AdviceRow => ({ cond, verdict, frames, heldOut: false, transientOnly: false, ...extra });

describe('advice for a consistency report that is not good', () => {
  it('says nothing for a good report', () => {
    expect(consistencyAdvice('good', [row(0, 'good')], { epochs: 10, bestEpoch: 10, stoppedEarly: false, hidden: [32] })).toEqual([]);
  });

  it('advises training longer when the best epoch was the last', () => {
    const a = consistencyAdvice('poor', [row(0, 'poor'), row(1, 'good')], { epochs: 40, bestEpoch: 40, stoppedEarly: false, hidden: [64, 64] });
    expect(a[0]).toMatch(/Train longer: the best validation loss came at the last epoch \(40\)/);
    expect(a.join(' ')).not.toMatch(/larger network/);
  });

  it('advises more data near thin or held-out conditions, and a larger network where data are plentiful after convergence', () => {
    const a = consistencyAdvice('poor', [row(-1.9, 'poor', 80), row(0.4, 'marginal', 900, { heldOut: true }), row(0.8, 'poor', 1500), row(1.2, 'good')], {
      epochs: 200,
      bestEpoch: 150,
      stoppedEarly: true,
      hidden: [64, 64],
    });
    expect(a.some((t) => /^Train longer/.test(t))).toBe(false);
    expect(a.find((t) => t.startsWith('More data near'))).toMatch(/-1\.900, 0\.400.*80, 900.*held out/);
    expect(a.find((t) => t.startsWith('A larger network'))).toMatch(/now 64 x 64.*0\.800.*best epoch 150 of 200/);
  });

  it('names the transient when only the bursts fail, and says why nothing was judged', () => {
    expect(consistencyAdvice('marginal', [row(0, 'marginal', 1000, { transientOnly: true }), row(1, 'marginal', 1000, { transientOnly: true })], null).join(' ')).toMatch(/relax during the unbiased bursts/);
    expect(consistencyAdvice(null, [], null)[0]).toMatch(/No condition could be judged/);
  });
});

describe('the bursts of lift-evolve-restrict use the dynamics of the source runs', () => {
  it('overdamped for umbrella runs, BAOAB with friction and mass for BAOAB metadynamics, none without a time step', () => {
    const dir = mkdtempSync(join(tmpdir(), 'liftwell-burst-dyn-'));
    try {
      const write = (id: string, job: object) => {
        mkdirSync(join(dir, 'runs', id), { recursive: true });
        writeFileSync(join(dir, 'runs', id, 'run.json'), JSON.stringify({ schemaVersion: 1, run: { id }, job }));
      };
      write('us', { kind: 'umbrella', kT: 0.8, dt: 1e-3 });
      write('md', { kind: 'metad', kT: 1.2, dt: 5e-3, integrator: 'baoab', friction: 4, mass: 2 });
      write('odd', { kind: 'metad', kT: 1 });
      const job = (id: string) => ({ sourceRunIds: [id], kT: 9 }) as unknown as TrainJob;
      expect(burstDynamics(dir, job('us'))).toEqual({ dt: 1e-3, kT: 0.8, integrator: { kind: 'overdamped' } });
      expect(burstDynamics(dir, job('md'))).toEqual({ dt: 5e-3, kT: 1.2, integrator: { kind: 'baoab', friction: 4, mass: 2 } });
      expect(burstDynamics(dir, job('odd'))).toBeNull();
      expect(burstDynamics(dir, job('missing'))).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
