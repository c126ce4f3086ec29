/**
 * The Langevin scheme of molecular runs (params.integrator, issue 15): a new constrained run gets
 * 'middle' (OpenMM's LangevinMiddle, the default of `liftwell md --constraints hbonds`), an
 * unconstrained one 'baoab', a named one what it names; run.json's job records the choice; a job
 * stored before the choice existed reads as 'baoab' (so old runs resume with the same numbers);
 * a bad name is refused naming the parameter. The run's trajectory is the engine's for that
 * scheme: its last frame equals a LangevinDynamics run of the same seed and scheme to float32
 * rounding, and differs from the other scheme's by far more (the check fails if the task ignored
 * the choice).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MolecularRunParams } from '../../src-main/api/contract';
import { parsePrmtop } from '../../src-main/engine/molecules/amber/prmtop';
import { parseInpcrd } from '../../src-main/engine/molecules/amber/inpcrd';
import { AmberForceField } from '../../src-main/engine/molecules/forcefield/amber-forcefield';
import { BondConstraints } from '../../src-main/engine/molecules/dynamics/constraints';
import { LangevinDynamics, type LangevinScheme } from '../../src-main/engine/molecules/dynamics/langevin';
import { parseDcd } from '../../src-main/engine/molecules/formats/dcd';
import { molecularJobSchema } from '../../src-main/runs/molecular/schema';
import { relaxWithRestrainedLangevin } from '../../src-main/engine/molecules/restrained-langevin';
import { createAtomicCv } from '../../src-main/engine/molecules/cv';
import { call, callError, makeContext, tempDir, waitForFinal } from './helpers';

const dir = tempDir('liftwell-molecules-integrator-');
afterAll(() => dir.cleanup());
const example = new URL('../../resources/molecules/alanine-dipeptide/', import.meta.url);

let projectPath: string;
let moleculeId: string;
beforeAll(async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  projectPath = (await call(ctx, 'createProject', { parentDir: dir.path, name: 'Integrators' })).path;
  moleculeId = (await call(ctx, 'addExampleMolecule', { projectPath, example: 'alanine-dipeptide' })).id;
  await ctx.shutdown();
});

// 2 fs with bonds to H constrained, no minimisation: the run starts from the inpcrd as the engine run below.
const constrained: MolecularRunParams = {
  temperature: 300, friction: 1, dt: 0.002, steps: 200, constraints: 'hbonds', minimize: false, seed: 9, frameInterval: 50,
  cvs: ['phi=dihedral(5,7,9,15)'],
};

/** run.json's job, after checking that its params record the same scheme. */
function storedJob(runId: string) {
  const file = JSON.parse(readFileSync(join(projectPath, 'runs', runId, 'run.json'), 'utf8'));
  expect(file.run.params.integrator).toBe(file.job.integrator);
  return file.job;
}

function lastFrame(runId: string): Float32Array {
  const dcd = parseDcd(new Uint8Array(readFileSync(join(projectPath, 'runs', runId, 'trajectory.dcd'))));
  expect(dcd.nFrames).toBe(constrained.steps / constrained.frameInterval);
  return Float32Array.from(dcd.positions.subarray((dcd.nFrames - 1) * 66));
}

/** The engine run the task should have made: same start, seed, constraints and scheme. */
function engineEnd(scheme: LangevinScheme): Float64Array {
  const prm = parsePrmtop(readFileSync(new URL('ala2.prmtop', example), 'utf8'));
  const x = parseInpcrd(readFileSync(new URL('ala2.inpcrd', example), 'utf8')).positions;
  const md = new LangevinDynamics({
    forceField: new AmberForceField(prm), masses: prm.topology.masses, positions: Float64Array.from(x), velocities: null,
    temperature: constrained.temperature, friction: constrained.friction, dt: constrained.dt, seed: constrained.seed,
    constraints: BondConstraints.hydrogenBonds(prm), scheme,
  });
  md.run(constrained.steps);
  return Float64Array.from(md.positions);
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

test('constrained runs default to middle, unconstrained to baoab, a named scheme is kept; run.json records it', async () => {
  const ctx = makeContext(join(dir.path, 'home'));
  const start = async (name: string, params: MolecularRunParams) => {
    const run = await call(ctx, 'startMolecularRun', { projectPath, moleculeId, name, params });
    const done = await waitForFinal(ctx, run.id, 60_000);
    expect(done.status, done.error).toBe('completed');
    return run.id;
  };
  const middle = await start('default', constrained);
  const baoab = await start('named baoab', { ...constrained, integrator: 'baoab' });
  const free = await start('unconstrained', { ...constrained, constraints: 'none', dt: 0.001 });
  expect(storedJob(middle).integrator).toBe('middle');
  expect(storedJob(baoab).integrator).toBe('baoab');
  expect(storedJob(free).integrator).toBe('baoab');

  // Float32 frames (nm, |x| < 2): rounding <= 2^-24 * 2 ~ 1.2e-7; the schemes part by ~1e-3 nm in 200 steps.
  const expectMiddle = engineEnd('middle');
  const expectBaoab = engineEnd('baoab');
  expect(maxDiff(lastFrame(middle), expectMiddle)).toBeLessThan(2e-6);
  expect(maxDiff(lastFrame(baoab), expectBaoab)).toBeLessThan(2e-6);
  expect(maxDiff(expectMiddle, expectBaoab)).toBeGreaterThan(1e-4);

  const bad = await callError(ctx, 'startMolecularRun', { projectPath, moleculeId, name: 'bad', params: { ...constrained, integrator: 'verlet' } });
  expect(bad.code).toBe('invalid-input');
  expect(bad.message).toContain('integrator');
  await ctx.shutdown();
});

test('a job stored before the integrator choice reads as baoab', () => {
  const job = {
    kind: 'molecular', moleculeId: 'm', topologyFile: 'systems/m/a.prmtop', coordinatesFile: 'systems/m/a.inpcrd',
    temperature: 300, friction: 1, dt: 0.002, steps: 10, constraints: 'hbonds', minimize: false, seed: 1, frameInterval: 5, cvs: [], metad: null,
  };
  expect(molecularJobSchema.parse(job).integrator).toBe('baoab');
  expect(molecularJobSchema.parse({ ...job, integrator: 'middle' }).integrator).toBe('middle');
});

test('the restrained relaxation of lifted structures runs the scheme it is given (default baoab, as before)', () => {
  const prm = parsePrmtop(readFileSync(new URL('ala2.prmtop', example), 'utf8'));
  const x0 = parseInpcrd(readFileSync(new URL('ala2.inpcrd', example), 'utf8')).positions;
  const phi = createAtomicCv('phi', { kind: 'dihedral', atoms: [4, 6, 8, 14] }, 22);
  const relax = (scheme?: LangevinScheme) => {
    const x = Float64Array.from(x0);
    relaxWithRestrainedLangevin(x, {
      forceField: new AmberForceField(prm), masses: prm.topology.masses, constraints: BondConstraints.hydrogenBonds(prm),
      cvs: [phi], targets: [phi.value(x0)], spring: 1000, temperature: 300, friction: 5, dt: 0.002, steps: 100, seed: 2, ...(scheme ? { scheme } : {}),
    });
    return x;
  };
  const [byDefault, baoab, middle] = [relax(), relax('baoab'), relax('middle')];
  expect(Array.from(byDefault)).toEqual(Array.from(baoab));
  expect(maxDiff(middle, baoab)).toBeGreaterThan(1e-4);
});
