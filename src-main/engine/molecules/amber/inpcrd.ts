/**
 * AMBER ASCII coordinate/restart files (inpcrd, rst7) on text (no fs).
 * Layout (https://ambermd.org/FileFormats.php#restart): a title line; a line with NATOM (I5 or
 * wider) and optionally the time; coordinates in Angstrom as 6F12.7 (six numbers a line);
 * optionally velocities (same layout, Angstrom per 1/20.455 ps); optionally a box line
 * (a, b, c, alpha, beta, gamma). NetCDF restart files (binary) are rejected with a message.
 * Output units: nm and nm/ps.
 */
import { InputFileError } from '../../io/errors';

/** AMBER velocity unit: Angstrom / (1/20.455 ps). */
export const AMBER_VELOCITY_TO_NM_PER_PS = 20.455 * 0.1;

export interface AmberCoordinates {
  readonly title: string;
  readonly nAtoms: number;
  /** nm, atom-major xyz. */
  readonly positions: Float64Array;
  /** nm/ps, when the file carries velocities. */
  readonly velocities: Float64Array | null;
  /** a, b, c (nm), alpha, beta, gamma (degrees), when present. */
  readonly box: Float64Array | null;
  /** Time in ps from the second line, when present. */
  readonly time: number | null;
}

/** Reads one line's 12-character fields (6F12.7; wider fields written by some tools fall back to whitespace splitting). */
function lineNumbers(line: string, file: string, lineNo: number): number[] {
  const out: number[] = [];
  const trimmed = line.replace(/\s+$/, '');
  const fixed = trimmed.length % 12 === 0 || trimmed.length < 12;
  if (fixed) {
    for (let at = 0; at < trimmed.length; at += 12) {
      const field = trimmed.slice(at, at + 12).trim();
      const v = Number(field);
      if (field === '' || !Number.isFinite(v)) { out.length = 0; break; }
      out.push(v);
    }
    if (out.length > 0) return out;
  }
  for (const field of trimmed.trim().split(/\s+/)) {
    if (field === '') continue;
    const v = Number(field);
    if (!Number.isFinite(v)) throw new InputFileError(file, lineNo, `"${field}" is not a number`);
    out.push(v);
  }
  return out;
}

export function parseInpcrd(text: string, file = '<inpcrd>'): AmberCoordinates {
  if (text.startsWith('CDF') || text.startsWith('\x89HDF')) {
    throw new InputFileError(file, null, 'NetCDF restart files are not supported; write an ASCII inpcrd/rst7 (e.g. cpptraj or ParmEd)');
  }
  const lines = text.split(/\r?\n/);
  if (lines.length < 2) throw new InputFileError(file, null, 'too short: an inpcrd needs a title line and an atom-count line');
  const head = lines[1].trim().split(/\s+/);
  const nAtoms = Number(head[0]);
  if (!Number.isInteger(nAtoms) || nAtoms <= 0) throw new InputFileError(file, 2, `expected the number of atoms, found "${lines[1].trim()}"`);
  const time = head.length > 1 && Number.isFinite(Number(head[1])) ? Number(head[1]) : null;
  const values: number[] = [];
  const lineOfValue: number[] = [];
  for (let i = 2; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    for (const v of lineNumbers(lines[i], file, i + 1)) {
      values.push(v);
      lineOfValue.push(i + 1);
    }
  }
  const n3 = 3 * nAtoms;
  if (values.length < n3) {
    throw new InputFileError(file, lines.length, `holds ${Math.floor(values.length / 3)} coordinate triples, the header says ${nAtoms} atoms (truncated file?)`);
  }
  const extra = values.length - n3;
  if (extra !== 0 && extra !== 6 && extra !== 3 && extra !== n3 && extra !== n3 + 6 && extra !== n3 + 3) {
    throw new InputFileError(file, lineOfValue[n3], `${extra} numbers after the ${nAtoms} coordinates: neither velocities nor a box`);
  }
  const positions = new Float64Array(n3);
  for (let k = 0; k < n3; k++) positions[k] = values[k] * 0.1;
  let velocities: Float64Array | null = null;
  let at = n3;
  if (extra >= n3) {
    velocities = new Float64Array(n3);
    for (let k = 0; k < n3; k++) velocities[k] = values[at + k] * AMBER_VELOCITY_TO_NM_PER_PS;
    at += n3;
  }
  let box: Float64Array | null = null;
  if (values.length - at >= 3) {
    const rest = values.slice(at);
    box = Float64Array.from(rest.length === 3 ? [...rest, 90, 90, 90] : rest);
    for (let k = 0; k < 3; k++) box[k] *= 0.1;
  }
  return { title: lines[0].trim(), nAtoms, positions, velocities, box, time };
}

function field12(v: number): string {
  const s = v.toFixed(7);
  if (s.length > 12) throw new InputFileError('<inpcrd>', null, `coordinate ${v} does not fit the 12.7 inpcrd field`);
  return s.padStart(12);
}

/** Writes an ASCII inpcrd/rst7 (positions nm, velocities nm/ps optional). */
export function formatInpcrd(title: string, positions: Float64Array, velocities: Float64Array | null = null, time: number | null = null): string {
  const nAtoms = positions.length / 3;
  const out: string[] = [title.slice(0, 80), time === null ? String(nAtoms).padStart(6) : `${String(nAtoms).padStart(6)}${time.toExponential(7).padStart(15)}`];
  const block = (data: Float64Array, scale: number) => {
    let line = '';
    for (let k = 0; k < data.length; k++) {
      line += field12(data[k] * scale);
      if (k % 6 === 5) {
        out.push(line);
        line = '';
      }
    }
    if (line !== '') out.push(line);
  };
  block(positions, 10);
  if (velocities) block(velocities, 1 / AMBER_VELOCITY_TO_NM_PER_PS);
  return out.join('\n') + '\n';
}
