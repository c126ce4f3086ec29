/**
 * A second core for one molecular-dynamics run (`liftwell md`): a helper thread
 * (md-helper-worker.ts, bundled to out/node/md-helper.mjs) computes the force field's split-off
 * terms of each force evaluation (all torsions and part of the angles, about half the force
 * field's work: AmberForceField.splitAngleFrom) while the main thread computes bonds, the other
 * angles and the nonbonded pairs; in its idle time the helper draws the O step's random normals
 * ahead (docs/md-speed.md). The trajectory is the same bit for bit as in one thread: AmberForceField
 * sums the split-off terms apart and adds them last whichever thread computed them
 * (computeWithSplitTermsFrom), and the normals are the run's own Rng stream,
 * block after block (the same Rng.normals calls the dynamics would make), with the generator's
 * state after every block so that getState() is exact at any step.
 *
 * A step takes a few microseconds, far less than a sleep and a wake-up through the kernel, so both
 * sides spin on control words in shared memory (Atomics.load) and sleep (Atomics.wait) only after
 * SPIN_LIMIT empty polls; a side raises its SLEEPING flag before it sleeps and checks again after
 * raising it, and the other calls Atomics.notify (a system call) only then.
 *
 * A freshly started helper runs interpreted code (~140 us an evaluation against ~1.9 us once
 * optimised), so it first warms up on scratch data (WARM_EVALUATIONS) and raises READY; until
 * then the main thread computes everything and draws the normals itself, then hands the stream
 * over at the state reached.
 *
 * Spinning pays only when both threads have a core. On a busy machine a descheduled helper
 * stalls the main thread for a scheduler time slice, so when the helper leaves it waiting some
 * tens of microseconds (it is not running) the main thread computes the split-off terms itself
 * until the helper has caught up, and stays away from a helper that is away much of the time
 * (md-helper-schedule.ts; the numbers do not depend on where they ran).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Rng, type RngState } from '../engine/random';
import type { AmberPrmtop } from '../engine/molecules/amber/prmtop';
import type { AmberForceField, ForceFieldOptions, SplitTermsResult } from '../engine/molecules/forcefield/amber-forcefield';
import type { ForceProvider, NormalSource } from '../engine/molecules/dynamics/langevin';
import { DEFAULT_HELPER_SCHEDULE, WayChooser, type Way, type WayPolicy } from './md-helper-schedule';

/** Control words (Int32). */
export const REQUEST = 0; // split-term evaluations asked for (main writes)
export const DONE = 1; // split-term evaluations finished (helper writes)
export const PRODUCED = 2; // normal blocks written (helper)
export const CONSUMED = 3; // normal blocks taken (main)
export const NORMALS_BEGIN = 4; // 1 once the stream's start state is in shared memory (main)
export const STATUS = 5; // STATUS_FAILED when the helper threw
export const HELPER_SLEEPING = 6;
export const MAIN_SLEEPING = 7;
export const WAKE = 8; // bumped by the main thread to wake a sleeping helper
export const READY = 9; // 1 once the helper has warmed its code up (helper)
const CONTROL_WORDS = 10;
export const STATUS_FAILED = 1;
/** Numbers of an Rng state (RngState): 4 words, hasSpare, spare. */
export const STATE_LENGTH = 6;
/**
 * Normal blocks (one step each) the helper may draw ahead: 8,192 alanine-dipeptide steps (~35 ms,
 * so that the helper can sit out a scheduler's time slices on a busy machine), at most 32 MB.
 */
export function ringBlocks(blockLength: number): number {
  return Math.max(64, Math.min(8192, Math.floor((32 << 20) / (8 * blockLength))));
}
/** Empty polls before a side sleeps (~0.1-1 ms of spinning). */
export const SPIN_LIMIT = 100_000;
/**
 * Polls (~12 ns each) after which the main thread stops waiting for the helper's answer and
 * computes the split-off terms itself (~60 us, some 15 steps: the helper is not running); it then
 * asks the helper again once it has caught up (md-helper-schedule.ts).
 */
