/**
 * The fast paths of molecular dynamics give the numbers of the plain ones: the fused
 * unconstrained and constrained BAOAB steps equal kick/drift/thermostat/drift/forces/kick bit for bit, and the
 * clustered SHAKE/RATTLE (one solve per group of coupled constraints) holds every constraint and
 * leaves no relative velocity along any constrained bond.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { AmberForceField } from '../../../src-main/engine/molecules/forcefield/amber-forcefield';
import { BondConstraints } from '../../../src-main/engine/molecules/dynamics/constraints';
import { LangevinDynamics } from '../../../src-main/engine/molecules/dynamics/langevin';
import { Rng } from '../../../src-main/engine/random';
import { ala2Prmtop, fixtures, flat, readJson } from './helpers';

const prm = ala2Prmtop();
const ff = new AmberForceField(prm);
const ref = readJson<{ frames: { label: string; positions_nm: number[][] }[] }>(join(fixtures, 'ala2_amber99sb_energies.json'));
const minimized = flat(ref.frames.find((f) => f.label === 'minimized')!.positions_nm);

/** The private step parts, called in BAOAB order (the unfused path). */
interface Parts { kick(): void; drift(): void; thermostat(): void; computeForces(): void; step: number }

describe('molecular dynamics fast paths', () => {
  it('fused unconstrained step = the step by parts, bit for bit', () => {
    const options = { forceField: ff, masses: prm.topology.masses, positions: minimized, temperature: 300, friction: 1, dt: 0.001, seed: 3 };
    const fused = new LangevinDynamics(options);
    const parts = new LangevinDynamics(options);
    fused.run(50);
    const p = parts as unknown as Parts;
    for (let s = 0; s < 50; s++) {
      p.kick();
      p.drift();
      p.thermostat();
      p.drift();
      p.computeForces();
      p.kick();
      p.step++;
    }
    expect(Array.from(fused.positions)).toEqual(Array.from(parts.positions));
    expect(Array.from(fused.velocities)).toEqual(Array.from(parts.velocities));
    expect(fused.midKineticEnergy).toBe(parts.midKineticEnergy);
    expect(fused.potentialEnergy).toBe(parts.potentialEnergy);
  });

  it('fused constrained step = the step by parts (kick/drift/thermostat/drift/forces/kick with SHAKE/RATTLE), bit for bit', () => {
    const options = { forceField: ff, masses: prm.topology.masses, positions: minimized, temperature: 300, friction: 1, dt: 0.002, seed: 4 };
    const fused = new LangevinDynamics({ ...options, constraints: BondConstraints.hydrogenBonds(prm) });
    const parts = new LangevinDynamics({ ...options, constraints: BondConstraints.hydrogenBonds(prm) });
    fused.run(50);
    const p = parts as unknown as Parts;
    for (let s = 0; s < 50; s++) {
      p.kick();
      p.drift();
      p.thermostat();
      p.drift();
      p.computeForces();
      p.kick();
      p.step++;
    }
    expect(Array.from(fused.positions)).toEqual(Array.from(parts.positions));
    expect(Array.from(fused.velocities)).toEqual(Array.from(parts.velocities));
    expect(fused.midKineticEnergy).toBe(parts.midKineticEnergy);
    expect(fused.potentialEnergy).toBe(parts.potentialEnergy);
  });

  it('clustered SHAKE holds the bonds to 1e-10 and RATTLE removes their relative velocities', () => {
    const c = BondConstraints.hydrogenBonds(prm);
    const rng = new Rng(5, 0);
    const before = minimized.slice();
    const x = minimized.slice();
    // A 2 fs drift of thermal hydrogens: displacements ~0.005 nm.
    for (let k = 0; k < x.length; k++) x[k] += 0.005 * rng.normal();
    c.shakePositions(before, x);
    expect(c.maxRelativeError(x)).toBeLessThan(2e-10);
    const v = new Float64Array(x.length);
    for (let k = 0; k < v.length; k++) v[k] = rng.normal();
    c.projectVelocities(x, v);
    // Every constrained pair: relative velocity along the bond ~ rounding (|v| ~ 1, |r| ~ 0.1).
    let worst = 0;
    for (let b = 0; b < prm.bondK.length; b++) {
      const i = prm.bondAtoms[2 * b], j = prm.bondAtoms[2 * b + 1];
      if (prm.topology.atomicNumbers[i] !== 1 && prm.topology.atomicNumbers[j] !== 1) continue;
      let dot = 0;
      for (let d = 0; d < 3; d++) dot += (x[3 * i + d] - x[3 * j + d]) * (v[3 * i + d] - v[3 * j + d]);
      worst = Math.max(worst, Math.abs(dot));
    }
    expect(worst).toBeLessThan(1e-13);
  });
});
