/**
 * Files dropped on the window: what each one is (from its name and its first bytes, so a renamed
 * or damaged file is caught before anything is sent) and what the drop will do with them.
 *
 * - An AMBER prmtop together with its coordinates (.inpcrd/.rst7/.crd, .pdb or .xyz) is imported
 *   as a molecule (the importMolecule call; the main process parses both and checks they match).
 * - A PLUMED HILLS file (with at most one COLVAR) is imported as an external metadynamics result
 *   (importHills); a WHAM metadata file with the window files it names is imported as an external
 *   umbrella study (importWham); window files it names that were not dropped are named.
 * - A DCD is imported as a trajectory of the open molecule (or of the molecule dropped with it);
 *   the main process checks its atoms against the topology.
 * - A COLVAR without its HILLS gets a note saying to drop both.
 * - Anything else, or a file whose content does not match its name, is refused with a message
 *   naming the file and what was wrong.
 * Pure (no DOM): the drop zone (DropZone.svelte) reads the bytes and calls planDrop.
 */

export type DroppedKind = 'prmtop' | 'coordinates' | 'dcd' | 'hills' | 'colvar' | 'wham-metadata';

/** What one file is; `error` says why it cannot be used (named by file). */
export type Classified = { name: string; kind: DroppedKind; label: string } | { name: string; kind: null; error: string };

/** How many leading bytes classification reads (headers fit easily; 64 KiB keeps big DCDs cheap). */
export const SNIFF_BYTES = 64 * 1024;

const ext = (name: string) => /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
const COORDINATE_EXT = new Set(['inpcrd', 'rst7', 'crd', 'pdb', 'xyz']);
const TOPOLOGY_EXT = new Set(['prmtop', 'parm7', 'top']);

function asText(head: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(head);
}

/** Binary or text with NUL bytes in the first kilobyte: not one of the text formats. */
function looksBinary(head: Uint8Array): boolean {
  const n = Math.min(head.length, 1024);
  for (let i = 0; i < n; i++) if (head[i] === 0) return true;
  return false;
}

/** A DCD starts with a Fortran record of 84 bytes (either byte order) holding "CORD". */
function isDcd(head: Uint8Array): boolean {
  if (head.length < 8) return false;
  const le = head[0] | (head[1] << 8) | (head[2] << 16) | (head[3] << 24);
  const be = (head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3];
  const cord = String.fromCharCode(head[4], head[5], head[6], head[7]) === 'CORD';
  return cord && (le === 84 || be === 84);
}

/** The FIELDS of a PLUMED file's header line, or null. */
function plumedFields(text: string): string[] | null {
  const m = /^#!\s*FIELDS\s+(.+)$/m.exec(text);
  return m ? m[1].trim().split(/\s+/) : null;
}

function dataLines(text: string, limit: number): string[] {
  const lines: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const t = raw.trim();
    if (!t || t.startsWith('#')) continue;
    lines.push(t);
    if (lines.length >= limit) break;
  }
  return lines;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Grossfield WHAM metadata: "path centre spring [tau [T]]" (1D) or "path cx cy kx ky [...]" (2D) per line. */
function isWhamMetadata(text: string): boolean {
  const lines = dataLines(text, 20);
  if (!lines.length) return false;
  return lines.every((l) => {
    const t = l.split(/\s+/);
    return t.length >= 3 && t.length <= 7 && !NUMBER.test(t[0]) && t.slice(1).every((v) => NUMBER.test(v));
  });
}

