/**
 * The policy that decides where an MD run's torsions are computed (threads/md-helper-schedule.ts):
 * the helper unless it stalls; a stalled block finishes in the main thread; two stalled blocks in
 * a row keep the main thread for a backoff that doubles while the stalls go on. Expected ways
 * worked out by hand for blocks of 10 evaluations.
 */
import { describe, expect, it } from 'vitest';
import { WayChooser, type Way } from '../../src-main/threads/md-helper-schedule';

const schedule = { block: 10, firstBackoff: 2, maxBackoff: 8 };

/** Runs n evaluations, calling stalled() at the evaluations listed; returns the ways taken. */
function drive(n: number, stallAt: (k: number, way: Way) => boolean): Way[] {
  const chooser = new WayChooser(schedule);
  const ways: Way[] = [];
  for (let k = 0; k < n; k++) {
    const way = chooser.next();
    ways.push(way);
    if (way === 'helper' && stallAt(k, way)) chooser.stalled();
  }
  return ways;
}

/** The way of each block (its first evaluation's). */
const blocks = (ways: Way[]) => ways.filter((_, k) => k % 10 === 0);

describe('WayChooser', () => {
  it('uses the helper while it does not stall', () => {
    expect(drive(200, () => false).every((w) => w === 'helper')).toBe(true);
  });

  it('a stall moves the rest of its block to the main thread, and the next block goes back', () => {
    const ways = drive(40, (k) => k === 15);
    expect(ways.slice(10, 16)).toEqual(Array(6).fill('helper'));
    expect(ways.slice(16, 20)).toEqual(Array(4).fill('here'));
    expect(ways.slice(20, 30)).toEqual(Array(10).fill('helper'));
  });

  it('two stalled blocks in a row: the main thread for a backoff that doubles while the stalls go on, reset by a clean block', () => {
    // Every helper block stalls at its 3rd evaluation until evaluation 300, then none do.
    const ways = drive(400, (k) => k < 300 && k % 10 === 2);
    // Blocks 0, 1 stall -> 2 blocks here (2, 3); blocks 4, 5 stall -> 4 here (6-9);
    // 10, 11 stall -> 8 here (12-19); 20, 21 stall -> 8 here (22-29, the maximum); from block 30
    // no stalls: the helper.
    const expected = ['helper', 'helper', 'here', 'here', 'helper', 'helper', 'here', 'here', 'here', 'here',
      'helper', 'helper', ...Array(8).fill('here'), 'helper', 'helper', ...Array(8).fill('here'), ...Array(10).fill('helper')];
    expect(blocks(ways)).toEqual(expected);
    // After a clean block the backoff starts again at 2.
    const later = drive(600, (k) => (k < 300 && k % 10 === 2) || (k >= 400 && k < 420 && k % 10 === 2));
    expect(blocks(later).slice(40, 46)).toEqual(['helper', 'helper', 'here', 'here', 'helper', 'helper']);
  });
});
