/**
 * The policy that decides where an MD run's torsions are computed (threads/md-helper-schedule.ts),
 * driven by a fake clock: each evaluation advances it by the cost of the way it ran, so the
 * expected choices follow by hand.
 */
import { describe, expect, it } from 'vitest';
import { WayChooser, type Way } from '../../src-main/threads/md-helper-schedule';

const schedule = { block: 10, firstCycle: 4, maxCycle: 16 };

/** Runs n evaluations with per-evaluation costs; returns the ways taken. */
function drive(costs: Record<Way, number>, n: number, hooks: (c: WayChooser, k: number) => void = () => {}) {
  let t = 0;
  const chooser = new WayChooser(schedule, () => t);
  const ways: Way[] = [];
  for (let k = 0; k < n; k++) {
    const way = chooser.next();
    ways.push(way);
    t += costs[way];
    hooks(chooser, k);
  }
  return ways;
}

const count = (ways: Way[], way: Way, from = 0, to = ways.length) => ways.slice(from, to).filter((w) => w === way).length;

describe('WayChooser', () => {
  it('keeps the helper where it is faster, timing the main thread once per cycle (cycles doubling)', () => {
    const ways = drive({ helper: 1, here: 2 }, 2000);
    // First block untimed (helper), then a cycle: helper block, here block, then the helper.
    expect(ways.slice(0, 10)).toEqual(Array(10).fill('helper'));
    expect(count(ways, 'here', 20, 30)).toBe(10);
    expect(count(ways, 'helper', 30, 60)).toBe(30);
    // Cycles of 4, 8, 16, 16... blocks: one 'here' block per cycle, so few here evaluations.
    expect(count(ways, 'here')).toBeLessThan(0.15 * ways.length);
    expect(count(ways, 'here')).toBeGreaterThan(0);
  });

  it('keeps the main thread where the helper is slower', () => {
    const ways = drive({ helper: 3, here: 2 }, 2000);
    // Timed blocks at evaluations 10-19 (helper) and 20-29 (here); here from 30 until the next
    // cycle's helper block at 50.
    expect(count(ways, 'helper', 30, 50)).toBe(0);
    expect(count(ways, 'helper', 50, 60)).toBe(10);
    expect(count(ways, 'helper')).toBeLessThan(0.15 * ways.length);
  });

  it('gives up a timed helper block at 1.5x the last all-here block', () => {
    // The helper is 5x slower. The first timed helper block (evaluations 10-19) has no all-here
    // block to compare with and runs whole; the next cycle's (from 50) stops once it has taken
    // 1.5 x 20 = 30 time units: after its 4th evaluation (40 > 30), the rest runs here.
    const ways = drive({ helper: 10, here: 2 }, 400, (c) => {
      if (c.way === 'helper' && c.timing) c.probeOverBudget();
    });
    expect(count(ways, 'helper', 10, 20)).toBe(10);
    expect(ways.slice(50, 60)).toEqual([...Array(4).fill('helper'), ...Array(6).fill('here')]);
  });

  it('a stall outside the timed blocks moves the rest of that block to the main thread, then back', () => {
    let stalledAt = -1;
    const ways = drive({ helper: 1, here: 2 }, 200, (c, k) => {
      if (k === 45 && !c.timing) {
        c.stalled();
        stalledAt = k;
      }
    });
    expect(stalledAt).toBe(45);
    expect(ways.slice(40, 46)).toEqual(Array(6).fill('helper'));
    expect(ways.slice(46, 50)).toEqual(Array(4).fill('here'));
    expect(ways.slice(50, 60)).toEqual(Array(10).fill('helper'));
  });

  it('two stalled helper blocks in a row: the main thread until the next timing', () => {
    // Cycles: timing at blocks 1-2, choice helper from block 3 (evaluation 30); cycle 8 from there.
    const ways = drive({ helper: 1, here: 2 }, 300, (c, k) => {
      if ((k === 35 || k === 45) && !c.timing) c.stalled();
    });
    expect(ways.slice(50, 60)).toEqual(Array(10).fill('here'));
    expect(count(ways, 'helper', 50, 90)).toBe(0);
    expect(count(ways, 'helper')).toBeGreaterThan(100); // back to the helper after the next timing
  });
});
