/**
 * The metadynamics transient check (metad-transient.ts) on hand-built HILLS: wells at the C7eq
 * and C7ax reference points of alanine dipeptide. Exact cases: a second half that adds only a
 * constant (hills far wider than the torus) moves no basin difference (drift 0 to 1e-6 kJ/mol,
 * no warning); a second half that deepens C7ax by many kT moves C7ax - C7eq down by several kJ/mol
 * and is flagged. hillsUpTo keeps exactly the hills up to the time.
 */
import { describe, expect, it } from 'vitest';
import type { HillsData } from '../../src-main/engine/io/plumed';
import { basinDrifts, driftWarnings, hillsUpTo } from '../../src-main/study/metad-transient';

const kT = 0.0083144626 * 300;
const deg = Math.PI / 180;
const C7EQ = [-80 * deg, 70 * deg];
const C7AX = [70 * deg, -70 * deg];

/** Hills: [time, centre, sigma, height]; bias factor 1 (F = -V). */
function hills(rows: [number, number[], number, number][]): HillsData {
  return {
    cvNames: ['phi', 'psi'],
    periodic: [{ min: -Math.PI, max: Math.PI }, { min: -Math.PI, max: Math.PI }],
    time: Float64Array.from(rows, (r) => r[0]),
    centers: Float64Array.from(rows.flatMap((r) => r[1])),
    sigmas: Float64Array.from(rows.flatMap((r) => [r[2], r[2]])),
    heights: Float64Array.from(rows, (r) => r[3]),
    biasFactor: new Float64Array(rows.length).fill(1),
  };
}

const firstHalf: [number, number[], number, number][] = [
  [1, C7EQ, 0.5, 20],
  [2, C7AX, 0.5, 12],
];

describe('metadynamics transient check', () => {
  it('hillsUpTo keeps the hills up to the time', () => {
    const h = hills([...firstHalf, [3, C7AX, 0.5, 1]]);
    expect(hillsUpTo(h, 2).heights).toEqual(Float64Array.from([20, 12]));
    expect(hillsUpTo(h, 2).centers.length).toBe(4);
    expect(hillsUpTo(h, 0.5).heights.length).toBe(0);
  });

  it('a constant added in the second half moves nothing', () => {
    // sigma 1e6 rad: constant on the grid to ~1e-11 kJ/mol. (Not 1e3-1e4: the flat plateau away
    // from the two wells makes the watershed split of its cells hinge on rounding, worth ~1e-3.)
    const runs = [0, 1].map(() => hills([...firstHalf, [3, [0, 0], 1e6, 5], [4, [0, 0], 1e6, 5]]));
    const d = basinDrifts(runs, kT);
    const pair = d.find((x) => x.name === 'C7ax' && x.reference === 'C7eq')!;
    expect(pair.n).toBe(2);
    expect(Math.abs(pair.drift!)).toBeLessThan(1e-6);
    expect(pair.halfway!).toBeGreaterThan(0); // C7eq (20 kJ/mol deep) is below C7ax (12)
    expect(driftWarnings(d, kT, 'round 1')).toEqual([]);
  });

  it('a basin deepened in the second half is flagged', () => {
    const runs = [0, 1].map(() => hills([...firstHalf, [3, C7AX, 0.5, 15], [4, C7AX, 0.5, 0.1]]));
    const d = basinDrifts(runs, kT);
    // C7ax goes from 8 kJ/mol above C7eq (well depths 20 vs 12) to ~7 below (20 vs 27): each run
    // moves by ~-15 kJ/mol (less the basins' widths in the log-sum-exp); the pair flips order, so it
    // is listed as C7eq - C7ax, which moved up.
    const pair = d.find((x) => x.name === 'C7eq' && x.reference === 'C7ax')!;
    expect(pair.drift!).toBeGreaterThan(10);
    expect(pair.drift!).toBeLessThan(16);
    expect(pair.driftSem).toBe(0);
    const w = driftWarnings(d, kT, 'round 2 (seeded)');
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^round 2 \(seeded\): C7eq - C7ax moved from -\d+\.\d\d to \d+\.\d\d kJ\/mol .*transient/);
  });

  it('a basin first found in the second half is flagged', () => {
    // C7ax has no well before t = 3: at half length (t = 2) there is no C7ax basin.
    const runs = [hills([[1, C7EQ, 0.5, 20], [2, C7EQ, 0.5, 1], [3, C7AX, 0.5, 12], [4, C7EQ, 0.5, 0.1]])];
    const d = basinDrifts(runs, kT);
    const pair = d.find((x) => x.name === 'C7ax' && x.reference === 'C7eq')!;
    expect(pair).toMatchObject({ n: 0, newSinceHalfway: 1, drift: null });
    expect(driftWarnings(d, kT, 'round 1')).toEqual([expect.stringMatching(/^round 1: C7ax - C7eq: 1 run\(s\) had not found both basins at half length/)]);
  });
});
