/**
 * The molecular tasks on the shared step loop give the same bits as integrating one step at a
 * time with the old hand-written loop (arm a hill before a pace step, set the ramped spring before
 * every step, take a row after every frame step). Exact equality: the loop only changes where
 * integration is cut, and LangevinDynamics.run(n) is n single steps.
 */
import { afterAll, expect, test } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMolecularTask } from '../../src-main/runs/molecular/task';
import { runMolecularUmbrellaWindow, springScale } from '../../src-main/runs/molecular/umbrella-task';
import { molecularFiles } from '../../src-main/runs/molecular/files';
import { umbrellaWindowFiles } from '../../src-main/runs/molecular/umbrella-files';
import { loadMoleculeSync } from '../../src-main/store/molecules';
import { decodeNpy } from '../../src-main/engine/io/npy';
import { AmberForceField } from '../../src-main/engine/molecules/forcefield/amber-forcefield';
import { BOLTZMANN_KJ_PER_MOL_K, LangevinDynamics } from '../../src-main/engine/molecules/dynamics/langevin';
import { parseAtomicCv } from '../../src-main/engine/molecules/cv';
import { AtomicCvMetad, BiasedForceProvider } from '../../src-main/engine/molecules/metad-cv';
import { AtomicCvUmbrella, RestrainedForceProvider } from '../../src-main/engine/molecules/umbrella-cv';
import type { MolecularJob } from '../../src-main/runs/run-file';

const project = mkdtempSync(join(tmpdir(), 'liftwell-step-loop-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));
mkdirSync(join(project, 'systems', 'ala'), { recursive: true });
for (const f of ['ala2.prmtop', 'ala2.inpcrd']) copyFileSync(join('resources/molecules/alanine-dipeptide', f), join(project, 'systems/ala', f));
const molecule = loadMoleculeSync(project, 'systems/ala/ala2.prmtop', 'systems/ala/ala2.inpcrd');
const cvDefs = [
  { name: 'phi', definition: 'phi=dihedral(5,7,9,15)', periodic: true },
  { name: 'psi', definition: 'psi=dihedral(7,9,15,17)', periodic: true },
];
const base: MolecularJob = {
  kind: 'molecular', moleculeId: 'ala', topologyFile: 'systems/ala/ala2.prmtop', coordinatesFile: 'systems/ala/ala2.inpcrd',
  temperature: 300, friction: 1, dt: 0.001, steps: 300, constraints: 'none', integrator: 'baoab', minimize: false, seed: 13, frameInterval: 4, cvs: cvDefs, metad: null,
};
const cvs = cvDefs.map((c) => parseAtomicCv(c.definition, { nAtoms: molecule.prmtop.topology.nAtoms, reference: molecule.positions }));
const task = { checkpointIntervalMs: 1e12, progressIntervalMs: 1e12 };
const readCv = (path: string) => Array.from(decodeNpy(new Uint8Array(readFileSync(path))).data);

test('a metadynamics run equals the step-by-step loop (hills armed before every pace step)', () => {
  const job: MolecularJob = { ...base, metad: { cvIndices: [0], sigma: [0.35], height: 1.2, pace: 3, biasFactor: 6, grid: { min: [-Math.PI], max: [Math.PI], bins: [60] }, walkers: 1 } };
  mkdirSync(join(project, 'runs', 'metad'), { recursive: true });
  runMolecularTask({ ...task, projectPath: project, runId: 'metad', job });

  const bias = new AtomicCvMetad({ cvs: [cvs[0]], sigma: [0.35], height: 1.2, pace: 3, biasFactor: 6, kT: BOLTZMANN_KJ_PER_MOL_K * 300, grid: job.metad!.grid, timeStep: job.dt });
  const md = new LangevinDynamics({ forceField: new BiasedForceProvider(new AmberForceField(molecule.prmtop), bias), masses: molecule.prmtop.topology.masses, positions: molecule.positions.slice(), velocities: null, temperature: 300, friction: 1, dt: job.dt, seed: job.seed });
  const expected: number[] = [];
  while (md.step < job.steps) {
    if ((md.step + 1) % 3 === 0) bias.depositAtStep = md.step + 1;
    md.run(1);
    if (md.step % job.frameInterval === 0) for (const cv of cvs) expected.push(cv.value(md.positions));
  }
  expect(bias.metad.hillCount).toBe(100);
  expect(readCv(molecularFiles(project, 'metad').cvNpy)).toEqual(expected);
});

test('an umbrella window with a ramped spring equals the step-by-step loop (spring set before every step)', () => {
  const job: MolecularJob = { ...base, steps: 120, umbrella: { cvIndices: [0], windows: [[-1.2], [1.0]], shape: [2], springs: [300], equilibrationSteps: 101 } };
  mkdirSync(join(project, 'runs', 'umb'), { recursive: true });
  runMolecularUmbrellaWindow({ ...task, projectPath: project, runId: 'umb', job, windowIndex: 1 });

  const umbrella = new AtomicCvUmbrella({ cvs: [cvs[0]], centers: [1.0], springs: [300] });
  umbrella.scale = springScale(job, 0);
  const md = new LangevinDynamics({ forceField: new RestrainedForceProvider(new AmberForceField(molecule.prmtop), umbrella), masses: molecule.prmtop.topology.masses, positions: molecule.positions.slice(), velocities: null, temperature: 300, friction: 1, dt: job.dt, seed: job.seed, stream: 1 });
  const expected: number[] = [];
  while (md.step < 101 + 120) {
    umbrella.scale = springScale(job, md.step + 1);
    md.run(1);
    const s = md.step - 101;
    if (s > 0 && s % job.frameInterval === 0) for (const cv of cvs) expected.push(cv.value(md.positions));
  }
  expect(expected.length).toBe(2 * 30);
  expect(readCv(umbrellaWindowFiles(project, 'umb', 1).cvNpy)).toEqual(expected);
});