/** What the file `name` whose first bytes are `head` is. */
export function classifyFile(name: string, head: Uint8Array): Classified {
  const e = ext(name);
  if (head.length === 0) return { name, kind: null, error: `${name}: the file is empty.` };
  if (isDcd(head)) return { name, kind: 'dcd', label: 'DCD trajectory' };
  if (e === 'dcd') return { name, kind: null, error: `${name}: not a DCD trajectory (its first record is not the 84-byte "CORD" header); the file may be damaged.` };
  if (looksBinary(head)) return { name, kind: null, error: `${name}: a binary file Liftwell does not know (it reads AMBER prmtop, inpcrd/rst7, PDB, XYZ, DCD, PLUMED HILLS/COLVAR and WHAM metadata files).` };
  const text = asText(head);
  if (/^%VERSION|^%FLAG\s+/m.test(text)) {
    if (/^%FLAG\s+POINTERS/m.test(text) || /^%FLAG\s+TITLE/m.test(text)) return { name, kind: 'prmtop', label: 'AMBER topology (prmtop)' };
  }
  if (TOPOLOGY_EXT.has(e)) return { name, kind: null, error: `${name}: not an AMBER prmtop (no %VERSION / %FLAG sections in its first lines).` };
  const fields = plumedFields(text);
  if (fields) {
    if (fields.includes('height') && fields.some((f) => f.startsWith('sigma_'))) return { name, kind: 'hills', label: 'PLUMED HILLS file' };
    if (fields[0] === 'time' && fields.length >= 2) return { name, kind: 'colvar', label: 'PLUMED COLVAR file' };
    return { name, kind: null, error: `${name}: a PLUMED file with fields "${fields.join(' ')}", neither HILLS (time, CVs, sigma_*, height) nor COLVAR (time, CVs).` };
  }
  if (/^(ATOM  |HETATM|CRYST1|MODEL )/m.test(text)) {
    return /^(ATOM  |HETATM)/m.test(text) ? { name, kind: 'coordinates', label: 'PDB coordinates' } : { name, kind: null, error: `${name}: a PDB file without ATOM or HETATM records.` };
  }
  if (COORDINATE_EXT.has(e)) {
    const lines = text.split(/\r?\n/);
    // inpcrd/rst7: a title line, then the atom count (and optionally the time); xyz: the count first.
    const countLine = e === 'xyz' ? lines[0] : lines[1];
    if (countLine !== undefined && /^\s*\d+(\s+[-+0-9.eE]+)?\s*$/.test(countLine)) return { name, kind: 'coordinates', label: e === 'xyz' ? 'XYZ coordinates' : 'AMBER coordinates' };
    return { name, kind: null, error: `${name}: not ${e === 'xyz' ? 'an XYZ file (the first line must be the atom count)' : e === 'pdb' ? 'a PDB file (no ATOM/HETATM records)' : 'an AMBER coordinate file (the second line must be the atom count)'}.` };
  }
  if (isWhamMetadata(text)) return { name, kind: 'wham-metadata', label: 'WHAM metadata (umbrella windows)' };
  return { name, kind: null, error: `${name}: Liftwell does not recognise this file (it reads AMBER prmtop, inpcrd/rst7, PDB, XYZ, DCD, PLUMED HILLS/COLVAR and WHAM metadata files).` };
}

/** What a drop does. */
export interface DropPlan {
  /** The molecule import, when the drop has a topology and its coordinates. */
  molecule: { name: string; topology: string; coordinates: string } | null;
  /** The HILLS import: the HILLS file and the COLVAR dropped with it, if any. */
  hills: { name: string; hills: string; colvar: string | null } | null;
  /** The WHAM import: the metadata file and its window files (in metadata order). */
  wham: { name: string; metadata: string; windows: string[] } | null;
  /** The DCD to import as a trajectory of the open (or just dropped) molecule. */
  trajectory: string | null;
  /** Files recognised but not imported by the app, with what reads them. */
  notes: string[];
  /** Files refused, each message naming its file. */
  errors: string[];
}

/** The molecule's name: the topology's file name without its extension. */
function stem(name: string): string {
  return name.replace(/\.[^.]+$/, '') || name;
}

const ELSEWHERE: Record<'colvar', string> = {
  colvar: 'a COLVAR is imported together with its HILLS file (drop both); alone, the app has nothing to compute from it.',
};

