/**
 * Multiple-walker molecular metadynamics through the API (startMolecularRun with metad.walkers, a
 * worker thread that starts a helper thread): the result counts every walker's frames and hills,
 * getTrajectoryFrames reads the walkers' DCDs as one trajectory (walker 0 first), the trajectory
 * frames match the DCD files bit for bit (as float32), and bad walker counts are refused with the
 * field named. Byte-identity across thread counts and the bias = sum of hills check are in
 * test/runs/metad-walkers.test.ts; resume in test/runs/registry.test.ts.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, callError, makeContext, tempDir, waitForFinal } from './helpers';
import { parseDcd } from '../../src-main/engine/molecules/formats/dcd';
import type { MolecularRunParams } from '../../src-main/api/contract';

const dir = tempDir('liftwell-molecules-walkers-');
afterAll(() => dir.cleanup());
let projectPath: string;
let moleculeId: string;
beforeAll(async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  projectPath = (await call(ctx, 'createProject', { parentDir: dir.path, name: 'Walkers' })).path;
  moleculeId = (await call(ctx, 'addExampleMolecule', { projectPath, example: 'alanine-dipeptide' })).id;
  await ctx.shutdown();
});

const params: MolecularRunParams = {
  temperature: 300, friction: 1, dt: 0.002, steps: 1000, constraints: 'hbonds', minimize: true, seed: 3, frameInterval: 50,
  cvs: ['phi=dihedral(5,7,9,15)', 'psi=dihedral(7,9,15,17)'],
  metad: { sigma: [0.35, 0.35], height: 2, pace: 50, biasFactor: 6, walkers: 2 },
};

const float32 = (base64: string) => {
  const b = Buffer.from(base64, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

test('two walkers: frames and hills of both, one trajectory in walker order, bad counts refused', async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  await call(ctx, 'openProject', { projectPath });
  for (const walkers of [0, 1.5, 5000]) {
    const bad = await callError(ctx, 'startMolecularRun', { projectPath, moleculeId, name: 'bad', params: { ...params, metad: { ...params.metad!, walkers } } });
    expect(bad.code).toBe('invalid-input');
    expect(bad.message).toContain('params.metad.walkers');
  }
  const run = await call(ctx, 'startMolecularRun', { projectPath, moleculeId, name: 'two walkers', params });
  const done = await waitForFinal(ctx, run.id, 60_000);
  expect(done.status, done.error).toBe('completed');
  const result = await call(ctx, 'getMolecularResult', { projectPath, runId: run.id });
  expect(result).toMatchObject({ walkers: 2, frames: 40, hills: 40 });
  expect(result.times.length).toBe(40);
  expect(result.times.slice(0, 2)).toEqual(result.times.slice(20, 22)); // each walker's series starts at time 0
  expect(result.files.trajectory).toMatch(/walker-000\.dcd$/);
  expect(readFileSync(result.files.hills!, 'utf8')).toMatch(/^#! FIELDS time phi psi sigma_phi sigma_psi height biasf walker\n/);

  const dcds = [0, 1].map((w) => parseDcd(new Uint8Array(readFileSync(join(projectPath, 'runs', run.id, `walker-00${w}.dcd`)))));
  const chunk = await call(ctx, 'getTrajectoryFrames', { projectPath, runId: run.id, start: 18, count: 4 });
  expect(chunk).toMatchObject({ start: 18, count: 4, atoms: 22 });
  const expected = Float32Array.from([...dcds[0].positions.subarray(18 * 66), ...dcds[1].positions.subarray(0, 2 * 66)]);
  expect(Array.from(float32(chunk.positions))).toEqual(Array.from(expected));
  await ctx.shutdown();
});