const STALL_POLLS = 5_000;
/** Evaluations after a switch to the helper during which it may still be waking up, and their patience (~0.1-0.5 ms). */
const WAKE_EVALUATIONS = 4;
const WAKE_POLLS = 50_000;
/** Below this many steps the thread's start-up (~30-50 ms) costs more than it saves. */
export const MIN_HELPER_STEPS = 20_000;
/** How long the main thread waits for the helper before it calls it dead. */
const WAIT_MS = 10_000;
/**
 * Split-off-term evaluations and normal blocks the helper runs on scratch data before it takes
 * work: its first hundred evaluations take ~140 us each (interpreted code) against ~1.9 us once
 * optimised after ~300, so a cold helper would stall the main thread and set off the policy's
 * back-offs; meanwhile the main thread runs alone (measured: the policy kept the first ~16,000
 * steps of a run in the main thread).
 */
const WARM_EVALUATIONS = 1000;
const WARM_NORMAL_BLOCKS = 300;
/**
 * The warm-up for a system of blockLength / 3 atoms: the counts above for alanine dipeptide, fewer
 * for a large system, whose loops run long enough per call for the JIT to optimise them sooner
 * (the main thread runs alone meanwhile: a warm-up of 1,000 evaluations of a 10^4-atom system
 * would take about a second). At least 50 evaluations and 10 blocks.
 */
export function warmUpCounts(blockLength: number): { evaluations: number; normalBlocks: number } {
  return {
    evaluations: Math.max(50, Math.min(WARM_EVALUATIONS, Math.floor(200_000 / blockLength))),
    normalBlocks: Math.max(10, Math.min(WARM_NORMAL_BLOCKS, Math.floor(60_000 / blockLength))),
  };
}
/** What the helper is sent once. */
export interface MdHelperStart {
  prmtop: AmberPrmtop;
  options: ForceFieldOptions;
  /** A conformation of the system to warm up on (any real one: the branches taken are those of the run). */
  warmPositions: Float64Array;
  blockLength: number;
  control: SharedArrayBuffer;
  positions: SharedArrayBuffer;
  forces: SharedArrayBuffer;
  energy: SharedArrayBuffer;
  normals: SharedArrayBuffer;
  states: SharedArrayBuffer;
  /** The stream's start state (valid once NORMALS_BEGIN is 1). */
  start: SharedArrayBuffer;
}


export class MdHelperThread implements ForceProvider, NormalSource {
  readonly nAtoms: number;
  private readonly control: Int32Array;
  private readonly positions: Float64Array;
  private readonly forces: Float64Array;
  private readonly energy: Float64Array;
  private readonly ring: Float64Array;
  private readonly states: Float64Array;
  private readonly start: Float64Array;
  private readonly blockLength: number;
  private readonly ringBlocks: number;
  private readonly remote: () => SplitTermsResult;
  private readonly fromHelper: SplitTermsResult;
  private readonly computedHere: SplitTermsResult;
  private requested = 0;
  private consumed = 0;
  private produced = 0;
  private normalsBegun = false;
  /** The stream until the helper is ready (drawn here), then null: the ring continues it. */
  private local: Rng | null = null;
  private helperReady = false;
  private sinceSwitch = 0;
  /** The request the helper left unanswered (it is away until DONE reaches it); 0 when none. */
  private unanswered = 0;
  private lastWay: Way = 'helper';
  /** Force evaluations with the split-off terms on the helper / in this thread (reports). */
  readonly evaluations: Record<Way, number> = { helper: 0, here: 0 };

