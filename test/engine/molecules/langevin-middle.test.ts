/**
 * The 'middle' Langevin scheme (OpenMM's LangevinMiddleIntegrator) of alanine dipeptide against
 * known answers: its order of operations (without constraints its positions are BAOAB's), the
 * constraints held to SHAKE's tolerance, the kinetic temperature with the constrained degrees of
 * freedom removed, the mean potential energy of the constrained BAOAB scheme within sampling
 * error, and bit-identical resume.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { AmberForceField } from '../../../src-main/engine/molecules/forcefield/amber-forcefield';
import { BondConstraints } from '../../../src-main/engine/molecules/dynamics/constraints';
import { BOLTZMANN_KJ_PER_MOL_K, LangevinDynamics, type LangevinOptions } from '../../../src-main/engine/molecules/dynamics/langevin';
import { ala2Prmtop, fixtures, flat, readJson } from './helpers';

const prm = ala2Prmtop();
const ff = new AmberForceField(prm);
const ref = readJson<{ frames: { label: string; positions_nm: number[][] }[] }>(join(fixtures, 'ala2_amber99sb_energies.json'));
const minimized = flat(ref.frames.find((f) => f.label === 'minimized')!.positions_nm);
const hbonds = () => BondConstraints.hydrogenBonds(prm);

function simulation(extra: Partial<LangevinOptions>): LangevinDynamics {
  return new LangevinDynamics({ forceField: ff, masses: prm.topology.masses, positions: minimized, temperature: 300, friction: 5, dt: 0.002, seed: 7, scheme: 'middle', ...extra });
}

/** Block means of `observe()` after every step, and their standard error (blocks >> correlation time). */
function blockAverage(md: LangevinDynamics, steps: number, observe: () => number, blocks = 40) {
  const per = steps / blocks;
  const means: number[] = [];
  for (let b = 0; b < blocks; b++) {
    let s = 0;
    for (let k = 0; k < per; k++) {
      md.run(1);
      s += observe();
    }
    means.push(s / per);
  }
  const m = means.reduce((a, v) => a + v, 0) / blocks;
  const variance = means.reduce((a, v) => a + (v - m) ** 2, 0) / (blocks - 1);
  return { mean: m, se: Math.sqrt(variance / blocks) };
}

describe("Langevin 'middle' scheme", () => {
  it('without constraints gives the positions of BAOAB (one full kick = two half kicks), to rounding', () => {
    // BAOAB from (x, v) and middle from (x, v - dt/2 f/m) make the same moves: B(dt/2) B(dt/2) A O A
    // per step against B(dt) A O A, with the same normals. Only the rounding of v + h f + h f
    // against v' + dt f differs (~1e-16 relative), amplified over 0.2 ps by the chaos of the
    // dynamics to far below 1e-9 nm; a wrong order (O before A, a missing kick) moves atoms by
    // ~1e-4 nm in the first step.
    const baoab = simulation({ dt: 0.001, friction: 1, scheme: 'baoab' });
    const v = Float64Array.from(baoab.velocities);
    const m = prm.topology.masses;
    for (let k = 0; k < v.length; k++) v[k] -= (0.5 * 0.001 * baoab.forces[k]) / m[Math.floor(k / 3)];
    const middle = simulation({ dt: 0.001, friction: 1 });
    middle.setState({ ...baoab.getState(), velocities: Array.from(v) }); // the same random stream from here
    baoab.run(200);
    middle.run(200);
    let worst = 0;
    for (let k = 0; k < v.length; k++) worst = Math.max(worst, Math.abs(baoab.positions[k] - middle.positions[k]));
    expect(worst).toBeGreaterThan(0); // different rounding: not the same code path by accident
    expect(worst).toBeLessThan(1e-9);
  });

  it('holds the constraints to SHAKE tolerance and removes their velocity components', () => {
    const constraints = hbonds();
    const md = simulation({ constraints, friction: 1 });
    let worst = 0;
    for (let s = 0; s < 1000; s++) {
      md.run(1);
      worst = Math.max(worst, constraints.maxRelativeError(md.positions));
    }
    // As for BAOAB (dynamics.test.ts): |r^2 - d^2| <= 2e-10 d^2 after SHAKE, i.e. |r - d| <= 1e-10 d.
    expect(worst).toBeLessThan(2e-10);
    expect(md.degreesOfFreedom).toBe(51);
  });

  // <KE> = dof kT / 2 with dof = 3N - 12 - 3 = 51: tolerance 4 block standard errors, and the SE
  // must be < 1.5% so that a wrong dof count (1 of 51 = 2%) would show.
  it('hbond constraints, 2 fs, friction 5/ps: <KE> = (3N - 12 - 3)/2 kT', () => {
    const md = simulation({ constraints: hbonds(), seed: 12 });
    md.run(1000);
    const { mean, se } = blockAverage(md, 30000, () => md.midKineticEnergy);
    const expected = (51 / 2) * BOLTZMANN_KJ_PER_MOL_K * 300;
    expect(se / expected).toBeLessThan(0.015);
    expect(Math.abs(mean - expected)).toBeLessThan(4 * se);
  });

  it('samples the mean potential energy of the constrained BAOAB scheme within sampling error', () => {
    // Both schemes are BAOAB in the positions, so <U> agrees up to sampling error (and an O(dt^2)
    // difference far below it). 60 ps each at friction 5/ps; 40 blocks of 1.5 ps, far longer than
    // the ~0.2 ps correlation time of U in one conformational basin.
    const steps = 30000;
    const a = simulation({ constraints: hbonds(), seed: 21 });
    const b = simulation({ constraints: hbonds(), seed: 21, scheme: 'baoab' });
    a.run(1000);
    b.run(1000);
    const ua = blockAverage(a, steps, () => a.potentialEnergy);
    const ub = blockAverage(b, steps, () => b.potentialEnergy);
    const se = Math.hypot(ua.se, ub.se);
    // Measured: -31.33 +- 0.59 (middle) and -30.32 +- 0.68 kJ/mol (BAOAB), combined SE 0.90.
    expect(se).toBeLessThan(1.2); // kJ/mol: a shift of ~5 kJ/mol (2 kT) would show
    expect(Math.abs(ua.mean - ub.mean)).toBeLessThan(4 * se);
  });

  it('resumes bit for bit from getState (positions, velocities and the random stream)', () => {
    const md = simulation({ constraints: hbonds(), friction: 1 });
    md.run(100);
    const state = JSON.parse(JSON.stringify(md.getState()));
    md.run(100);
    const again = simulation({ constraints: hbonds(), friction: 1, seed: 999 });
    again.setState(state);
    again.run(100);
    expect(again.step).toBe(200);
    expect(Array.from(again.positions)).toEqual(Array.from(md.positions));
    expect(Array.from(again.velocities)).toEqual(Array.from(md.velocities));
  });

  it('rejects an unknown scheme by name', () => {
    expect(() => simulation({ scheme: 'verlet' as never })).toThrow(/scheme must be baoab or middle/);
  });
});
