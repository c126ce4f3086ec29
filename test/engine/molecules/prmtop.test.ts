/**
 * prmtop / inpcrd readers: counts, units and parameters against the OpenMM description of the
 * same molecule (ala2_amber99sb_energies.json: charges, masses, sigma/epsilon, bonds), the
 * Fortran fixed-width rules, and clear errors for malformed files.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { parsePrmtop } from '../../../src-main/engine/molecules/amber/prmtop';
import { parseFortranFormat, parseFortranReal, splitFixedWidth } from '../../../src-main/engine/molecules/amber/fortran';
import { formatInpcrd, parseInpcrd } from '../../../src-main/engine/molecules/amber/inpcrd';
import { InputFileError } from '../../../src-main/engine/io/errors';
import { AmberForceField } from '../../../src-main/engine/molecules/forcefield/amber-forcefield';
import { ala2Dir, ala2Prmtop, fixtures, gly2Prmtop, readJson, readText } from './helpers';

interface RefAtom { name: string; element: string; residue: string; mass_amu: number; charge_e: number; sigma_nm: number; epsilon_kJ_per_mol: number }
const ref = readJson<{ atoms: RefAtom[]; bonds: [number, number][]; term_counts: Record<string, number> }>(join(fixtures, 'ala2_amber99sb_energies.json'));
const prmtopText = readText(join(ala2Dir, 'ala2.prmtop'));

/** Removes one %FLAG section (its FLAG, FORMAT and data lines). */
function withoutSection(text: string, name: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === `%FLAG ${name}`);
  let end = start + 1;
  while (end < lines.length && !lines[end].startsWith('%FLAG')) end++;
  return [...lines.slice(0, start), ...lines.slice(end)].join('\n');
}

describe('Fortran fixed-width fields', () => {
  it('parses %FORMAT specs', () => {
    expect(parseFortranFormat('(5E16.8)')).toEqual({ perLine: 5, kind: 'float', width: 16 });
    expect(parseFortranFormat('(10I8)')).toEqual({ perLine: 10, kind: 'int', width: 8 });
    expect(parseFortranFormat('(20a4)')).toEqual({ perLine: 20, kind: 'string', width: 4 });
    expect(parseFortranFormat('(a80)')).toEqual({ perLine: 1, kind: 'string', width: 80 });
    expect(parseFortranFormat('(bogus)')).toBeNull();
  });
  it('splits by column, so touching numbers stay apart', () => {
    const f = parseFortranFormat('(3E16.8)')!;
    expect(splitFixedWidth('-1.000000000E+00-2.000000000D+00 3.000000000E+00', f).map(parseFortranReal)).toEqual([-1, -2, 3]);
    expect(splitFixedWidth('H1  CH3 H2  ', parseFortranFormat('(20a4)')!).map((s) => s.trim())).toEqual(['H1', 'CH3', 'H2']);
  });
});