  /**
   * `worker` from startWorker (started early, so that its start-up overlaps reading the system);
   * `positions`: a conformation for the helper's warm-up. Until the helper is warm (READY) every
   * evaluation and the random normals run in this thread; waitUntilReady() waits for it instead.
   */
  constructor(
    private readonly worker: Worker, private readonly ff: AmberForceField, prmtop: AmberPrmtop, options: ForceFieldOptions, positions: Float64Array,
    /** Where the split-off terms run once the helper is ready (tests pass a policy that switches often). */
    private readonly chooser: WayPolicy = new WayChooser(DEFAULT_HELPER_SCHEDULE),
    /**
     * Polls before the main thread computes an unanswered evaluation itself. Tests that must see
     * the helper answer, however busy the machine, pass Infinity (the main thread then waits, as it
     * does for the normals).
     */
    private readonly stallPolls = STALL_POLLS,
  ) {
    this.nAtoms = ff.nAtoms;
    this.blockLength = 3 * ff.nAtoms;
    this.ringBlocks = ringBlocks(this.blockLength);
    const doubles = (n: number) => new SharedArrayBuffer(n * Float64Array.BYTES_PER_ELEMENT);
    if (positions.length !== this.blockLength) throw new Error(`MdHelperThread: ${positions.length / 3} atoms to warm up on, the force field has ${ff.nAtoms}`);
    const message: MdHelperStart = {
      prmtop, options, warmPositions: positions, blockLength: this.blockLength,
      control: new SharedArrayBuffer(CONTROL_WORDS * Int32Array.BYTES_PER_ELEMENT),
      positions: doubles(this.blockLength), forces: doubles(this.blockLength), energy: doubles(2),
      normals: doubles(this.ringBlocks * this.blockLength), states: doubles(this.ringBlocks * STATE_LENGTH), start: doubles(STATE_LENGTH),
    };
    this.control = new Int32Array(message.control);
    this.positions = new Float64Array(message.positions);
    this.forces = new Float64Array(message.forces);
    this.energy = new Float64Array(message.energy);
    this.ring = new Float64Array(message.normals);
    this.states = new Float64Array(message.states);
    this.start = new Float64Array(message.start);
    this.remote = () => this.awaitSplitTerms();
    this.fromHelper = { forces: this.forces, torsionEnergy: 0, angleEnergy: 0 };
    this.computedHere = { forces: new Float64Array(this.blockLength), torsionEnergy: 0, angleEnergy: 0 };
    worker.postMessage(message);
  }

  /** Starts the helper thread; null where the worker bundle is missing (code run from source) or a thread cannot start. */
  static startWorker(url = new URL('./md-helper.mjs', import.meta.url)): Worker | null {
    if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return null;
    try {
      const worker = new Worker(url);
      // The thread never keeps the process alive; close() ends it.
      worker.unref();
      return worker;
    } catch {
      return null;
    }
  }

  /**
   * Takes the random stream at `state` (the dynamics' randomState()); normals() then continues it:
   * drawn in this thread until the helper is ready, then handed over to the helper at the state
   * reached (the same numbers either way).
   */
  beginNormals(state: RngState): this {
    this.local = Rng.fromState(state);
    this.normalsBegun = true;
    return this;
  }

