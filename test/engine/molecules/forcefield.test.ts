/**
 * AMBER force field against OpenMM 7.7 (Reference platform, double precision), term by term,
 * and forces against minus the numerical gradient of each term.
 *
 * Tolerances: the targets, 1e-4 kJ/mol per energy term and 1e-3 kJ/mol/nm per force
 * component. They are met with room: the prmtop stores parameters with 9 significant digits
 * (E16.8), which moves energies by ~1e-7 relative (OpenMM's own prmtop path differs from its
 * amber99sb.xml path by < 1e-6 kJ/mol and < 5e-5 kJ/mol/nm, recorded in ala2_prmtop_openmm.json).
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { AmberForceField, TERM_ALL, TERM_ANGLE, TERM_BOND, TERM_NAMES, TERM_NONBONDED, TERM_TORSION, chooseSplitAngleFrom } from '../../../src-main/engine/molecules/forcefield/amber-forcefield';
import { ala2Prmtop, fixtures, flat, gly2Prmtop, OPENMM_TERMS, readJson } from './helpers';

const ENERGY_TOL = 1e-4; // kJ/mol (issue target)
const FORCE_TOL = 1e-3; // kJ/mol/nm (issue target)

interface RefFrame {
  positions_nm: number[][];
  energy_terms: Record<string, number>;
  forces_by_term: Record<string, number[][]>;
  label?: string;
}

function compareFrames(ff: AmberForceField, frames: RefFrame[]) {
  const terms = new Float64Array(4);
  const forces = new Float64Array(3 * ff.nAtoms);
  const masks = [TERM_BOND, TERM_ANGLE, TERM_TORSION, TERM_NONBONDED];
  let worstE = 0;
  let worstF = 0;
  for (const frame of frames) {
    const x = flat(frame.positions_nm);
    ff.compute(x, null, terms);
    TERM_NAMES.forEach((name, t) => {
      const ref = frame.energy_terms[OPENMM_TERMS[name]];
      worstE = Math.max(worstE, Math.abs(terms[t] - ref));
      ff.compute(x, forces, null, masks[t]);
      const refF = flat(frame.forces_by_term[OPENMM_TERMS[name]]);
      for (let k = 0; k < forces.length; k++) worstF = Math.max(worstF, Math.abs(forces[k] - refF[k]));
    });
  }
  return { worstE, worstF };
}

describe('AMBER force field vs OpenMM', () => {
  it('alanine dipeptide: all 30 reference conformations (amber99sb.xml path), every term and force', () => {
    const ref = readJson<{ frames: RefFrame[]; n_atoms: number }>(join(fixtures, 'ala2_amber99sb_energies.json'));
    const ff = new AmberForceField(ala2Prmtop());
    expect(ff.nAtoms).toBe(ref.n_atoms);
    expect(ref.frames.length).toBe(30);
    const { worstE, worstF } = compareFrames(ff, ref.frames);
    expect(worstE).toBeLessThan(ENERGY_TOL);
    expect(worstF).toBeLessThan(FORCE_TOL);
  });

  it('alanine dipeptide: the same prmtop read by OpenMM AmberPrmtopFile', () => {
    const ref = readJson<{ frames: RefFrame[] }>(join(fixtures, 'ala2_amber99sb_energies.json'));
    const viaPrmtop = readJson<{ frames: { index: number; energy_terms: Record<string, number> }[] }>(join(fixtures, 'ala2_prmtop_openmm.json'));
    const ff = new AmberForceField(ala2Prmtop());
    const terms = new Float64Array(4);
    let worst = 0;
    for (const f of viaPrmtop.frames) {
      const total = ff.compute(flat(ref.frames[f.index].positions_nm), null, terms);
      TERM_NAMES.forEach((name, t) => (worst = Math.max(worst, Math.abs(terms[t] - f.energy_terms[OPENMM_TERMS[name]]))));
      const refTotal = Object.values(f.energy_terms).reduce((a, b) => a + b, 0);
      expect(Math.abs(total - refTotal)).toBeLessThan(4 * ENERGY_TOL);
    }
    expect(worst).toBeLessThan(ENERGY_TOL);
  });

  it('capped glycine (second molecule): 12 conformations through AmberPrmtopFile', () => {
    const ref = readJson<{ frames: RefFrame[] }>(join(fixtures, 'gly2_openmm.json'));
    const ff = new AmberForceField(gly2Prmtop());
    const { worstE, worstF } = compareFrames(ff, ref.frames);
    expect(worstE).toBeLessThan(ENERGY_TOL);
    expect(worstF).toBeLessThan(FORCE_TOL);
  });

  it('capped glycine with a 0.5 nm reaction-field cutoff (OpenMM CutoffNonPeriodic)', () => {
    const ref = readJson<{ cutoff_nm: number; reaction_field_dielectric: number; frames: (RefFrame & { cutoff_nonbonded_energy: number; cutoff_nonbonded_forces: number[][] })[] }>(join(fixtures, 'gly2_openmm.json'));
    const ff = new AmberForceField(gly2Prmtop(), { cutoff: ref.cutoff_nm, reactionFieldDielectric: ref.reaction_field_dielectric });
    const noCut = new AmberForceField(gly2Prmtop());
    const forces = new Float64Array(3 * ff.nAtoms);
    let differs = false;
    for (const frame of ref.frames) {
      const x = flat(frame.positions_nm);
      const e = ff.compute(x, forces, null, TERM_NONBONDED);
      expect(Math.abs(e - frame.cutoff_nonbonded_energy)).toBeLessThan(ENERGY_TOL);
      const refF = flat(frame.cutoff_nonbonded_forces);
      for (let k = 0; k < forces.length; k++) expect(Math.abs(forces[k] - refF[k])).toBeLessThan(FORCE_TOL);
      if (Math.abs(e - noCut.compute(x, null, null, TERM_NONBONDED)) > 1) differs = true;
    }
    expect(differs).toBe(true); // the cutoff matters for this molecule, so the comparison tests it
  });
});

/** True if atom a has a partner whose distance is within `margin` of the cutoff. */
function nearCutoff(x: Float64Array, a: number, cutoff: number, margin: number): boolean {
  for (let b = 0; b < x.length / 3; b++) {
    if (b === a) continue;
    const r = Math.hypot(x[3 * a] - x[3 * b], x[3 * a + 1] - x[3 * b + 1], x[3 * a + 2] - x[3 * b + 2]);
    if (Math.abs(r - cutoff) < margin) return true;
  }
  return false;
}