/** The base name of a path, as a dropped file is named ("windows/w0.dat" -> "w0.dat"). */
const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;

/** The window files a WHAM metadata text names (first column of each data line), by base name. */
export function metadataWindowNames(text: string): string[] {
  return dataLines(text, Infinity).map((l) => baseName(l.replace(/#.*$/, '').trim().split(/\s+/)[0])).filter(Boolean);
}

/**
 * What the drop of these classified files will do. `windowsOf` maps each dropped WHAM metadata
 * file's name to the window files it names (the drop zone reads the metadata in full): those
 * files are windows, not unknown files.
 */
export function planDrop(files: Classified[], windowsOf: Record<string, string[]> = {}): DropPlan {
  const errors: string[] = [];
  const notes: string[] = [];
  const tops = files.filter((f) => f.kind === 'prmtop');
  const coords = files.filter((f) => f.kind === 'coordinates');
  const hillsFiles = files.filter((f) => f.kind === 'hills');
  const colvars = files.filter((f) => f.kind === 'colvar');
  const metas = files.filter((f) => f.kind === 'wham-metadata');
  const windowNames = new Set(Object.values(windowsOf).flat());
  for (const f of files) {
    if (f.kind === null) {
      if (!windowNames.has(f.name)) errors.push(f.error);
    } else if (f.kind === 'colvar' && !hillsFiles.length) notes.push(`${f.name} (${f.label}): ${ELSEWHERE[f.kind]}`);
  }
  const dcds = files.filter((f) => f.kind === 'dcd');
  if (dcds.length > 1) errors.push(`${dcds.map((d) => d.name).join(', ')}: drop one DCD trajectory at a time.`);
  const trajectory = dcds.length === 1 ? dcds[0].name : null;
  let hills: DropPlan['hills'] = null;
  if (hillsFiles.length > 1) errors.push(`${hillsFiles.map((h) => h.name).join(', ')}: drop one HILLS file at a time (one imported result per drop).`);
  else if (hillsFiles.length === 1 && colvars.length > 1) errors.push(`${colvars.map((c) => c.name).join(', ')}: drop at most one COLVAR file with ${hillsFiles[0].name}.`);
  else if (hillsFiles.length === 1) hills = { name: stem(hillsFiles[0].name), hills: hillsFiles[0].name, colvar: colvars[0]?.name ?? null };
  let wham: DropPlan['wham'] = null;
  if (metas.length > 1) errors.push(`${metas.map((m) => m.name).join(', ')}: drop one WHAM metadata file at a time (with its window files).`);
  else if (metas.length === 1) {
    const named = windowsOf[metas[0].name] ?? [];
    const dropped = new Set(files.map((f) => f.name));
    const missing = named.filter((n) => !dropped.has(n));
    if (!named.length) errors.push(`${metas[0].name}: names no window files.`);
    else if (missing.length) errors.push(`${metas[0].name} names window files that were not dropped with it: ${missing.join(', ')}. Drop the metadata file together with all its window files.`);
    else wham = { name: stem(metas[0].name), metadata: metas[0].name, windows: named };
  }
  let molecule: DropPlan['molecule'] = null;
  if (tops.length > 1) errors.push(`${tops.map((t) => t.name).join(', ')}: drop one topology at a time (one molecule per drop).`);
  else if (coords.length > 1) errors.push(`${coords.map((c) => c.name).join(', ')}: drop one coordinate file with the topology (the first frame of it is used).`);
  else if (tops.length === 1 && coords.length === 1) molecule = { name: stem(tops[0].name), topology: tops[0].name, coordinates: coords[0].name };
  else if (tops.length === 1) errors.push(`${tops[0].name}: a topology needs its coordinates; drop it together with an .inpcrd, .rst7, .pdb or .xyz file.`);
  else if (coords.length === 1) errors.push(`${coords[0].name}: coordinates alone have no force field; drop them together with the molecule's AMBER prmtop.`);
  return { molecule, trajectory, hills, wham, notes, errors };
}
