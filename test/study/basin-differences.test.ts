/**
 * Paired basin differences (basin-differences.ts) against hand-computed answers, and the case
 * they exist for: two runs whose lowest basin differs (C5 in one, C7eq in the other) give the
 * same C7ax - C7eq difference; the difference of per-basin means (basins.ts) does not.
 */
import { describe, expect, it } from 'vitest';
import { allBasinDifferences, basinDifferences, meanAndSem, pairedDifferences } from '../../src-main/study/basin-differences';
import { basinsOverRuns } from '../../src-main/study/basins';

describe('paired basin differences', () => {
  it('do not depend on which basin is each run\'s zero', () => {
    // Run 1: C7eq lowest. Run 2: C5 lowest, C7eq 0.5 above it; C7ax - C7eq is 8 in both.
    const runs = [
      [{ label: 'C7eq', freeEnergy: 0 }, { label: 'C5', freeEnergy: 0.3 }, { label: 'C7ax', freeEnergy: 8 }],
      [{ label: 'C5', freeEnergy: 0 }, { label: 'C7eq', freeEnergy: 0.5 }, { label: 'C7ax', freeEnergy: 8.5 }],
    ];
    expect(pairedDifferences(runs, 'C7ax', 'C7eq')).toEqual([8, 8]);
    const d = basinDifferences(runs, 'C7eq');
    expect(d.find((x) => x.name === 'C7ax')).toEqual({ name: 'C7ax', reference: 'C7eq', deltaF: 8, dF: 0, n: 2 });
    expect(d.find((x) => x.name === 'C5')!.deltaF).toBeCloseTo(-0.1, 12); // (0.3 - 0.5) / 2
    // Differences of the per-basin means: 8.25 - 0.25 = 8 here, but with a spread: each mean has dF 0.25.
    const means = basinsOverRuns(runs);
    expect(means.find((b) => b.name === 'C7ax')!.dF).toBeCloseTo(0.25, 12);
  });

  it('mean and standard error (n - 1 in the sd); runs without both basins are skipped', () => {
    const runs = [
      [{ label: 'A', freeEnergy: 0 }, { label: 'B', freeEnergy: 1 }],
      [{ label: 'A', freeEnergy: 0 }, { label: 'B', freeEnergy: 3 }],
      [{ label: 'A', freeEnergy: 0 }, { freeEnergy: 2 }],
      [{ label: 'A', freeEnergy: 0 }, { label: 'B', freeEnergy: 5 }],
    ];
    const [b] = basinDifferences(runs, 'A');
    // d = 1, 3, 5: mean 3, sd 2, s.e. 2 / sqrt(3).
    expect(b.n).toBe(3);
    expect(b.deltaF).toBe(3);
    expect(b.dF).toBeCloseTo(2 / Math.sqrt(3), 12);
    expect(meanAndSem([4])).toEqual({ mean: 4, sem: null });
    expect(basinDifferences([[{ label: 'A', freeEnergy: 0 }]], 'A')).toEqual([]);
    // Each against each: B - A and A - B, opposite signs, same error.
    const pairs = allBasinDifferences(runs);
    expect(pairs.map((p) => `${p.name}-${p.reference}`)).toEqual(['B-A', 'A-B']);
    expect(pairs[1].deltaF).toBe(-3);
    expect(pairs[1].dF).toBeCloseTo(2 / Math.sqrt(3), 12);
  });
});
