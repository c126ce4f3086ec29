/**
 * AMBER parameter/topology (prmtop) reader on text (no fs).
 *
 * Format: https://ambermd.org/prmtop.pdf ("AMBER parameter/topology file specification").
 * Sections are `%FLAG NAME` followed by `%FORMAT(...)` (optionally `%COMMENT` lines) and data
 * in that Fortran fixed-width format. Old-style (pre-AMBER 7) prmtops without %FLAG lines and
 * CHAMBER (CHARMM) prmtops are rejected with a message.
 *
 * Units on output (OpenMM's): kJ/mol, nm, rad, e, amu. Conventions kept from AMBER:
 *   bonds   E = k (r - r0)^2           (k in kJ/mol/nm^2, no 1/2)
 *   angles  E = k (theta - theta0)^2   (k in kJ/mol/rad^2)
 *   torsion E = k (1 + cos(n phi - phase))
 *   LJ      E = A / r^12 - B / r^6     (per type pair, from LENNARD_JONES_ACOEF/BCOEF)
 *   1-4     Coulomb / SCEE, LJ / SCNB (per dihedral type; 1.2 and 2.0 when the sections are absent)
 * Dihedral atom indices in the file are 3 * (atom index); a negative third index means "no 1-4
 * interaction for this dihedral" (already counted elsewhere), a negative fourth index an
 * improper torsion.
 */
import { InputFileError } from '../../io/errors';
import { atomicNumberFromMass, elementSymbol, type MolecularTopology } from '../topology';
import { parseFortranFormat, parseFortranReal, splitFixedWidth, type FortranFormat } from './fortran';

export const KCAL_TO_KJ = 4.184;
/** AMBER stores charges multiplied by 18.2223 (sqrt of its Coulomb constant in kcal A / mol e^2). */
export const AMBER_CHARGE_SCALE = 18.2223;

interface Section {
  readonly name: string;
  readonly format: FortranFormat;
  /** 1-based line number of the %FLAG line (for messages). */
  readonly line: number;
  readonly strings: string[];
  readonly numbers: number[];
}

export interface AmberPrmtop {
  readonly title: string;
  readonly topology: MolecularTopology;
  readonly atomTypeNames: readonly string[];
  /** Bonds: atoms (2 per bond), k (kJ/mol/nm^2, E = k (r - r0)^2), r0 (nm), 1 if the bond involves hydrogen. */
  readonly bondAtoms: Int32Array;
  readonly bondK: Float64Array;
  readonly bondR0: Float64Array;
  readonly bondHasHydrogen: Uint8Array;
  /** Angles: atoms (3 per angle), k (kJ/mol/rad^2, E = k (theta - theta0)^2), theta0 (rad). */
  readonly angleAtoms: Int32Array;
  readonly angleK: Float64Array;
  readonly angleTheta0: Float64Array;
  /** Torsions (proper and improper): atoms (4 each), k (kJ/mol), periodicity, phase (rad), 1 if improper. */
  readonly torsionAtoms: Int32Array;
  readonly torsionK: Float64Array;
  readonly torsionPeriodicity: Float64Array;
  readonly torsionPhase: Float64Array;
  readonly torsionImproper: Uint8Array;
  /** Scaled 1-4 pairs (deduplicated): atoms (2 each), SCEE and SCNB divisors. */
  readonly pair14Atoms: Int32Array;
  readonly pair14Scee: Float64Array;
  readonly pair14Scnb: Float64Array;
  /** Lennard-Jones: type index per atom (0-based) and nTypes x nTypes A (kJ/mol nm^12) and B (kJ/mol nm^6). */
  readonly nLjTypes: number;
  readonly ljType: Int32Array;
  readonly ljA: Float64Array;
  readonly ljB: Float64Array;
  /** Excluded pairs (i < j) from EXCLUDED_ATOMS_LIST: [i0, j0, i1, j1, ...]. */
  readonly exclusions: Int32Array;
  /** IFBOX from POINTERS: 0 = no periodic box. Kept for information; the force field is vacuum. */
  readonly ifbox: number;
}

