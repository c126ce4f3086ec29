/**
 * PDB coordinate files (https://www.wwpdb.org/documentation/file-format-content/format33/sect9.html),
 * on text (no fs). Read: ATOM/HETATM by fixed columns, MODEL/ENDMDL multi-model files (also models
 * separated only by END, as some tools write), CRYST1, element (columns 77-78, or inferred from the
 * atom name by the PDB alignment rule), CONECT (optional). Write: the same records, multi-model.
 *
 * Positions are returned in nm (the file holds Angstrom). Alternate locations: an atom's first
 * location is kept ("A" or blank), later ones (B, C, ...) are skipped, as MDTraj and OpenMM do.
 * Every problem is an InputFileError naming the file and the 1-based line.
 */
import { EngineInputError } from '../../errors';
import { InputFileError } from '../../io/errors';
import { atomicNumberOf } from '../topology';
import { ANGSTROM_PER_NM, NM_PER_ANGSTROM, type CoordinateFrames } from './frames';

/** Per-atom identity, shared by all models. */
export interface PdbAtoms {
  readonly atomNames: readonly string[];
  /** Element symbols as written ('C', 'Fe'); '' where neither the column nor the name tells. */
  readonly elements: readonly string[];
  readonly residueNames: readonly string[];
  readonly residueNumbers: Int32Array;
  readonly chainIds: readonly string[];
  /** 1 for HETATM records. */
  readonly hetero?: Uint8Array;
}

export interface PdbFile extends PdbAtoms, CoordinateFrames {
  readonly title: string;
  /** Atom serial numbers as written (NaN-free; 0 where the column was not a number). */
  readonly serials: Int32Array;
  readonly hetero: Uint8Array;
  /** Bonds from CONECT records as 0-based pairs, each once with i < j: [i0, j0, i1, j1, ...]. */
  readonly bonds: Int32Array;
}

interface Cols { from: number; to: number } // 1-based inclusive, as in the PDB specification
const c = (from: number, to: number): Cols => ({ from, to });
const col = (line: string, { from, to }: Cols) => line.slice(from - 1, to);

const X = c(31, 38), Y = c(39, 46), Z = c(47, 54);
const TWO_LETTER_ELEMENTS = new Set(['HE', 'LI', 'BE', 'NE', 'NA', 'MG', 'AL', 'SI', 'CL', 'AR', 'CA', 'SC', 'TI', 'CR', 'MN', 'FE',
  'CO', 'NI', 'CU', 'ZN', 'GA', 'GE', 'AS', 'SE', 'BR', 'KR', 'RB', 'SR', 'ZR', 'MO', 'RU', 'RH', 'PD', 'AG', 'CD', 'IN', 'SN', 'SB', 'TE', 'XE']);

/** Canonical capitalisation of an element symbol ('FE' -> 'Fe'); '' if not an element. */
function normaliseElement(symbol: string): string {
  const s = symbol.trim();
  if (s === '' || atomicNumberOf(s) === 0) return '';
  return s[0].toUpperCase() + s.slice(1).toLowerCase();
}

/**
 * Element from the 4-column atom name field (columns 13-16). PDB aligns the element symbol
 * right-justified in columns 13-14: " CA " is carbon, "CA  " calcium, "HH31" hydrogen (4-character
 * names of one-letter elements start in column 13). Leading digits ("1HB ") are skipped.
 */
export function inferElement(nameField: string): string {
  const field = nameField.padEnd(4);
  if (field[0] !== ' ' && !/\d/.test(field[0])) {
    const two = field.slice(0, 2).toUpperCase();
    if (TWO_LETTER_ELEMENTS.has(two) && !/^(HH|HG|HD|HE|HZ|HB|HA|HN|CD|CG|CE|CZ|NE|ND|NZ|NH|OG|OD|OE|OH|SD|SG)$/.test(two)) {
      // A 4-character hydrogen/carbon name like "HG21" also starts with a two-letter symbol; the
      // names above are standard residue atom names, not elements, unless the element column says so.
      return normaliseElement(two);
    }
  }
  const letters = field.replace(/[^A-Za-z]/g, '');
  return letters === '' ? '' : normaliseElement(letters[0]);
}

