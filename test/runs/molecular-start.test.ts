/**
 * Every molecular task starts where runs/molecular/start.ts says: the seeded structure of its
 * block (job.starts) or the molecule's coordinates. Here the multiple-walker metadynamics task,
 * which used to ignore job.starts. Known answer: a seed that is the molecule rigidly translated by
 * 0.5 nm along x. The force field and the dihedral CVs do not change under a translation, so both
 * walkers must follow the unseeded run's trajectories shifted by exactly 0.5 nm in x, to rounding
 * (coordinates ~1 nm: float64 steps differ by ~1e-16 relative; the DCD stores float32, ~1e-7 nm,
 * read back as float64 nm; 1e-5 nm bounds the comparison) and y, z equal to the same bound. Unseeded: no shift at all.
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

const project = mkdtempSync(join(tmpdir(), 'liftwell-molecular-start-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));
mkdirSync(join(project, 'systems', 'ala'), { recursive: true });
for (const f of ['ala2.prmtop', 'ala2.inpcrd']) copyFileSync(join('resources/molecules/alanine-dipeptide', f), join(project, 'systems/ala', f));

const job: MolecularJob = {
  kind: 'molecular', moleculeId: 'ala', topologyFile: 'systems/ala/ala2.prmtop', coordinatesFile: 'systems/ala/ala2.inpcrd',
  temperature: 300, friction: 1, dt: 0.001, steps: 40, constraints: 'none', minimize: false, seed: 3, frameInterval: 10,
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
