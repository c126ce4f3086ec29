/**
 * Generation-assisted rounds: the next-centre rules (next-centres.ts), the stopping rule and the
 * trapping diagnosis (trapping.ts), each against constructed inputs whose right answer is known
 * by construction (exact numbers, no sampling).
 */
import { describe, expect, it } from 'vitest';
import { chooseNextCentres, largestError, stopReason, windowWidth, type RoundMeasurements } from '../../src-main/study/next-centres';
import { diagnoseWindows, modeSwitches, trappedInterval } from '../../src-main/study/trapping';
import { parseStudy } from '../../src-main/study/schema';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** spring 100, kT 1: sigma = 0.1, so 2 sigma = 0.2. */
const base: RoundMeasurements = {
  range: [-1, 1],
  centres: [-1, -0.8, -0.6, -0.4, -0.2, 0, 0.2, 0.4, 0.6, 0.8, 1],
  spring: 100,
  kT: 1,
  fes: { centers: [-0.9, -0.5, 0, 0.5, 0.9], dF: [0.05, 0.05, 0.05, 0.05, 0.05] },
  adjacentOverlap: new Array(10).fill(0.3),
};
const opts = { maxNew: 4, targetUncertainty: 0.1 };

describe('next-centre selection', () => {
  it('window width is sqrt(kT / spring)', () => {
    expect(windowWidth(100, 1)).toBeCloseTo(0.1, 15);
    expect(windowWidth(25, 4)).toBeCloseTo(0.4, 15);
  });

  it('chooses nothing when every rule is satisfied', () => {
    expect(chooseNextCentres(base, opts)).toEqual([]);
  });

  it('unexplored: the middle of the widest gap first, then the range end farther than 2 sigma from any centre', () => {
    // Gap (-0.2, 0.8): its middle 0.3 is 0.5 from both; the end -1 is 0.4 from -0.6; the end 1 is
    // exactly 2 sigma from 0.8 (not farther): no window there.
    const centres = [-0.6, -0.4, -0.2, 0.8];
    const out = chooseNextCentres({ ...base, centres, adjacentOverlap: [0.3, 0.3, 0.3] }, opts);
    expect(out).toEqual([
      { centre: expect.closeTo(0.3, 12), reason: 'unexplored', measure: expect.closeTo(0.5, 12) },
      { centre: expect.closeTo(-0.8, 12), reason: 'unexplored', measure: expect.closeTo(0.4, 12) },
    ]);
  });

  it('weak overlap: a centre between the two windows, weakest pair first; not on top of an existing centre', () => {
    const overlap = new Array(10).fill(0.3);
    overlap[2] = 0.01; // between -0.6 and -0.4
    overlap[7] = 0.001; // between 0.4 and 0.6
    const out = chooseNextCentres({ ...base, adjacentOverlap: overlap }, opts);
    expect(out).toEqual([
      { centre: expect.closeTo(0.5, 12), reason: 'weak-overlap', measure: 0.001 },
      { centre: expect.closeTo(-0.5, 12), reason: 'weak-overlap', measure: 0.01 },
    ]);
  });

  it('poor consistency: a window at the condition, unless one is already within sigma / 2', () => {
    const out = chooseNextCentres({ ...base, consistency: [{ cond: 0.3, poor: true }, { cond: 0.62, poor: true }, { cond: -0.3, poor: false }] }, opts);
    expect(out).toEqual([{ centre: 0.3, reason: 'poor-consistency', measure: 0 }]);
  });

  it('FES uncertainty: bins above the target, largest error first, none closer than sigma / 2 to each other', () => {
    const fes = { centers: [-0.9, -0.5, -0.46, 0, 0.5, 0.9], dF: [0.05, 0.4, 0.3, null, 0.2, 0.1] };
    const out = chooseNextCentres({ ...base, fes }, opts);
    // -0.46 is 0.04 < sigma/2 from -0.5 (chosen first); 0.9 is at the target, not above it.
    expect(out).toEqual([
      { centre: -0.5, reason: 'fes-uncertainty', measure: 0.4 },
      { centre: 0.5, reason: 'fes-uncertainty', measure: 0.2 },
    ]);
  });

  it('priority: trapped windows first, then gaps, overlap, consistency, uncertainty; capped at maxNew', () => {
    const overlap = new Array(10).fill(0.3);
    overlap[0] = 0.001;
    const out = chooseNextCentres({
      ...base, adjacentOverlap: overlap, trapped: [0, 0.2],
      consistency: [{ cond: 0.7, poor: true }], fes: { centers: [-0.3], dF: [1] },
    }, { ...opts, maxNew: 3 });
    expect(out.map((c) => c.reason)).toEqual(['trapped-window', 'trapped-window', 'weak-overlap']);
    expect(out.map((c) => c.centre)).toEqual([0, 0.2, expect.closeTo(-0.9, 12)]);
  });

  it('never places a centre outside the range', () => {
    const out = chooseNextCentres({ ...base, fes: { centers: [1.5, -2], dF: [3, 3] } }, opts);
    expect(out).toEqual([]);
  });
});