/** Required sections (a missing one is an error naming it). */
const REQUIRED = [
  'POINTERS', 'ATOM_NAME', 'CHARGE', 'MASS', 'ATOM_TYPE_INDEX', 'NUMBER_EXCLUDED_ATOMS', 'NONBONDED_PARM_INDEX',
  'RESIDUE_LABEL', 'RESIDUE_POINTER', 'BOND_FORCE_CONSTANT', 'BOND_EQUIL_VALUE', 'ANGLE_FORCE_CONSTANT', 'ANGLE_EQUIL_VALUE',
  'DIHEDRAL_FORCE_CONSTANT', 'DIHEDRAL_PERIODICITY', 'DIHEDRAL_PHASE', 'LENNARD_JONES_ACOEF', 'LENNARD_JONES_BCOEF',
  'BONDS_INC_HYDROGEN', 'BONDS_WITHOUT_HYDROGEN', 'ANGLES_INC_HYDROGEN', 'ANGLES_WITHOUT_HYDROGEN',
  'DIHEDRALS_INC_HYDROGEN', 'DIHEDRALS_WITHOUT_HYDROGEN', 'EXCLUDED_ATOMS_LIST',
] as const;

function readSections(text: string, file: string): { title: string; sections: Map<string, Section> } {
  const lines = text.split(/\r?\n/);
  const sections = new Map<string, Section>();
  let i = 0;
  while (i < lines.length && !lines[i].startsWith('%FLAG')) {
    if (i === 0 && !lines[0].startsWith('%VERSION') && lines[0].trim() !== '') {
      throw new InputFileError(file, 1, 'not a prmtop with %FLAG sections (old-style AMBER 6 prmtops are not supported; convert with ParmEd)');
    }
    i++;
  }
  if (i >= lines.length) throw new InputFileError(file, null, 'no %FLAG sections found: not an AMBER prmtop file');
  while (i < lines.length) {
    const flagLine = lines[i];
    if (!flagLine.startsWith('%FLAG')) {
      i++;
      continue;
    }
    const name = flagLine.slice(5).trim();
    const at = i + 1;
    i++;
    while (i < lines.length && lines[i].startsWith('%COMMENT')) i++;
    const fm = /^%FORMAT\s*(\(.*\))/.exec(lines[i] ?? '');
    if (!fm) throw new InputFileError(file, i + 1, `%FLAG ${name} is not followed by a %FORMAT line`);
    const format = parseFortranFormat(fm[1]);
    if (!format) throw new InputFileError(file, i + 1, `unsupported Fortran format ${fm[1]} in %FLAG ${name}`);
    i++;
    const strings: string[] = [];
    const numbers: number[] = [];
    for (; i < lines.length && !lines[i].startsWith('%'); i++) {
      const fields = splitFixedWidth(lines[i], format);
      for (const field of fields) {
        if (format.kind === 'string') strings.push(field.trim());
        else {
          const value = format.kind === 'int' ? Number(field.trim()) : parseFortranReal(field);
          if (!Number.isFinite(value) || (format.kind === 'int' && !Number.isInteger(value))) {
            throw new InputFileError(file, i + 1, `%FLAG ${name}: "${field.trim()}" is not a valid ${format.kind === 'int' ? 'integer' : 'number'}`);
          }
          numbers.push(value);
        }
      }
    }
    // Blank trailing fields of a string section (e.g. TITLE) are not atoms: drop empty strings at the end.
    while (format.kind === 'string' && strings.length > 0 && strings[strings.length - 1] === '') strings.pop();
    sections.set(name, { name, format, line: at, strings, numbers });
  }
  const titleSection = sections.get('TITLE') ?? sections.get('CTITLE');
  return { title: titleSection ? titleSection.strings.join('').trim() : '', sections };
}

