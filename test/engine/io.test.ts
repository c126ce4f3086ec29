import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy, InputFileError } from '../../src-main/engine/io/npy';
import { parseTimeSeries, parseTimeSeriesColumns, parseWhamMetadata, InputFileError as GfError } from '../../src-main/engine/io/grossfield';

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`../fixtures/engine/${name}`, import.meta.url))));

describe('npy', () => {
  it('decodes NumPy-written files (see test/fixtures/engine/make_npy_fixtures.py)', () => {
    const a = decodeNpy(fixture('f8_2x3_v1.npy'));
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([0.5, -1.25, 3.0, 1e-300, Math.PI, -0]);
    const f4 = decodeNpy(fixture('f4_4_v1.npy'));
    expect(f4.shape).toEqual([4]);
    expect(Array.from(f4.data)).toEqual([1.5, -2.25, 3.0e7, Math.fround(0.1)]);
    expect(Array.from(decodeNpy(fixture('i4_2x2_v1.npy')).data)).toEqual([1, -2, 2147483647, -2147483648]);
    expect(Array.from(decodeNpy(fixture('i8_3_v1.npy')).data)).toEqual([1, -2, 2 ** 53]);
    for (const v of ['f8_3_v2.npy', 'f8_3_v3.npy']) {
      const d = decodeNpy(fixture(v));
      expect(d.shape).toEqual([3]);
      expect(Array.from(d.data)).toEqual([1, 2, 3]);
    }
    const s = decodeNpy(fixture('f8_scalar_v1.npy'));
    expect(s.shape).toEqual([]);
    expect(Array.from(s.data)).toEqual([2.5]);
  });

  it('decodes from an unaligned view', () => {
    const b = fixture('f8_2x3_v1.npy');
    const shifted = new Uint8Array(b.length + 3);
    shifted.set(b, 3);
    expect(Array.from(decodeNpy(shifted.subarray(3)).data)).toEqual([0.5, -1.25, 3.0, 1e-300, Math.PI, -0]);
  });

  it('encodes byte-identically to NumPy (v1.0, <f8, 64-byte aligned header)', () => {
    const e1 = encodeNpy(new Float64Array([0.1, 0.2, 0.3]), [3]);
    expect(Buffer.from(e1).equals(Buffer.from(fixture('np_encode_1d.npy')))).toBe(true);
    const e2 = encodeNpy(Float64Array.from([0, 1, 2, 3, 4, 5]), [2, 3]);
    expect(Buffer.from(e2).equals(Buffer.from(fixture('np_encode_2d.npy')))).toBe(true);
    expect(e2.length % 64).toBe(48 % 64); // 128-byte header + 48 data bytes
  });

  it('round-trips', () => {
    const data = Float64Array.from({ length: 24 }, (_, i) => Math.sin(i) * 1e5);
    for (const shape of [[24], [4, 6], [2, 3, 4], [1, 24, 1]]) {
      const d = decodeNpy(encodeNpy(data, shape), 'x.npy');
      expect(d.shape).toEqual(shape);
      expect(Array.from(d.data)).toEqual(Array.from(data));
    }
    const empty = decodeNpy(encodeNpy(new Float64Array(0), [0, 3]));
    expect(empty.shape).toEqual([0, 3]);
  });

  it('rejects what it cannot read, naming the file', () => {
    expect(() => decodeNpy(fixture('f8_2x2_fortran.npy'), 'f.npy')).toThrow(/^f\.npy: Fortran-order/);
    expect(() => decodeNpy(fixture('f8be_2_v1.npy'), 'be.npy')).toThrow(/be\.npy: unsupported \.npy dtype '>f8'/);
    expect(() => decodeNpy(new Uint8Array([1, 2, 3]), 'junk.bin')).toThrow(InputFileError);
    const b = fixture('f8_2x3_v1.npy');
    expect(() => decodeNpy(b.subarray(0, b.length - 8), 'cut.npy')).toThrow(/cut\.npy: .*truncated/);
    expect(() => encodeNpy(new Float64Array(3), [2, 2])).toThrow(/holds 4 values/);
  });
});

