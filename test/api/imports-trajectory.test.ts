/**
 * A DCD imported as a trajectory of a molecule (docs/imports.md): copied into the molecule's
 * folder, frames read back exactly as the DCD reader reads the original file; a DCD of another
 * molecule is refused naming the file and both atom counts; a truncated DCD names the file.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDcd } from '../../src-main/engine/molecules/formats/dcd';
import { call, callError, makeContext, tempDir } from './helpers';

const dir = tempDir('liftwell-imports-traj-');
afterAll(() => dir.cleanup());
const dcdBytes = readFileSync(new URL('../fixtures/molecules/ala2-300K-1000.dcd', import.meta.url));
const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');

let projectPath: string;
let ala2: string;
let gly2: string;
beforeAll(async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  projectPath = (await call(ctx, 'createProject', { parentDir: dir.path, name: 'Trajectories' })).path;
  ala2 = (await call(ctx, 'addExampleMolecule', { projectPath, example: 'alanine-dipeptide' })).id;
  const fx = (f: string) => b64(readFileSync(new URL(`../fixtures/molecules/${f}`, import.meta.url)));
  gly2 = (await call(ctx, 'importMolecule', { projectPath, name: 'gly2', topology: { fileName: 'gly2.prmtop', base64: fx('gly2.prmtop') }, coordinates: { fileName: 'gly2.inpcrd', base64: fx('gly2.inpcrd') } })).id;
  await ctx.shutdown();
});

test('an alanine-dipeptide DCD: stored beside its topology, 1000 frames of 22 atoms read back bit for bit (float32)', async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  const rec = await call(ctx, 'importTrajectory', { projectPath, moleculeId: ala2, dcd: { fileName: 'ala2-300K-1000.dcd', base64: b64(dcdBytes) } });
  expect(rec).toMatchObject({ kind: 'trajectory', moleculeId: ala2, frames: 1000, atoms: 22, name: 'ala2-300K-1000.dcd' });
  expect(readFileSync(join(projectPath, 'systems', ala2, rec.files[0]))).toEqual(dcdBytes);
  const reference = parseDcd(new Uint8Array(dcdBytes));
  const got = await call(ctx, 'getImportedTrajectoryFrames', { projectPath, importId: rec.id, start: 998, count: 10 });
  expect([got.start, got.count, got.atoms]).toEqual([998, 2, 22]);
  const b = Buffer.from(got.positions, 'base64');
  const values = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  expect(Array.from(values)).toEqual(Array.from(Float32Array.from(reference.positions.subarray(998 * 66, 1000 * 66))));
  expect((await callError(ctx, 'getImportedTrajectoryFrames', { projectPath, importId: rec.id, start: 1000, count: 1 })).message).toContain('1000 frames');
  const reopened = await call(ctx, 'openProject', { projectPath });
  expect(reopened.imports?.find((i) => i.id === rec.id)?.frames).toBe(1000);
  await ctx.shutdown();
});

test('a DCD of another molecule is refused naming the file and both atom counts; a truncated one names the file', async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  const err = await callError(ctx, 'importTrajectory', { projectPath, moleculeId: gly2, dcd: { fileName: 'ala2.dcd', base64: b64(dcdBytes) } });
  expect(err.code).toBe('invalid-input');
  expect(err.message).toMatch(/^ala2\.dcd: 22 atoms per frame, but the molecule "gly2" has \d+/);
  const cut = await callError(ctx, 'importTrajectory', { projectPath, moleculeId: ala2, dcd: { fileName: 'cut.dcd', base64: b64(dcdBytes.subarray(0, 60)) } });
  expect(cut.code).toBe('invalid-input');
  expect(cut.message).toContain('cut.dcd');
  expect(existsSync(join(projectPath, 'systems', gly2))).toBe(true);
  await ctx.shutdown();
});
