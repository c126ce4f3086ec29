/**
 * Rounds after metadynamics or MD: the inverse-variance combination of the first round's FES with
 * seeded window groups (combine-fes.ts), the overlap groups (rounds.ts) and the unexplored rule
 * measured from the bins a windowless first round visited (next-centres.ts), against constructed
 * inputs whose right answer is exact; and the study-file combinations the schema now takes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { combineByInverseVariance } from '../../src-main/study/combine-fes';
import { chooseNextCentres } from '../../src-main/study/next-centres';
import { overlapGroups } from '../../src-main/study/rounds';
import { parseStudy } from '../../src-main/study/schema';
import { studyProblems } from './schema-problems';

const root = join(import.meta.dirname, '../..');

describe('combineByInverseVariance', () => {
  const f = [3, 1, 0, 1, 3, 6];

  it('recovers the offset exactly when both estimates are the same profile shifted; weights by inverse variance', () => {
    // first: bins 0-4, error 0.2; windows: bins 2-5, shifted by -5, error 0.1.
    const first = { F: [...f.slice(0, 5), null], dF: [0.2, 0.2, 0.2, 0.2, 0.2, null] };
    const windows = { F: [null, null, ...f.slice(2).map((v) => v - 5)], dF: [null, null, 0.1, 0.1, 0.1, 0.1] };
    const out = combineByInverseVariance(first, [windows]);
    expect(out.offsets).toHaveLength(1);
    expect(out.offsets[0].offset).toBeCloseTo(5, 12);
    expect(out.offsets[0].bins).toBe(3);
    // var(c) = 1 / sum 1/(0.04 + 0.01) over 3 bins = 0.05 / 3.
    const varC = 0.05 / 3;
    expect(out.offsets[0].error).toBeCloseTo(Math.sqrt(varC), 12);
    out.F.forEach((v, k) => expect(v).toBeCloseTo(f[k], 12)); // min already 0 at bin 2
    expect(out.dF[0]).toBeCloseTo(0.2, 12); // first only
    const both = 1 / Math.sqrt(1 / 0.04 + 1 / (0.01 + varC));
    expect(out.dF[3]).toBeCloseTo(both, 12);
    expect(out.dF[5]).toBeCloseTo(Math.sqrt(0.01 + varC), 12); // windows only: its error plus the offset's
  });

  it('the combined value is the inverse-variance mean where the estimates disagree', () => {
    const first = { F: [0, 1], dF: [0.1, 0.1] };
    const windows = { F: [0, 2], dF: [0.1, 0.3] };
    const out = combineByInverseVariance(first, [windows]);
    // Offset: w0 = 1/0.02, w1 = 1/0.1; c = (w0 * 0 + w1 * (1 - 2)) / (w0 + w1) = -1/6.
    const c = -(1 / 0.1) / (1 / 0.02 + 1 / 0.1);
    expect(out.offsets[0].offset).toBeCloseTo(c, 12);
    const varC = 1 / (1 / 0.02 + 1 / 0.1);
    const mean = (a: number, va: number, b: number, vb: number) => (a / va + b / vb) / (1 / va + 1 / vb);
    const bin0 = mean(0, 0.01, c, 0.01 + varC);
    const bin1 = mean(1, 0.01, 2 + c, 0.09 + varC);
    expect(out.F[1]! - out.F[0]!).toBeCloseTo(bin1 - bin0, 12);
  });

  it('aligns each window group to the first round on its own, whatever the order', () => {
    const first = { F: f, dF: f.map(() => 0.1) };
    const left = { F: [f[0] + 7, f[1] + 7, null, null, null, null], dF: [0.05, 0.05, null, null, null, null] };
    const right = { F: [null, null, null, null, f[4] - 2, f[5] - 2], dF: [null, null, null, null, 0.05, 0.05] };
    const a = combineByInverseVariance(first, [left, right]);
    const b = combineByInverseVariance(first, [right, left]);
    expect(a.offsets.map((o) => o.offset)).toEqual([expect.closeTo(-7, 12), expect.closeTo(2, 12)]);
    a.F.forEach((v, k) => expect(v).toBeCloseTo(f[k], 12));
    expect(b.F).toEqual(a.F);
  });

  it('refuses a group that shares no bin with errors with the first round', () => {
    const first = { F: [0, 1, null], dF: [0.1, 0.1, null] };
    const far = { F: [null, null, 0], dF: [null, null, 0.1] };
    expect(() => combineByInverseVariance(first, [far])).toThrow(/share no bin/);
  });
});

describe('overlapGroups', () => {
  it('splits the windows (sorted by centre) where the adjacent overlap is below 0.03', () => {
    // Centres given out of order: sorted order is k = 1, 0, 3, 2.
    expect(overlapGroups([0.5, 0, 2, 1], [0.2, 0.01, 0.5])).toEqual([[1, 0], [3, 2]]);
    expect(overlapGroups([0], [])).toEqual([[0]]);
  });
});

describe('unexplored rule after a windowless first round', () => {
  it('measures gaps from the visited bins: none inside the visited range, one beyond it', () => {
    // spring 100, kT 1: sigma 0.1. Visited bins cover [-1, 0.4]; range [-1, 1]: the end 1 is 0.6
    // from 0.4 (> 2 sigma): a centre at (0.4 + 1) / 2 = 0.7.
    const visited = Array.from({ length: 15 }, (_, i) => -1 + 0.1 * i);
    const m = { range: [-1, 1] as [number, number], centres: [], spring: 100, kT: 1, fes: { centers: visited, dF: visited.map(() => 0.01) }, adjacentOverlap: [], visited };
    const out = chooseNextCentres(m, { maxNew: 4, targetUncertainty: 0.1 });
    expect(out).toEqual([{ centre: expect.closeTo(0.7, 12), reason: 'unexplored', measure: expect.closeTo(0.6, 12) }]);
    // Without `visited` a study with no windows would ask for the middle of the range.
    const { visited: _v, ...noVisited } = m;
    expect(chooseNextCentres(noVisited, { maxNew: 4, targetUncertainty: 0.1 })[0]).toMatchObject({ centre: 0, reason: 'unexplored' });
  });
});

describe('study.json: seeding rounds after metad or md sampling', () => {
  const metad = JSON.parse(readFileSync(join(root, 'resources/examples/fast-slow-metad.study.json'), 'utf8'));

  it('takes same-windows and adaptive rounds after metad and md with a spring; old studies parse unchanged', () => {
    const md = { ...metad, sampling: { method: 'md', range: [-1.5, 1.5], steps: 1000 } };
    for (const base of [metad, md]) {
      expect(studyProblems({ ...base, seeding: { rounds: 2, spring: 40 } })).toBe('');
      expect(studyProblems({ ...base, seeding: { rounds: 4, select: 'adaptive', spring: 40, targetUncertainty: 0.1 } })).toBe('');
    }
    for (const file of ['fast-slow-metad.study.json', 'hidden-barrier.study.json', 'fast-slow-closures.study.json', 'double-well-lift.study.json', 'fast-slow-metad-rounds.study.json']) {
      expect(studyProblems(JSON.parse(readFileSync(join(root, 'resources/examples', file), 'utf8')))).toBe('');
    }
    expect(parseStudy(JSON.stringify(metad)).seeding).toBeUndefined();
  });

  it('refuses what does not apply, naming the key', () => {
    expect(studyProblems({ ...metad, seeding: { rounds: 2 } })).toMatch(/^seeding\.spring: .*spring constant/m);
    expect(studyProblems({ ...metad, seeding: { rounds: 3, select: 'adaptive', spring: 40, fastModes: { expr: 'y' } } })).toMatch(/^seeding\.fastModes: .*metad and md walkers have none/m);
    const umbrella = JSON.parse(readFileSync(join(root, 'resources/examples/hidden-barrier.study.json'), 'utf8'));
    expect(studyProblems({ ...umbrella, seeding: { ...umbrella.seeding, spring: 40 } })).toMatch(/^seeding\.spring: .*sampling\.spring/m);
    // No model: nothing to lift from.
    const { model: _m, lift: _l, ...noModel } = metad;
    expect(studyProblems({ ...noModel, seeding: { rounds: 2, spring: 40 } })).toMatch(/^seeding: .*model stage/m);
  });
});
