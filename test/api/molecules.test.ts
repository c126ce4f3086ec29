/**
 * Molecules through the API: the built-in alanine dipeptide (energy vs the engine's force field
 * and OpenMM), a broken import, and a short 2D metadynamics run on phi/psi in a worker thread:
 * DCD frames that read back, CV values that match phi/psi recomputed from those frames, the
 * FES with labelled basins, frame streaming, and a resume after a crash that gives the same bits.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiEvent, MolecularRunParams } from '../../src-main/api/contract';
import { parsePrmtop } from '../../src-main/engine/molecules/amber/prmtop';
import { parseInpcrd } from '../../src-main/engine/molecules/amber/inpcrd';
import { AmberForceField } from '../../src-main/engine/molecules/forcefield/amber-forcefield';
import { parseDcd } from '../../src-main/engine/molecules/formats/dcd';
import { dihedralCv } from '../../src-main/engine/molecules/cv';
import { call, callError, makeContext, tempDir, waitForFinal } from './helpers';

const dir = tempDir('liftwell-molecules-');
afterAll(() => dir.cleanup());
/** base64 of a little-endian Float32Array -> values (Buffer.from may return a view into a pool). */
function float32(base64: string): Float32Array {
  const b = Buffer.from(base64, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
const example = new URL('../../resources/molecules/alanine-dipeptide/', import.meta.url);

let projectPath: string;
let moleculeId: string;
beforeAll(async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  projectPath = (await call(ctx, 'createProject', { parentDir: dir.path, name: 'Molecules' })).path;
  const record = await call(ctx, 'addExampleMolecule', { projectPath, example: 'alanine-dipeptide' });
  moleculeId = record.id;
  await ctx.shutdown();
});

// 2 fs with bonds to H constrained; hills of 4 kJ/mol every 50 steps (large: the bias fills the
// C7eq/C5 region within a few ps, so the run leaves its start basin).
const params: MolecularRunParams = {
  temperature: 300,
  friction: 1,
  dt: 0.002,
  steps: 15_000,
  constraints: 'hbonds',
  minimize: true,
  seed: 5,
  frameInterval: 50,
  cvs: ['phi=dihedral(5,7,9,15)', 'psi=dihedral(7,9,15,17)'],
  metad: { sigma: [0.35, 0.35], height: 4, pace: 50, biasFactor: 6 },
};

test('the example molecule: atoms, bonds, phi/psi suggestions, and the force-field energy', async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  const project = await call(ctx, 'openProject', { projectPath });
  expect(project.molecules.map((m) => m.id)).toEqual([moleculeId]);
  expect(project.molecules[0]).toMatchObject({ atoms: 22, residues: ['ACE', 'ALA', 'NME'], source: 'example' });
  const view = await call(ctx, 'getMolecule', { projectPath, moleculeId });
  expect(view.atoms.length).toBe(22);
  expect(view.atoms[8]).toEqual({ name: 'CA', element: 'C', residue: 'ALA', resid: 2 });
  expect(view.bonds.length).toBe(21);
  expect(view.suggestedCvs).toEqual([
    { name: 'phi', definition: 'phi=dihedral(5,7,9,15)' },
    { name: 'psi', definition: 'psi=dihedral(7,9,15,17)' },
  ]);
  const positions = float32(view.positions);
  expect(positions.length).toBe(66);

  // Same code path as the engine: identical to the last bit.
  const prm = parsePrmtop(readFileSync(new URL('ala2.prmtop', example), 'utf8'));
  const x = parseInpcrd(readFileSync(new URL('ala2.inpcrd', example), 'utf8')).positions;
  const terms = new Float64Array(4);
  const total = new AmberForceField(prm).compute(x, null, terms);
  expect(view.energy).toEqual({ bond: terms[0], angle: terms[1], torsion: terms[2], nonbonded: terms[3], total });
  // OpenMM 7.7 Reference at the same coordinates (fixture frame 'pdb_start'); the bar
  // is 1e-4 kJ/mol per term (the engine's own tests measure < 2e-6).
  const ref = JSON.parse(readFileSync(new URL('../fixtures/molecules/ala2_amber99sb_energies.json', import.meta.url), 'utf8'));
  const frame = ref.frames.find((f: { label: string }) => f.label === 'pdb_start');
  expect(Math.abs(view.energy.bond - frame.energy_terms.HarmonicBondForce)).toBeLessThan(1e-4);
  expect(Math.abs(view.energy.angle - frame.energy_terms.HarmonicAngleForce)).toBeLessThan(1e-4);
  expect(Math.abs(view.energy.torsion - frame.energy_terms.PeriodicTorsionForce)).toBeLessThan(1e-4);
  expect(Math.abs(view.energy.nonbonded - frame.energy_terms.NonbondedForce)).toBeLessThan(1e-4);
  expect(Math.abs(view.energy.total - frame.potential_energy)).toBeLessThan(1e-4);
  await ctx.shutdown();
});

