/**
 * Lifting with a weak model (engine/generative/molecular-lift.ts + engine/molecules/structure-screen.ts):
 * structures with absurd geometry are excluded from every output, counted and named in a warning,
 * instead of reaching the PDB writer (which threw "atom 5 y = -1524... does not fit the PDB field").
 * The "model" here is a stand-in that returns chosen internal coordinates, so the verdict on each
 * structure is known exactly: the reference alanine dipeptide structure (every bond at its
 * minimised length, well within 25% of the Amber r0) is kept; one with a bond doubled is excluded.
 */
import { expect, test } from 'vitest';
import { AmberForceField } from '../../../src-main/engine/molecules/forcefield/amber-forcefield';
import { parseAtomicCv } from '../../../src-main/engine/molecules/cv';
import { internalDim, toInternal } from '../../../src-main/engine/generative/molecular-features';
import { prm, spec, top, x0 } from './ala2';
import { liftMolecularStructures, type MolecularLiftSystem } from '../../../src-main/engine/generative/molecular-lift';
import type { MolecularTargetPlan } from '../../../src-main/engine/generative/molecular-targets';
import type { GenerativeModel } from '../../../src-main/engine/generative';
import { absurdStructureReason, MAX_ENERGY_KJ_MOL } from '../../../src-main/engine/molecules/structure-screen';

const d = internalDim(spec);
const cvs = ['phi=dihedral(5,7,9,15)', 'psi=dihedral(7,9,15,17)'].map((c) => parseAtomicCv(c, { nAtoms: top.nAtoms, reference: x0 }));
const cond = [cvs[0].value(x0), cvs[1].value(x0)];
// Every non-CV coordinate generated raw (no frozen bonds, no torsion offsets): targets = internals.
const plan: MolecularTargetPlan = {
  free: Array.from({ length: d }, (_, j) => j).filter((j) => !spec.dihedralCoordinates.includes(j)),
  frozen: [], cvCoordinates: [...spec.dihedralCoordinates], offsets: [],
};
const reference = toInternal(spec, x0);
const firstBond = spec.kinds.findIndex((k, j) => k === 'bond' && plan.free.includes(j));
const equilibriumBonds = { atoms: prm.bondAtoms, r0: prm.bondR0 };
const system: MolecularLiftSystem = {
  zmatrix: spec, targets: plan, cvs, bonds: top.bonds, forceField: new AmberForceField(prm), masses: top.masses,
  constraints: null, temperature: 300, equilibriumBonds,
};

/** A stand-in model: row i is the reference structure, with its first free bond scaled by bondScale[i]. */
function fixedModel(bondScale: number[]): GenerativeModel {
  const f = plan.free.length;
  return {
    lift: (_cond: readonly number[], n: number) => {
      const samples = new Float64Array(n * f);
      for (let i = 0; i < n; i++) {
        plan.free.forEach((j, k) => (samples[i * f + k] = reference[j] * (j === firstBond ? bondScale[i] : 1)));
      }
      return { samples, n, dim: f, warnings: [] };
    },
  } as unknown as GenerativeModel;
}

test('a structure with a bond twice its equilibrium length is excluded, counted and named; the others are kept', () => {
  const n3 = 3 * top.nAtoms;
  const result = liftMolecularStructures(fixedModel([1, 2, 1.05]), system, { cond, n: 3, seed: 1, relax: null });
  expect(result.requested).toBe(3);
  expect(result.excluded.map((e) => [e.index, e.stage])).toEqual([[1, 'generated']]);
  expect(result.excluded[0].reason).toMatch(/^bond \d+-\d+ is .* nm against .* nm at equilibrium \(\d+% off, limit 25%\)/);
  // Only the kept structures are in the arrays, in order (structure 0 and 2).
  expect(result.positions.length).toBe(2 * n3);
  expect(result.generated.positions.length).toBe(2 * n3);
  expect(result.generated.energies).toHaveLength(2);
  expect(result.generated.restrictionErrors).toHaveLength(2);
  expect(result.warnings.some((w) => /^1 of 3 lifted structure\(s\) excluded as absurd \(1 a bond far from equilibrium;.*train longer/.test(w))).toBe(true);
});

test('when every structure is absurd the lift returns none, with a warning that says so, and does not throw', () => {
  const result = liftMolecularStructures(fixedModel([3, 0.2]), system, { cond, n: 2, seed: 1, relax: { ps: 0.01 } });
  expect(result.requested).toBe(2);
  expect(result.excluded).toHaveLength(2);
  expect(result.positions.length).toBe(0);
  expect(result.relaxed!.energies).toEqual([]);
  expect(result.warnings.some((w) => /2 of 2 lifted structure\(s\) excluded as absurd.*no structure is left/.test(w))).toBe(true);
});

test('relaxed structures that stay sane are kept (a short restrained run from the reference structure)', () => {
  const result = liftMolecularStructures(fixedModel([1, 1]), system, { cond, n: 2, seed: 3, relax: { ps: 0.02 } });
  expect(result.excluded).toEqual([]);
  expect(result.relaxed!.energies).toHaveLength(2);
  expect(result.warnings.filter((w) => /absurd/.test(w))).toEqual([]);
});

test('a relaxation that blows up (a 20 fs step without constraints) excludes the structure at the relaxed stage', () => {
  // Sane as generated (the reference); Langevin with dt = 0.02 ps is ~20x past the stability limit
  // of the X-H bond vibration (period ~10 fs), so the dynamics diverge or explode.
  const result = liftMolecularStructures(fixedModel([1]), system, { cond, n: 1, seed: 2, relax: { ps: 1, dt: 0.02 } });
  expect(result.excluded.map((e) => e.stage)).toEqual(['relaxed']);
  expect(result.excluded[0].reason).toMatch(/^(relaxation diverged|after relaxation, )/);
  expect(result.positions.length).toBe(0);
  expect(result.generated.energies).toEqual([]);
});

test('the screen: exploded, non-finite coordinates and huge or non-finite energies are absurd; the reference is not', () => {
  expect(absurdStructureReason(x0, -30, equilibriumBonds)).toBeNull();
  const far = x0.slice();
  far[3 * 4 + 1] = -152.4; // atom 5 y, as in the failure report (nm): its bonds say so first
  expect(absurdStructureReason(far, 0, equilibriumBonds)).toMatch(/^bond 5-\d+ is 152\.\d+ nm against 0\.\d+ nm at equilibrium/);
  // The whole molecule 60 nm away (bonds intact): beyond the coordinate bound.
  const moved = Float64Array.from(x0, (v, k) => (k % 3 === 1 ? v - 60 : v));
  expect(absurdStructureReason(moved, 0, equilibriumBonds)).toMatch(/^atom 1 y = -\d+\.\d+ nm \(exploded\)/);
  const nan = x0.slice();
  nan[0] = Number.NaN;
  expect(absurdStructureReason(nan, 0, equilibriumBonds)).toMatch(/^atom 1 x = NaN/);
  expect(absurdStructureReason(x0, Number.POSITIVE_INFINITY, equilibriumBonds)).toMatch(/energy is Infinity/);
  expect(absurdStructureReason(x0, 2 * MAX_ENERGY_KJ_MOL, equilibriumBonds)).toMatch(/energy is 2\.00e\+5 kJ\/mol/);
  expect(absurdStructureReason(x0, 0.5 * MAX_ENERGY_KJ_MOL, equilibriumBonds)).toBeNull();
});
