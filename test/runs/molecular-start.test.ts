/**
 * Every molecular task starts where runs/molecular/start.ts says: the seeded structure of its
 * block (job.starts) or the molecule's coordinates. Here the multiple-walker metadynamics task,
 * which used to ignore job.starts. Known answer: a seed that is the molecule rigidly translated by
 * 0.5 nm along x. The force field and the dihedral CVs do not change under a translation, so both
 * walkers must follow the unseeded run's trajectories shifted by exactly 0.5 nm in x, to rounding
 * (coordinates ~1 nm: float64 steps differ by ~1e-16 relative; the DCD stores float32, ~1e-7 nm,
 * read back as float64 nm; 1e-5 nm bounds the comparison) and y, z equal to the same bound. Unseeded: no shift at all.
 * With one structure per walker (shifted by +0.5 and -0.3 nm), each walker carries its own shift.
 */
import { afterAll, expect, test } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMolecularWalkersTask } from '../../src-main/runs/molecular/metad-walkers-task';
import { metadWalkerFiles } from '../../src-main/runs/molecular/walker-files';
import { loadMoleculeSync } from '../../src-main/store/molecules';
import { parseDcd } from '../../src-main/engine/molecules/formats/dcd';
import type { MolecularJob } from '../../src-main/runs/run-file';
import { planMolecularJob } from '../../src-main/runs/molecular/plan';
import type { MolecularRunParams, MoleculeRecord } from '../../src-main/schema';

const project = mkdtempSync(join(tmpdir(), 'liftwell-molecular-start-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));
mkdirSync(join(project, 'systems', 'ala'), { recursive: true });
for (const f of ['ala2.prmtop', 'ala2.inpcrd']) copyFileSync(join('resources/molecules/alanine-dipeptide', f), join(project, 'systems/ala', f));

const job: MolecularJob = {
  kind: 'molecular', moleculeId: 'ala', topologyFile: 'systems/ala/ala2.prmtop', coordinatesFile: 'systems/ala/ala2.inpcrd',
  temperature: 300, friction: 1, dt: 0.001, steps: 40, constraints: 'none', integrator: 'baoab', minimize: false, seed: 3, frameInterval: 10,
  cvs: [{ name: 'phi', definition: 'phi=dihedral(5,7,9,15)', periodic: true }],
  metad: { cvIndices: [0], sigma: [0.35], height: 1.2, pace: 20, biasFactor: 6, grid: { min: [-Math.PI], max: [Math.PI], bins: [36] }, walkers: 2 },
};

async function walkerFrames(runId: string, j: MolecularJob): Promise<Float64Array[]> {
  mkdirSync(join(project, 'runs', runId), { recursive: true });
  await runMolecularWalkersTask({ projectPath: project, runId, job: j, checkpointIntervalMs: 1e12, progressIntervalMs: 1e12 });
  return [0, 1].map((w) => parseDcd(new Uint8Array(readFileSync(metadWalkerFiles(project, runId, w).trajectory))).positions);
}

test('metadynamics walkers start from the seeded structure', { timeout: 60_000 }, async () => {
  const molecule = loadMoleculeSync(project, job.topologyFile, job.coordinatesFile);
  const shifted = Array.from(molecule.positions, (x, i) => (i % 3 === 0 ? x + 0.5 : x));
  const plain = await walkerFrames('plain', job);
  const seeded = await walkerFrames('seeded', { ...job, starts: [shifted] });
  for (const w of [0, 1]) {
    expect(seeded[w].length).toBe(plain[w].length);
    let worst = 0;
    for (let i = 0; i < plain[w].length; i++) worst = Math.max(worst, Math.abs(seeded[w][i] - plain[w][i] - (i % 3 === 0 ? 0.5 : 0)));
    expect(worst).toBeLessThan(1e-5);
  }
});

test('or each from its own seeded structure (one per walker)', { timeout: 60_000 }, async () => {
  const molecule = loadMoleculeSync(project, job.topologyFile, job.coordinatesFile);
  const shifts = [0.5, -0.3];
  const block = shifts.flatMap((dx) => Array.from(molecule.positions, (x, i) => (i % 3 === 0 ? x + dx : x)));
  const plain = await walkerFrames('plain-2', job);
  const seeded = await walkerFrames('per-walker', { ...job, starts: [block] });
  for (const w of [0, 1]) {
    let worst = 0;
    for (let i = 0; i < plain[w].length; i++) worst = Math.max(worst, Math.abs(seeded[w][i] - plain[w][i] - (i % 3 === 0 ? shifts[w] : 0)));
    expect(worst).toBeLessThan(1e-5);
  }
});

test('the plan keeps one shared structure or one per walker, and refuses other counts', () => {
  const molecule = loadMoleculeSync(project, job.topologyFile, job.coordinatesFile);
  const record: MoleculeRecord = { id: 'ala', name: 'ala', atoms: 22, residues: [], topologyFile: 'ala2.prmtop', coordinatesFile: 'ala2.inpcrd', created: '', source: 'imported' };
  const structure = Array.from(molecule.positions);
  const params = (starts: number[][], constraints: 'none' | 'hbonds' = 'none'): MolecularRunParams => ({
    temperature: 300, friction: 1, dt: 0.001, steps: 40, constraints, minimize: false, seed: 3, frameInterval: 10, cvs: ['phi=dihedral(5,7,9,15)'],
    metad: { sigma: [0.35], height: 1.2, pace: 20, biasFactor: 6, walkers: 2 },
    seeding: { source: 'lifted', starts },
  });
  expect(planMolecularJob(record, molecule, params([structure])).starts).toEqual([structure]);
  expect(planMolecularJob(record, molecule, params([structure, structure])).starts).toEqual([[...structure, ...structure]]);
  expect(() => planMolecularJob(record, molecule, params([structure, structure, structure]))).toThrow(/3 blocks .* one per run or one configuration per walker \(2\)/);
  // With X-H constraints every walker's structure is checked: walker 1's stretched bond is refused.
  const stretched = structure.map((x, i) => (i < 3 ? x + 0.1 : x)); // atom 1 (a methyl H) moved 0.17 nm
  expect(() => planMolecularJob(record, molecule, params([structure, stretched], 'hbonds'))).toThrow(/starts\[0\] \(walker 1\): bonds to hydrogen are up to/);
});
