/**
 * Umbrella windows on atomic CVs through the API: a 3x3 phi/psi grid of alanine dipeptide
 * (hbonds constraints, 2 fs, strong springs) completes in one task per window; samples stay near
 * their centres; WHAM gives a finite FES at every window centre with labelled basins; the windows'
 * DCDs read as one trajectory; results do not depend on the worker count; a crashed run resumes
 * bit-identically; bad umbrella input is refused with a clear message; 1 CV gives a 1D profile.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MolecularRunParamsInput as MolecularRunParams } from '../../src-main/api/contract';
import { parseDcd } from '../../src-main/engine/molecules/formats/dcd';
import { dihedralCv } from '../../src-main/engine/molecules/cv';
import { call, callError, makeContext, tempDir, waitForFinal } from './helpers';

const dir = tempDir('liftwell-mol-umbrella-');
afterAll(() => dir.cleanup());
const home = () => join(dir.path, 'home');

let projectPath: string;
let moleculeId: string;
beforeAll(async () => {
  const ctx = makeContext(home());
  projectPath = (await call(ctx, 'createProject', { parentDir: dir.path, name: 'Umbrella' })).path;
  moleculeId = (await call(ctx, 'addExampleMolecule', { projectPath, example: 'alanine-dipeptide' })).id;
  await ctx.shutdown();
});

const DEG = Math.PI / 180;
const PHI = [-150, -80, 60].map((d) => d * DEG);
const PSI = [-60, 70, 160].map((d) => d * DEG);
const K = 1000; // kJ/mol/rad^2: sqrt(kT / k) = 0.05 rad = 2.9 deg at 300 K
const params: MolecularRunParams = {
  temperature: 300,
  friction: 1,
  dt: 0.002,
  steps: 3000,
  constraints: 'hbonds',
  minimize: true,
  seed: 11,
  frameInterval: 10,
  cvs: ['phi=dihedral(5,7,9,15)', 'psi=dihedral(7,9,15,17)'],
  umbrella: { centers: [PHI, PSI], spring: [K, K], equilibrationSteps: 500 },
};
const WINDOWS = 9;
const SAMPLES = params.steps / params.frameInterval;
const pad = (k: number) => String(k).padStart(3, '0');
const windowFiles = (runId: string) =>
  Array.from({ length: WINDOWS }, (_, k) => [`window-${pad(k)}.dcd`, `window-${pad(k)}-cv.npy`, `window-${pad(k)}-energies.npy`].map((f) => join(projectPath, 'runs', runId, f))).flat();
const wrap = (d: number) => d - 2 * Math.PI * Math.round(d / (2 * Math.PI));

let refRunId: string;

test('a 3x3 phi/psi umbrella grid: samples near their centres, finite FES at every centre, labelled basins', async () => {
  const ctx = makeContext(home());
  const phases: string[] = [];
  ctx.subscribe((e) => {
    if (e.type === 'run-progress' && e.runId === refRunId) phases.push(e.phase);
  });
  const run = await call(ctx, 'startMolecularRun', { projectPath, moleculeId, name: 'ala2 umbrella', params });
  refRunId = run.id;
  const done = await waitForFinal(ctx, run.id, 90_000);
  expect(done.status, done.error).toBe('completed');
  expect(phases.some((p) => /umbrella windows on phi, psi: \d of 9 done/.test(p))).toBe(true);

  const result = await call(ctx, 'getMolecularResult', { projectPath, runId: run.id });
  expect(result.frames).toBe(WINDOWS * SAMPLES);
  expect(result.cvValues.length).toBe(WINDOWS * SAMPLES);
  const u = result.umbrella!;
  expect(u.cvNames).toEqual(['phi', 'psi']);
  expect(u.centers).toEqual(PHI.flatMap((a) => PSI.map((b) => [a, b])));
  expect(u.samples).toEqual(Array(WINDOWS).fill(SAMPLES));
  // Times run through the windows: window k's sampling starts at k x 6 ps.
  expect(result.times[0]).toBeCloseTo(params.frameInterval * params.dt, 12);
  expect(result.times[SAMPLES]).toBeCloseTo(params.steps * params.dt + params.frameInterval * params.dt, 9);

  // Mean deviation from the centre: a harmonic spring k on a free-energy slope F' shifts the mean
  // by -F'/k. Ramachandran slopes of alanine dipeptide in vacuum stay below ~100 kJ/mol/rad, so
  // the shift is < 0.1 rad; the statistical error of a 300-sample mean with sd sqrt(kT/k) = 0.05
  // rad is < 0.01 rad even for correlated samples. Bound 0.15 rad (the grid spacing is >= 70 deg;
  // an unrestrained or wrongly wrapped window drifts by radians).
  const deviations = u.meanDeviation.flat();
  console.log('mean deviations (deg):', deviations.map((v) => (v / DEG).toFixed(1)).join(' '));
  for (const v of deviations) expect(Math.abs(v)).toBeLessThan(0.15);
  // The same from the samples themselves, window by window (periodic minimum image).
  for (let k = 0; k < WINDOWS; k++) {
    const rows = result.cvValues.slice(k * SAMPLES, (k + 1) * SAMPLES);
    const m = rows.reduce((s, r) => s + wrap(r[0] - u.centers[k][0]), 0) / rows.length;
    expect(m).toBeCloseTo(u.meanDeviation[k][0], 10);
    // Spread: sd of a harmonic well is sqrt(kT/k) = 0.05 rad; curvature of the FES can widen it, but not 3x.
    const sd = Math.sqrt(rows.reduce((s, r) => s + (wrap(r[0] - u.centers[k][0]) - m) ** 2, 0) / rows.length);
    expect(sd).toBeLessThan(0.15);
    expect(sd).toBeGreaterThan(0.02);
  }

  // FES: 60 x 60 periodic bins of 6 deg; the bin holding each window centre is sampled.
  const fes = result.fes!;
  expect(fes.source).toBe('umbrella');
  expect(fes.cvNames).toEqual(['phi', 'psi']);
  expect(fes.axes.map((a) => a.length)).toEqual([60, 60]);
  const bin = (v: number) => Math.min(59, Math.floor(((wrap(v) + Math.PI) / (2 * Math.PI)) * 60));
  for (const [a, b] of u.centers) {
    const f = fes.fes[bin(a) * 60 + bin(b)];
    expect(f, `FES at (${(a / DEG).toFixed(0)}, ${(b / DEG).toFixed(0)})`).not.toBeNull();
    expect(Number.isFinite(f)).toBe(true);
  }
  expect(Math.min(...(fes.fes.filter((v) => v !== null) as number[]))).toBe(0);
  // 70-110 deg between centres with sd 3 deg: the windows do not overlap, so WHAM cannot relate
  // their free energies and the result must say so (the basin values here are not physical).
  expect(u.warnings.some((w) => /barely overlap/.test(w))).toBe(true);
  expect(u.windowFreeEnergies[0]).toBe(0);
  expect(u.windowFreeEnergies.every(Number.isFinite)).toBe(true);
  const basins = result.basins!;
  expect(basins.length).toBeGreaterThan(0);
  expect(Math.min(...basins.map((b) => b.freeEnergy))).toBe(0);
  console.log('basins', basins.map((b) => `${b.label ?? '?'} (${b.minimum.map((v) => (v / DEG).toFixed(0)).join(', ')}) ${b.freeEnergy.toFixed(1)}`).join('; '));
  // The C7eq window (-80, 70) sits in the global basin region of vacuum alanine dipeptide.
  expect(basins.map((b) => b.label)).toContain('C7eq');

  // The windows' DCDs read as one trajectory; phi/psi of its frames match the recorded CVs
  // (float32 Angstrom coordinates: ~1e-6 rad, see molecules.test.ts).
  const frames = await call(ctx, 'getTrajectoryFrames', { projectPath, runId: run.id, start: SAMPLES - 2, count: 4 });
  expect(frames).toMatchObject({ start: SAMPLES - 2, count: 4, atoms: 22 });
  const b = Buffer.from(frames.positions, 'base64');
  const x = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  for (let f = 0; f < 4; f++) {
    const pos = Float64Array.from(x.subarray(f * 66, (f + 1) * 66));
    const row = result.cvValues[SAMPLES - 2 + f];
    expect(Math.abs(wrap(dihedralCv(pos, 4, 6, 8, 14) - row[0]))).toBeLessThan(2e-5);
    expect(Math.abs(wrap(dihedralCv(pos, 6, 8, 14, 16) - row[1]))).toBeLessThan(2e-5);
  }
  const dcd = parseDcd(new Uint8Array(readFileSync(join(projectPath, 'runs', run.id, 'window-004.dcd'))));
  expect(dcd.nFrames).toBe(SAMPLES);
  const runDir = join(projectPath, 'runs', run.id);
  expect(readFileSync(join(runDir, 'COLVAR'), 'utf8')).toMatch(/^#! FIELDS time phi psi restraint.bias window/);
  for (const f of ['cv.npy', 'energies.npy', 'fes.npy', 'result.json']) expect(existsSync(join(runDir, f)), f).toBe(true);
  expect(existsSync(join(runDir, 'window-000-checkpoint.json'))).toBe(false);
  await ctx.shutdown();
});

test('the windows do not depend on the worker count (1 vs 2)', async () => {
  const ctx = makeContext(home(), { workers: 1 });
  const run = await call(ctx, 'startMolecularRun', { projectPath, moleculeId, name: 'one worker', params });
  expect((await waitForFinal(ctx, run.id, 90_000)).status).toBe('completed');
  await call(ctx, 'getMolecularResult', { projectPath, runId: run.id });
  const ours = windowFiles(run.id);
  const ref = windowFiles(refRunId);
  ours.forEach((f, i) => expect(readFileSync(f).equals(readFileSync(ref[i])), f).toBe(true));
  for (const f of ['cv.npy', 'fes.npy']) expect(readFileSync(join(projectPath, 'runs', run.id, f)).equals(readFileSync(join(projectPath, 'runs', refRunId, f))), f).toBe(true);
  await ctx.shutdown();
});

test('a crashed umbrella run resumes bit-identically', async () => {
  const ctx1 = makeContext(home(), { checkpointIntervalMs: 5 });
  const run = await call(ctx1, 'startMolecularRun', { projectPath, moleculeId, name: 'crash', params });
  const ck = join(projectPath, 'runs', run.id, 'window-000-checkpoint.json');
  const t0 = Date.now();
  while (!existsSync(ck) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 2));
  await ctx1.jobs.kill();
  expect(existsSync(join(projectPath, 'runs', run.id, `window-${pad(WINDOWS - 1)}-cv.npy`))).toBe(false);

  const ctx2 = makeContext(home());
  await call(ctx2, 'openProject', { projectPath });
  await call(ctx2, 'resumeRun', { projectPath, runId: run.id });
  expect((await waitForFinal(ctx2, run.id, 90_000)).status).toBe('completed');
  await call(ctx2, 'getMolecularResult', { projectPath, runId: run.id });
  const ours = windowFiles(run.id);
  const ref = windowFiles(refRunId);
  ours.forEach((f, i) => expect(readFileSync(f).equals(readFileSync(ref[i])), f).toBe(true));
  for (const f of ['cv.npy', 'energies.npy', 'COLVAR', 'fes.npy']) {
    expect(readFileSync(join(projectPath, 'runs', run.id, f)).equals(readFileSync(join(projectPath, 'runs', refRunId, f))), f).toBe(true);
  }
  await ctx2.shutdown();
});

test('bad umbrella input is refused; one CV gives a 1D profile', async () => {
  const ctx = makeContext(home());
  const start = (p: unknown) => callError(ctx, 'startMolecularRun', { projectPath, moleculeId, name: 'bad', params: p });
  const both = await start({ ...params, metad: { sigma: [0.3], height: 1, pace: 10, biasFactor: 5 } });
  expect(both.code).toBe('invalid-input');
  expect(both.message).toMatch(/metadynamics or umbrella windows, not both/);
  const degrees = await start({ ...params, umbrella: { centers: [[-150, 60], [0]], spring: [K, K] } });
  expect(degrees.message).toMatch(/params\.umbrella\.centers\.0.*radians/);
  const springs = await start({ ...params, umbrella: { centers: [PHI, PSI], spring: [K] } });
  expect(springs.message).toMatch(/one spring constant per restrained CV/);

  const oneCv: MolecularRunParams = { ...params, steps: 1000, umbrella: { centers: [[-80 * DEG, 60 * DEG]], spring: [500], equilibrationSteps: 200 } };
  const run = await call(ctx, 'startMolecularRun', { projectPath, moleculeId, name: 'phi only', params: oneCv });
  expect((await waitForFinal(ctx, run.id, 60_000)).status).toBe('completed');
  const r = await call(ctx, 'getMolecularResult', { projectPath, runId: run.id });
  expect(r.fes!.axes.length).toBe(1);
  expect(r.fes!.axes[0].length).toBe(60);
  expect(r.fes!.cvNames).toEqual(['phi']);
  expect(r.umbrella!.centers).toEqual([[-80 * DEG], [60 * DEG]]);
  expect(r.umbrella!.windowFreeEnergies.length).toBe(2);
  await ctx.shutdown();
});