test('importing a broken prmtop is refused naming the file; a good import round-trips', async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  const top = readFileSync(new URL('ala2.prmtop', example), 'utf8');
  const crd = readFileSync(new URL('ala2.inpcrd', example));
  const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
  // Drop the CHARGE section.
  const broken = top.replace(/%FLAG CHARGE[\s\S]*?(?=%FLAG)/, '');
  expect(broken).not.toBe(top);
  const err = await callError(ctx, 'importMolecule', {
    projectPath, name: 'broken', topology: { fileName: 'broken.prmtop', base64: b64(broken) }, coordinates: { fileName: 'ala2.inpcrd', base64: b64(crd) },
  });
  expect(err.code).toBe('invalid-input');
  expect(err.message).toContain('broken.prmtop');
  // Coordinates with the wrong atom count name the coordinate file.
  const short = crd.toString('utf8').replace(/^(.*\n)\s*22/, '$1   21');
  const err2 = await callError(ctx, 'importMolecule', {
    projectPath, name: 'short', topology: { fileName: 'ala2.prmtop', base64: b64(top) }, coordinates: { fileName: 'short.inpcrd', base64: b64(short) },
  });
  expect(err2.code).toBe('invalid-input');
  expect(err2.message).toContain('short.inpcrd');
  const ok = await call(ctx, 'importMolecule', {
    projectPath, name: 'mine', topology: { fileName: 'ala2.prmtop', base64: b64(top) }, coordinates: { fileName: 'ala2.inpcrd', base64: b64(crd) },
  });
  expect(ok.source).toBe('imported');
  expect(readFileSync(join(projectPath, 'systems', ok.id, 'ala2.prmtop'), 'utf8')).toBe(top);
  // Bad CV definitions are refused before anything runs.
  const bad = await callError(ctx, 'startMolecularRun', { projectPath, moleculeId, name: 'bad', params: { ...params, cvs: ['phi=dihedral(5,7,9,99)', 'psi=dihedral(7,9,15,17)'] } });
  expect(bad.code).toBe('invalid-input');
  expect(bad.message).toContain('params.cvs.0');
  await ctx.shutdown();
});

