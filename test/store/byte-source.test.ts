/** store/byte-source.ts: the fd adapter returns exactly the bytes asked for, and fewer only at the end. */
import { afterAll, expect, test } from 'vitest';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fdByteSource } from '../../src-main/store/byte-source';

const dir = mkdtempSync(join(tmpdir(), 'liftwell-bytes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('fdByteSource reads any slice of a file, clipped at its end', () => {
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 256);
  const path = join(dir, 'data.bin');
  writeFileSync(path, bytes);
  const fd = openSync(path, 'r');
  try {
    const src = fdByteSource(fd);
    expect(src.size).toBe(1000);
    expect(Array.from(src.read(0, 10))).toEqual(Array.from(bytes.subarray(0, 10)));
    expect(Array.from(src.read(555, 100))).toEqual(Array.from(bytes.subarray(555, 655)));
    // Past the end: only what exists (a DCD reader relies on this to detect a truncated last frame).
    expect(Array.from(src.read(990, 50))).toEqual(Array.from(bytes.subarray(990)));
    expect(src.read(1000, 8).length).toBe(0);
  } finally {
    closeSync(fd);
  }
});
