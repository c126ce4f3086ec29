/**
 * `liftwell md` long enough to use the helper thread (torsions and random normals on a second
 * core: threads/md-helper.ts) gives the same trajectory bit for bit as `--threads 1`: final
 * coordinates and velocities, the energy series and the printed statistics. Without and with
 * RATTLE (a different step, the same stream), and at constant energy (no normals drawn).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '../..');
const bin = join(repo, 'bin/liftwell.mjs');
const ala2 = join(repo, 'resources/molecules/alanine-dipeptide');

function md(threads: '1' | '2', constraints: string, dt: string, friction: string, out: string) {
  const args = ['md', '--top', join(ala2, 'ala2.prmtop'), '--coords', join(ala2, 'ala2.inpcrd'), '--steps', '20000', '--dt', dt, '--temperature', '300', '--friction', friction, '--seed', '5', '--constraints', constraints, '--report', '500', '--threads', threads, '--out', out, '--json'];
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  const json = JSON.parse(r.stdout);
  const files = ['final.inpcrd', 'energies.npy'].map((f) => readFileSync(join(out, f)));
  return { json, files };
}

describe('liftwell md with a helper thread', () => {
  for (const [constraints, dt, friction] of [['none', '0.001', '1'], ['hbonds', '0.002', '1'], ['none', '0.001', '0']]) {
    it(`same trajectory as in one thread (constraints ${constraints}, friction ${friction})`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'liftwell-md-threads-'));
      const one = md('1', constraints, dt, friction, join(dir, 'one'));
      const two = md('2', constraints, dt, friction, join(dir, 'two'));
      expect(one.json.threads).toEqual({ helper: false });
      expect(two.json.threads.helper).toBe(true);
      expect(two.json.threads.torsionsOnHelper + two.json.threads.torsionsHere).toBeGreaterThan(20_000);
      one.files.forEach((f, i) => expect(two.files[i].equals(f), `file ${i}`).toBe(true));
      expect(two.json.energy).toEqual(one.json.energy);
      expect(two.json.temperature).toEqual(one.json.temperature);
    });
  }
});
