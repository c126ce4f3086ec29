/**
 * `liftwell md` long enough to draw its random normals on the prefetch thread gives the same
 * trajectory bit for bit as with the thread switched off (LIFTWELL_MD_PREFETCH=0): final
 * coordinates and velocities, the energy series and the printed statistics. Without and with
 * RATTLE (a different step, the same stream).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '../..');
const bin = join(repo, 'bin/liftwell.mjs');
const ala2 = join(repo, 'resources/molecules/alanine-dipeptide');

function md(prefetch: '0' | '1', constraints: string, dt: string, out: string) {
  const args = ['md', '--top', join(ala2, 'ala2.prmtop'), '--coords', join(ala2, 'ala2.inpcrd'), '--steps', '20000', '--dt', dt, '--temperature', '300', '--friction', '1', '--seed', '5', '--constraints', constraints, '--report', '500', '--out', out, '--json'];
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, LIFTWELL_MD_PREFETCH: prefetch } });
  expect(r.status, r.stderr).toBe(0);
  const json = JSON.parse(r.stdout);
  const files = ['final.inpcrd', 'energies.npy'].map((f) => readFileSync(join(out, f)));
  return { json, files };
}

describe('liftwell md with the random numbers drawn on a second thread', () => {
  for (const [constraints, dt] of [['none', '0.001'], ['hbonds', '0.002']]) {
    it(`same trajectory as in one thread (constraints ${constraints})`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'liftwell-md-prefetch-'));
      const one = md('0', constraints, dt, join(dir, 'one'));
      const two = md('1', constraints, dt, join(dir, 'two'));
      expect(one.json.prefetchedNormals).toBe(false);
      expect(two.json.prefetchedNormals).toBe(true);
      one.files.forEach((f, i) => expect(two.files[i].equals(f), `file ${i}`).toBe(true));
      expect(two.json.energy).toEqual(one.json.energy);
      expect(two.json.temperature).toEqual(one.json.temperature);
    });
  }
});
