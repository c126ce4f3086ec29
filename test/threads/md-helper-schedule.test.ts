/**
 * The policy that decides where an MD run's split-off terms are computed
 * (threads/md-helper-schedule.ts): the helper; a block in which it was away for more than a
 * quarter of the evaluations is stalled; two stalled blocks in a row keep the main thread for a
 * backoff that doubles while the stalls go on. Expected ways worked out by hand for blocks of 10
 * evaluations.
 */
import { describe, expect, it } from 'vitest';
import { WayChooser, type Way } from '../../src-main/threads/md-helper-schedule';

const schedule = { block: 10, firstBackoff: 2, maxBackoff: 8 };

/** Runs n evaluations, calling absent() at the helper evaluations listed; returns the ways taken. */
function drive(n: number, absentAt: (k: number) => boolean): Way[] {
  const chooser = new WayChooser(schedule);
  const ways: Way[] = [];
  for (let k = 0; k < n; k++) {
    const way = chooser.next();
    ways.push(way);
    if (way === 'helper' && absentAt(k)) chooser.absent();
  }
  return ways;
}

/** The way of each block (its first evaluation's). */
const blocks = (ways: Way[]) => ways.filter((_, k) => k % 10 === 0);

describe('WayChooser', () => {
  it('uses the helper while it does not stall', () => {
    expect(drive(200, () => false).every((w) => w === 'helper')).toBe(true);
  });

  it('a short absence costs no block: the helper is asked again at once', () => {
    // Away for 2 of block 1's 10 evaluations (at most a quarter: not a stalled block), in every block.
    const ways = drive(200, (k) => k % 10 === 4 || k % 10 === 5);
    expect(ways.every((w) => w === 'helper')).toBe(true);
  });

  it('two stalled blocks in a row: the main thread for a backoff that doubles while the stalls go on, reset by a clean block', () => {
    // Every helper block has the helper away for 3 of its 10 evaluations until evaluation 300, then none.
    const away = (k: number) => k % 10 >= 2 && k % 10 < 5;
    const ways = drive(400, (k) => k < 300 && away(k));
    // Blocks 0, 1 stall -> 2 blocks here (2, 3); blocks 4, 5 stall -> 4 here (6-9);
    // 10, 11 stall -> 8 here (12-19); 20, 21 stall -> 8 here (22-29, the maximum); from block 30
    // no stalls: the helper.
    const expected = ['helper', 'helper', 'here', 'here', 'helper', 'helper', 'here', 'here', 'here', 'here',
      'helper', 'helper', ...Array(8).fill('here'), 'helper', 'helper', ...Array(8).fill('here'), ...Array(10).fill('helper')];
    expect(blocks(ways)).toEqual(expected);
    // Within a block the way does not change.
    for (let b = 0; b < 40; b++) expect(new Set(ways.slice(10 * b, 10 * b + 10)).size).toBe(1);
    // After a clean block the backoff starts again at 2.
    const later = drive(600, (k) => (k < 300 && away(k)) || (k >= 400 && k < 420 && away(k)));
    expect(blocks(later).slice(40, 46)).toEqual(['helper', 'helper', 'here', 'here', 'helper', 'helper']);
  });
});
