/**
 * Where an MD run's split-off force terms (torsions, part of the angles) are computed, block by
 * block: on the helper thread or in the main thread (threads/md-helper.ts). The numbers do not depend on the choice, only the speed: spinning
 * on a helper pays when both threads have a core, and costs a scheduler time slice per wait when
 * the machine is busy. The helper is the default; the main thread tells the policy when the
 * helper left it waiting (a stall: the helper is not running), and then
 * - computes the rest of that block's split-off terms itself;
 * - after two stalled helper blocks in a row, stays away from the helper for `backoff` blocks,
 *   doubling from firstBackoff up to maxBackoff while the stalls go on, and back to firstBackoff
 *   once a helper block runs without a stall.
 * A policy on stalls alone, not on timings: timed comparisons of the two ways were measured to
 * flip on noise (a preemption in a timed block decided a whole cycle) and to cost as much as they
 * saved. Pure bookkeeping (tests drive it directly).
 */

export type Way = 'helper' | 'here';

export interface HelperSchedule {
  /** Evaluations per block. */
  block: number;
  firstBackoff: number;
  maxBackoff: number;
}

/**
 * firstBackoff 4 (was 16): on this project's 2-core VM the helper is preempted for ~5-30 ms about
 * ten times a second even with nothing else running, and 16 blocks (~80 ms) in the main thread
 * per episode cost more than the stalls (docs/md-speed.md: medians 1.86 s vs 1.89 s quiet, the
 * same beside two busy processes); the doubling still reaches 256 on a busy machine.
 */
export const DEFAULT_HELPER_SCHEDULE: HelperSchedule = { block: 1024, firstBackoff: 4, maxBackoff: 256 };

/** What MdHelperThread asks of a policy. */
export interface WayPolicy {
  /** The way of the next evaluation (called once per evaluation, before it). */
  next(): Way;
  /** The helper left the main thread waiting on this evaluation. */
  stalled(): void;
}

export class WayChooser implements WayPolicy {
  /** The way of the next evaluation. */
  way: Way = 'helper';
  private inBlock = 0;
  private blockWay: Way = 'helper';
  private stalledThisBlock = false;
  private stalledBlocks = 0;
  private hereLeft = 0;
  private backoff: number;

  constructor(private readonly schedule: HelperSchedule) {
    this.backoff = schedule.firstBackoff;
  }

  /** Called once per evaluation, before it: advances the block and sets `way`. */
  next(): Way {
    if (this.inBlock++ >= this.schedule.block) this.endBlock();
    return this.way;
  }

  /** The helper left the main thread waiting (it is not running): the rest of this block runs here. */
  stalled(): void {
    this.stalledThisBlock = true;
    this.way = 'here';
  }

  private endBlock(): void {
    this.inBlock = 1;
    if (this.blockWay === 'helper') {
      this.stalledBlocks = this.stalledThisBlock ? this.stalledBlocks + 1 : 0;
      if (!this.stalledThisBlock) this.backoff = this.schedule.firstBackoff;
    }
    this.stalledThisBlock = false;
    if (this.hereLeft > 0) {
      this.hereLeft--;
      this.way = 'here';
    } else if (this.stalledBlocks >= 2) {
      // This block is the first of `backoff` in the main thread.
      this.hereLeft = this.backoff - 1;
      this.backoff = Math.min(this.schedule.maxBackoff, 2 * this.backoff);
      this.stalledBlocks = 0;
      this.way = 'here';
    } else {
      this.way = 'helper';
    }
    this.blockWay = this.way;
  }
}
