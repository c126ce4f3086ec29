/**
 * Streaming writers (issue 14, finding 5): the HILLS, COLVAR and .npy files made a chunk of rows
 * at a time from the raw files are byte-identical to the in-memory formatters they replace
 * (formatHills, formatPlumedTable, encodeNpy), across chunk boundaries (> 65,536 rows), and a
 * failed write leaves no temporary file.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src-main/engine/random';
import { encodeNpy } from '../../src-main/engine/io/npy';
import { formatHills, formatPlumedTable } from '../../src-main/engine/io/plumed';
import { AtomicFileStream, writeHillsFromRaw, writeNpyFromRaw, writePlumedFromRaw, writeStreamed } from '../../src-main/runs/runtime/stream-out';
import { tempDir } from '../api/helpers';

const dir = tempDir('liftwell-stream-');
afterAll(() => dir.cleanup());

function rawFile(name: string, rows: number, width: number, seed: number): Float64Array {
  const rng = new Rng(seed, 0);
  const data = new Float64Array(rows * width);
  for (let i = 0; i < data.length; i++) data[i] = i % 7 === 0 ? -0 : rng.normal() * 10 ** Math.floor(rng.uniform() * 12 - 6);
  writeFileSync(join(dir.path, name), new Uint8Array(data.buffer));
  return data;
}

const column = (data: Float64Array, width: number, j: number) => Float64Array.from({ length: data.length / width }, (_, r) => data[r * width + j]);

describe('streaming writers', () => {
  it('COLVAR text and .npy equal the in-memory formatters over several chunks', () => {
    const width = 5;
    const rows = 70_001;
    const data = rawFile('colvar.f64', rows, width, 1);
    const fields = ['time', 'walker', 'x', 'metad.bias', 'metad.rct'];
    writePlumedFromRaw(join(dir.path, 'COLVAR'), fields, join(dir.path, 'colvar.f64'), width);
    const expected = formatPlumedTable(fields, fields.map((_, j) => column(data, width, j)));
    expect(readFileSync(join(dir.path, 'COLVAR'), 'utf8')).toBe(expected);
    writeNpyFromRaw(join(dir.path, 'colvar.npy'), join(dir.path, 'colvar.f64'), width);
    expect(Buffer.compare(readFileSync(join(dir.path, 'colvar.npy')), Buffer.from(encodeNpy(data, [rows, width])))).toBe(0);
    writeNpyFromRaw(join(dir.path, 'cols.npy'), join(dir.path, 'colvar.f64'), width, [2, 3]);
    const picked = new Float64Array(rows * 2);
    for (let r = 0; r < rows; r++) [picked[2 * r], picked[2 * r + 1]] = [data[r * width + 2], data[r * width + 3]];
    expect(Buffer.compare(readFileSync(join(dir.path, 'cols.npy')), Buffer.from(encodeNpy(picked, [rows, 2])))).toBe(0);
  });

  it('HILLS equals formatHills (2 CVs, one periodic, well-tempered heights)', () => {
    const d = 2;
    const width = 2 + 2 * d;
    const rows = 66_000;
    const raw = rawFile('hills.f64', rows, width, 2);
    for (let r = 0; r < rows; r++) raw[r * width + 1 + d] = raw[r * width + 2 + d] = 0.1 + r * 1e-6; // sigmas > 0
    writeFileSync(join(dir.path, 'hills.f64'), new Uint8Array(raw.buffer));
    const periodic = [{ min: -Math.PI, max: Math.PI }, null];
    const biasFactor = 6;
    const n = writeHillsFromRaw(join(dir.path, 'HILLS'), join(dir.path, 'hills.f64'), ['phi', 'psi'], periodic, biasFactor);
    expect(n).toBe(rows);
    const centers = new Float64Array(rows * d);
    const sigmas = new Float64Array(rows * d);
    for (let r = 0; r < rows; r++) for (let i = 0; i < d; i++) {
      centers[r * d + i] = raw[r * width + 1 + i];
      sigmas[r * d + i] = raw[r * width + 1 + d + i];
    }
    const expected = formatHills({ cvNames: ['phi', 'psi'], periodic, time: column(raw, width, 0), centers, sigmas, heights: column(raw, width, 1 + 2 * d), biasFactor: new Float64Array(rows).fill(biasFactor) });
    expect(readFileSync(join(dir.path, 'HILLS'), 'utf8')).toBe(expected);
  });

  it('an empty raw file gives the header only; a failure leaves the old file and no temporary', () => {
    writeFileSync(join(dir.path, 'empty.f64'), '');
    writePlumedFromRaw(join(dir.path, 'EMPTY'), ['time', 'x'], join(dir.path, 'empty.f64'), 2);
    expect(readFileSync(join(dir.path, 'EMPTY'), 'utf8')).toBe(formatPlumedTable(['time', 'x'], [new Float64Array(0), new Float64Array(0)]));
    expect(() => writeStreamed(join(dir.path, 'EMPTY'), (out: AtomicFileStream) => {
      out.text('partial');
      throw new Error('disk gone');
    })).toThrow('disk gone');
    expect(readFileSync(join(dir.path, 'EMPTY'), 'utf8')).toContain('#! FIELDS time x');
    expect(readdirSync(dir.path).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
