/**
 * Molecular file codecs (PDB, XYZ, DCD): round trips, files written by MDTraj and OpenMM
 * (scripts/reference/mdtraj_formats.py), and malformed files that must name the file and position.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DcdReader, bytesSource, encodeDcd, encodeDcdFrame, encodeDcdHeader, formatPdb, formatXyz, inferElement, parseDcd,
  parsePdb, parseXyz, readDcdHeader, setDcdFrameCount, coordinateFormatOf, type CoordinateFrames,
} from '../../../src-main/engine/molecules/formats';
import { InputFileError } from '../../../src-main/engine/io/errors';

const dir = join(import.meta.dirname, '../../fixtures/molecules/formats');
const bytes = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
const text = (name: string) => readFileSync(join(dir, name), 'utf8');
const ref = JSON.parse(text('ala2_mdtraj_reference.json'));
const refPositions = Float64Array.from((ref.positions_nm as number[][][]).flat(2));

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

function expectFileError(fn: () => unknown, pattern: RegExp): InputFileError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toMatch(pattern);
    return error as InputFileError;
  }
  throw new Error('expected an InputFileError');
}

describe('DCD', () => {
  it('reads MDTraj-written frames and triclinic cells as MDTraj reads them', () => {
    const dcd = parseDcd(bytes('ala2_mdtraj.dcd'), 'ala2_mdtraj.dcd');
    expect(dcd.nAtoms).toBe(22);
    expect(dcd.nFrames).toBe(30);
    expect(dcd.header.hasUnitCell).toBe(true);
    expect(dcd.header.charmmVersion).toBe(24);
    // Both read the same float32 Angstrom; MDTraj stores nm as float32 again (half an ulp of
    // |x| < 1.6 nm is <= 6e-8 nm), we keep x * 0.1 in double: they differ by at most that.
    expect(maxAbsDiff(dcd.positions, refPositions)).toBeLessThan(1e-7);
    const lengths = (ref.cell_lengths as number[][]).flat();
    const angles = (ref.cell_angles as number[][]).flat();
    for (let f = 0; f < 30; f++) {
      for (let k = 0; k < 3; k++) {
        // Lengths are float64 on disk; the angles go through a cosine and back (MDTraj in float32): 1e-4 deg.
        expect(Math.abs(dcd.cells![f * 6 + k] - lengths[f * 3 + k])).toBeLessThan(1e-6);
        expect(Math.abs(dcd.cells![f * 6 + 3 + k] - angles[f * 3 + k])).toBeLessThan(1e-4);
        expect(Math.abs(dcd.cells![f * 6 + 3 + k] - ref.cell_written_angles[f][k])).toBeLessThan(1e-4);
      }
    }
  });

  it('reads big-endian files to the same numbers, and files without a cell', () => {
    const le = parseDcd(bytes('ala2_mdtraj.dcd'));
    const be = parseDcd(bytes('ala2_big_endian.dcd'));
    expect(be.header.littleEndian).toBe(false);
    expect(Array.from(be.positions)).toEqual(Array.from(le.positions));
    expect(Array.from(be.cells!)).toEqual(Array.from(le.cells!));
    const plain = parseDcd(bytes('ala2_mdtraj_nocell.dcd'));
    expect(plain.cells).toBeNull();
    expect(Array.from(plain.positions)).toEqual(Array.from(le.positions));
  });

  it("reads OpenMM's DCDFile output: header fields, time step, box", () => {
    const dcd = parseDcd(bytes('ala2_openmm.dcd'), 'ala2_openmm.dcd');
    const o = ref.openmm_dcd;
    expect(dcd.nFrames).toBe(o.n_frames);
    expect(dcd.header.istart).toBe(o.istart);
    expect(dcd.header.nsavc).toBe(o.nsavc);
    // DELTA is a float32 in AKMA units: relative error ~1e-7.
    expect(Math.abs(dcd.header.timestepPs - o.timestep_ps)).toBeLessThan(1e-9);
    expect(dcd.header.titles[0]).toBe('Created by OpenMM');
    expect(maxAbsDiff(dcd.positions, (o.positions_nm as number[][][]).flat(2))).toBeLessThan(1e-7); // float32 nm in MDTraj, as above
    for (let f = 0; f < o.n_frames; f++) {
      expect(Array.from(dcd.cells!.subarray(f * 6, f * 6 + 6)).map((v) => +v.toFixed(9))).toEqual([2.5, 2.6, 2.7, 90, 90, 90]);
    }
  });

  it('reads frame i directly, touching only its bytes', () => {
    const all = bytes('ala2_mdtraj.dcd');
    const reads: [number, number][] = [];
    const source = { size: all.length, read: (o: number, n: number) => { reads.push([o, n]); return all.subarray(o, o + n); } };
    const reader = new DcdReader(source, 'ala2_mdtraj.dcd');
    reads.length = 0;
    const { positions, cell } = reader.readFrame(17);
    expect(reads).toEqual([[reader.header.headerBytes + 17 * reader.header.frameBytes, reader.header.frameBytes]]);
    expect(maxAbsDiff(positions, refPositions.subarray(17 * 66, 18 * 66))).toBeLessThan(1e-7); // float32 nm in MDTraj, as above
    expect(cell![0]).toBeCloseTo(ref.cell_lengths[17][0], 6);
  });

  it('round-trips frames and cells through encode/decode (float32 on disk)', () => {
    const nAtoms = 5, nFrames = 4;
    const positions = Float64Array.from({ length: nFrames * nAtoms * 3 }, (_, k) => Math.sin(k * 1.7) * 3);
    const cells = Float64Array.from({ length: nFrames * 6 }, (_, k) => (k % 6 < 3 ? 4 + (k % 6) * 0.1 + k * 0.01 : 70 + (k % 6) * 5 + k * 0.1));
    const frames: CoordinateFrames = { nAtoms, nFrames, positions, cells };
    const back = parseDcd(encodeDcd(frames, { timestepPs: 0.002, istart: 5, nsavc: 50, titles: ['liftwell test'] }));
    // float32 Angstrom: relative 6e-8 of |x| <= 30 A -> 2e-6 A = 2e-7 nm.
    expect(maxAbsDiff(back.positions, positions)).toBeLessThan(3e-7);
    // Cells are float64 (angles as cosines, asin round trip ~1e-12 deg).
    expect(maxAbsDiff(back.cells!, cells)).toBeLessThan(1e-9);
    expect(back.header).toMatchObject({ istart: 5, nsavc: 50, nset: 4, titles: ['liftwell test'] });
    expect(back.header.timestepPs).toBeCloseTo(0.002, 9);
  });

  it('streams: a header announcing 0 frames is patched with setDcdFrameCount', () => {
    const header = encodeDcdHeader({ nAtoms: 2, nFrames: 0, hasUnitCell: false });
    const f1 = encodeDcdFrame(Float64Array.of(0, 0, 0, 0.1, 0, 0), 2, null);
    const f2 = encodeDcdFrame(Float64Array.of(0, 0, 0, 0, 0.2, 0), 2, null);
    setDcdFrameCount(header, 2);
    const file = new Uint8Array([...header, ...f1, ...f2]);
    const h = readDcdHeader(bytesSource(file));
    expect([h.nset, h.nFrames]).toEqual([2, 2]);
    expect(new DcdReader(bytesSource(file)).readFrame(1).positions[4]).toBeCloseTo(0.2, 7);
  });

  it('names the file, byte offset and frame for truncated or corrupt files', () => {
    const good = bytes('ala2_mdtraj.dcd');
    const h = readDcdHeader(bytesSource(good));
    const cut = good.slice(0, good.length - 100);
    expectFileError(() => parseDcd(cut, 'cut.dcd'), /^cut\.dcd: byte \d+ \(frame 30\): truncated: the last frame has \d+ of its \d+ bytes/);
    const whole = good.slice(0, h.headerBytes + 20 * h.frameBytes); // ends at a frame boundary, NSET says 30
    expectFileError(() => parseDcd(whole, 'short.dcd'), /short\.dcd: .*header says 30 frames, the file holds 20/);
    expectFileError(() => parseDcd(good.slice(0, 50), 'tiny.dcd'), /tiny\.dcd: byte 0: file ends inside the header record/);
    const corrupt = good.slice();
    new DataView(corrupt.buffer).setInt32(h.headerBytes + 3 * h.frameBytes + 56, 12345, true);
    expectFileError(() => parseDcd(corrupt, 'bad.dcd'), new RegExp(`bad\\.dcd: byte ${h.headerBytes + 3 * h.frameBytes + 56} \\(frame 4\\): record marker 12345, expected 88`));
    expectFileError(() => parseDcd(new TextEncoder().encode('REMARK not a dcd at all'), 'x.pdb'), /x\.pdb: byte 0: not a DCD file/);
  });
});

describe('PDB', () => {
  it('reads atoms, residues, elements and coordinates (nm)', () => {
    const pdb = parsePdb(text('ala2.pdb'), 'ala2.pdb');
    expect(pdb.nAtoms).toBe(22);
    expect(pdb.nFrames).toBe(1);
    expect(pdb.atomNames.slice(0, 5)).toEqual(['HH31', 'CH3', 'HH32', 'HH33', 'C']);
    expect(pdb.residueNames[6]).toBe('ALA');
    expect(Array.from(pdb.residueNumbers.slice(0, 7))).toEqual([1, 1, 1, 1, 1, 1, 2]);
    expect(pdb.elements.join('')).toBe('HCHHCONHCHCHHHCONHCHHH');
    expect(Array.from(pdb.positions.subarray(0, 6))).toEqual([0.2, 0.1, 0, 0.2, 0.209, 0]);
    expect(pdb.title).toContain('ALANINE DIPEPTIDE');
  });

  it('reads the multi-model PDB MDTraj writes, same coordinates as the DCD to the 3 decimals of the file', () => {
    const pdb = parsePdb(text('ala2_mdtraj.pdb'), 'ala2_mdtraj.pdb');
    expect(pdb.nFrames).toBe(5);
    // PDB holds 8.3f Angstrom: rounding error <= 5e-4 A = 5e-5 nm.
    expect(maxAbsDiff(pdb.positions, refPositions.subarray(0, 5 * 66))).toBeLessThan(5.0001e-5);
    expect(pdb.bonds.length).toBeGreaterThan(0); // MDTraj writes CONECT for the terminal caps
  });

  it('infers elements from the name columns by the PDB alignment rule', () => {
    expect(inferElement(' CA ')).toBe('C');
    expect(inferElement('CA  ')).toBe('Ca');
    expect(inferElement('HH31')).toBe('H');
    expect(inferElement('1HB ')).toBe('H');
    expect(inferElement('FE  ')).toBe('Fe');
    expect(inferElement('HG21')).toBe('H');
  });

  it('round-trips multi-model files with cell and CONECT', () => {
    const src = parsePdb(text('ala2.pdb'));
    const nFrames = 3;
    const positions = new Float64Array(nFrames * 66);
    for (let f = 0; f < nFrames; f++) for (let k = 0; k < 66; k++) positions[f * 66 + k] = src.positions[k] + 0.0123 * f * ((k % 3) - 1);
    const cells = Float64Array.from({ length: nFrames * 6 }, (_, k) => [3, 3.1, 3.2, 90, 90, 120][k % 6]);
    const bonds = Int32Array.of(0, 1, 1, 4, 4, 5);
    const written = formatPdb(src, { nAtoms: 22, nFrames, positions, cells }, { title: 'round trip', bonds });
    const back = parsePdb(written, 'rt.pdb');
    expect(back.nFrames).toBe(3);
    expect(back.atomNames).toEqual(src.atomNames);
    expect(back.elements).toEqual(src.elements);
    expect(back.residueNames).toEqual(src.residueNames);
    expect(Array.from(back.residueNumbers)).toEqual(Array.from(src.residueNumbers));
    expect(maxAbsDiff(back.positions, positions)).toBeLessThan(5.0001e-5); // 8.3f Angstrom rounding
    expect(maxAbsDiff(back.cells!, cells)).toBeLessThan(5.0001e-5);
    expect(Array.from(back.bonds)).toEqual(Array.from(bonds));
    expect(back.title).toBe('round trip');
    // Columns: the name field of a 1-letter element starts in column 14, 4-letter names in 13.
    const lines = written.split('\n').filter((l) => l.startsWith('ATOM'));
    expect(lines[0].slice(12, 16)).toBe('HH31');
    expect(lines[1].slice(12, 16)).toBe(' CH3');
  });

  it('names the file and line for short records, bad numbers and inconsistent models', () => {
    const good = text('ala2.pdb').split('\n');
    const at = (k: number, line: string) => good.map((l, i) => (i === k ? line : l)).join('\n');
    expectFileError(() => parsePdb(at(3, good[3].slice(0, 40)), 'short.pdb'), /^short\.pdb:4: ATOM record is 38 characters long; coordinates need columns 31-54/);
    expectFileError(() => parsePdb(at(5, good[5].slice(0, 38) + '  1.x00' + good[5].slice(46)), 'num.pdb'), /^num\.pdb:6: y in columns 39-46 is not a number/);
    const twoModels = ['MODEL 1', ...good.slice(1, 23), 'ENDMDL', 'MODEL 2', ...good.slice(1, 22), 'ENDMDL'].join('\n');
    expectFileError(() => parsePdb(twoModels, 'models.pdb'), /^models\.pdb:47: model 2 \(from line 25\) has 21 atoms, model 1 has 22/);
    expectFileError(() => parsePdb('REMARK nothing\nEND\n', 'empty.pdb'), /empty\.pdb: no ATOM or HETATM records/);
    expectFileError(() => parsePdb(at(23, 'CONECT    1   99'), 'conect.pdb'), /^conect\.pdb:24: CONECT refers to atom serial 99/);
  });
});

describe('XYZ', () => {
  it('reads the multi-frame XYZ MDTraj writes (Angstrom, 3 decimals)', () => {
    const xyz = parseXyz(text('ala2_mdtraj.xyz'), 'ala2_mdtraj.xyz');
    expect(xyz.nFrames).toBe(5);
    expect(xyz.nAtoms).toBe(22);
    expect(xyz.symbols[1]).toBe('CH3');
    expect(maxAbsDiff(xyz.positions, refPositions.subarray(0, 5 * 66))).toBeLessThan(5.0001e-5);
  });

  it('round-trips frames to the 1e-6 Angstrom the writer prints', () => {
    const positions = Float64Array.from({ length: 2 * 9 }, (_, k) => Math.cos(k) * 1.3);
    const written = formatXyz(['C', 'O', 'H'], { nAtoms: 3, nFrames: 2, positions, cells: null }, ['first', 'second']);
    const back = parseXyz(written);
    expect(back.comments).toEqual(['first', 'second']);
    expect(back.symbols).toEqual(['C', 'O', 'H']);
    expect(maxAbsDiff(back.positions, positions)).toBeLessThan(5.0001e-8); // 6 decimals of Angstrom
  });

  it('names the file and line for bad input', () => {
    const good = formatXyz(['C', 'O'], { nAtoms: 2, nFrames: 2, positions: new Float64Array(12), cells: null });
    const lines = good.split('\n');
    expectFileError(() => parseXyz(lines.map((l, i) => (i === 7 ? 'O 0.0 zero 0.0' : l)).join('\n'), 'a.xyz'), /^a\.xyz:8: y is not a number \('zero'\)/);
    expectFileError(() => parseXyz(lines.slice(0, 7).join('\n') + '\n', 'b.xyz'), /^b\.xyz:8: blank line where an atom line was expected/);
    expectFileError(() => parseXyz(lines.map((l, i) => (i === 4 ? '3' : l)).join('\n'), 'c.xyz'), /^c\.xyz:5: frame 2 has 3 atoms, frame 1 has 2/);
    expectFileError(() => parseXyz('two\n', 'd.xyz'), /^d\.xyz:1: expected the number of atoms/);
  });
});

describe('format by file name', () => {
  it('maps extensions', () => {
    expect(['a.PDB', 'b.xyz', 'c.dcd', 'd.rst7', 'e.inpcrd', 'f.txt'].map(coordinateFormatOf)).toEqual(['pdb', 'xyz', 'dcd', 'inpcrd', 'inpcrd', null]);
  });
});
