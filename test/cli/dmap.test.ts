/**
 * `liftwell dmap` through the real bin script: JSON fields, a closed-form answer (equispaced
 * circle: circulant Markov matrix, eigenvalues = discrete cosine sums of the kernel), the
 * reference fixture, and exit code 2 with a clear message for bad input.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy } from '../../src-main/engine/io/npy';

const bin = join(import.meta.dirname, '../../bin/liftwell.mjs');
const liftwell = (args: string[]) => {
  const r = spawnSync(process.execPath, [bin, 'dmap', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('liftwell dmap', () => {
  let dir: string;
  const n = 120;
  const eps = 0.4;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'liftwell-dmap-'));
    const circle = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) circle.set([Math.cos((2 * Math.PI * i) / n), Math.sin((2 * Math.PI * i) / n)], 2 * i);
    writeFileSync(join(dir, 'circle.npy'), encodeNpy(circle, [n, 2]));
    const bad = Float64Array.from(circle);
    bad[9] = NaN;
    writeFileSync(join(dir, 'nan.npy'), encodeNpy(bad, [n, 2]));
    writeFileSync(join(dir, 'flat.npy'), encodeNpy(circle, [2 * n]));
    const ref = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/dmap/embedded_200_auto.json'), 'utf8'));
    writeFileSync(join(dir, 'embedded.npy'), encodeNpy(Float64Array.from(ref.points.flat()), [ref.points.length, 3]));
  });

  it('prints eigenvalues, N x K coordinates and epsilon; circle eigenvalues match the circulant sums', () => {
    const { code, stdout, stderr } = liftwell(['--input', join(dir, 'circle.npy'), '--components', '4', '--epsilon', String(eps), '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.epsilon).toBe(eps);
    expect(out.coordinates).toHaveLength(n);
    expect(out.coordinates[0]).toHaveLength(4);
    let s0 = 0;
    const s = [0, 0, 0];
    for (let j = 0; j < n; j++) {
      const t = (2 * Math.PI * j) / n;
      const k = Math.exp(-(2 - 2 * Math.cos(t)) / eps);
      s0 += k;
      s[1] += k * Math.cos(t);
      s[2] += k * Math.cos(2 * t);
    }
    const expected = [s[1] / s0, s[1] / s0, s[2] / s0, s[2] / s0];
    // Dense symmetric eigen-solver, JSON round trip exact: rounding only (1e-12).
    out.eigenvalues.forEach((v: number, k: number) => expect(Math.abs(v - expected[k])).toBeLessThan(1e-12));
  });

  it('automatic epsilon reproduces the NumPy reference (fixture) and reports the scan', () => {
    const ref = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/dmap/embedded_200_auto.json'), 'utf8'));
    const { code, stdout } = liftwell(['--input', join(dir, 'embedded.npy'), '--components', '4', '--json']);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(Math.abs(out.epsilon / ref.epsilon - 1)).toBeLessThan(1e-10); // same recipe, 64 exp-sums
    out.eigenvalues.forEach((v: number, k: number) => expect(Math.abs(v - ref.eigenvalues[k])).toBeLessThan(1e-10));
    expect(out.epsilonScan.grid).toHaveLength(64);
    expect(out.epsilonScan.maxSlopeEpsilon).toBeGreaterThan(0);
  });

  it('bad input exits 2 with a message naming the problem', () => {
    const cases: [string[], RegExp][] = [
      [['--input', join(dir, 'nan.npy')], /nan\.npy: row 4, column 1 is not finite/],
      [['--input', join(dir, 'flat.npy')], /expected a 2-D array .* got shape \(240\)/],
      [['--input', join(dir, 'circle.npy'), '--components', '119'], /--components must be at most 118/],
      [['--input', join(dir, 'circle.npy'), '--epsilon=-1'], /--epsilon must be greater than 0/],
      [['--input', join(dir, 'circle.npy'), '--alpha', '3'], /--alpha must be in \[0, 1\]/],
      [['--input', join(dir, 'circle.npy'), '--landmarks', '500'], /--landmarks must be at most the number of points 120/],
      [['--input', join(dir, 'missing.npy')], /missing\.npy: cannot read: file not found/],
      [[], /--input is required/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = liftwell([...args, '--json']);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toMatch(message);
    }
  });

  it('--help documents the options', () => {
    const { code, stdout } = liftwell(['--help']);
    expect(code).toBe(0);
    for (const opt of ['--input', '--components', '--epsilon', '--alpha', '--landmarks']) expect(stdout).toContain(opt);
  });
});
