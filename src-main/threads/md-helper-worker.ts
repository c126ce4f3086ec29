/**
 * Helper-thread entry (bundled to out/node/md-helper.mjs): serves split-off-term requests (the
 * torsions and part of the angles: AmberForceField.splitTermForces) for the
 * positions the main thread hands over and, in between, draws the run's random normals ahead into
 * the shared ring (protocol: md-helper.ts).
 */
import { parentPort } from 'node:worker_threads';
import { AmberForceField } from '../engine/molecules/forcefield/amber-forcefield';
import { Rng } from '../engine/random';
import {
  CONSUMED, DONE, HELPER_SLEEPING, MAIN_SLEEPING, NORMALS_BEGIN, PRODUCED, READY, REQUEST, SPIN_LIMIT, STATE_LENGTH, STATUS, STATUS_FAILED, WAKE,
  ringBlocks, warmUpCounts, type MdHelperStart,
} from './md-helper';

const port = parentPort;
if (!port) throw new Error('md-helper-worker.ts must run in a worker thread');

port.once('message', (m: MdHelperStart) => {
  const control = new Int32Array(m.control);
  try {
    serve(m, control);
  } catch (e) {
    Atomics.store(control, STATUS, STATUS_FAILED);
    // A sleeping main thread waits on one of these.
    Atomics.notify(control, DONE);
    Atomics.notify(control, PRODUCED);
    Atomics.notify(control, READY);
    throw e;
  }
});

/** Normals drawn between two looks at the force requests (~0.1 us). */
const NORMALS_PIECE = 12;

/**
 * Runs until the thread is terminated (the main thread closes it when the run ends).
 *
 * It starts with a warm-up through the very loop that serves the main thread: the helper asks
 * itself for split-off evaluations on the starting conformation and draws normal blocks from a
 * scratch generator it hands itself (warmUpCounts: 1,000 and 300 for alanine dipeptide), so
 * that the JIT optimises this loop with every branch it serves by (a warm-up in a function of
 * its own left this loop to be compiled while it idled, and the first real request deoptimised
 * it: the helper was then away for milliseconds). The main thread makes no request and reads
 * nothing here before READY, so the helper owns the control words until then; it sets them back
 * to 0 before raising READY.
 */
function serve(m: MdHelperStart, control: Int32Array): never {
  const ff = new AmberForceField(m.prmtop, m.options);
  const positions = new Float64Array(m.positions);
  const forces = new Float64Array(m.forces);
  const energy = new Float64Array(m.energy);
  const split = { forces, torsionEnergy: 0, angleEnergy: 0 };
  const ring = new Float64Array(m.normals);
  const states = new Float64Array(m.states);
  const ringLength = ringBlocks(m.blockLength);
  let warming = true;
  const warm = warmUpCounts(m.blockLength);
  let warmRequests = warm.evaluations;
  positions.set(m.warmPositions); // the warm-up's requests are all for this conformation
  // The scratch stream while warming, handed over the way the main thread will hand over its own.
  new Rng(0, 0).writeState(new Float64Array(m.start), 0);
  Atomics.store(control, NORMALS_BEGIN, 1);
  let rng: Rng | null = null;
  let aheadLimit = Math.min(warm.normalBlocks, ringLength - 1);
  let served = 0;
  let produced = 0;
  let filled = 0; // normals of block `produced` written so far
  let idle = 0;
  for (;;) {
    if (warming && served === Atomics.load(control, REQUEST)) {
      if (warmRequests > 0) {
        Atomics.store(control, REQUEST, served + 1);
        warmRequests--;
      } else if (produced >= aheadLimit) {
        served = produced = filled = 0;
        rng = null;
        aheadLimit = ringLength - 1;
        Atomics.store(control, REQUEST, 0);
        Atomics.store(control, DONE, 0);
        Atomics.store(control, PRODUCED, 0);
        Atomics.store(control, NORMALS_BEGIN, 0);
        warming = false;
        Atomics.store(control, READY, 1);
        Atomics.notify(control, READY);
      }
    }
    // Forces first: the main thread waits for them within the step.
    const request = Atomics.load(control, REQUEST);
    if (request !== served) {
      ff.splitTermForces(positions, split);
      energy[0] = split.torsionEnergy;
      energy[1] = split.angleEnergy;
      served = request;
      Atomics.store(control, DONE, served);
      if (Atomics.load(control, MAIN_SLEEPING) === 1) Atomics.notify(control, DONE);
      idle = 0;
      continue;
    }
    if (rng === null && Atomics.load(control, NORMALS_BEGIN) === 1) rng = Rng.fromState(Array.from(new Float64Array(m.start)));
    // Normals a few at a time (the same stream: Rng.normals in pieces gives the numbers of one
    // call), so that a force request waits at most one piece, not a whole block. The slot of the
    // last block taken is kept: its state is what getState() returns.
    if (rng !== null && produced - Atomics.load(control, CONSUMED) < aheadLimit) {
      const b = produced % ringLength;
      const piece = Math.min(NORMALS_PIECE, m.blockLength - filled);
      rng.normals(ring, piece, b * m.blockLength + filled);
      filled += piece;
      if (filled === m.blockLength) {
        rng.writeState(states, b * STATE_LENGTH);
        filled = 0;
        Atomics.store(control, PRODUCED, ++produced);
        if (Atomics.load(control, MAIN_SLEEPING) === 1) Atomics.notify(control, PRODUCED);
      }
      idle = 0;
      continue;
    }
    if (++idle < SPIN_LIMIT) continue;
    const wake = Atomics.load(control, WAKE);
    Atomics.store(control, HELPER_SLEEPING, 1);
    // Checked again after raising the flag: work that came in between is not missed.
    const work = Atomics.load(control, REQUEST) !== served
      || (rng === null ? Atomics.load(control, NORMALS_BEGIN) === 1 : produced - Atomics.load(control, CONSUMED) < aheadLimit);
    if (!work) Atomics.wait(control, WAKE, wake);
    Atomics.store(control, HELPER_SLEEPING, 0);
    idle = 0;
  }
}
