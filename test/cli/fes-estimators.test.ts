/**
 * `liftwell fes` extensions (issue 4): --estimator mbar against pymbar numbers through the real
 * bin script (1D and 2D with a periodic axis), --bootstrap reproducibility, --subsample report,
 * basins, and exit code 2 with file:line for bad 2D input. The 1D default output keeps every
 * field of the foundations contract (test/cli/cli.test.ts covers its numbers).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src-main/engine/random';
import { statisticalInefficiency } from '../../src-main/engine/estimators/autocorr';

const bin = join(import.meta.dirname, '../../bin/liftwell.mjs');
function liftwell(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
interface Fixture {
  kT: number;
  axes: { bins: number; min: number; max: number; periodic: boolean }[];
  windows: { centers: number[]; springs: number[]; samples: number[][] }[];
  f_k: number[];
  df_k: number[];
  pmf: (number | null)[];
  dpmf: (number | null)[];
}
const load = (name: string): Fixture => JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/mbar', `${name}.json`), 'utf8'));

/** Writes the fixture's windows as Grossfield files (%.17g keeps every bit) and returns the metadata path. */
function writeWindows(dir: string, fx: Fixture): string {
  mkdirSync(dir, { recursive: true });
  const meta: string[] = [];
  fx.windows.forEach((w, k) => {
    const rows = w.samples[0].map((_, i) => [i, ...w.samples.map((s) => s[i])].join(' '));
    writeFileSync(join(dir, `w${k}.dat`), rows.join('\n') + '\n');
    meta.push(`w${k}.dat ${w.centers.join(' ')} ${w.springs.join(' ')}`);
  });
  writeFileSync(join(dir, 'meta.txt'), meta.join('\n') + '\n');
  return join(dir, 'meta.txt');
}

