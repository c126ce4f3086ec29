/**
 * The `liftwell` command-line contract, exercised through the real bin script (as scripts and
 * acceptance checks call it): exit codes, JSON fields, and answers against closed forms.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src-main/engine/random';

const bin = join(import.meta.dirname, '../../bin/liftwell.mjs');

function liftwell(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Double well V = a (x^2-1)^2 with kT = 1, umbrella windows W_k = 0.5 k (x - c_k)^2.
const a = 1;
const spring = 30;
const centers = [-1.2, -0.8, -0.4, 0, 0.4, 0.8, 1.2];
const V = (x: number) => a * (x * x - 1) ** 2;

/** Exact f_k = -ln integral exp(-(V + W_k)) dx by the trapezoid rule on a fine grid (error << 1e-6). */
function exactWindowFreeEnergies(): number[] {
  const f = centers.map((c) => {
    let sum = 0;
    const h = 1e-4;
    for (let x = -4; x <= 4; x += h) sum += Math.exp(-(V(x) + 0.5 * spring * (x - c) ** 2)) * h;
    return -Math.log(sum);
  });
  return f.map((v) => v - f[0]);
}

/** Independent samples of the biased density exp(-(V+W)) by rejection from the window Gaussian. */
function sampleWindow(c: number, n: number, rng: Rng): number[] {
  // exp(-(V + W)) = exp(-W) * exp(-V) and exp(-V) <= 1, so a Gaussian proposal with acceptance exp(-V) is exact.
  const out: number[] = [];
  const sd = 1 / Math.sqrt(spring);
  while (out.length < n) {
    const x = c + sd * rng.normal();
    if (rng.uniform() < Math.exp(-V(x))) out.push(x);
  }
  return out;
}

describe('liftwell CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'liftwell-cli-'));
  });

  it('prints help and exits 0', () => {
    const { code, stdout } = liftwell(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('fes');
    expect(stdout).toContain('sample');
    expect(liftwell(['fes', '--help']).stdout).toContain('--metadata');
  });

  it('rejects an unknown command with exit code 2', () => {
    expect(liftwell(['frobnicate']).code).toBe(2);
  });

  it('fes: window free energies from exact samples match the closed form', () => {
    const rng = new Rng(7, 0);
    const n = 20_000;
    const windowsDir = join(dir, 'windows');
    mkdirSync(windowsDir, { recursive: true });
    const metadata = ['# path centre spring'];
    centers.forEach((c, k) => {
      const samples = sampleWindow(c, n, rng);
      writeFileSync(join(windowsDir, `w${k}.dat`), samples.map((x, i) => `${i} ${x} 0.0`).join('\n') + '\n');
      metadata.push(`windows/w${k}.dat ${c} ${spring}`);
    });
    const metadataFile = join(dir, 'meta.txt');
    writeFileSync(metadataFile, metadata.join('\n') + '\n');

    const { code, stdout, stderr } = liftwell(['fes', '--metadata', metadataFile, '--bins', '80', '--range=-2,2', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.centers).toHaveLength(80);
    expect(out.pmf).toHaveLength(80);
    expect(out.converged).toBe(true);
    const exact = exactWindowFreeEnergies();
    // 20,000 independent samples per window: the standard error of each f_k - f_0 is a few
    // 0.01 kT (it grows along the chain of windows), binning adds ~1e-3; 0.1 kT is ~3 s.e.
    out.windowFreeEnergies.forEach((f: number, k: number) => expect(Math.abs(f - exact[k])).toBeLessThan(0.1));
    // The PMF follows V(x) (minimum 0 at x = +-1) where the windows sample well.
    out.centers.forEach((x: number, i: number) => {
      if (Math.abs(x) <= 1.3) expect(Math.abs(out.pmf[i] - V(x))).toBeLessThan(0.15);
    });
  });

  it('fes: a NaN row is rejected with exit code 2, naming file and line', () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'w0.dat'), '0 0.1\n1 nan\n2 0.3\n');
    writeFileSync(join(bad, 'meta.txt'), 'w0.dat 0.0 10\n');
    const { code, stderr } = liftwell(['fes', '--metadata', join(bad, 'meta.txt'), '--bins', '10', '--range=-1,1', '--json']);
    expect(code).toBe(2);
    expect(stderr).toContain('w0.dat');
    expect(stderr).toMatch(/:2\b/);
  });

  it('fes: a missing window file is reported at its metadata line', () => {
    const bad = join(dir, 'missing');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'meta.txt'), '# comment\nnope.dat 0.0 10\n');
    const { code, stderr } = liftwell(['fes', '--metadata', join(bad, 'meta.txt'), '--bins', '10', '--range=-1,1', '--json']);
    expect(code).toBe(2);
    expect(stderr).toContain('meta.txt:2');
    expect(stderr).toContain('nope.dat');
  });

  it('fes: a spring of 0 is rejected', () => {
    const bad = join(dir, 'spring0');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'w0.dat'), '0 0.1\n1 0.2\n');
    writeFileSync(join(bad, 'meta.txt'), 'w0.dat 0.0 0\n');
    const { code, stderr } = liftwell(['fes', '--metadata', join(bad, 'meta.txt'), '--bins', '10', '--range=-1,1', '--json']);
    expect(code).toBe(2);
    expect(stderr).toContain('meta.txt:1');
  });

  it('sample: Muller-Brown walkers, reproducible from the seed', () => {
    const args = ['sample', '--system', 'muller-brown', '--walkers', '16', '--steps', '2000', '--dt', '1e-4', '--kT', '10', '--start=-0.558,1.442', '--seed', '3', '--json'];
    const first = liftwell(args);
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout);
    expect(out.positions).toHaveLength(16);
    expect(out.positions[0]).toHaveLength(2);
    expect(out.walkerSteps).toBe(32_000);
    // kT = 10 in a basin ~100 deep: walkers stay near the deepest minimum (-0.558, 1.442).
    for (const [x, y] of out.positions) expect(Math.hypot(x + 0.558, y - 1.442)).toBeLessThan(0.5);
    expect(JSON.parse(liftwell(args).stdout).positions).toEqual(out.positions);
  });

  it('sample: a negative temperature is refused with exit code 2', () => {
    const { code, stderr } = liftwell(['sample', '--system', 'double-well', '--steps', '10', '--dt', '0.001', '--kT=-1', '--json']);
    expect(code).toBe(2);
    expect(stderr).toContain('--kT');
  });
});
