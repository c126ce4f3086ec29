/**
 * Imports of results made elsewhere (docs/imports.md): a PLUMED HILLS file (+ COLVAR) and Grossfield
 * WHAM input (metadata + windows) through the API. Each FES is checked against a known answer: the
 * closed-form sum of hills, and the exact PMF of the fixture's harmonic potential (within the
 * fixture's sampling noise). Malformed files are refused naming file and line, nothing is stored.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportedHillsResult, ImportedWhamResult } from '../../src-main/api/contract';
import { call, callError, makeContext, tempDir } from './helpers';

const dir = tempDir('liftwell-imports-');
afterAll(() => dir.cleanup());
const fixture = (rel: string) => readFileSync(new URL(`../fixtures/${rel}`, import.meta.url), 'utf8');
const whamWindows = (n: number) => Array.from({ length: n }, (_, i) => ({ fileName: `window${i}.dat`, text: fixture(`wham/window${i}.dat`) }));

let projectPath: string;
beforeAll(async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  projectPath = (await call(ctx, 'createProject', { parentDir: dir.path, name: 'Imports' })).path;
  await ctx.shutdown();
});

test('a one-hill HILLS file gives F(x) = H (1 - exp(-(x-c)^2 / 2 sigma^2)): the written height, biasf cancels', async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  // Well-tempered: PLUMED writes H = h biasf/(biasf-1); F = -biasf/(biasf-1) * h g = -H g, shifted to min 0.
  const H = 2.5;
  const c = 0.3;
  const sigma = 0.2;
  const text = `#! FIELDS time d1 sigma_d1 height biasf\n 1.0 ${c} ${sigma} ${H} 8\n`;
  const rec = await call(ctx, 'importHills', { projectPath, name: 'one hill', hills: { fileName: 'HILLS', text } });
  expect(rec.kind).toBe('hills');
  const r = (await call(ctx, 'getImportedResult', { projectPath, importId: rec.id })) as ImportedHillsResult;
  expect(r.hills).toBe(1);
  expect(r.fes.axes[0]).toMatchObject({ name: 'd1', periodic: false });
  // The grid spans the centre +- 3 sigma (both ends included).
  expect(r.fes.axes[0].min).toBeCloseTo(c - 3 * sigma, 12);
  expect(r.fes.axes[0].max).toBeCloseTo(c + 3 * sigma, 12);
  const xs = r.fes.centers[0];
  const gMin = Math.min(...xs.map((x) => Math.exp(-0.5 * ((x - c) / sigma) ** 2)));
  const gMax = Math.max(...xs.map((x) => Math.exp(-0.5 * ((x - c) / sigma) ** 2)));
  xs.forEach((x, i) => {
    const g = Math.exp(-0.5 * ((x - c) / sigma) ** 2);
    // Exact up to rounding: -H g shifted by its minimum over the grid (-H gMax).
    expect(r.fes.values[i]).toBeCloseTo(H * (gMax - g), 12);
  });
  expect(Math.max(...(r.fes.values as number[]))).toBeCloseTo(H * (gMax - gMin), 12);
  expect(existsSync(join(projectPath, 'imports', rec.id, 'HILLS'))).toBe(true);
  await ctx.shutdown();
});

test('the periodic 2D HILLS fixture with its COLVAR: FES on the -pi..pi torsion grid, COLVAR columns kept, listed on reopen', async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  const rec = await call(ctx, 'importHills', {
    projectPath,
    name: 'PLUMED run',
    hills: { fileName: 'HILLS.periodic', text: fixture('plumed/HILLS.periodic') },
    colvar: { fileName: 'COLVAR.restart', text: fixture('plumed/COLVAR.restart') },
  });
  const r = (await call(ctx, 'getImportedResult', { projectPath, importId: rec.id })) as ImportedHillsResult;
  expect(r.fes.axes.map((a) => [a.name, a.periodic, a.min, a.max])).toEqual([['phi', true, -Math.PI, Math.PI], ['psi', true, -Math.PI, Math.PI]]);
  expect(r.fes.values.length).toBe(r.fes.centers[0].length * r.fes.centers[1].length);
  expect(Math.min(...(r.fes.values as number[]))).toBe(0);
  expect(r.biasFactor).toBe(10);
  expect(r.colvar?.fields).toEqual(['time', 'x', 'y', 'metad.bias']);
  expect(r.colvar?.columns[0].slice(0, 2)).toEqual([0, 0.1]);
  // The lowest free energy is where the hills pile up: the minimum image matters (hills at psi ~ +-3 wrap).
  const ny = r.fes.centers[1].length;
  const iMin = (r.fes.values as number[]).indexOf(0);
  expect(Math.abs(r.fes.centers[0][Math.floor(iMin / ny)] - -1.35)).toBeLessThan(0.2);
  expect(Math.abs(r.fes.centers[1][iMin % ny])).toBeGreaterThan(2.7);
  const reopened = await call(ctx, 'openProject', { projectPath });
  expect(reopened.imports?.map((i) => i.id)).toContain(rec.id);
  await ctx.shutdown();
});

test('a malformed HILLS or COLVAR is refused naming the file and line; nothing is stored', async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  const before = existsSync(join(projectPath, 'imports')) ? readdirSync(join(projectPath, 'imports')).length : 0;
  const bad = fixture('plumed/HILLS.periodic').replace(/^(\s+3\.0000\s+\S+)\s+\S+/m, '$1');
  const err = await callError(ctx, 'importHills', { projectPath, name: 'bad', hills: { fileName: 'HILLS.bad', text: bad } });
  expect(err.code).toBe('invalid-input');
  expect(err.message).toContain('HILLS.bad:10');
  const err2 = await callError(ctx, 'importHills', {
    projectPath, name: 'bad colvar', hills: { fileName: 'HILLS', text: fixture('plumed/HILLS.periodic') }, colvar: { fileName: 'COLVAR.bad', text: '#! FIELDS time x\n0 1\n1 oops\n' },
  });
  expect(err2.message).toContain('COLVAR.bad:3');
  const after = existsSync(join(projectPath, 'imports')) ? readdirSync(join(projectPath, 'imports')).length : 0;
  expect(after).toBe(before);
  await ctx.shutdown();
});

test('WHAM metadata + windows of U = x^2 (kT = 1) recover the exact PMF within the sampling noise', async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  const rec = await call(ctx, 'importWham', { projectPath, name: 'harmonic', metadata: { fileName: 'metadata.txt', text: fixture('wham/metadata.txt') }, windows: whamWindows(7), bins: 40 });
  expect(rec.options).toEqual({ bins: 40 });
  const r = (await call(ctx, 'getImportedResult', { projectPath, importId: rec.id })) as ImportedWhamResult;
  expect(r.converged).toBe(true);
  expect(r.fes.energyUnit).toBe('kT');
  expect(r.windows.map((w) => w.samples)).toEqual(Array(7).fill(400));
  // Compare on |x| <= 1.2 (every bin there holds >= ~50 samples) after matching the means: the
  // exact PMF is x^2. Per-bin noise of -ln(count) is ~1/sqrt(count) <= 0.15 kT; 0.35 kT is over 2x that.
  const xs = r.fes.centers[0];
  const inner = xs.map((x, i) => ({ x, f: r.fes.values[i] })).filter((p) => Math.abs(p.x) <= 1.2 && p.f !== null) as { x: number; f: number }[];
  expect(inner.length).toBeGreaterThanOrEqual(20);
  const shift = inner.reduce((s, p) => s + (p.f - p.x * p.x), 0) / inner.length;
  const worst = Math.max(...inner.map((p) => Math.abs(p.f - shift - p.x * p.x)));
  expect(worst).toBeLessThan(0.35);
  // The curvature, fitted by least squares to F = a x^2 + b on |x| <= 1.5 (31 bins): exact a = 1. Its
  // standard error is ~0.15 kT / sqrt(sum (x^2 - mean)^2) ~ 0.04, so 0.2 is ~5 sigma; the wrong spring
  // convention (bias k (x-c)^2 or k/4 (x-c)^2) gives a = 0.5 or 2 and fails.
  const pts = xs.map((x, i) => ({ x, f: r.fes.values[i] })).filter((p) => Math.abs(p.x) <= 1.5 && p.f !== null) as { x: number; f: number }[];
  const mx = pts.reduce((s, p) => s + p.x * p.x, 0) / pts.length;
  const mf = pts.reduce((s, p) => s + p.f, 0) / pts.length;
  const a = pts.reduce((s, p) => s + (p.x * p.x - mx) * (p.f - mf), 0) / pts.reduce((s, p) => s + (p.x * p.x - mx) ** 2, 0);
  expect(Math.abs(a - 1)).toBeLessThan(0.2);
  await ctx.shutdown();
});

test('WHAM: missing window files are named; a malformed window file is refused naming file and line', async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  const metadata = { fileName: 'metadata.txt', text: fixture('wham/metadata.txt') };
  const err = await callError(ctx, 'importWham', { projectPath, name: 'partial', metadata, windows: whamWindows(5) });
  expect(err.code).toBe('invalid-input');
  expect(err.message).toContain('window5.dat, window6.dat');
  const windows = whamWindows(7);
  windows[2] = { fileName: 'window2.dat', text: windows[2].text.replace(/^(3 )\S+/m, '$1abc') };
  const err2 = await callError(ctx, 'importWham', { projectPath, name: 'broken', metadata, windows });
  expect(err2.code).toBe('invalid-input');
  expect(err2.message).toContain('window2.dat:4');
  const err3 = await callError(ctx, 'importWham', { projectPath, name: 'bad meta', metadata: { fileName: 'meta.bad', text: 'window0.dat 0.0\n' }, windows });
  expect(err3.message).toContain('meta.bad:1');
  await ctx.shutdown();
});
