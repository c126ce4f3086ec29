import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/liftwell.mjs', import.meta.url));
function sample(args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'sample', '--system', 'double-well', '--dt', '0.005', '--seed', '3', '--json', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stderr: r.stderr, json: r.status === 0 ? JSON.parse(r.stdout) : null };
}

describe('liftwell sample --executor', () => {
  it('auto picks the CPU kernel here and says why', () => {
    const r = sample(['--walkers', '8', '--steps', '10']);
    expect(r.status).toBe(0);
    expect(r.json.executor).toBe('cpu');
    expect(r.json.executorReason).toMatch(/8 walkers < \d+/);
    expect(r.json.backend).toBeNull();
  });

  it('tensor runs on the tfjs backend it names and lands in the double-well law', () => {
    const n = 2048;
    const r = sample(['--walkers', String(n), '--steps', '600', '--executor', 'tensor', '--start=1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.executor).toBe('tensor');
    expect(['wasm', 'cpu', 'node', 'node-gpu']).toContain(r.json.backend);
    const x2 = r.json.positions.map((p: number[]) => p[0] * p[0]);
    const mean = x2.reduce((a: number, b: number) => a + b, 0) / n;
    const sd = Math.sqrt(x2.reduce((a: number, b: number) => a + (b - mean) ** 2, 0) / (n - 1));
    // Exact Boltzmann <x^2> = 0.83275 (a = 1, kT = 1); t = 3 is ~25 within-well relaxation
    // times; 4 standard errors plus 0.01 for Euler-Maruyama bias at dt 0.005 (measured -0.004).
    // Started in one well, the barrier-crossing balance need not be reached, but <x^2> is symmetric.
    expect(Math.abs(mean - 0.83275)).toBeLessThan((4 * sd) / Math.sqrt(n) + 0.01);
  });

  it('rejects an unknown executor with exit code 2', () => {
    const r = sample(['--walkers', '2', '--steps', '1', '--executor', 'gpu']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--executor must be auto, cpu or tensor/);
  });
});