describe('the split-off terms (torsions and the angles from splitAngleFrom on, which a helper thread may compute)', () => {
  it('balance the two parts by the item costs (worked by hand: bond 1, pair 1, angle 2.5, quadruplet 4.5)', () => {
    // Alanine dipeptide: rest 21 + 174 + 2.5 a, split 45 x 4.5 + 2.5 (36 - a): a = 97.5 / 5 = 19.5 -> 20.
    expect(chooseSplitAngleFrom({ bonds: 21, pairs: 174, angles: 36, quads: 45 })).toBe(20);
    expect(new AmberForceField(ala2Prmtop()).splitAngleFrom).toBe(20);
    // Pairs dominate (large molecules): every angle goes with the torsions; no pairs: half of them.
    expect(chooseSplitAngleFrom({ bonds: 100, pairs: 5000, angles: 180, quads: 250 })).toBe(0);
    expect(chooseSplitAngleFrom({ bonds: 0, pairs: 0, angles: 10, quads: 0 })).toBe(5);
    expect(chooseSplitAngleFrom({ bonds: 0, pairs: 0, angles: 10, quads: 100 })).toBe(10);
  });

  it('splitTermForces plus the rest is compute, bit for bit, and its energies are the torsion term and part of the angle term', () => {
    const ff = new AmberForceField(ala2Prmtop());
    const frames = readJson<{ frames: RefFrame[] }>(join(fixtures, 'ala2_amber99sb_energies.json')).frames.slice(0, 5);
    for (const frame of frames) {
      const x = flat(frame.positions_nm);
      const terms = new Float64Array(4);
      const want = new Float64Array(3 * ff.nAtoms);
      const total = ff.compute(x, want, terms);
      const split = ff.splitTermForces(x, { forces: new Float64Array(3 * ff.nAtoms), torsionEnergy: 0, angleEnergy: 0 });
      const got = new Float64Array(3 * ff.nAtoms);
      const gotTerms = new Float64Array(4);
      expect(ff.computeWithSplitTermsFrom(x, got, gotTerms, () => split)).toBe(total);
      expect(Array.from(got)).toEqual(Array.from(want));
      expect(Array.from(gotTerms)).toEqual(Array.from(terms));
      expect(split.torsionEnergy).toBe(terms[2]);
      // The split-off angles are a proper part of the angle term (16 of 36 here, none of them zero).
      const restAngles = ff.compute(x, null, null, TERM_ANGLE) - split.angleEnergy;
      expect(split.angleEnergy).toBeGreaterThan(0);
      expect(restAngles).toBeGreaterThan(0);
      expect(ff.compute(x, null, null, TERM_ALL)).toBe(total);
    }
  });
});

describe('forces are minus the numerical gradient, term by term', () => {
  // Five-point central difference, error O(h^4 E^(5)) + O(eps |E| / h). With h = 1e-4 nm the
  // truncation term is ~1e-16 x (fifth derivative, < 1e10 kJ/mol/nm^5 for these bonds and contacts)
  // and the round-off term ~1e-16 x 300 kJ/mol / 1e-4 nm = 3e-10: both far below the 1e-6 tolerance,
  // which is still 1000x tighter than the OpenMM comparison, so a wrong force term cannot pass.
  const h = 1e-4;
  const ref = readJson<{ frames: RefFrame[] }>(join(fixtures, 'ala2_amber99sb_energies.json'));
  const ff = new AmberForceField(ala2Prmtop());
  const ffCut = new AmberForceField(ala2Prmtop(), { cutoff: 0.6 });
  const cases: [string, number, AmberForceField][] = [
    ['bond', TERM_BOND, ff], ['angle', TERM_ANGLE, ff], ['torsion', TERM_TORSION, ff], ['nonbonded', TERM_NONBONDED, ff],
    ['nonbonded with cutoff', TERM_NONBONDED, ffCut],
  ];
  for (const [name, mask, field] of cases) {
    it(name, () => {
      let worst = 0;
      for (const frameIndex of [0, 1, 7, 20]) {
        const x = flat(ref.frames[frameIndex].positions_nm);
        const forces = new Float64Array(x.length);
        field.compute(x, forces, null, mask);
        for (let k = 0; k < x.length; k++) {
          const x0 = x[k];
          const e = (d: number) => {
            x[k] = x0 + d;
            const v = field.compute(x, null, null, mask);
            x[k] = x0;
            return v;
          };
          // Skip coordinates whose stencil crosses the cutoff: truncated LJ jumps there, by design.
          if (field.cutoff !== null && nearCutoff(x, Math.floor(k / 3), field.cutoff, 3 * h)) continue;
          const grad = (-e(2 * h) + 8 * e(h) - 8 * e(-h) + e(-2 * h)) / (12 * h);
          worst = Math.max(worst, Math.abs(forces[k] + grad));
        }
      }
      expect(worst).toBeLessThan(1e-6);
    });
  }
});
