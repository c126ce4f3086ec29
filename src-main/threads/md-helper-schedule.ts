/**
 * Where an MD run's torsions are computed, block by block: on the helper thread or in the main
 * thread (threads/md-helper.ts). The numbers do not depend on the choice, only the speed: spinning
 * on a helper pays when both threads have a core, and costs a scheduler time slice per wait when
 * the machine is busy. So the main thread measures: at the start of every cycle one block of
 * evaluations runs each way (helper first), timed, and the faster way runs for the rest of the
 * cycle. A cycle doubles while the choice holds (up to maxCycle blocks: the probes then cost
 * ~1/maxCycle of the run) and starts again at firstCycle when it changes. Two safeguards keep a
 * busy machine from paying for the helper: a timed helper block that has already taken 1.5x the
 * last all-'here' block is given up (it counts as lost), and any block whose helper stalls runs
 * its remaining evaluations here (two such blocks in a row: here until the next timing). Pure policy: the clock is passed in (tests use a fake one).
 */

export type Way = 'helper' | 'here';

export interface HelperSchedule {
  /** Evaluations per block. */
  block: number;
  firstCycle: number;
  maxCycle: number;
}

export const DEFAULT_HELPER_SCHEDULE: HelperSchedule = { block: 1024, firstCycle: 16, maxCycle: 128 };

/** A timed helper block slower than this times the last all-'here' block is given up. */
const PROBE_BUDGET = 1.5;

export class WayChooser {
  /** The way of the next evaluation. */
  way: Way = 'helper';
  private chosen: Way = 'helper';
  private cycle: number;
  /** The first block (thread start-up, compilation) is not timed: it sits at the end of a cycle. */
  private blockIndex: number;
  private inBlock = 0;
  private blockWay: Way = 'helper';
  private blockBegan: number;
  private probeLost = false;
  private probe: Partial<Record<Way, number>> = {};
  private hereBlockMs = Infinity;
  private stalledThisBlock = false;
  private stalledBlocks = 0;

  constructor(private readonly schedule: HelperSchedule, private readonly now: () => number) {
    this.cycle = schedule.firstCycle;
    this.blockIndex = schedule.firstCycle - 1;
    this.blockBegan = now();
  }

  /** Whether the current block is one of a cycle's two timed blocks. */
  get timing(): boolean {
    return this.blockIndex % this.cycle <= 1;
  }

  /** Called once per evaluation, before it: advances the block and sets `way`. */
  next(): Way {
    if (this.inBlock++ >= this.schedule.block) this.endBlock();
    return this.way;
  }

  /** The helper left the main thread waiting (it is not running): the rest of this block runs here. */
  stalled(): void {
    if (this.timing && this.blockWay === 'helper') this.probeLost = true;
    this.stalledThisBlock = true;
    this.way = 'here';
  }

  /** In a timed helper block: true (and the probe lost) once it has taken PROBE_BUDGET x the last all-'here' block. */
  probeOverBudget(): boolean {
    if (!this.timing || this.blockWay !== 'helper' || this.way !== 'helper') return false;
    if (this.now() - this.blockBegan <= PROBE_BUDGET * this.hereBlockMs) return false;
    this.stalled();
    return true;
  }

  private endBlock(): void {
    const now = this.now();
    const elapsed = now - this.blockBegan;
    if (this.timing) this.probe[this.blockWay] = this.probeLost ? Infinity : elapsed;
    if (this.blockWay === 'here') this.hereBlockMs = elapsed;
    // Two helper blocks in a row that stalled: the machine is busy; here until the next timing.
    this.stalledBlocks = this.stalledThisBlock && this.blockWay === 'helper' ? this.stalledBlocks + 1 : 0;
    if (this.stalledBlocks >= 2 && !this.timing) this.chosen = 'here';
    this.stalledThisBlock = false;
    this.blockIndex++;
    this.inBlock = 1;
    this.blockBegan = now;
    this.probeLost = false;
    const position = this.blockIndex % this.cycle;
    if (position === 0) this.way = 'helper';
    else if (position === 1) this.way = 'here';
    else if (position > 2) this.way = this.chosen; // after a stall, back to the choice
    else {
      const way: Way = (this.probe.helper ?? Infinity) < (this.probe.here ?? Infinity) ? 'helper' : 'here';
      this.cycle = way === this.chosen ? Math.min(this.schedule.maxCycle, 2 * this.cycle) : this.schedule.firstCycle;
      this.chosen = way;
      this.way = way;
      this.blockIndex = 2;
    }
    this.blockWay = this.way;
  }
}
