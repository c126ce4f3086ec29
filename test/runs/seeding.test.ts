/**
 * Seeded starts shared by the run kinds (runs/seeding/): a seeded run starts exactly at its seed
 * configuration, the seeding is kept in run.json, frames of an earlier run can be named by run id
 * and frame index, bad shapes are refused by name, and a killed seeded run resumes to the
 * uninterrupted result.
 *
 * "Starts exactly at" is checked without trusting the task: the first saved frame must equal, bit
 * for bit, one integration step taken here by the engine from the seed configuration with the
 * run's seed (the same integrator and RNG stream the task uses), so a run that ignored its seed
 * (or started anywhere else) fails.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy } from '../../src-main/engine/io/npy';
import { createSystem } from '../../src-main/engine/systems';
import { OverdampedSimulation } from '../../src-main/engine/integrators/overdamped';
import { AmberForceField } from '../../src-main/engine/molecules/forcefield/amber-forcefield';
import { LangevinDynamics } from '../../src-main/engine/molecules/dynamics/langevin';
import { encodeDcd, parseDcd } from '../../src-main/engine/molecules/formats/dcd';
import { loadMoleculeSync } from '../../src-main/store/molecules';
import { metadFiles } from '../../src-main/runs/metad/files';
import { molecularFiles } from '../../src-main/runs/molecular/files';
import { seededStartBlocks } from '../../src-main/runs/seeding';
import { startPositions } from '../../src-main/runs/ensemble/task';
import { runKinds } from '../../src-main/runs/registry';
import { planEnsembleJob } from '../../src-main/runs/ensemble/plan';
import type { MolecularRunParams } from '../../src-main/api/contract';
import { call, callError, makeContext, setupProject, tempDir, waitForFinal } from '../api/helpers';

const dir = tempDir('liftwell-seeding-');
const ctx = makeContext(join(dir.path, 'home'));
let projectPath: string;
let systemId: string;
let moleculeId: string;
beforeAll(async () => {
  ({ projectPath, systemId } = await setupProject(ctx, dir.path, 'Seeding', { kind: 'double-well', a: 1 }));
  moleculeId = (await call(ctx, 'addExampleMolecule', { projectPath, example: 'alanine-dipeptide' })).id;
});
afterAll(async () => {
  await ctx.shutdown();
  dir.cleanup();
});

const runJson = (runId: string) => JSON.parse(readFileSync(join(projectPath, 'runs', runId, 'run.json'), 'utf8'));

async function completed(method: 'startMolecularRun' | 'startMetadRun', input: Record<string, unknown>): Promise<string> {
  const run = await call(ctx, method, { projectPath, ...input });
  const done = await waitForFinal(ctx, run.id, 120_000);
  expect(done.status, done.error).toBe('completed');
  return run.id;
}

const md: MolecularRunParams = {
  temperature: 300, friction: 1, dt: 0.001, steps: 30, constraints: 'none', minimize: false, seed: 3, frameInterval: 10,
  cvs: ['phi=dihedral(5,7,9,15)', 'psi=dihedral(7,9,15,17)'],
};

describe('seeded molecular runs', () => {
  it('start from a frame of an earlier run named by run id and frame index; the first frame is one step from it, bit for bit', async () => {
    const earlier = await completed('startMolecularRun', { moleculeId, name: 'earlier', params: md });
    const seeded = await completed('startMolecularRun', {
      moleculeId, name: 'seeded', params: { ...md, seed: 9, steps: 5, frameInterval: 1, seeding: { source: 'frames', runId: earlier, frames: [-1] } },
    });
    const file = runJson(seeded);
    expect(file.run.params.seeding).toMatchObject({ source: 'frames', runId: earlier, frames: [-1] });
    // The start is the earlier run's last saved frame (DCD frames are float32 nm).
    const last = parseDcd(new Uint8Array(readFileSync(molecularFiles(projectPath, earlier).trajectory)));
    const n3 = 3 * last.nAtoms;
    const lastFrame = last.positions.subarray((last.nFrames - 1) * n3, last.nFrames * n3);
    expect(file.job.starts).toHaveLength(1);
    expect(file.job.starts[0]).toEqual(Array.from(lastFrame));

    // One BAOAB step from that frame with the seeded run's seed, written through the same DCD codec.
    const molecule = loadMoleculeSync(projectPath, file.job.topologyFile, file.job.coordinatesFile);
    const dyn = new LangevinDynamics({
      forceField: new AmberForceField(molecule.prmtop), masses: molecule.prmtop.topology.masses, positions: Float64Array.from(lastFrame),
      velocities: null, temperature: md.temperature, friction: md.friction, dt: md.dt, seed: 9, constraints: null,
    });
    dyn.run(1);
    const expected = parseDcd(encodeDcd({ nAtoms: last.nAtoms, nFrames: 1, positions: Float64Array.from(dyn.positions), cells: null })).positions;
    const got = parseDcd(new Uint8Array(readFileSync(molecularFiles(projectPath, seeded).trajectory)));
    expect(Array.from(got.positions.subarray(0, n3))).toEqual(Array.from(expected));
    // And not the molecule's own start: the same step from the file's coordinates differs.
    expect(Array.from(got.positions.subarray(0, n3))).not.toEqual(Array.from(parseDcd(new Uint8Array(readFileSync(molecularFiles(projectPath, earlier).trajectory))).positions.subarray(0, n3)));
  }, 180_000);

  it('umbrella windows take one structure each; a structure of the wrong size names the window and the atom count', async () => {
    const mol = await call(ctx, 'getMolecule', { projectPath, moleculeId });
    const bytes = Buffer.from(mol.positions, 'base64');
    const start = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
    const params = { ...md, umbrella: { centers: [[-1.4, -2.5]], spring: 100, equilibrationSteps: 0 } };
    const job = runKinds.molecular.plan(
      { record: { id: 'm', topologyFile: 'x', coordinatesFile: 'y' } as never, molecule: { prmtop: { topology: { nAtoms: mol.atoms.length } }, positions: Float64Array.from(start) } as never },
      { ...params, umbrella: { ...params.umbrella, springs: [100] }, seeding: { source: 'lifted', modelId: 'model-1', conditions: [[-1.4], [-2.5]], starts: [start, start] } } as never,
    ) as { starts: number[][] };
    expect(job.starts).toHaveLength(2);
    const error = await callError(ctx, 'startMolecularRun', {
      projectPath, moleculeId, name: 'bad', params: { ...params, seeding: { source: 'lifted', modelId: 'model-1', starts: [start, start.slice(3)] } },
    });
    expect(error.code).toBe('invalid-input');
    expect(error.message).toMatch(/seeding\.starts\[1\]: 63 numbers; window 1 needs 1 walker x 66 coordinates \(22 atoms x 3\) = 66/);
    // With X-H constraints, a start far off the constrained bond lengths is refused before SHAKE fails on it.
    const stretched = [...start];
    stretched[3] += 0.05; // atom 2 (a methyl H) 0.05 nm away along x
    const shake = await callError(ctx, 'startMolecularRun', {
      projectPath, moleculeId, name: 'bad', params: { ...md, dt: 0.002, constraints: 'hbonds', seeding: { source: 'lifted', starts: [stretched] } },
    });
    expect(shake.message).toMatch(/seeding\.starts\[0\]: bonds to hydrogen are up to \d+% off their constrained lengths/);
  });

  it('a frame index outside the earlier run is refused by name', async () => {
    const earlier = await completed('startMolecularRun', { moleculeId, name: 'short', params: md });
    const error = await callError(ctx, 'startMolecularRun', { projectPath, moleculeId, name: 'bad', params: { ...md, seeding: { source: 'frames', runId: earlier, frames: [0, 3] } } });
    expect(error.message).toMatch(/seeding\.frames\[1\]: frame 3 is outside the run's 3 frames/);
  }, 120_000);
});

describe('seeded toy runs', () => {
  const metad = { cvIndices: [0], sigma: [0.1], height: 0.3, pace: 1000, biasFactor: 8, kT: 1, dt: 1e-3, steps: 2000, walkers: 3, integrator: 'overdamped', friction: 10, mass: 1, colvarStride: 1, seed: 4 };

  it('metadynamics walkers start at their seeds: the first COLVAR row of each is one step from it (no hill yet), bit for bit', async () => {
    const seeds = [[-1.2], [0.1], [0.9]];
    const runId = await completed('startMetadRun', { systemId, name: 'seeded metad', params: { ...metad, seeding: { source: 'lifted', modelId: 'model-1', conditions: seeds, starts: seeds } } });
    expect(runJson(runId).run.params.seeding).toMatchObject({ source: 'lifted', modelId: 'model-1', conditions: seeds });
    expect(runJson(runId).job.starts).toEqual([-1.2, 0.1, 0.9]);
    const { data, shape } = decodeNpy(new Uint8Array(readFileSync(metadFiles(projectPath, runId).colvarNpy)));
    // Unbiased reference: the first hill comes at step `pace`, so step 1 feels no bias.
    const sim = new OverdampedSimulation({ system: createSystem({ kind: 'double-well', a: 1 }), kT: 1, dt: 1e-3, bias: null, positions: Float64Array.from([-1.2, 0.1, 0.9]), seed: 4, streamBase: 0 });
    sim.run(1);
    const width = shape[1];
    expect([0, 1, 2].map((w) => data[w * width + 2])).toEqual(Array.from(sim.positions));
    expect([0, 1, 2].map((w) => data[w * width + 1])).toEqual([0, 1, 2]); // walker column
  }, 120_000);

  it('a metadynamics run seeds from the COLVAR frames of another; blocks per walker or per run are both accepted', async () => {
    const first = await completed('startMetadRun', { systemId, name: 'first', params: metad });
    const run = await call(ctx, 'startMetadRun', { projectPath, systemId, name: 'from frames', params: { ...metad, seeding: { source: 'frames', runId: first, frames: [-3, -2, -1] } } });
    await waitForFinal(ctx, run.id, 120_000);
    const { data, shape } = decodeNpy(new Uint8Array(readFileSync(metadFiles(projectPath, first).colvarNpy)));
    const rows = shape[0];
    expect(runJson(run.id).job.starts).toEqual([rows - 3, rows - 2, rows - 1].map((r) => data[r * shape[1] + 2]));
    const layout = { tasks: 1, walkers: 3, dim: 1, taskWord: 'run' };
    expect(seededStartBlocks({ source: 'lifted', starts: [[1, 2, 3]] }, layout)).toEqual([[1, 2, 3]]);
    expect(() => seededStartBlocks({ source: 'lifted', starts: [[1, 2]] }, layout)).toThrow(/starts\[0\]: 2 numbers; run 0 needs 3 walkers x 1 coordinates = 3/);
  }, 120_000);

  it('an ensemble cycles its walkers through the seeded configurations', () => {
    const job = planEnsembleJob({ kind: 'double-well', a: 1 }, {
      walkers: 5, steps: 100, dt: 1e-3, kT: 1, umbrella: null, executor: 'cpu', bins: 20, equilibrationSteps: 0, stride: 10, start: 'box', seed: 1,
      seeding: { source: 'lifted', starts: [[-1, 1]] },
    });
    expect(Array.from(startPositions(job, [[-2, 2]]))).toEqual([-1, 1, -1, 1, -1]);
  });
});

describe('a seeded run killed after its first checkpoint', () => {
  it('resumes to the result of an uninterrupted seeded run', async () => {
    const seeds = [[-1.2], [0.1], [0.9], [1.1]];
    const params = { cvIndices: [0], sigma: [0.1], height: 0.3, pace: 200, biasFactor: 8, kT: 1, dt: 2e-3, steps: 20_000, walkers: 4, integrator: 'overdamped', friction: 10, mass: 1, seed: 11, seeding: { source: 'lifted', starts: seeds } };
    const refId = await completed('startMetadRun', { systemId, name: 'reference', params });
    const expected = await call(ctx, 'getMetadResult', { projectPath, runId: refId });

    const crashCtx = makeContext(join(dir.path, 'home'), { checkpointIntervalMs: 5 });
    await call(crashCtx, 'openProject', { projectPath });
    const crash = await call(crashCtx, 'startMetadRun', { projectPath, systemId, name: 'crashed', params });
    const runDir = join(projectPath, 'runs', crash.id);
    const t0 = Date.now();
    while (!readdirSync(runDir).includes('metad-checkpoint.json') && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 2));
    await crashCtx.jobs.kill();
    expect(readdirSync(runDir)).toContain('metad-checkpoint.json'); // killed mid-run, so the resume below resumes

    await call(ctx, 'resumeRun', { projectPath, runId: crash.id });
    expect((await waitForFinal(ctx, crash.id, 120_000)).status).toBe('completed');
    const resumed = await call(ctx, 'getMetadResult', { projectPath, runId: crash.id });
    const same = (r: unknown, id: string) => JSON.parse(JSON.stringify(r).replaceAll(id, '<run>'), (k, v) => (/seconds|persecond/i.test(k) ? undefined : v));
    expect(same(resumed, crash.id)).toEqual(same(expected, refId));
  }, 180_000);
});