function parseCoordinate(line: string, cols: Cols, file: string, lineNo: number, what: string): number {
  const field = col(line, cols);
  const t = field.trim();
  const v = Number(t);
  if (t === '' || !Number.isFinite(v)) {
    throw new InputFileError(file, lineNo, `${what} in columns ${cols.from}-${cols.to} is not a number ('${field}')`);
  }
  return v;
}

export function parsePdb(text: string, file = '<pdb>'): PdbFile {
  const lines = text.split(/\r?\n/);
  const atomNames: string[] = [];
  const elements: string[] = [];
  const residueNames: string[] = [];
  const residueNumbers: number[] = [];
  const chainIds: string[] = [];
  const serials: number[] = [];
  const hetero: number[] = [];
  const models: number[][] = [];
  const modelCells: (number[] | null)[] = [];
  const conect: [number, number, number][] = []; // serial a, serial b, line
  let current: number[] | null = null;
  let currentStart = 0; // line of the first atom of the current model (for count mismatches)
  let cell: number[] | null = null;
  const titleLines: string[] = [];
  let firstRemark = '';
  let altLoc = '';

  const closeModel = (lineNo: number) => {
    if (current === null) return;
    if (models.length > 0 && current.length !== models[0].length) {
      throw new InputFileError(file, lineNo,
        `model ${models.length + 1} (from line ${currentStart}) has ${current.length / 3} atoms, model 1 has ${models[0].length / 3}`);
    }
    if (current.length > 0) {
      models.push(current);
      modelCells.push(cell);
    }
    current = null;
  };

  for (let k = 0; k < lines.length; k++) {
    const line = lines[k];
    const lineNo = k + 1;
    const record = line.slice(0, 6).trimEnd();
    if (record === 'ATOM' || record === 'HETATM') {
      if (line.trimEnd().length < 54) {
        throw new InputFileError(file, lineNo, `${record} record is ${line.trimEnd().length} characters long; coordinates need columns 31-54`);
      }
      const loc = line[16];
      if (loc !== ' ') {
        if (altLoc === '') altLoc = loc;
        if (loc !== altLoc) continue;
      }
      if (current === null) {
        current = [];
        currentStart = lineNo;
      }
      const x = parseCoordinate(line, X, file, lineNo, 'x');
      const y = parseCoordinate(line, Y, file, lineNo, 'y');
      const z = parseCoordinate(line, Z, file, lineNo, 'z');
      current.push(x * NM_PER_ANGSTROM, y * NM_PER_ANGSTROM, z * NM_PER_ANGSTROM);
      if (models.length === 0) {
        const nameField = col(line, c(13, 16));
        atomNames.push(nameField.trim());
        const elementColumn = line.length >= 77 ? normaliseElement(col(line, c(77, 78))) : '';
        elements.push(elementColumn !== '' ? elementColumn : inferElement(nameField));
        residueNames.push(col(line, c(18, 21)).trim());
        chainIds.push(col(line, c(22, 22)).trim());
        const resSeq = Number(col(line, c(23, 26)).trim());
        residueNumbers.push(Number.isInteger(resSeq) ? resSeq : 0);
        const serial = Number(col(line, c(7, 11)).trim());
        serials.push(Number.isInteger(serial) ? serial : 0);
        hetero.push(record === 'HETATM' ? 1 : 0);
      } else {
        const i = current.length / 3 - 1;
        if (i >= atomNames.length) {
          throw new InputFileError(file, lineNo, `model ${models.length + 1} has more atoms than model 1 (${atomNames.length})`);
        }
      }
    } else if (record === 'MODEL') {
      closeModel(lineNo);
      current = [];
      currentStart = lineNo;
    } else if (record === 'ENDMDL' || record === 'END') {
      closeModel(lineNo);
    } else if (record === 'CRYST1') {
      if (line.trimEnd().length < 54) throw new InputFileError(file, lineNo, 'CRYST1 record needs columns 7-54 (a, b, c, alpha, beta, gamma)');
      const cols = [c(7, 15), c(16, 24), c(25, 33), c(34, 40), c(41, 47), c(48, 54)];
      const names = ['a', 'b', 'c', 'alpha', 'beta', 'gamma'];
      cell = cols.map((cc, m) => parseCoordinate(line, cc, file, lineNo, `CRYST1 ${names[m]}`) * (m < 3 ? NM_PER_ANGSTROM : 1));
    } else if (record === 'CONECT') {
      const from = Number(col(line, c(7, 11)).trim());
      if (!Number.isInteger(from)) throw new InputFileError(file, lineNo, `CONECT atom serial in columns 7-11 is not an integer ('${col(line, c(7, 11))}')`);
      for (const cc of [c(12, 16), c(17, 21), c(22, 26), c(27, 31)]) {
        const t = col(line, cc).trim();
        if (t === '') continue;
        const to = Number(t);
        if (!Number.isInteger(to)) throw new InputFileError(file, lineNo, `CONECT serial in columns ${cc.from}-${cc.to} is not an integer ('${t}')`);
        conect.push([from, to, lineNo]);
      }
    } else if (record === 'TITLE') {
      titleLines.push(line.slice(10).trim());
    } else if (record === 'REMARK' && firstRemark === '') {
      firstRemark = line.slice(10).trim();
    }
  }
  closeModel(lines.length);
  if (models.length === 0) throw new InputFileError(file, null, 'no ATOM or HETATM records');

  const nAtoms = atomNames.length;
  const nFrames = models.length;
  const positions = new Float64Array(nFrames * nAtoms * 3);
  models.forEach((m, f) => positions.set(m, f * nAtoms * 3));
  let cells: Float64Array | null = null;
  if (modelCells.some((mc) => mc !== null)) {
    cells = new Float64Array(nFrames * 6);
    modelCells.forEach((mc, f) => cells!.set(mc ?? modelCells.find((x) => x !== null)!, f * 6));
  }

  const indexOfSerial = new Map<number, number>();
  serials.forEach((s, i) => { if (!indexOfSerial.has(s)) indexOfSerial.set(s, i); });
  const seen = new Set<number>();
  const bonds: number[] = [];
  for (const [a, b, lineNo] of conect) {
    const i = indexOfSerial.get(a);
    const j = indexOfSerial.get(b);
    if (i === undefined || j === undefined) {
      throw new InputFileError(file, lineNo, `CONECT refers to atom serial ${i === undefined ? a : b}, which no ATOM/HETATM record has`);
    }
    if (i === j) continue;
    const [lo, hi] = i < j ? [i, j] : [j, i];
    const key = lo * nAtoms + hi;
    if (seen.has(key)) continue;
    seen.add(key);
    bonds.push(lo, hi);
  }

  const title = titleLines.length > 0 ? titleLines.join(' ') : firstRemark;
  return {
    title, nAtoms, nFrames, positions, cells, atomNames, elements, residueNames,
    residueNumbers: Int32Array.from(residueNumbers), chainIds, serials: Int32Array.from(serials),
    hetero: Uint8Array.from(hetero), bonds: Int32Array.from(bonds),
  };
}

