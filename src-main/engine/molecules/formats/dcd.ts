/**
 * DCD trajectories, CHARMM/OpenMM flavour, on bytes (no fs). Layout (Fortran unformatted
 * sequential records, each framed by a 4-byte length marker before and after):
 *   record 1 (84 bytes): 'CORD', then 20 int32 "ICNTRL": [0] NSET frames, [1] ISTART first step,
 *     [2] NSAVC steps between frames, [3] NSTEP last step, [8] NAMNF fixed atoms, [9] DELTA time step
 *     (float32, AKMA time units of 0.04888821 ps), [10] 1 if frames carry a unit cell, [11] 1 for
 *     4D coordinates, [19] CHARMM version (24 as OpenMM writes; 0 means X-PLOR, whose DELTA is a
 *     float64 at [9..10] and which has no unit-cell flag)
 *   record 2: NTITLE int32 then NTITLE 80-character title lines
 *   record 3: NATOM int32
 *   per frame: [unit cell record: 6 float64 A, cos(gamma), B, cos(beta), cos(alpha), C] then
 *     three records of NATOM float32: all x, all y, all z (Angstrom)
 * Either byte order is read (detected from the first marker); files are written little-endian.
 * Unit-cell angles are read as cosines when all three lie in [-1, 1] (CHARMM >= c25, OpenMM,
 * NAMD) and as degrees otherwise (older CHARMM), as VMD's dcdplugin does.
 *
 * Frames have a fixed size, so frame i is read at a computed byte offset without reading the
 * others (random access, streaming through a ByteSource). Positions are returned in nm, cells as
 * a, b, c (nm) and alpha, beta, gamma (degrees). Problems are InputFileErrors naming the byte
 * offset and the frame. Fixed atoms (NAMNF > 0) and 4D trajectories are refused with a message.
 */
import { EngineInputError } from '../../errors';
import { InputFileError } from '../../io/errors';
import { ANGSTROM_PER_NM, NM_PER_ANGSTROM, bytesSource, type ByteSource, type CoordinateFrames } from './frames';

/** AKMA time unit in ps (CHARMM's DELTA is stored in it). */
export const AKMA_TIME_PS = 0.04888821;

export interface DcdHeader {
  readonly nAtoms: number;
  /** Complete frames in the file (from its size; NSET when the writer kept it current). */
  readonly nFrames: number;
  /** NSET as written in the header. */
  readonly nset: number;
  readonly istart: number;
  readonly nsavc: number;
  /** Time step in ps (DELTA x AKMA_TIME_PS). */
  readonly timestepPs: number;
  readonly hasUnitCell: boolean;
  /** ICNTRL[19]; 0 for X-PLOR files. */
  readonly charmmVersion: number;
  readonly titles: readonly string[];
  readonly littleEndian: boolean;
  /** Bytes before the first frame, and per frame. */
  readonly headerBytes: number;
  readonly frameBytes: number;
}

const RECORD1 = 84;

function fail(file: string, offset: number, problem: string, frame?: number): never {
  const where = frame === undefined ? `byte ${offset}` : `byte ${offset} (frame ${frame + 1})`;
  throw new InputFileError(file, null, `${where}: ${problem}`);
}

