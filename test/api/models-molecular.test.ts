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
    projectPath, name: 'ala2 | phi, psi', sourceRunIds: [metadRunId], model: 'score', epochs: 150, seed: 1, hidden: [128, 128], batchSize: 64,
    // Hold out phi in [-2.2, -1.9] rad (between C7eq and C5, crossed by every metad run here).
    holdOut: [-2.2, -1.9],
  });
  // 150 epochs x 12 steps: ~30 s on an idle 2-core machine; the generous limit is for a loaded one.
  const done = await waitForFinal(ctx, run.id, 400_000);
  expect(done.status, done.error).toBe('completed');
  const [m] = await call(ctx, 'listModels', { projectPath });
  expect(m).toMatchObject({ status: 'ready', condNames: ['phi', 'psi'] });
  // 22 atoms: 60 internal coordinates, the 12 bonds to H constrained (frozen), phi and psi are the
  // condition (imposed, not generated), 46 modelled.
  expect(m.molecule).toMatchObject({ atoms: 22, features: 'internal', frozen: 12, modelled: 46 });
  expect(m.system).toBeUndefined();

  // A visited (phi, psi): the training frame with the most neighbours within 0.3 rad.
  const detail = await call(ctx, 'getModel', { projectPath, modelId: m.id, maxPoints: 2000 });
  const conds = detail.data.cond;
  let best = conds[0];
  let bestCount = -1;
  for (const [i, c] of conds.entries()) {
    if (detail.data.heldOut[i]) continue;
    const count = conds.filter((o) => Math.abs(periodic(o[0] - c[0])) < 0.3 && Math.abs(periodic(o[1] - c[1])) < 0.3).length;
    if (count > bestCount) [best, bestCount] = [c, count];
  }

  const n = 16;
  const first = await call(ctx, 'liftMolecule', { projectPath, modelId: m.id, cond: best, n, seed: 3, relax: { ps: 1 } });
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
    `ala2 lift at (phi, psi) = (${best.map((v) => v.toFixed(2)).join(', ')}): restriction error max ${Math.max(...gen).toExponential(1)} rad generated, ` +
      `${Math.max(...rel).toExponential(1)} relaxed; energy median generated ${median(eGen).toFixed(1)}, relaxed ${median(eRel).toFixed(1)}, ` +
      `simulated ${median(eSim).toFixed(1)} kJ/mol (${eSim.length} frames within ${first.simulation.halfWidth} rad); ${first.seconds.toFixed(1)} s`,
  );
  // phi/psi are imposed by rotation about N-CA / CA-C, before and after the relaxation: the error is
  // float64 rounding of NeRF and atan2 (~1e-15); 1e-12 rad is the bound. The returned
  // positions are float32 but the errors are computed on the float64 structures.
  expect(first.imposition).toEqual(['exact', 'exact']);
  expect(Math.max(...gen)).toBeLessThan(1e-12);
  expect(Math.max(...rel)).toBeLessThan(1e-12);
  // The source run is constrained with no integrator named (LangevinMiddle): the relaxation uses its scheme.
  expect(first.relax).toMatchObject({ ps: 1, steps: 500, dt: 0.002, temperature: 300, integrator: 'middle' });
  expect([...eGen, ...eRel, ...eSim].every(Number.isFinite)).toBe(true);
  expect(eSim.length).toBeGreaterThanOrEqual(5);
  // Relaxation is thermal (Langevin at 300 K), not a minimisation: the relaxed median sits at the
  // simulated one, not ~(n_dof / 2) kT = 60 kJ/mol below it as minimised structures would. The
  // +-25 kJ/mol band is the scatter of a median of 16 structures (the simulated energies have an
  // s.d. of ~12 kJ/mol) plus the small model's residual error after 150 epochs on 800 frames;
  // minimised structures (~60 below) or unrelaxed clashes (hundreds above) fall outside it.
  expect(Math.abs(median(eRel) - median(eSim))).toBeLessThan(25);
  expect(first.torsions.length).toBe(17);

  // The held-out interval: no training row there, lifting there says so and compares with the
  // held-out frames.
  const inside = conds.map((c) => c[0] >= -2.2 && c[0] <= -1.9);
  expect(inside.some(Boolean)).toBe(true);
  expect(inside).toEqual(detail.data.heldOut);
  const held = await call(ctx, 'liftMolecule', { projectPath, modelId: m.id, cond: [-2.05, best[1]], n: 2, seed: 6, halfWidth: 0.5 });
  expect(held.warnings.join(' ')).toMatch(/held-out interval/);
  expect(held.restrictionErrors.generated.flat().every((e) => e < 1e-12)).toBe(true);

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
}, 480_000);