test('a metadynamics run on phi/psi: DCD, CVs consistent with the frames, FES with labelled basins', async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  const previews: Extract<ApiEvent, { type: 'run-preview' }>[] = [];
  ctx.subscribe((e) => {
    if (e.type === 'run-preview') previews.push(e);
  });
  const run = await call(ctx, 'startMolecularRun', { projectPath, moleculeId, name: 'ala2 metad', params });
  expect(run.kind).toBe('molecular');
  const done = await waitForFinal(ctx, run.id, 60_000);
  expect(done.status, done.error).toBe('completed');
  expect(previews.length).toBeGreaterThan(0);
  expect(previews.at(-1)!.hills).toBe(params.steps / params.metad!.pace);

  const result = await call(ctx, 'getMolecularResult', { projectPath, runId: run.id });
  const frames = params.steps / params.frameInterval;
  expect(result.frames).toBe(frames);
  expect(result.cvNames).toEqual(['phi', 'psi']);
  expect(result.cvPeriodic).toEqual([true, true]);
  expect(result.times.length).toBe(frames);
  expect(result.times[0]).toBeCloseTo(params.frameInterval * params.dt, 12);
  expect(result.hills).toBe(params.steps / params.metad!.pace);
  // Thermostat sanity only (the engine's tests check <T>): 300 K within broad fluctuations of 22 atoms.
  const meanT = result.energies.reduce((s, e) => s + e.temperature, 0) / result.energies.length;
  expect(meanT).toBeGreaterThan(240);
  expect(meanT).toBeLessThan(360);

  // The DCD reads back, and phi/psi recomputed from its float32 Angstrom frames match the
  // recorded CVs: float32 rounding moves atoms by <= 3e-8 nm, which changes a dihedral of bonds
  // ~0.15 nm long by ~1e-6 rad; 2e-5 rad leaves room for nearly-flat geometries.
  const dcd = parseDcd(new Uint8Array(readFileSync(join(projectPath, 'runs', run.id, 'trajectory.dcd'))));
  expect(dcd.nFrames).toBe(frames);
  expect(dcd.header.nset).toBe(frames);
  let worst = 0;
  for (let f = 0; f < frames; f++) {
    const x = dcd.positions.subarray(f * 66, (f + 1) * 66);
    const phi = dihedralCv(x, 4, 6, 8, 14);
    const psi = dihedralCv(x, 6, 8, 14, 16);
    const wrap = (d: number) => Math.abs(d - 2 * Math.PI * Math.round(d / (2 * Math.PI)));
    worst = Math.max(worst, wrap(phi - result.cvValues[f][0]), wrap(psi - result.cvValues[f][1]));
  }
  expect(worst).toBeLessThan(2e-5);
  // The run left its start basin: phi/psi spread over more than one radian.
  const phis = result.cvValues.map((r) => r[0]);
  expect(Math.max(...phis) - Math.min(...phis)).toBeGreaterThan(1);

  // getTrajectoryFrames returns the same frames (float32 nm).
  const chunk = await call(ctx, 'getTrajectoryFrames', { projectPath, runId: run.id, start: frames - 3, count: 10 });
  expect(chunk).toMatchObject({ start: frames - 3, count: 3, atoms: 22 });
  const got = float32(chunk.positions);
  expect(Array.from(got)).toEqual(Array.from(Float32Array.from(dcd.positions.subarray((frames - 3) * 66))));

  // FES from the bias on the 2D periodic grid; basins labelled by location.
  expect(result.fes!.source).toBe('metad');
  // Periodic axes: bins = ceil(2 pi / (sigma / 2)) = 36 nodes each, -pi and pi being one node.
  expect(result.fes!.axes.map((a) => a.length)).toEqual([36, 36]);
  expect(Math.min(...(result.fes!.fes as number[]))).toBe(0);
  const basins = result.basins!;
  expect(basins.length).toBeGreaterThan(0);
  expect(Math.min(...basins.map((b) => b.freeEnergy))).toBe(0);
  const labels = basins.map((b) => b.label).filter(Boolean);
  console.log('basins', basins.map((b) => `${b.label ?? '?'} (${b.minimum.map((v) => ((v * 180) / Math.PI).toFixed(0)).join(', ')}) ${b.freeEnergy.toFixed(1)} kJ/mol`).join('; '));
  // The global minimum is C7eq. The extended region is explored: the FES at C5 (-150, 160 deg),
  // ~2-5 kJ/mol above C7eq in ff99SB vacuum, is low. Whether the basin finder separates C5 from
  // C7eq on this 36 x 36 grid after 30 ps depends on rounding-level details of the trajectory
  // (it is chaotic), so the check is on the free energy there, not on a separate basin: a
  // region the run never reached would sit near the top of the surface (> 30 kJ/mol).
  expect(labels).toContain('C7eq');
  const [phiAxis, psiAxis] = result.fes!.axes;
  const nearest = (axis: number[], v: number) => axis.reduce((best, a, i) => (Math.abs(a - v) < Math.abs(axis[best] - v) ? i : best), 0);
  const atC5 = (result.fes!.fes as number[])[nearest(phiAxis, (-150 * Math.PI) / 180) * psiAxis.length + nearest(psiAxis, (160 * Math.PI) / 180)];
  expect(atC5).toBeLessThan(15);
  for (const l of labels) expect(['C7eq', 'C5', 'C7ax', 'alphaR', 'alphaL']).toContain(l);

  // Region free energies integrate that grid (api/handlers.ts loads the regions code on this call).
  // C7eq, C5 and alphaR lie at phi < 0, the higher C7ax and alphaL at phi > 0: the first half holds more.
  const halves = await call(ctx, 'regionFreeEnergies', {
    projectPath,
    runId: run.id,
    regions: [
      { name: 'phi < 0', kind: 'rectangle', xMin: -Math.PI, xMax: 0, yMin: null, yMax: null },
      { name: 'phi > 0', kind: 'rectangle', xMin: 0, xMax: Math.PI, yMin: null, yMax: null },
    ],
  });
  expect(halves.source).toBe('molecular-grid');
  expect(halves.regions[0].probability).toBeGreaterThan(halves.regions[1].probability);

  const runDir = join(projectPath, 'runs', run.id);
  expect(readFileSync(join(runDir, 'HILLS'), 'utf8')).toMatch(/^#! FIELDS time phi psi sigma_phi sigma_psi height biasf/);
  expect(readFileSync(join(runDir, 'COLVAR'), 'utf8')).toMatch(/^#! FIELDS time phi psi metad.bias/);
  for (const f of ['cv.npy', 'energies.npy', 'fes.npy', 'result.json']) expect(existsSync(join(runDir, f)), f).toBe(true);
  expect(existsSync(join(runDir, 'molecular-checkpoint.json'))).toBe(false);
  await ctx.shutdown();
});

test('an unbiased run gets a histogram FES over phi/psi', async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  const { metad: _m, ...plain } = params;
  const run = await call(ctx, 'startMolecularRun', { projectPath, moleculeId, name: 'plain', params: { ...plain, steps: 2000, frameInterval: 10 } });
  expect((await waitForFinal(ctx, run.id, 60_000)).status).toBe('completed');
  const result = await call(ctx, 'getMolecularResult', { projectPath, runId: run.id });
  expect(result.fes!.source).toBe('histogram');
  expect(result.fes!.axes.map((a) => a.length)).toEqual([60, 60]);
  expect(result.hills).toBeUndefined();
  // Every frame lands in one bin: sum over non-empty bins of exp(-F/kT) * max count = frames.
  const filled = (result.fes!.fes.filter((v) => v !== null) as number[]).length;
  expect(filled).toBeGreaterThan(0);
  expect(result.energies.every((e) => e.bias === 0)).toBe(true);
  await ctx.shutdown();
});