function readExact(source: ByteSource, offset: number, length: number, file: string, what: string, frame?: number): DataView {
  const bytes = offset + length <= source.size ? source.read(offset, length) : null;
  if (!bytes || bytes.length < length) {
    fail(file, offset, `file ends inside ${what} (needs ${length} bytes, ${Math.max(0, source.size - offset)} left; truncated file?)`, frame);
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Reads and checks the header; the file size tells how many complete frames there are. */
export function readDcdHeader(source: ByteSource, file = '<dcd>'): DcdHeader {
  if (source.size < 8) fail(file, 0, `too short for a DCD file (${source.size} bytes)`);
  const head = readExact(source, 0, 8, file, 'the first record marker');
  let le: boolean;
  if (head.getInt32(0, true) === RECORD1) le = true;
  else if (head.getInt32(0, false) === RECORD1) le = false;
  else if (head.getInt32(0, true) === 0 && head.getInt32(4, true) === RECORD1) {
    fail(file, 0, 'DCD with 64-bit record markers is not supported (write it with 32-bit markers, e.g. with CHARMM, OpenMM or MDTraj)');
  } else fail(file, 0, `not a DCD file: the first record marker is ${head.getInt32(0, true)}, expected 84`);

  const r1 = readExact(source, 0, 4 + RECORD1 + 4, file, 'the header record');
  const magic = String.fromCharCode(r1.getUint8(4), r1.getUint8(5), r1.getUint8(6), r1.getUint8(7));
  if (magic !== 'CORD') fail(file, 4, `expected 'CORD' (coordinates), found '${magic}'`);
  const icntrl = (k: number) => r1.getInt32(8 + 4 * k, le);
  if (r1.getInt32(88, le) !== RECORD1) fail(file, 88, `header record end marker is ${r1.getInt32(88, le)}, expected 84`);
  const nset = icntrl(0);
  const istart = icntrl(1);
  const nsavc = icntrl(2);
  const namnf = icntrl(8);
  const charmmVersion = icntrl(19);
  const charmm = charmmVersion !== 0;
  const delta = charmm ? r1.getFloat32(8 + 36, le) : r1.getFloat64(8 + 36, le);
  const hasUnitCell = charmm && icntrl(10) === 1;
  if (charmm && icntrl(11) === 1) fail(file, 52, '4D DCD trajectories are not supported');
  if (namnf !== 0) fail(file, 40, `DCD with ${namnf} fixed atoms is not supported (write all atoms in every frame)`);
  if (nset < 0) fail(file, 8, `negative frame count NSET = ${nset}`);

  let at = 92;
  const tlen = readExact(source, at, 4, file, 'the title record').getInt32(0, le);
  if (tlen < 4 || tlen > 1 << 20) fail(file, at, `bad title record length ${tlen}`);
  const tr = readExact(source, at + 4, tlen + 4, file, 'the title record');
  if (tr.getInt32(tlen, le) !== tlen) fail(file, at + 4 + tlen, `title record end marker ${tr.getInt32(tlen, le)} does not match its start ${tlen}`);
  const ntitle = tr.getInt32(0, le);
  const titles: string[] = [];
  for (let t = 0; t < ntitle && 4 + 80 * (t + 1) <= tlen; t++) {
    let s = '';
    for (let b = 0; b < 80; b++) s += String.fromCharCode(tr.getUint8(4 + 80 * t + b));
    titles.push(s.replace(/[\0\s]+$/, ''));
  }
  at += 4 + tlen + 4;
  const ar = readExact(source, at, 12, file, 'the atom-count record');
  if (ar.getInt32(0, le) !== 4 || ar.getInt32(8, le) !== 4) fail(file, at, 'atom-count record markers are not 4');
  const nAtoms = ar.getInt32(4, le);
  if (nAtoms <= 0) fail(file, at + 4, `atom count ${nAtoms} is not positive`);
  at += 12;

  const headerBytes = at;
  const frameBytes = (hasUnitCell ? 56 : 0) + 3 * (8 + 4 * nAtoms);
  const body = source.size - headerBytes;
  const complete = Math.floor(body / frameBytes);
  const partial = body - complete * frameBytes;
  if (partial !== 0) {
    fail(file, headerBytes + complete * frameBytes,
      `truncated: the last frame has ${partial} of its ${frameBytes} bytes (${complete} complete frames before it)`, complete);
  }
  if (nset > complete) {
    fail(file, source.size, `truncated: the header says ${nset} frames, the file holds ${complete}`);
  }
  return {
    nAtoms, nFrames: complete, nset, istart, nsavc, timestepPs: delta * AKMA_TIME_PS, hasUnitCell, charmmVersion, titles,
    littleEndian: le, headerBytes, frameBytes,
  };
}

/** CHARMM unit cell [A, cos g, B, cos b, cos a, C] (Angstrom) -> [a, b, c (nm), alpha, beta, gamma (deg)]. */
function decodeCell(raw: number[], out: Float64Array, outOffset: number): void {
  const [a, g, b, be, al, cc] = raw;
  const cosines = [al, be, g].every((v) => v >= -1 && v <= 1);
  const angle = (v: number) => (cosines ? 90 - (Math.asin(v) * 180) / Math.PI : v);
  out[outOffset] = a * NM_PER_ANGSTROM;
  out[outOffset + 1] = b * NM_PER_ANGSTROM;
  out[outOffset + 2] = cc * NM_PER_ANGSTROM;
  out[outOffset + 3] = angle(al);
  out[outOffset + 4] = angle(be);
  out[outOffset + 5] = angle(g);
}

/** Random-access DCD reader over a ByteSource: frames are read on demand by computed offset. */
export class DcdReader {
  readonly header: DcdHeader;
  constructor(private readonly source: ByteSource, readonly file = '<dcd>') {
    this.header = readDcdHeader(source, file);
  }
  get nAtoms(): number { return this.header.nAtoms; }
  get nFrames(): number { return this.header.nFrames; }

  /**
   * Frames [start, start + count) with one read of the source: positions (nm) and cells.
   * Write into `positions` / `cells` (length count*nAtoms*3 / count*6) when given, to reuse buffers.
   */
  readFrames(start: number, count: number, positions?: Float64Array, cells?: Float64Array): CoordinateFrames {
    const { nAtoms, nFrames, frameBytes, headerBytes, hasUnitCell, littleEndian: le } = this.header;
    if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > nFrames) {
      throw new EngineInputError(`DCD ${this.file}: frames ${start}..${start + count - 1} are outside 0..${nFrames - 1}`);
    }
    const pos = positions ?? new Float64Array(count * nAtoms * 3);
    const cel = hasUnitCell ? (cells ?? new Float64Array(count * 6)) : null;
    const offset0 = headerBytes + start * frameBytes;
    const view = readExact(this.source, offset0, count * frameBytes, this.file, `frames ${start + 1}..${start + count}`, start);
    const block = 4 * nAtoms;
    for (let f = 0; f < count; f++) {
      let at = f * frameBytes;
      const frame = start + f;
      const marker = (expected: number) => {
        const m = view.getInt32(at, le);
        if (m !== expected) fail(this.file, offset0 + at, `record marker ${m}, expected ${expected} (corrupt file?)`, frame);
        at += 4;
      };
      if (cel) {
        marker(48);
        const raw = [0, 1, 2, 3, 4, 5].map((k) => view.getFloat64(at + 8 * k, le));
        at += 48;
        marker(48);
        decodeCell(raw, cel, f * 6);
      }
      const base = f * nAtoms * 3;
      for (let d = 0; d < 3; d++) {
        marker(block);
        for (let i = 0; i < nAtoms; i++) pos[base + 3 * i + d] = view.getFloat32(at + 4 * i, le) * NM_PER_ANGSTROM;
        at += block;
        marker(block);
      }
    }
    return { nAtoms, nFrames: count, positions: pos, cells: cel };
  }

  /** Frame i alone (positions nm, cell or null). */
  readFrame(i: number, positions?: Float64Array, cell?: Float64Array): { positions: Float64Array; cell: Float64Array | null } {
    const r = this.readFrames(i, 1, positions, cell);
    return { positions: r.positions, cell: r.cells };
  }
}

/** All frames of a DCD held in memory. */
export function parseDcd(bytes: Uint8Array, file = '<dcd>'): CoordinateFrames & { header: DcdHeader } {
  const reader = new DcdReader(bytesSource(bytes), file);
  return { ...reader.readFrames(0, reader.nFrames), header: reader.header };
}

export interface DcdWriteOptions {
  nAtoms: number;
  /** Frames the header announces (NSET); patch later with setDcdFrameCount when streaming. */
  nFrames: number;
  hasUnitCell: boolean;
  /** Integrator time step in ps (stored as DELTA in AKMA units, as OpenMM does). Default 0.001. */
  timestepPs?: number;
  istart?: number;
  nsavc?: number;
  titles?: readonly string[];
}

/** Header bytes of a little-endian CHARMM (version 24) DCD, as OpenMM writes it. */
export function encodeDcdHeader(o: DcdWriteOptions): Uint8Array {
  const titles = (o.titles && o.titles.length > 0 ? o.titles : ['Created by Liftwell']).map((t) => t.slice(0, 80));
  const tlen = 4 + 80 * titles.length;
  const size = 92 + 4 + tlen + 4 + 12;
  const buf = new Uint8Array(size);
  const v = new DataView(buf.buffer);
  v.setInt32(0, RECORD1, true);
  buf.set([67, 79, 82, 68], 4); // 'CORD'
  const istart = o.istart ?? 0;
  const nsavc = o.nsavc ?? 1;
  v.setInt32(8, o.nFrames, true);
  v.setInt32(12, istart, true);
  v.setInt32(16, nsavc, true);
  v.setInt32(20, istart + o.nFrames * nsavc, true);
  v.setFloat32(44, (o.timestepPs ?? 0.001) / AKMA_TIME_PS, true);
  v.setInt32(48, o.hasUnitCell ? 1 : 0, true);
  v.setInt32(84, 24, true);
  v.setInt32(88, RECORD1, true);
  v.setInt32(92, tlen, true);
  v.setInt32(96, titles.length, true);
  titles.forEach((t, k) => {
    const padded = t.padEnd(80);
    for (let b = 0; b < 80; b++) buf[100 + 80 * k + b] = padded.charCodeAt(b) & 0x7f;
  });
  let at = 96 + tlen;
  v.setInt32(at, tlen, true);
  v.setInt32(at + 4, 4, true);
  v.setInt32(at + 8, o.nAtoms, true);
  v.setInt32(at + 12, 4, true);
  at += 16;
  if (at !== size) throw new Error('DCD header size mismatch');
  return buf;
}

/** Rewrites NSET (and NSTEP) in header bytes, for a writer that learns the frame count at the end. */
export function setDcdFrameCount(header: Uint8Array, nFrames: number): void {
  const v = new DataView(header.buffer, header.byteOffset, header.byteLength);
  v.setInt32(8, nFrames, true);
  v.setInt32(20, v.getInt32(12, true) + nFrames * v.getInt32(16, true), true);
}

/** One frame's bytes: positions nm (nAtoms*3), cell [a, b, c nm, alpha, beta, gamma deg] when the file has cells. */
export function encodeDcdFrame(positions: Float64Array, nAtoms: number, cell: ArrayLike<number> | null): Uint8Array {
  if (positions.length < nAtoms * 3) throw new EngineInputError(`DCD writer: ${positions.length / 3} positions for ${nAtoms} atoms`);
  const size = (cell ? 56 : 0) + 3 * (8 + 4 * nAtoms);
  const buf = new Uint8Array(size);
  const v = new DataView(buf.buffer);
  let at = 0;
  if (cell) {
    const cos = (deg: number) => Math.sin(Math.PI / 2 - (deg * Math.PI) / 180);
    const raw = [cell[0] * ANGSTROM_PER_NM, cos(cell[5]), cell[1] * ANGSTROM_PER_NM, cos(cell[4]), cos(cell[3]), cell[2] * ANGSTROM_PER_NM];
    v.setInt32(at, 48, true);
    raw.forEach((x, k) => v.setFloat64(at + 4 + 8 * k, x, true));
    v.setInt32(at + 52, 48, true);
    at += 56;
  }
  for (let d = 0; d < 3; d++) {
    v.setInt32(at, 4 * nAtoms, true);
    at += 4;
    for (let i = 0; i < nAtoms; i++) {
      const x = positions[3 * i + d];
      if (!Number.isFinite(x)) throw new EngineInputError(`DCD writer: atom ${i + 1} has a non-finite coordinate`);
      v.setFloat32(at, x * ANGSTROM_PER_NM, true);
      at += 4;
    }
    v.setInt32(at, 4 * nAtoms, true);
    at += 4;
  }
  return buf;
}

/** A whole DCD in memory (header + all frames). */
export function encodeDcd(frames: CoordinateFrames, options: Omit<DcdWriteOptions, 'nAtoms' | 'nFrames' | 'hasUnitCell'> = {}): Uint8Array {
  const { nAtoms, nFrames } = frames;
  const header = encodeDcdHeader({ ...options, nAtoms, nFrames, hasUnitCell: frames.cells !== null });
  const frameBytes = (frames.cells ? 56 : 0) + 3 * (8 + 4 * nAtoms);
  const out = new Uint8Array(header.length + nFrames * frameBytes);
  out.set(header, 0);
  for (let f = 0; f < nFrames; f++) {
    const pos = frames.positions.subarray(f * nAtoms * 3, (f + 1) * nAtoms * 3);
    const cell = frames.cells ? frames.cells.subarray(f * 6, f * 6 + 6) : null;
    out.set(encodeDcdFrame(pos, nAtoms, cell), header.length + f * frameBytes);
  }
  return out;
}
