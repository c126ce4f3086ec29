/**
 * The MD helper thread (threads/md-helper.ts) changes where work runs, never the numbers:
 * - its normals are the run's own stream: block for block what Rng.normals gives in this thread,
 *   and the state after any block is the Rng's state there (checkpoints stay exact), across the
 *   ring's end so slot reuse is covered;
 * - its force evaluations equal AmberForceField.compute bit for bit, whichever way each one ran
 *   (a policy switches between the helper and this thread every 3 evaluations);
 * - a trajectory with it equals one without it, bit for bit.
 * Exact comparisons throughout: the same arithmetic must give the same bits. Uses the bundled
 * worker (out/node/md-helper.mjs, built by test/global-setup.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Rng } from '../../src-main/engine/random';
import { parsePrmtop } from '../../src-main/engine/molecules/amber/prmtop';
import { parseInpcrd } from '../../src-main/engine/molecules/amber/inpcrd';
import { AmberForceField } from '../../src-main/engine/molecules/forcefield/amber-forcefield';
import { LangevinDynamics } from '../../src-main/engine/molecules/dynamics/langevin';
import { BondConstraints } from '../../src-main/engine/molecules/dynamics/constraints';
import { MdHelperThread, ringBlocks, warmUpCounts } from '../../src-main/threads/md-helper';
import type { WayPolicy } from '../../src-main/threads/md-helper-schedule';

const workerUrl = pathToFileURL(join(import.meta.dirname, '../../out/node/md-helper.mjs'));
const ala2 = join(import.meta.dirname, '../../resources/molecules/alanine-dipeptide');
const prm = parsePrmtop(readFileSync(join(ala2, 'ala2.prmtop'), 'utf8'));
const start = Float64Array.from(parseInpcrd(readFileSync(join(ala2, 'ala2.inpcrd'), 'utf8')).positions);
/** A policy that switches ways every 3 evaluations (the default one switches only on stalls). */
function alternating(): WayPolicy {
  let k = 0;
  return { next: () => (Math.floor(k++ / 3) % 2 === 0 ? 'helper' : 'here'), absent: () => {} };
}

/**
 * A helper thread that is warm (ready) unless `ready` is false: until then everything runs in this
 * thread. Infinite patience: the main thread waits for every answer, so the ways taken are the
 * policy's however busy the machine (a preempted helper would otherwise leave evaluations here).
 */
function helper(ff: AmberForceField, ready = true): MdHelperThread {
  const worker = MdHelperThread.startWorker(workerUrl);
  if (worker === null) throw new Error('worker bundle missing (out/node/md-helper.mjs)');
  const thread = new MdHelperThread(worker, ff, prm, {}, start, alternating(), Infinity);
  if (ready && !thread.waitUntilReady()) throw new Error('the helper did not warm up');
  return thread;
}

describe('warmUpCounts', () => {
  it('1,000 evaluations and 300 normal blocks for alanine dipeptide, fewer for larger systems, never below 50 and 10', () => {
    expect(warmUpCounts(66)).toEqual({ evaluations: 1000, normalBlocks: 300 });
    expect(warmUpCounts(3 * 1000)).toEqual({ evaluations: 66, normalBlocks: 20 });
    expect(warmUpCounts(3 * 10_000)).toEqual({ evaluations: 50, normalBlocks: 10 });
  });
});