describe('liftwell fes: estimators, errors, 2D, basins', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'liftwell-fes-'));
  });

  it('--estimator mbar reproduces pymbar (f_k, df_k, PMF, dPMF) and keeps the 1D contract fields', () => {
    const fx = load('double-well');
    const meta = writeWindows(join(dir, 'dw'), fx);
    const a = fx.axes[0];
    const r = liftwell(['fes', '--metadata', meta, '--bins', String(a.bins), `--range=${a.min},${a.max}`, '--estimator', 'mbar', '--tolerance', '1e-12', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const key of ['centers', 'pmf', 'windowFreeEnergies', 'windowCenters', 'iterations', 'converged', 'tolerance', 'samplesPerWindow', 'samplesOutsideRange', 'histograms', 'warnings']) {
      expect(out).toHaveProperty(key);
    }
    expect(out.estimator).toBe('mbar');
    // Same data, both solvers converged to ~1e-12 (kT = 1 here): 1e-8 kT (brief: 1e-6 kT).
    fx.f_k.forEach((f, k) => expect(Math.abs(out.windowFreeEnergies[k] - f)).toBeLessThan(1e-8));
    fx.df_k.forEach((d, k) => expect(Math.abs(out.windowFreeEnergiesError[k] - d)).toBeLessThan(1e-6 * Math.max(d, 1e-3)));
    fx.pmf.forEach((p, b) => {
      if (p === null) return expect(out.pmf[b]).toBeNull();
      expect(Math.abs(out.pmf[b] - p)).toBeLessThan(1e-8);
      expect(Math.abs(out.pmfError[b] - fx.dpmf[b]!)).toBeLessThan(1e-6 * Math.max(fx.dpmf[b]!, 1e-3));
    });
    // Double well: two basins (x < 0 and x > 0), free energies relative to the lowest, with errors.
    expect(out.basins).toHaveLength(2);
    expect(Math.min(...out.basins.map((b: { freeEnergy: number }) => b.freeEnergy))).toBe(0);
    for (const b of out.basins) expect(b.error).toBeGreaterThanOrEqual(0);
  });

  it('default wham without errors requested adds no error fields; --bootstrap is reproducible per seed', () => {
    const fx = load('double-well');
    const meta = join(dir, 'dw', 'meta.txt');
    const base = ['fes', '--metadata', meta, '--bins', '36', '--range=-1.8,1.8', '--json'];
    const plain = JSON.parse(liftwell(base).stdout);
    expect(plain.estimator).toBe('wham');
    expect(plain).not.toHaveProperty('pmfError');
    expect(plain.basins[0].error).toBeNull();
    const b1 = liftwell([...base, '--bootstrap', '20', '--seed', '3']);
    const b2 = liftwell([...base, '--bootstrap', '20', '--seed', '3']);
    expect(b1.code).toBe(0);
    expect(b1.stdout).toBe(b2.stdout);
    const out = JSON.parse(b1.stdout);
    expect(out.pmfError).toHaveLength(36);
    expect(out.windowFreeEnergiesError[0]).toBe(0);
    // Bootstrap and MBAR asymptotic errors estimate the same thing on independent samples:
    // within a factor 1.6 (20 replicates give sigma to ~16%).
    for (let k = 1; k < fx.df_k.length; k++) {
      expect(out.windowFreeEnergiesError[k] / fx.df_k[k]).toBeGreaterThan(1 / 1.6);
      expect(out.windowFreeEnergiesError[k] / fx.df_k[k]).toBeLessThan(1.6);
    }
  });

  it('--subsample reports g per window and how many samples were kept', () => {
    const rng = new Rng(21, 0);
    const d = join(dir, 'corr');
    mkdirSync(d, { recursive: true });
    const series: Float64Array[] = [];
    const meta: string[] = [];
    [-0.5, 0, 0.5].forEach((c, k) => {
      // Ornstein-Uhlenbeck around c (AR(1), phi = 0.9): g = 19 exactly for the infinite series.
      const x = new Float64Array(3000);
      x[0] = c;
      for (let t = 1; t < x.length; t++) x[t] = c + 0.9 * (x[t - 1] - c) + 0.1 * rng.normal();
      series.push(x);
      writeFileSync(join(d, `w${k}.dat`), Array.from(x, (v, i) => `${i} ${v}`).join('\n') + '\n');
      meta.push(`w${k}.dat ${c} 100`);
    });
    writeFileSync(join(d, 'meta.txt'), meta.join('\n') + '\n');
    const r = liftwell(['fes', '--metadata', join(d, 'meta.txt'), '--bins', '30', '--range=-1.5,1.5', '--subsample', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    series.forEach((x, k) => expect(out.statisticalInefficiency[k]).toBeCloseTo(statisticalInefficiency(x), 10));
    expect(out.subsampling.samplesBefore).toEqual([3000, 3000, 3000]);
    out.subsampling.samplesAfter.forEach((n: number, k: number) => expect(Math.abs(n - 3000 / out.statisticalInefficiency[k])).toBeLessThanOrEqual(1.5));
    expect(out.samplesPerWindow).toEqual(out.subsampling.samplesAfter);
  });

  it('--dims 2 with a periodic axis: MBAR grid, window free energies and errors equal pymbar; basins reported', () => {
    const fx = load('grid2d');
    const meta = writeWindows(join(dir, 'g2'), fx);
    const [ax, ay] = fx.axes;
    const args = ['fes', '--dims', '2', '--metadata', meta, '--bins', `${ax.bins},${ay.bins}`, `--range=${ax.min},${ax.max},${ay.min},${ay.max}`, '--periodic', 'y', '--tolerance', '1e-12', '--json'];
    const r = liftwell([...args, '--estimator', 'mbar']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.dims).toBe(2);
    expect(out.pmf).toHaveLength(ax.bins);
    expect(out.pmf[0]).toHaveLength(ay.bins);
    fx.f_k.forEach((f, k) => expect(Math.abs(out.windowFreeEnergies[k] - f)).toBeLessThan(1e-8));
    fx.df_k.forEach((d, k) => expect(Math.abs(out.windowFreeEnergiesError[k] - d)).toBeLessThan(1e-6 * Math.max(d, 1e-3)));
    fx.pmf.forEach((p, b) => {
      const v = out.pmf[Math.floor(b / ay.bins)][b % ay.bins];
      if (p === null) return expect(v).toBeNull();
      expect(Math.abs(v - p)).toBeLessThan(1e-8);
      expect(Math.abs(out.pmfError[Math.floor(b / ay.bins)][b % ay.bins] - fx.dpmf[b]!)).toBeLessThan(1e-6 * Math.max(fx.dpmf[b]!, 1e-3));
    });
    expect(out.basins.length).toBeGreaterThanOrEqual(1);
    expect(out.basinMap).toHaveLength(ax.bins);
    for (const b of out.basins) expect(b.minimum).toHaveLength(2);
    // WHAM on the same grid with a bootstrap: runs, same shapes, errors present.
    const w = liftwell([...args, '--bootstrap', '5', '--seed', '2']);
    expect(w.code).toBe(0);
    const wo = JSON.parse(w.stdout);
    expect(wo.estimator).toBe('wham');
    expect(wo.pmfError).toHaveLength(ax.bins);
    expect(wo.errorMethod).toMatch(/bootstrap/);
  });

  it('bad 2D input exits 2 naming the file and line or the option', () => {
    const d = join(dir, 'bad2d');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'w0.dat'), '0 0.1 0.2\n1 0.2 0.3\n');
    writeFileSync(join(d, 'meta.txt'), '# 2D\nw0.dat 0 0 10\n');
    const base = ['fes', '--dims', '2', '--metadata', join(d, 'meta.txt'), '--bins', '4,4', '--range=-1,1,-1,1', '--json'];
    const r = liftwell(base);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('meta.txt:2');
    writeFileSync(join(d, 'meta.txt'), 'w0.dat 0 0 10 10\n');
    writeFileSync(join(d, 'w0.dat'), '0 0.1 0.2\n1 0.2\n');
    const r2 = liftwell(base);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('w0.dat:2');
    expect(liftwell([...base.slice(0, 6), '--bins', '4', '--range=-1,1,-1,1']).code).toBe(2);
    expect(liftwell(['fes', '--metadata', join(d, 'meta.txt'), '--bins', '4', '--range=-1,1', '--estimator', 'nope']).stderr).toMatch(/--estimator/);
  });
});