describe('stopping rule', () => {
  it('stops at the target (only when no window is trapped), at the round budget, or when nothing is asked for', () => {
    expect(stopReason(2, 5, 0.05, 0.1, 0, 3)).toBe('target-uncertainty');
    expect(stopReason(2, 5, 0.05, 0.1, 1, 3)).toBeNull();
    expect(stopReason(6, 5, 0.5, 0.1, 0, 3)).toBe('round-budget');
    expect(stopReason(3, 5, 0.5, 0.1, 0, 0)).toBe('nothing-to-add');
    expect(stopReason(3, 5, 0.5, null, 0, 2)).toBeNull();
    expect(largestError([0.1, null, NaN, 0.3])).toBe(0.3);
    expect(largestError(null)).toBeNull();
  });
});

describe('trapping diagnosis', () => {
  const spec = { split: 0, hysteresis: 0.5 };
  it('counts mode switches with hysteresis: noise around the split is not a switch', () => {
    expect(modeSwitches([-1, -0.9, -1.1, -1], spec)).toBe(0);
    expect(modeSwitches([-1, 0.4, -0.4, 0.3, -1], spec)).toBe(0); // never clears +0.5
    expect(modeSwitches([-1, 0.2, 1, 0.1, -0.7, 0.9], spec)).toBe(3);
    expect(modeSwitches([0, 0.1, 1, 1], spec)).toBe(0); // entering the first mode is not a switch
  });

  it('flags windows whose walkers switch fewer than minSwitches times, with the upper-mode fraction and g', () => {
    const mixing = Float64Array.from({ length: 200 }, (_, i) => (Math.floor(i / 10) % 2 ? 1 : -1) + 0.01 * Math.sin(i));
    const stuck = Float64Array.from({ length: 200 }, (_, i) => -1 + 0.1 * Math.sin(1.3 * i));
    const out = diagnoseWindows([-0.5, 0.5], [[mixing, mixing], [stuck, stuck]], spec, 4);
    expect(out[0]).toMatchObject({ centre: -0.5, switches: 38, trapped: false });
    expect(out[0].upperFraction).toBeCloseTo(0.5, 12);
    expect(out[1]).toMatchObject({ centre: 0.5, switches: 0, upperFraction: 0, trapped: true });
    // Blocks of 10 identical-sign frames: strongly correlated, g well above 1.
    expect(out[0].inefficiency!).toBeGreaterThan(5);
  });

  it('holds out the hull of the trapped centres widened by one window width', () => {
    const w = (centre: number, trapped: boolean) => ({ centre, switches: trapped ? 0 : 9, upperFraction: 0.5, inefficiency: 1, trapped });
    expect(trappedInterval([w(-1, false), w(-0.2, true), w(0.3, true), w(1, false)], 0.1)).toEqual([expect.closeTo(-0.3, 12), expect.closeTo(0.4, 12)]);
    expect(trappedInterval([w(-1, false)], 0.1)).toBeNull();
  });
});

describe('seeding keys', () => {
  const example = JSON.parse(readFileSync(join(import.meta.dirname, '../../resources/examples/hidden-barrier.study.json'), 'utf8'));
  const problems = (seeding: unknown) => {
    try {
      parseStudy(JSON.stringify({ ...example, seeding }), 'x.json');
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };
  it('adaptive defaults fill in; more than 2 rounds or a trapping diagnosis need select "adaptive"; the budget is capped at 8', () => {
    expect(parseStudy(JSON.stringify({ ...example, seeding: { rounds: 4, select: 'adaptive' } })).seeding).toMatchObject({ maxNewCentres: 4, retrain: true, equilibration: 0 });
    expect(problems({ rounds: 3 })).toMatch(/seeding\.rounds: more than 2 rounds .*select/);
    expect(problems({ rounds: 2, fastModes: { expr: 'y' } })).toMatch(/seeding\.fastModes: .*adaptive/);
    expect(problems({ rounds: 9, select: 'adaptive' })).toMatch(/seeding\.rounds/);
    expect(problems({ rounds: 3, select: 'adaptive', fastModes: { expr: 'y', minSwitches: 0 } })).toMatch(/seeding\.fastModes\.minSwitches/);
  });
});