describe('MdHelperThread', () => {
  let thread: MdHelperThread | null = null;
  afterEach(() => thread?.close());

  it('hands out the same normal blocks and states as Rng.normals, across the ring', () => {
    const ff = new AmberForceField(prm);
    const n = 3 * ff.nAtoms;
    const reference = new Rng(7, 3);
    reference.normals(new Float64Array(5), 5); // a stream already in use (spare pending)
    thread = helper(ff).beginNormals(reference.getState());
    expect(thread.getState()).toEqual(reference.getState());
    const got = new Float64Array(n);
    const want = new Float64Array(n);
    const blocks = ringBlocks(n) + 700;
    for (let b = 0; b < blocks; b++) {
      thread.normals(got, n);
      reference.normals(want, n);
      if (!got.every((v, k) => Object.is(v, want[k]))) throw new Error(`block ${b} differs`);
      if (b % 1021 === 0 || b === blocks - 1) expect(thread.getState(), `state after block ${b}`).toEqual(reference.getState());
    }
  });

  it('refuses a block of another length (the stream would split differently)', () => {
    thread = helper(new AmberForceField(prm)).beginNormals(new Rng(1).getState());
    expect(() => thread!.normals(new Float64Array(4), 4)).toThrow(/blocks of 66/);
  });

  it("gives the force field's forces and energies bit for bit, wherever the torsions ran", () => {
    const ff = new AmberForceField(prm);
    thread = helper(ff);
    const rng = new Rng(3);
    const f1 = new Float64Array(start.length), f2 = new Float64Array(start.length);
    const t1 = new Float64Array(4), t2 = new Float64Array(4);
    for (let k = 0; k < 400; k++) {
      const x = Float64Array.from(start, (v) => v + 0.02 * rng.normal());
      const e1 = ff.compute(x, f1, t1);
      const e2 = thread.compute(x, f2, t2);
      expect(e2).toBe(e1);
      expect(Array.from(t2)).toEqual(Array.from(t1));
      if (!f2.every((v, i) => Object.is(v, f1[i]))) throw new Error(`evaluation ${k}: forces differ`);
    }
    expect(thread.evaluations).toEqual({ helper: 201, here: 199 }); // 400 evaluations in turns of 3
  });

  for (const constraints of [false, true]) {
    it(`a trajectory with the helper equals one without (constraints ${constraints})`, () => {
      const ff = new AmberForceField(prm);
      const run = (withHelper: boolean) => {
        const t = withHelper ? (thread = helper(ff)) : null;
        const md = new LangevinDynamics({
          forceField: t ?? ff, masses: prm.topology.masses, positions: start, velocities: null, temperature: 300, friction: 1,
          dt: constraints ? 0.002 : 0.001, seed: 11, constraints: constraints ? BondConstraints.hydrogenBonds(prm) : null, scheme: constraints ? 'middle' : 'baoab',
        });
        if (t) md.useNormalSource(t.beginNormals(md.randomState()));
        md.run(3000);
        return md.getState();
      };
      const one = run(false);
      const two = run(true);
      expect(two.rng).toEqual(one.rng);
      expect(two.positions.every((v, i) => Object.is(v, one.positions[i]))).toBe(true);
      expect(two.velocities.every((v, i) => Object.is(v, one.velocities[i]))).toBe(true);
    });
  }

  it('hands over mid-run once warm: forces and the random stream move to the helper at a step, the trajectory is the same', () => {
    const ff = new AmberForceField(prm);
    const run = (withHelper: boolean) => {
      const t = withHelper ? (thread = helper(ff, false)) : null;
      const md = new LangevinDynamics({
        forceField: t ?? ff, masses: prm.topology.masses, positions: start, velocities: null, temperature: 300, friction: 1,
        dt: 0.002, seed: 5, constraints: BondConstraints.hydrogenBonds(prm), scheme: 'middle',
      });
      if (t) md.useNormalSource(t.beginNormals(md.randomState()));
      md.run(300);
      const before = t ? { ...t.evaluations } : null;
      const midState = md.getState().rng;
      if (t && !t.waitUntilReady()) throw new Error('the helper did not warm up');
      md.run(1500);
      return { state: md.getState(), before, midState, after: t ? { ...t.evaluations } : null };
    };
    const one = run(false);
    const two = run(true);
    // The first 300 steps ran in this thread, the helper cold (it takes tens of milliseconds to start
    // and warm up, 300 steps a few): unless it was quick, they all ran here.
    expect(two.before!.here + two.before!.helper).toBe(301);
    expect(two.midState).toEqual(one.midState);
    // After the hand-over the policy (turns of 3) sends half the evaluations to the helper.
    expect(two.after!.helper - two.before!.helper).toBe(750);
    expect(two.state.rng).toEqual(one.state.rng);
    expect(two.state.positions.every((v, i) => Object.is(v, one.state.positions[i]))).toBe(true);
    expect(two.state.velocities.every((v, i) => Object.is(v, one.state.velocities[i]))).toBe(true);
  });
});
