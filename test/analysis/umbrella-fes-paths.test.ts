/**
 * One umbrella-FES pipeline (analysis/umbrella-fes/): the same windows given to the app (a run's
 * .npy window files through computeFes) and to `liftwell fes` (Grossfield files written with
 * every bit, through the real bin script) give bit-identical window free energies and PMFs,
 * for WHAM and MBAR in 1D and WHAM in 2D. Both default to a 1e-10 kT convergence, so any
 * difference would mean the two paths estimate differently. One known exception: the CLI's MBAR
 * also computes the covariance, and its PMF then comes from mbarBinFreeEnergies, which sums the
 * same terms in another order than the app's error-free path: equal to rounding (1e-12 kT).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { computeFes } from '../../src-main/analysis/umbrella-fes/compute';
import type { UmbrellaFesInput } from '../../src-main/analysis/umbrella-fes/windows';
import { encodeNpy } from '../../src-main/engine/io/npy';
import { Rng } from '../../src-main/engine/random';
import { windowFilePath } from '../../src-main/store/project';
import { type UmbrellaJob } from '../../src-main/runs/run-file';

const bin = join(import.meta.dirname, '../../bin/liftwell.mjs');
function liftwellJson(args: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, [bin, 'fes', ...args, '--json'], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`liftwell fes exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'liftwell-fes-paths-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** AR(1) samples around a centre (correlated like a real window, reproducible by seed). */
function ar1(rng: Rng, centre: number, n: number, sd: number): Float64Array {
  const out = new Float64Array(n);
  let x = centre;
  for (let i = 0; i < n; i++) {
    x = centre + 0.8 * (x - centre) + sd * 0.6 * rng.normal();
    out[i] = x;
  }
  return out;
}

/** Writes the windows as an app run (npy) and as Grossfield input (String(v) round-trips every bit). */
function writeBoth(runId: string, job: UmbrellaJob, columns: Float64Array[][]): { file: UmbrellaFesInput; meta: string } {
  const meta: string[] = [];
  const gross = join(dir, `${runId}-wham`);
  mkdirSync(gross, { recursive: true });
  job.windows.forEach((w, k) => {
    const path = windowFilePath(dir, runId, w.index);
    mkdirSync(dirname(path), { recursive: true });
    const n = columns[k][0].length;
    if (columns[k].length === 1) writeFileSync(path, encodeNpy(columns[k][0], [1, n]));
    else {
      const flat = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) [flat[2 * i], flat[2 * i + 1]] = [columns[k][0][i], columns[k][1][i]];
      writeFileSync(path, encodeNpy(flat, [1, n, 2]));
    }
    const rows = Array.from({ length: n }, (_, i) => [i, ...columns[k].map((c) => String(c[i]))].join(' '));
    writeFileSync(join(gross, `w${k}.dat`), rows.join('\n') + '\n');
    meta.push(`w${k}.dat ${w.centers.join(' ')} ${w.springs.join(' ')}`);
  });
  writeFileSync(join(gross, 'meta.txt'), meta.join('\n') + '\n');
  return { file: { run: { id: runId }, job }, meta: join(gross, 'meta.txt') };
}

const baseJob = { kind: 'umbrella' as const, kT: 1, dt: 1e-3, walkers: 1, equilibrationSteps: 0, stepsPerWindow: 300, stride: 1, samplesPerWindow: 300, seed: 1, streamStride: 4 };

test('1D: app and CLI give the same WHAM and MBAR numbers, bit for bit (MBAR PMF to rounding)', async () => {
  const rng = new Rng(21, 0);
  const centres = [-1.2, -0.8, -0.4, 0, 0.4, 0.8, 1.2];
  const job: UmbrellaJob = { ...baseJob, system: { kind: 'double-well', a: 2 }, cvIndex: 0, windows: centres.map((c, i) => ({ index: i, centers: [c], springs: [25], start: [c] })) };
  const columns = centres.map((c) => [ar1(rng, c, 300, 0.2)]);
  const { file, meta } = writeBoth('one', job, columns);
  const grid = { bins: 30, min: -1.5, max: 1.5 };
  for (const estimator of ['wham', 'mbar'] as const) {
    const app = await computeFes(dir, file, { ...grid, estimator });
    const cli = liftwellJson(['--metadata', meta, '--bins', '30', '--range=-1.5,1.5', '--estimator', estimator]);
    expect(cli.windowFreeEnergies).toEqual(app.windowFreeEnergies);
    expect(cli.centers).toEqual(app.centers);
    if (estimator === 'wham') expect(cli.pmf).toEqual(app.pmf);
    else {
      const pmf = cli.pmf as (number | null)[];
      expect(pmf.map((v) => v === null)).toEqual(app.pmf.map((v) => v === null));
      pmf.forEach((v, b) => v !== null && expect(Math.abs(v - app.pmf[b]!)).toBeLessThan(1e-12));
    }
  }
}, 60_000);

test('2D: app and CLI give the same WHAM surface, bit for bit', async () => {
  const rng = new Rng(22, 0);
  const windows: UmbrellaJob['windows'] = [];
  for (const cx of [-1, -0.5, 0, 0.5]) for (const cy of [0, 0.5, 1]) windows.push({ index: windows.length, start: [cx, cy], centers: [cx, cy], springs: [20, 20] });
  const job: UmbrellaJob = { ...baseJob, system: { kind: 'muller-brown', scale: 0.1 }, cvIndex: 0, cvIndices: [0, 1], gridShape: [4, 3], windows };
  const columns = windows.map((w) => [ar1(rng, w.centers![0], 200, 0.22), ar1(rng, w.centers![1], 200, 0.22)]);
  const { file, meta } = writeBoth('two', job, columns);
  const app = await computeFes(dir, file, { bins: 12, binsY: 10, min: -1.4, max: 0.9, minY: -0.4, maxY: 1.4, estimator: 'wham' });
  const cli = liftwellJson(['--dims', '2', '--metadata', meta, '--bins', '12,10', '--range=-1.4,0.9,-0.4,1.4']);
  expect(cli.windowFreeEnergies).toEqual(app.windowFreeEnergies);
  expect(cli.pmf).toEqual(app.grid!.pmf);
}, 60_000);