/** Parses a prmtop file's text. `file` names it in error messages. */
export function parsePrmtop(text: string, file = '<prmtop>'): AmberPrmtop {
  const { title, sections } = readSections(text, file);
  if (sections.has('CTITLE') || sections.has('CHARMM_UREY_BRADLEY')) {
    throw new InputFileError(file, null, 'CHAMBER (CHARMM force field) prmtops are not supported: Urey-Bradley, CMAP and CHARMM impropers are not implemented');
  }
  for (const name of REQUIRED) {
    if (!sections.has(name)) throw new InputFileError(file, null, `missing section %FLAG ${name}`);
  }
  const sec = (name: string) => sections.get(name) as Section;
  const nums = (name: string, expected?: number, what?: string): number[] => {
    const s = sec(name);
    if (s.format.kind === 'string') throw new InputFileError(file, s.line, `%FLAG ${name} should hold numbers, has format a${s.format.width}`);
    if (expected !== undefined && s.numbers.length !== expected) {
      throw new InputFileError(file, s.line, `%FLAG ${name} has ${s.numbers.length} values, expected ${expected}${what ? ` (${what})` : ''}`);
    }
    return s.numbers;
  };

  const p = nums('POINTERS');
  if (p.length < 20) throw new InputFileError(file, sec('POINTERS').line, `%FLAG POINTERS has ${p.length} values, expected at least 20`);
  const [natom, ntypes, nbonh, mbona, ntheth, mtheta, nphih, mphia] = p;
  const nnb = p[10];
  const nres = p[11];
  const numbnd = p[15];
  const numang = p[16];
  const nptra = p[17];
  const ifbox = p[27] ?? 0;
  if (!(natom > 0)) throw new InputFileError(file, sec('POINTERS').line, `POINTERS gives NATOM = ${natom}; need at least one atom`);

  const names = sec('ATOM_NAME').strings;
  if (names.length !== natom) throw new InputFileError(file, sec('ATOM_NAME').line, `%FLAG ATOM_NAME has ${names.length} names, expected NATOM = ${natom}`);
  const charges = Float64Array.from(nums('CHARGE', natom, 'NATOM'), (q) => q / AMBER_CHARGE_SCALE);
  const masses = Float64Array.from(nums('MASS', natom, 'NATOM'));
  const typeIndex = nums('ATOM_TYPE_INDEX', natom, 'NATOM');
  const nExcluded = nums('NUMBER_EXCLUDED_ATOMS', natom, 'NATOM');
  const nbIndex = nums('NONBONDED_PARM_INDEX', ntypes * ntypes, 'NTYPES^2');
  const resLabels = sec('RESIDUE_LABEL').strings;
  if (resLabels.length !== nres) throw new InputFileError(file, sec('RESIDUE_LABEL').line, `%FLAG RESIDUE_LABEL has ${resLabels.length} labels, expected NRES = ${nres}`);
  const resPointer = nums('RESIDUE_POINTER', nres, 'NRES');

  const atomicNumbers = new Int32Array(natom);
  if (sections.has('ATOMIC_NUMBER')) {
    const z = nums('ATOMIC_NUMBER', natom, 'NATOM');
    for (let a = 0; a < natom; a++) atomicNumbers[a] = z[a] > 0 ? z[a] : atomicNumberFromMass(masses[a]);
  } else {
    for (let a = 0; a < natom; a++) atomicNumbers[a] = atomicNumberFromMass(masses[a]);
  }

  const residueOfAtom = new Int32Array(natom);
  for (let r = 0; r < nres; r++) {
    const start = resPointer[r] - 1;
    const end = r + 1 < nres ? resPointer[r + 1] - 1 : natom;
    if (start < 0 || end > natom || end < start) {
      throw new InputFileError(file, sec('RESIDUE_POINTER').line, `RESIDUE_POINTER of residue ${r + 1} (${resLabels[r]}) is out of order or out of range`);
    }
    residueOfAtom.fill(r, start, end);
  }

  // Parameter tables, converted.
  const bondKTable = nums('BOND_FORCE_CONSTANT', numbnd, 'NUMBND').map((k) => k * KCAL_TO_KJ * 100);
  const bondR0Table = nums('BOND_EQUIL_VALUE', numbnd, 'NUMBND').map((r) => r * 0.1);
  const angleKTable = nums('ANGLE_FORCE_CONSTANT', numang, 'NUMANG').map((k) => k * KCAL_TO_KJ);
  const angleT0Table = nums('ANGLE_EQUIL_VALUE', numang, 'NUMANG');
  const dihKTable = nums('DIHEDRAL_FORCE_CONSTANT', nptra, 'NPTRA').map((k) => k * KCAL_TO_KJ);
  const dihNTable = nums('DIHEDRAL_PERIODICITY', nptra, 'NPTRA').map(Math.abs);
  const dihPhaseTable = nums('DIHEDRAL_PHASE', nptra, 'NPTRA');
  const sceeTable = sections.has('SCEE_SCALE_FACTOR') ? nums('SCEE_SCALE_FACTOR', nptra, 'NPTRA') : new Array<number>(nptra).fill(1.2);
  const scnbTable = sections.has('SCNB_SCALE_FACTOR') ? nums('SCNB_SCALE_FACTOR', nptra, 'NPTRA') : new Array<number>(nptra).fill(2.0);

  const nPairTypes = (ntypes * (ntypes + 1)) / 2;
  const aCoef = nums('LENNARD_JONES_ACOEF', nPairTypes, 'NTYPES (NTYPES+1) / 2');
  const bCoef = nums('LENNARD_JONES_BCOEF', nPairTypes, 'NTYPES (NTYPES+1) / 2');
  const ljA = new Float64Array(ntypes * ntypes);
  const ljB = new Float64Array(ntypes * ntypes);
  const hbA = sections.get('HBOND_ACOEF')?.numbers ?? [];
  for (let t = 0; t < ntypes * ntypes; t++) {
    const idx = nbIndex[t];
    if (idx > 0) {
      if (idx > nPairTypes) throw new InputFileError(file, sec('NONBONDED_PARM_INDEX').line, `NONBONDED_PARM_INDEX entry ${t + 1} = ${idx} exceeds the ${nPairTypes} LJ coefficients`);
      ljA[t] = aCoef[idx - 1] * KCAL_TO_KJ * 1e-12;
      ljB[t] = bCoef[idx - 1] * KCAL_TO_KJ * 1e-6;
    } else if (idx < 0 && (hbA[-idx - 1] ?? 0) !== 0) {
      throw new InputFileError(file, sec('NONBONDED_PARM_INDEX').line, '10-12 hydrogen-bond potentials (HBOND_ACOEF) are not supported');
    }
  }
  const ljType = new Int32Array(natom);
  for (let a = 0; a < natom; a++) {
    if (!(typeIndex[a] >= 1 && typeIndex[a] <= ntypes)) {
      throw new InputFileError(file, sec('ATOM_TYPE_INDEX').line, `ATOM_TYPE_INDEX of atom ${a + 1} is ${typeIndex[a]}, outside 1..NTYPES = ${ntypes}`);
    }
    ljType[a] = typeIndex[a] - 1;
  }

  const atomOf = (raw: number, section: string, entry: number): number => {
    const a = Math.abs(raw) / 3;
    if (!Number.isInteger(a) || a >= natom) {
      throw new InputFileError(file, sec(section).line, `%FLAG ${section} entry ${entry + 1}: atom pointer ${raw} is not 3 x an atom index below NATOM = ${natom}`);
    }
    return a;
  };
  const typeOf = (raw: number, count: number, section: string, entry: number): number => {
    if (!(raw >= 1 && raw <= count)) throw new InputFileError(file, sec(section).line, `%FLAG ${section} entry ${entry + 1}: parameter index ${raw} outside 1..${count}`);
    return raw - 1;
  };

  // Bonds.
  const bondH = nums('BONDS_INC_HYDROGEN', 3 * nbonh, '3 x NBONH');
  const bondHeavy = nums('BONDS_WITHOUT_HYDROGEN', 3 * mbona, '3 x MBONA');
  const nBonds = nbonh + mbona;
  const bondAtoms = new Int32Array(2 * nBonds);
  const bondK = new Float64Array(nBonds);
  const bondR0 = new Float64Array(nBonds);
  const bondHasHydrogen = new Uint8Array(nBonds);
  let b = 0;
  for (const [list, section, isH] of [[bondH, 'BONDS_INC_HYDROGEN', 1], [bondHeavy, 'BONDS_WITHOUT_HYDROGEN', 0]] as const) {
    for (let e = 0; e < list.length; e += 3, b++) {
      bondAtoms[2 * b] = atomOf(list[e], section, e / 3);
      bondAtoms[2 * b + 1] = atomOf(list[e + 1], section, e / 3);
      const t = typeOf(list[e + 2], numbnd, section, e / 3);
      bondK[b] = bondKTable[t];
      bondR0[b] = bondR0Table[t];
      bondHasHydrogen[b] = isH;
    }
  }

  // Angles.
  const angH = nums('ANGLES_INC_HYDROGEN', 4 * ntheth, '4 x NTHETH');
  const angHeavy = nums('ANGLES_WITHOUT_HYDROGEN', 4 * mtheta, '4 x MTHETA');
  const nAngles = ntheth + mtheta;
  const angleAtoms = new Int32Array(3 * nAngles);
  const angleK = new Float64Array(nAngles);
  const angleTheta0 = new Float64Array(nAngles);
  let g = 0;
  for (const [list, section] of [[angH, 'ANGLES_INC_HYDROGEN'], [angHeavy, 'ANGLES_WITHOUT_HYDROGEN']] as const) {
    for (let e = 0; e < list.length; e += 4, g++) {
      for (let c = 0; c < 3; c++) angleAtoms[3 * g + c] = atomOf(list[e + c], section, e / 4);
      const t = typeOf(list[e + 3], numang, section, e / 4);
      angleK[g] = angleKTable[t];
      angleTheta0[g] = angleT0Table[t];
    }
  }

  // Torsions and the 1-4 pairs they define.
  const dihH = nums('DIHEDRALS_INC_HYDROGEN', 5 * nphih, '5 x NPHIH');
  const dihHeavy = nums('DIHEDRALS_WITHOUT_HYDROGEN', 5 * mphia, '5 x MPHIA');
  const nTorsions = nphih + mphia;
  const torsionAtoms = new Int32Array(4 * nTorsions);
  const torsionK = new Float64Array(nTorsions);
  const torsionPeriodicity = new Float64Array(nTorsions);
  const torsionPhase = new Float64Array(nTorsions);
  const torsionImproper = new Uint8Array(nTorsions);
  const pairs14: number[] = [];
  const scee14: number[] = [];
  const scnb14: number[] = [];
  const seen14 = new Set<number>();
  let d = 0;
  for (const [list, section] of [[dihH, 'DIHEDRALS_INC_HYDROGEN'], [dihHeavy, 'DIHEDRALS_WITHOUT_HYDROGEN']] as const) {
    for (let e = 0; e < list.length; e += 5, d++) {
      for (let c = 0; c < 4; c++) torsionAtoms[4 * d + c] = atomOf(list[e + c], section, e / 5);
      const t = typeOf(list[e + 4], nptra, section, e / 5);
      torsionK[d] = dihKTable[t];
      torsionPeriodicity[d] = dihNTable[t];
      torsionPhase[d] = dihPhaseTable[t];
      const improper = list[e + 3] < 0;
      torsionImproper[d] = improper ? 1 : 0;
      // A 1-4 pair for every proper dihedral whose third index is not negative, once per pair.
      if (!improper && list[e + 2] >= 0) {
        const i = torsionAtoms[4 * d];
        const l = torsionAtoms[4 * d + 3];
        const key = Math.min(i, l) * natom + Math.max(i, l);
        if (!seen14.has(key)) {
          seen14.add(key);
          pairs14.push(Math.min(i, l), Math.max(i, l));
          scee14.push(sceeTable[t] > 0 ? sceeTable[t] : 1.2);
          scnb14.push(scnbTable[t] > 0 ? scnbTable[t] : 2.0);
        }
      }
    }
  }

  // Exclusions (i < j); a 0 entry is AMBER's placeholder for "none".
  const excludedList = nums('EXCLUDED_ATOMS_LIST', nnb, 'NNB');
  let total = 0;
  for (let a = 0; a < natom; a++) total += nExcluded[a];
  if (total !== excludedList.length) {
    throw new InputFileError(file, sec('NUMBER_EXCLUDED_ATOMS').line, `NUMBER_EXCLUDED_ATOMS sums to ${total}, but EXCLUDED_ATOMS_LIST has ${excludedList.length} entries`);
  }
  const exclusionPairs: number[] = [];
  const seenExcl = new Set<number>();
  for (let a = 0, at = 0; a < natom; a++) {
    for (let k = 0; k < nExcluded[a]; k++, at++) {
      const j = excludedList[at] - 1;
      if (j < 0) continue;
      if (j >= natom) throw new InputFileError(file, sec('EXCLUDED_ATOMS_LIST').line, `EXCLUDED_ATOMS_LIST entry ${at + 1} = ${j + 1} exceeds NATOM = ${natom}`);
      if (j === a) continue;
      const key = Math.min(a, j) * natom + Math.max(a, j);
      if (seenExcl.has(key)) continue;
      seenExcl.add(key);
      exclusionPairs.push(Math.min(a, j), Math.max(a, j));
    }
  }

  const bondPairs = Int32Array.from(bondAtoms);
  const topology: MolecularTopology = {
    nAtoms: natom,
    atomNames: names,
    elements: Array.from(atomicNumbers, elementSymbol),
    atomicNumbers,
    masses,
    charges,
    residueOfAtom,
    residueNames: resLabels,
    bonds: bondPairs,
  };
  return {
    title,
    topology,
    atomTypeNames: sections.get('AMBER_ATOM_TYPE')?.strings ?? [],
    bondAtoms, bondK, bondR0, bondHasHydrogen,
    angleAtoms, angleK, angleTheta0,
    torsionAtoms, torsionK, torsionPeriodicity, torsionPhase, torsionImproper,
    pair14Atoms: Int32Array.from(pairs14), pair14Scee: Float64Array.from(scee14), pair14Scnb: Float64Array.from(scnb14),
    nLjTypes: ntypes, ljType, ljA, ljB,
    exclusions: Int32Array.from(exclusionPairs),
    ifbox,
  };
}