  /** Blocks until the helper has warmed up (tests and measurements that want it from the first evaluation); false after timeoutMs. */
  waitUntilReady(timeoutMs = WAIT_MS): boolean {
    const until = performance.now() + timeoutMs;
    while (!this.isReady()) {
      const left = until - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.control, READY, 0, Math.min(left, 50));
    }
    return true;
  }

  private isReady(): boolean {
    if (!this.helperReady) {
      if (Atomics.load(this.control, READY) === 1) this.helperReady = true;
      else if (Atomics.load(this.control, STATUS) === STATUS_FAILED) throw new Error('the MD helper thread failed (warm-up)');
    }
    return this.helperReady;
  }

  compute(positions: Float64Array, forces: Float64Array | null, terms: Float64Array | null = null): number {
    // Energies alone are cheap and rare (reports): this thread. So is everything until the helper is warm.
    if (forces === null) return this.ff.compute(positions, null, terms);
    if (!this.isReady()) return this.computeHere(positions, forces, terms);
    const way = this.chooser.next();
    if (way !== this.lastWay) this.sinceSwitch = 0;
    this.lastWay = way;
    if (way === 'helper' && this.unanswered > 0) {
      // Away since it left a request unanswered: no waiting until it has caught up.
      if (Atomics.load(this.control, DONE) < this.unanswered) {
        this.chooser.absent();
        return this.computeHere(positions, forces, terms);
      }
      this.unanswered = 0;
    }
    if (way === 'here') return this.computeHere(positions, forces, terms);
    this.evaluations.helper++;
    this.positions.set(positions);
    Atomics.store(this.control, REQUEST, ++this.requested);
    this.wakeHelper();
    return this.ff.computeWithSplitTermsFrom(positions, forces, terms, this.remote);
  }

  /** All terms in this thread (counted as such in `evaluations`). */
  private computeHere(positions: Float64Array, forces: Float64Array, terms: Float64Array | null): number {
    this.evaluations.here++;
    return this.ff.compute(positions, forces, terms);
  }

  normals(out: Float64Array, n: number): void {
    if (!this.normalsBegun) throw new Error('MdHelperThread: beginNormals() was not called');
    if (n !== this.blockLength) throw new Error(`MdHelperThread hands out blocks of ${this.blockLength} normals (asked for ${n})`);
    if (this.local !== null) {
      if (!this.isReady()) {
        this.local.normals(out, n);
        return;
      }
      // The helper continues the stream from here on; its first block comes within microseconds.
      this.local.writeState(this.start, 0);
      this.local = null;
      Atomics.store(this.control, NORMALS_BEGIN, 1);
      this.wakeHelper();
    }
    if (this.consumed === this.produced) {
      this.produced = Atomics.load(this.control, PRODUCED);
      // The helper may be asleep (it slept with the ring full, or had nothing to do yet).
      if (this.consumed === this.produced) {
        this.wakeHelper();
        this.produced = this.waitFor(PRODUCED, this.consumed + 1, 'random numbers');
      }
    }
    const from = (this.consumed % this.ringBlocks) * n;
    for (let k = 0; k < n; k++) out[k] = this.ring[from + k];
    Atomics.store(this.control, CONSUMED, ++this.consumed);
    // A helper asleep with the ring full is woken once half the ring is free (it then refills in a
    // burst), not at every step: a notify is a system call.
    if (Atomics.load(this.control, HELPER_SLEEPING) === 1 && this.consumed + this.ringBlocks - Atomics.load(this.control, PRODUCED) >= this.ringBlocks / 2) this.wakeHelper();
  }

  getState(): RngState {
    if (this.local !== null) return this.local.getState();
    if (this.consumed === 0) return Array.from(this.start);
    const at = ((this.consumed - 1) % this.ringBlocks) * STATE_LENGTH;
    return Array.from(this.states.subarray(at, at + STATE_LENGTH));
  }

  /** Ends the thread. */
  close(): void {
    void this.worker.terminate();
  }

  private awaitSplitTerms(): SplitTermsResult {
    // The first evaluations after a switch wait for a helper that may be asleep (a wake-up takes
    // tens of microseconds): longer patience there. The main thread never sleeps on the helper's
    // split-off terms (unless given infinite patience, as tests are): when patience runs out it
    // computes them itself.
    const patience = this.sinceSwitch++ < WAKE_EVALUATIONS ? Math.max(WAKE_POLLS, this.stallPolls) : this.stallPolls;
    if (this.waitFor(DONE, this.requested, 'split-off term forces', patience) < this.requested) {
      this.chooser.absent();
      this.unanswered = this.requested;
      this.evaluations.helper--;
      this.evaluations.here++;
      // This evaluation's split-off terms are still the helper's to deliver (it may be mid-way):
      // compute them here instead; the helper's late answer is then ignored (the next request
      // outdates it).
      return this.ff.splitTermForces(this.positions, this.computedHere);
    }
    this.fromHelper.torsionEnergy = this.energy[0];
    this.fromHelper.angleEnergy = this.energy[1];
    return this.fromHelper;
  }

  /**
   * Spins (then sleeps) until control[word] >= atLeast; returns its value. With `givingUpAfter`,
   * spins at most that many polls and never sleeps (returns the value, below atLeast).
   */
  private waitFor(word: number, atLeast: number, what: string, givingUpAfter = Infinity): number {
    const control = this.control;
    let polls = 0;
    for (let total = 0; ; total++) {
      const value = Atomics.load(control, word);
      if (value >= atLeast || total >= givingUpAfter) return value;
      if (Atomics.load(control, STATUS) === STATUS_FAILED) throw new Error(`the MD helper thread failed (${what})`);
      if (++polls < SPIN_LIMIT || givingUpAfter < Infinity) continue;
      Atomics.store(control, MAIN_SLEEPING, 1);
      const again = Atomics.load(control, word);
      const woke = again >= atLeast ? 'ok' : Atomics.wait(control, word, again, WAIT_MS);
      Atomics.store(control, MAIN_SLEEPING, 0);
      if (woke === 'timed-out' && Atomics.load(control, word) < atLeast) throw new Error(`the MD helper thread gave no ${what} for ${WAIT_MS / 1000} s`);
      polls = 0;
    }
  }

  private wakeHelper(): void {
    if (Atomics.load(this.control, HELPER_SLEEPING) === 1) {
      Atomics.add(this.control, WAKE, 1);
      Atomics.notify(this.control, WAKE);
    }
  }
}