describe('prmtop reader (alanine dipeptide)', () => {
  const prm = ala2Prmtop();
  const top = prm.topology;

  it('atoms: names, residues, masses, charges (e) and elements agree with OpenMM', () => {
    expect(top.nAtoms).toBe(22);
    expect(top.residueNames).toEqual(['ACE', 'ALA', 'NME']);
    ref.atoms.forEach((a, i) => {
      expect(top.atomNames[i]).toBe(a.name);
      expect(top.residueNames[top.residueOfAtom[i]]).toBe(a.residue);
      expect(top.elements[i]).toBe(a.element);
      // E16.8 keeps 9 significant digits: 1e-7 relative on masses and charges.
      expect(Math.abs(top.masses[i] - a.mass_amu)).toBeLessThan(1e-6);
      expect(Math.abs(top.charges[i] - a.charge_e)).toBeLessThan(1e-7);
    });
    expect(Math.abs(top.charges.reduce((s, q) => s + q, 0))).toBeLessThan(1e-6); // neutral
  });

  it('Lennard-Jones A/B tables give OpenMM sigma and epsilon (sigma = (A/B)^(1/6), eps = B^2 / 4A)', () => {
    ref.atoms.forEach((a, i) => {
      const t = prm.ljType[i] * prm.nLjTypes + prm.ljType[i];
      const [A, B] = [prm.ljA[t], prm.ljB[t]];
      expect(Math.abs((A / B) ** (1 / 6) - a.sigma_nm)).toBeLessThan(1e-7);
      expect(Math.abs((B * B) / (4 * A) - a.epsilon_kJ_per_mol)).toBeLessThan(1e-7);
    });
  });

  it('bonds, angles, torsions, 1-4 pairs and exclusions', () => {
    const key = (i: number, j: number) => `${Math.min(i, j)}-${Math.max(i, j)}`;
    const bonds = new Set<string>();
    for (let b = 0; b < prm.bondK.length; b++) bonds.add(key(prm.bondAtoms[2 * b], prm.bondAtoms[2 * b + 1]));
    expect(bonds).toEqual(new Set(ref.bonds.map(([i, j]) => key(i, j))));
    expect(prm.bondHasHydrogen.reduce((s, v) => s + v, 0)).toBe(12);
    expect(prm.angleK.length).toBe(ref.term_counts.HarmonicAngleForce_angles);
    // Impropers: the peptide-plane and carbonyl centres (negative fourth index in the file).
    expect(prm.torsionImproper.reduce((s, v) => s + v, 0)).toBeGreaterThan(0);
    // OpenMM: one exception per excluded or 1-4 pair.
    const all = new Set<string>();
    for (let e = 0; e < prm.exclusions.length; e += 2) all.add(key(prm.exclusions[e], prm.exclusions[e + 1]));
    for (let e = 0; e < prm.pair14Atoms.length; e += 2) all.add(key(prm.pair14Atoms[e], prm.pair14Atoms[e + 1]));
    expect(all.size).toBe(ref.term_counts.NonbondedForce_exceptions);
    // amber99sb: SCEE = 1/0.8333 (as written by ParmEd), SCNB = 2.
    for (const s of prm.pair14Scee) expect(s).toBeCloseTo(1.2, 5);
    for (const s of prm.pair14Scnb) expect(s).toBe(2);
  });

  it('units: kcal/mol/A^2 -> kJ/mol/nm^2 (x 418.4), A -> nm, degrees stay radians', () => {
    // CT-HC in parm99: k = 340 kcal/mol/A^2, r0 = 1.09 A.
    const names = (b: number) => [top.atomNames[prm.bondAtoms[2 * b]], top.atomNames[prm.bondAtoms[2 * b + 1]]].sort().join('-');
    const b = Array.from(prm.bondK.keys()).find((k) => names(k) === 'CH3-H1' && top.residueOfAtom[prm.bondAtoms[2 * k]] === 0)!;
    expect(prm.bondK[b]).toBeCloseTo(340 * 418.4, 3);
    expect(prm.bondR0[b]).toBeCloseTo(0.109, 9);
    for (const t0 of prm.angleTheta0) expect(t0).toBeGreaterThan(1.5); // ~109-120 degrees in radians
  });

  it('SCEE/SCNB default to 1.2 and 2.0 when the sections are absent', () => {
    const p = parsePrmtop(withoutSection(withoutSection(prmtopText, 'SCEE_SCALE_FACTOR'), 'SCNB_SCALE_FACTOR'), 'old.prmtop');
    for (const s of p.pair14Scee) expect(s).toBe(1.2);
    for (const s of p.pair14Scnb) expect(s).toBe(2.0);
    // 1.2 vs ParmEd's 1.20000048 changes the 1-4 Coulomb by 4e-7 relative: < 1e-4 kJ/mol here.
    const x = parseInpcrd(readText(join(ala2Dir, 'ala2.inpcrd'))).positions;
    expect(Math.abs(new AmberForceField(p).compute(x) - new AmberForceField(prm).compute(x))).toBeLessThan(1e-4);
  });

  it('a second molecule (capped glycine) reads too', () => {
    const g = gly2Prmtop();
    expect(g.topology.nAtoms).toBe(19);
    expect(g.topology.residueNames).toEqual(['ACE', 'GLY', 'NME']);
  });
});

describe('prmtop errors name the file and the problem', () => {
  it('a missing section', () => {
    for (const name of ['CHARGE', 'LENNARD_JONES_BCOEF', 'DIHEDRALS_WITHOUT_HYDROGEN', 'EXCLUDED_ATOMS_LIST']) {
      expect(() => parsePrmtop(withoutSection(prmtopText, name), 'broken.prmtop')).toThrow(new InputFileError('broken.prmtop', null, `missing section %FLAG ${name}`));
    }
  });
  it('a section with too few values, with its line', () => {
    const lines = prmtopText.split('\n');
    const at = lines.findIndex((l) => l.trim() === '%FLAG MASS');
    lines.splice(at + 2, 1); // drop the first data line
    expect(() => parsePrmtop(lines.join('\n'), 'short.prmtop')).toThrow(/short\.prmtop:\d+: %FLAG MASS has 17 values, expected 22 \(NATOM\)/);
  });
  it('a bad number and a file that is not a prmtop', () => {
    expect(() => parsePrmtop(prmtopText.replace('  1.00794700E+00', '  1.0079x700E+00'), 'bad.prmtop')).toThrow(/bad\.prmtop:\d+: %FLAG MASS: "1\.0079x700E\+00" is not a valid number/);
    expect(() => parsePrmtop('hello\nworld\n', 'notes.txt')).toThrow(/notes\.txt:1: not a prmtop/);
  });
});

describe('inpcrd / rst7', () => {
  it('reads Angstrom into nm and round-trips with velocities (7 decimals in A = 1e-8 nm)', () => {
    const c = parseInpcrd(readText(join(ala2Dir, 'ala2.inpcrd')), 'ala2.inpcrd');
    expect(c.nAtoms).toBe(22);
    expect(c.positions[1]).toBeCloseTo(0.1, 12);
    const v = Float64Array.from(c.positions, (_, k) => Math.sin(k) * 0.7);
    const back = parseInpcrd(formatInpcrd('t', c.positions, v, 1.5));
    expect(back.time).toBe(1.5);
    back.positions.forEach((p, k) => expect(Math.abs(p - c.positions[k])).toBeLessThan(1e-8));
    back.velocities!.forEach((p, k) => expect(Math.abs(p - v[k])).toBeLessThan(1e-6));
  });
  it('a truncated file is an error naming it', () => {
    const text = readText(join(ala2Dir, 'ala2.inpcrd')).split('\n').slice(0, 6).join('\n');
    expect(() => parseInpcrd(text, 'cut.inpcrd')).toThrow(/cut\.inpcrd:\d+: holds 8 coordinate triples, the header says 22 atoms/);
  });
});