test('a crashed molecular run resumes bit-identically', async () => {
  const short: MolecularRunParams = { ...params, steps: 4000, frameInterval: 20 };
  const ref = makeContext(join(dir.path, 'home'));
  const refRun = await call(ref, 'startMolecularRun', { projectPath, moleculeId, name: 'ref', params: short });
  expect((await waitForFinal(ref, refRun.id, 60_000)).status).toBe('completed');
  await ref.shutdown();

  const ctx1 = makeContext(join(dir.path, 'home'), { checkpointIntervalMs: 5 });
  const run = await call(ctx1, 'startMolecularRun', { projectPath, moleculeId, name: 'crash', params: short });
  const ck = join(projectPath, 'runs', run.id, 'molecular-checkpoint.json');
  const t0 = Date.now();
  while (!existsSync(ck) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 2));
  await ctx1.jobs.kill();
  expect(existsSync(join(projectPath, 'runs', run.id, 'result.json'))).toBe(false);
  const ckState = JSON.parse(readFileSync(ck, 'utf8'));
  expect(ckState.dynamics.step).toBeLessThan(short.steps);

  const ctx2 = makeContext(join(dir.path, 'home'));
  await call(ctx2, 'openProject', { projectPath });
  await call(ctx2, 'resumeRun', { projectPath, runId: run.id });
  expect((await waitForFinal(ctx2, run.id, 60_000)).status).toBe('completed');
  for (const f of ['trajectory.dcd', 'cv.npy', 'energies.npy', 'HILLS', 'COLVAR', 'fes.npy']) {
    expect(readFileSync(join(projectPath, 'runs', run.id, f)).equals(readFileSync(join(projectPath, 'runs', refRun.id, f))), f).toBe(true);
  }
  await ctx2.shutdown();
});
