/** `liftwell run` through the real bin: help, and bad input exits 2 naming the file and key. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '../../bin/liftwell.mjs');
const liftwell = (args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, LIFTWELL_HOME: mkdtempSync(join(tmpdir(), 'lw-home-')) }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('liftwell run (CLI)', () => {
  it('is listed and documents itself', () => {
    expect(liftwell(['--help']).stdout).toMatch(/\n {2}run {8}a whole coupled study/);
    const help = liftwell(['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--resume/);
  });

  it('bad input: exit 2, the message names the file and the key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-run-'));
    const file = join(dir, 'bad.study.json');
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, name: 'x', system: { kind: 'double-well', a: 2 }, kT: 0, cvs: ['x'], sampling: { method: 'umbrella', range: [-1, 1], windows: 3, spring: 10, steps: 100 } }));
    const r = liftwell(['run', file, '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.study.json');
    expect(r.stderr).toMatch(/kT: must be > 0/);
    const missing = liftwell(['run', join(dir, 'nope.json'), '--out', join(dir, 'out')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: cannot read/);
    expect(liftwell(['run', '--out', join(dir, 'out')]).code).toBe(2);
  });
});