function fixed(v: number, width: number, digits: number, what: string): string {
  const s = v.toFixed(digits);
  if (s.length > width || !Number.isFinite(v)) throw new EngineInputError(`${what} = ${v} does not fit the PDB field (${width} characters)`);
  return s.padStart(width);
}

/** The 4-character name field: names shorter than 4 start in column 14 when the element has one letter. */
function nameField(name: string, element: string): string {
  if (name.length >= 4) return name.slice(0, 4);
  return element.length === 2 ? name.padEnd(4) : (' ' + name).padEnd(4);
}

export interface PdbWriteOptions {
  title?: string;
  /** 0-based bond pairs written as CONECT records (e.g. for HETATM ligands). */
  bonds?: Int32Array;
}

/**
 * Writes a PDB file: CRYST1 (when frames carry cells; the first frame's, and per model when they
 * differ), MODEL/ENDMDL around each frame when there is more than one, CONECT, END.
 * Positions nm in, Angstrom (8.3f) out; a coordinate that does not fit is an EngineInputError.
 */
export function formatPdb(atoms: PdbAtoms, frames: CoordinateFrames, options: PdbWriteOptions = {}): string {
  const { nAtoms, nFrames } = frames;
  if (atoms.atomNames.length !== nAtoms) throw new EngineInputError(`PDB writer: ${atoms.atomNames.length} atom names for ${nAtoms} atoms`);
  const out: string[] = [];
  if (options.title) out.push(`TITLE     ${options.title.slice(0, 70)}`);
  const cryst = (f: number) => {
    const cl = frames.cells!.subarray(f * 6, f * 6 + 6);
    return `CRYST1${fixed(cl[0] * ANGSTROM_PER_NM, 9, 3, 'a')}${fixed(cl[1] * ANGSTROM_PER_NM, 9, 3, 'b')}${fixed(cl[2] * ANGSTROM_PER_NM, 9, 3, 'c')}` +
      `${fixed(cl[3], 7, 2, 'alpha')}${fixed(cl[4], 7, 2, 'beta')}${fixed(cl[5], 7, 2, 'gamma')} P 1           1`;
  };
  const multi = nFrames > 1;
  for (let f = 0; f < nFrames; f++) {
    if (frames.cells && (f === 0 || frames.cells.subarray(f * 6, f * 6 + 6).some((v, k) => v !== frames.cells![k]))) out.push(cryst(f));
    if (multi) out.push(`MODEL     ${String(f + 1).padStart(4)}`);
    for (let i = 0; i < nAtoms; i++) {
      const p = (f * nAtoms + i) * 3;
      const element = atoms.elements[i] ?? '';
      const record = atoms.hetero?.[i] ? 'HETATM' : 'ATOM  ';
      const serial = String((i + 1) % 100000).padStart(5);
      const resName = (atoms.residueNames[i] ?? '').slice(0, 4).padEnd(4); // columns 18-21 (4th is blank in strict PDB)
      const chain = (atoms.chainIds[i] || 'A').slice(0, 1);
      const resSeq = String(atoms.residueNumbers[i] % 10000).padStart(4);
      const xyz = [0, 1, 2].map((d) => fixed(frames.positions[p + d] * ANGSTROM_PER_NM, 8, 3, `atom ${i + 1} ${'xyz'[d]}`)).join('');
      out.push(`${record}${serial} ${nameField(atoms.atomNames[i], element)} ${resName}${chain}${resSeq}    ${xyz}  1.00  0.00          ${element.toUpperCase().padStart(2)}`);
    }
    if (multi) out.push('ENDMDL');
  }
  const bonds = options.bonds;
  if (bonds) {
    const partners: number[][] = Array.from({ length: nAtoms }, () => []);
    for (let b = 0; b < bonds.length; b += 2) {
      partners[bonds[b]].push(bonds[b + 1]);
      partners[bonds[b + 1]].push(bonds[b]);
    }
    partners.forEach((list, i) => {
      for (let at = 0; at < list.length; at += 4) {
        out.push('CONECT' + [i, ...list.slice(at, at + 4)].map((j) => String(j + 1).padStart(5)).join(''));
      }
    });
  }
  out.push('END');
  return out.join('\n') + '\n';
}
