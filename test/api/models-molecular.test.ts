/**
 * Molecules as training data and lifting targets, through the API: a short metadynamics run of
 * alanine dipeptide on phi/psi -> a small score model on internal coordinates conditioned on
 * (phi, psi) -> liftMolecule at a visited (phi, psi) with a restrained relaxation: restriction
 * errors, force-field energies against simulated frames at the same CVs, tensor bookkeeping.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { MolecularRunParams } from '../../src-main/api/contract';
import { BOLTZMANN_KJ_PER_MOL_K } from '../../src-main/engine/molecules/dynamics/langevin';
import { call, callError, makeContext, tempDir, waitForFinal } from './helpers';
import { join } from 'node:path';

const dir = tempDir('liftwell-models-molecular-');
afterAll(() => dir.cleanup());
const home = join(dir.path, 'home');

// As test/api/molecules.test.ts (2 fs, H bonds constrained, large hills so phi/psi move within a
// few ps), shorter and with a frame every 10 steps: 800 frames for training.
const params: MolecularRunParams = {
  temperature: 300,
  friction: 1,
  dt: 0.002,
  steps: 8000,
  constraints: 'hbonds',
  minimize: true,
  seed: 5,
  frameInterval: 10,
  cvs: ['phi=dihedral(5,7,9,15)', 'psi=dihedral(7,9,15,17)'],
  metad: { sigma: [0.35, 0.35], height: 4, pace: 50, biasFactor: 6 },
};

let projectPath: string;
let metadRunId: string;

beforeAll(async () => {
  const ctx = makeContext(home);
  projectPath = (await call(ctx, 'createProject', { parentDir: dir.path, name: 'Molecular models' })).path;
  const molecule = await call(ctx, 'addExampleMolecule', { projectPath, example: 'alanine-dipeptide' });
  const run = await call(ctx, 'startMolecularRun', { projectPath, moleculeId: molecule.id, name: 'ala2 metad', params });
  const done = await waitForFinal(ctx, run.id, 60_000);
  expect(done.status, done.error).toBe('completed');
  metadRunId = run.id;
  await ctx.shutdown();
});

const periodic = (d: number) => Math.atan2(Math.sin(d), Math.cos(d));
const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
};

test('a score model on ala2 internal coordinates given (phi, psi): lifted structures at a visited (phi, psi)', async () => {
  const ctx = makeContext(home);
  const run = await call(ctx, 'startTraining', {
    projectPath, name: 'ala2 | phi, psi', sourceRunIds: [metadRunId], model: 'score', epochs: 300, seed: 1, hidden: [128, 128], batchSize: 64,
  });
  const done = await waitForFinal(ctx, run.id, 60_000);
  expect(done.status, done.error).toBe('completed');
  const [m] = await call(ctx, 'listModels', { projectPath });
  expect(m).toMatchObject({ status: 'ready', condNames: ['phi', 'psi'] });
  // 22 atoms: 60 internal coordinates, the 12 bonds to H constrained (frozen), 48 modelled.
  expect(m.molecule).toMatchObject({ atoms: 22, features: 'internal', frozen: 12, modelled: 48 });
  expect(m.system).toBeUndefined();

  // A visited (phi, psi): the training frame with the most neighbours within 0.3 rad.
  const detail = await call(ctx, 'getModel', { projectPath, modelId: m.id, maxPoints: 2000 });
  const conds = detail.data.cond;
  let best = conds[0];
  let bestCount = -1;
  for (const c of conds) {
    const count = conds.filter((o) => Math.abs(periodic(o[0] - c[0])) < 0.3 && Math.abs(periodic(o[1] - c[1])) < 0.3).length;
    if (count > bestCount) [best, bestCount] = [c, count];
  }

  const k = 5000;
  const n = 16;
  const first = await call(ctx, 'liftMolecule', { projectPath, modelId: m.id, cond: best, n, seed: 3, relax: { steps: 300, k } });
  expect(first.atoms).toBe(22);
  const pos = new Float32Array(new Uint8Array(Buffer.from(first.positions, 'base64')).buffer);
  expect(pos.length).toBe(n * 22 * 3);
  expect(pos.every(Number.isFinite)).toBe(true);
  const gen = first.restrictionErrors.generated.flat();
  const rel = first.restrictionErrors.relaxed!.flat();
  const eGen = first.energies.generated;
  const eRel = first.energies.relaxed!;
  const eSim = first.simulation.energies;
  console.log(
    `ala2 lift at (phi, psi) = (${best.map((v) => v.toFixed(2)).join(', ')}): restriction error median ${median(gen).toFixed(3)} / max ${Math.max(...gen).toFixed(3)} rad generated, ` +
      `max ${Math.max(...rel).toFixed(4)} rad relaxed (k ${k}, ${first.relax!.meanIterations.toFixed(0)} iterations); energy median generated ${median(eGen).toFixed(1)}, ` +
      `relaxed ${median(eRel).toFixed(1)}, simulated ${median(eSim).toFixed(1)} kJ/mol (${eSim.length} frames within ${first.simulation.halfWidth} rad); ${first.seconds.toFixed(1)} s`,
  );
  // After relaxation the restraint holds each CV at the target up to torque/k: force-field torques
  // on phi/psi are tens of kJ/mol/rad, so |error| ~ 30/5000 ~ 0.006 rad; 0.1 rad (the issue's
  // bound, ~6 deg, well under the 0.35 rad hill width) leaves room for a structure still settling.
  expect(Math.max(...rel)).toBeLessThan(0.1);
  // The model itself puts phi/psi near the target (they are torsions of its Z-matrix, generated
  // given the condition): the median error must be well inside a basin (0.5 rad) - a model that
  // ignored its condition would be off by ~1-2 rad across the sampled (phi, psi) range.
  expect(median(gen)).toBeLessThan(0.5);
  expect([...eGen, ...eRel, ...eSim].every(Number.isFinite)).toBe(true);
  expect(eSim.length).toBeGreaterThanOrEqual(5);
  // Energy band. Simulated frames are thermal: by equipartition their potential energy lies about
  // (n_dof / 2) kT above the local minimum, n_dof = 3 x 22 - 6 - 12 constraints = 48, i.e. ~60 kJ/mol
  // at 300 K. A relaxation of 300 L-BFGS steps removes most of that, so the relaxed median should sit
  // between (simulated median - 60 kJ/mol - 50) and (simulated median + 50): the +-50 kJ/mol margin
  // covers the median's scatter over 16 structures and conformers the restraint cannot reach.
  const kT = BOLTZMANN_KJ_PER_MOL_K * 300;
  const shift = (48 / 2) * kT;
  expect(median(eRel)).toBeLessThan(median(eSim) + 50);
  expect(median(eRel)).toBeGreaterThan(median(eSim) - shift - 50);
  expect(first.torsions.length).toBe(17);

  // Tensors in the model thread: constant across calls (no leak per lift).
  const second = await call(ctx, 'liftMolecule', { projectPath, modelId: m.id, cond: best, n: 4, seed: 4 });
  const third = await call(ctx, 'liftMolecule', { projectPath, modelId: m.id, cond: best, n: 4, seed: 5 });
  expect(second.energies.relaxed).toBeNull();
  expect(third.tensors).toBe(second.tensors);
  expect(third.tensors).toBe(first.tensors);

  // Bad input: wrong number of CV values; the toy-system report call on a molecular model.
  expect((await callError(ctx, 'liftMolecule', { projectPath, modelId: m.id, cond: [0.1], n: 2 })).message).toMatch(/2 CV/);
  expect((await callError(ctx, 'consistencyReport', { projectPath, modelId: m.id })).message).toMatch(/liftMolecule/);
  await ctx.shutdown();
}, 60_000);
