/**
 * Where an MD run's split-off force terms (torsions, part of the angles) are computed, block by
 * block: on the helper thread or in the main thread (threads/md-helper.ts). The numbers do not
 * depend on the choice, only the speed: spinning on a helper pays when both threads have a core,
 * and costs a scheduler time slice per wait when the machine is busy. The helper is the default.
 * When it is away (it left the main thread waiting, then until it has caught up: it is not
 * running), the main thread computes those evaluations itself and tells the policy (absent());
 * a block in which the helper was away for more than a quarter of the evaluations is a stalled
 * block, and after two stalled blocks in a row the policy stays away from the helper for
 * `backoff` blocks (the helper sleeps: its core is free for others), doubling from firstBackoff
 * up to maxBackoff while the stalls go on, and back to firstBackoff once a helper block runs
 * without a stall. A short absence (a time slice of another thread, the helper's garbage
 * collection: ~0.1-3 ms, a few times a second here) so costs only the evaluations it lasts,
 * not a block (measured: moving the rest of a block to the main thread at every such stall kept
 * ~10% of a quiet run's evaluations there, and ~16,000 steps at a run's start).
 * A policy on absences alone, not on timings: timed comparisons of the two ways were measured to
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
  /** The helper was away: this 'helper' evaluation was computed in the main thread. */
  absent(): void;
}

export class WayChooser implements WayPolicy {
  /** The way of the next evaluation. */
  way: Way = 'helper';
  private inBlock = 0;
  private blockWay: Way = 'helper';
  private absentThisBlock = 0;
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

  absent(): void {
    this.absentThisBlock++;
  }

  private endBlock(): void {
    this.inBlock = 1;
    if (this.blockWay === 'helper') {
      const stalled = 4 * this.absentThisBlock > this.schedule.block;
      this.stalledBlocks = stalled ? this.stalledBlocks + 1 : 0;
      if (!stalled) this.backoff = this.schedule.firstBackoff;
    }
    this.absentThisBlock = 0;
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