describe('Grossfield formats', () => {
  it('parses metadata with comments, blank lines and optional columns', () => {
    const text = [
      '# path centre spring [tau [T]]',
      '',
      'win0.dat -1.0 100.0',
      'win1.dat  -0.5   100   12.5  # trailing comment',
      '\twin2.dat 0.0 1e2 0 300\r',
    ].join('\n');
    const m = parseWhamMetadata(text, 'meta.txt');
    expect(m).toEqual([
      { path: 'win0.dat', center: -1, spring: 100, line: 3 },
      { path: 'win1.dat', center: -0.5, spring: 100, correlationTime: 12.5, line: 4 },
      { path: 'win2.dat', center: 0, spring: 100, correlationTime: 0, temperature: 300, line: 5 },
    ]);
  });

  it('metadata errors name file and 1-based line', () => {
    const err = (text: string): string => {
      try {
        parseWhamMetadata(text, 'meta.txt');
      } catch (e) {
        expect(e).toBeInstanceOf(GfError);
        expect(e).toBeInstanceOf(InputFileError);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(err('a.dat 0 10\n\nb.dat 1')).toMatch(/^meta\.txt:3: expected 'path centre spring/);
    expect(err('# c\na.dat zero 10')).toMatch(/^meta\.txt:2: centre \(column 2\) is not a number \('zero'\)/);
    expect(err('a.dat 0 nan')).toMatch(/^meta\.txt:1: spring \(column 3\) is not finite/);
    expect(err('a.dat inf 10')).toMatch(/^meta\.txt:1: centre \(column 2\) is not finite/);
    expect(err('a.dat 0 -5')).toMatch(/^meta\.txt:1: spring \(column 3\) must be > 0/);
    expect(err('a.dat 0 5 1 0')).toMatch(/^meta\.txt:1: temperature/);
    expect(err('a.dat 0 5 1 300 7')).toMatch(/^meta\.txt:1: expected at most 5 columns/);
    expect(err('# only comments\n')).toMatch(/^meta\.txt: no windows/);
  });

  it('parses time series (column 2) and all columns', () => {
    const ts = '# t x\n0 0.5 9\n1 -0.25e1 8\n\n2.5 1D-3 7\n';
    expect(Array.from(parseTimeSeries(ts, 'w.dat'))).toEqual([0.5, -2.5, 0.001]);
    const cols = parseTimeSeriesColumns(ts, 'w.dat', 2);
    expect(cols.length).toBe(3);
    expect(Array.from(cols[2])).toEqual([9, 8, 7]);
    // Many lines (buffer growth).
    const big = Array.from({ length: 5000 }, (_, i) => `${i} ${i * 0.5}`).join('\n');
    const v = parseTimeSeries(big, 'big.dat');
    expect(v.length).toBe(5000);
    expect(v[4999]).toBe(2499.5);
  });

  it('time-series errors name file and 1-based line', () => {
    expect(() => parseTimeSeries('0 1\n1\n', 'w.dat')).toThrow(/^w\.dat:2: expected 'time cv/);
    expect(() => parseTimeSeries('0 1\n1 NaN\n', 'w.dat')).toThrow(/^w\.dat:2: cv \(column 2\) is not finite/);
    expect(() => parseTimeSeries('0 1\n1 -inf\n', 'w.dat')).toThrow(/^w\.dat:2: cv \(column 2\) is not finite/);
    expect(() => parseTimeSeries('# x\n0 1\nx 2\n', 'w.dat')).toThrow(/^w\.dat:3: time \(column 1\) is not a number/);
    expect(() => parseTimeSeries('0 1,5\n', 'w.dat')).toThrow(/^w\.dat:1: cv/);
    expect(() => parseTimeSeries('0 1e999\n', 'w.dat')).toThrow(/^w\.dat:1: cv \(column 2\) is not finite/);
    expect(() => parseTimeSeries('# nothing\n', 'w.dat')).toThrow(/^w\.dat: no data lines/);
    expect(() => parseTimeSeriesColumns('0 1 2\n0 1\n', 'w.dat')).toThrow(/^w\.dat:2: expected 3 columns/);
  });
});
