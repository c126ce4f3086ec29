// Runs one task scenario of scripts/task-outputs/compare.mjs; bundled from a source tree by that script.
// usage: node driver.mjs <projectDir> <scenario> <full|crash|resume>  (REPO = that tree, CRASH_AT = checkpoint to crash after)
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runMolecularTask } from './src-main/runs/molecular/task';
import { runMolecularUmbrellaWindow } from './src-main/runs/molecular/umbrella-task';
import { runWindow } from './src-main/runs/umbrella/window-task';
import { runMetadTask } from './src-main/runs/metad/task';
import { runEnsembleTask } from './src-main/runs/ensemble/task';

const [project, scenario, mode] = process.argv.slice(2);
const repo = process.env.REPO!;
mkdirSync(join(project, 'systems', 'ala'), { recursive: true });
const ala = join(repo, 'resources/molecules/alanine-dipeptide');
for (const f of ['ala2.prmtop', 'ala2.inpcrd']) if (!existsSync(join(project, 'systems/ala', f))) copyFileSync(join(ala, f), join(project, 'systems/ala', f));
const runId = scenario;
mkdirSync(join(project, 'runs', runId), { recursive: true });
let t = 0;
let checkpoints = 0;
const common = {
  projectPath: project,
  runId,
  checkpointIntervalMs: mode === 'full' ? 1e12 : 500,
  progressIntervalMs: 100,
  now: () => (t += 1000),
  onCheckpoint: () => {
    checkpoints++;
    if (mode === 'crash' && checkpoints === Number(process.env.CRASH_AT ?? 2)) throw new Error('CRASH');
  },
};
const cvs = [
  { name: 'phi', definition: 'phi=dihedral(5,7,9,15)', periodic: true },
  { name: 'psi', definition: 'psi=dihedral(7,9,15,17)', periodic: true },
];
const mol = { kind: 'molecular', moleculeId: 'ala', topologyFile: 'systems/ala/ala2.prmtop', coordinatesFile: 'systems/ala/ala2.inpcrd', temperature: 300, friction: 1, dt: 0.001, steps: 3000, constraints: 'none', minimize: false, seed: 7, frameInterval: 10, cvs, metad: null } as any;
const mb = { kind: 'muller-brown', scale: 1 } as any;
async function main() {
  try {
    switch (scenario) {
      case 'mol':
        runMolecularTask({ ...common, job: mol });
        break;
      case 'molhb':
        runMolecularTask({ ...common, job: { ...mol, constraints: 'hbonds', dt: 0.002, frameInterval: 7, minimize: true } });
        break;
      case 'molmetad':
        runMolecularTask({ ...common, job: { ...mol, frameInterval: 9, metad: { cvIndices: [0, 1], sigma: [0.35, 0.35], height: 1.2, pace: 5, biasFactor: 6, grid: { min: [-Math.PI, -Math.PI], max: [Math.PI, Math.PI], bins: [40, 40] } } } });
        break;
      case 'molmetad1':
        runMolecularTask({ ...common, job: { ...mol, frameInterval: 1, steps: 3000, metad: { cvIndices: [0], sigma: [0.35], height: 1.2, pace: 1, biasFactor: 6, grid: { min: [-Math.PI], max: [Math.PI], bins: [60] } } } });
        break;
      case 'molumb':
        for (const k of [0, 1]) runMolecularUmbrellaWindow({ ...common, windowIndex: k, job: { ...mol, steps: 900, frameInterval: 6, umbrella: { cvIndices: [0], windows: [[-1.5], [1.0]], shape: [2], springs: [200], equilibrationSteps: 2501 } } });
        break;
      case 'molumbmin':
        runMolecularUmbrellaWindow({ ...common, windowIndex: 1, job: { ...mol, minimize: true, steps: 1000, frameInterval: 10, umbrella: { cvIndices: [0, 1], windows: [[-1.5, 2.5], [1.0, -0.5]], shape: [1, 2], springs: [200, 150], equilibrationSteps: 300 } } });
        break;
      case 'win1d':
      case 'win2d': {
        const two = scenario === 'win2d';
        const W = 5;
        const job = {
          kind: 'umbrella', system: mb, cvIndex: 0, kT: 15, dt: 1e-4, walkers: W, equilibrationSteps: 1234, stepsPerWindow: 20000, stride: 13, samplesPerWindow: 1500, seed: 11, streamStride: 65536,
          windows: [0, 1].map((k) => ({ index: k, center: -0.5 + 0.3 * k, spring: 80, start: [-0.5 + 0.3 * k, 1.3], ...(two ? { centers: [-0.5 + 0.3 * k, 1.3], springs: [80, 60] } : {}) })),
          ...(two ? { cvIndices: [0, 1], gridShape: [2, 1] } : {}),
        } as any;
        for (const k of [0, 1]) runWindow({ ...common, job, windowIndex: k });
        break;
      }
      case 'metad':
      case 'metadbaoab':
        runMetadTask({ ...common, job: { kind: 'metad', system: mb, cvIndices: [0, 1], cvNames: ['x', 'y'], sigma: [0.1, 0.1], height: 2, pace: 50, biasFactor: 10, kT: 15, dt: 1e-4, steps: 40000, walkers: 3, integrator: scenario === 'metad' ? 'overdamped' : 'baoab', friction: 50, mass: 1, grid: { min: [-2, -1], max: [1.5, 2.5], bins: [60, 60] }, colvarStride: 17, start: [-0.5, 1.4], seed: 5 } as any });
        break;
      case 'ens':
        await runEnsembleTask({ ...common, job: { kind: 'ensemble', system: mb, coordinateNames: ['x', 'y'], walkers: 2000, steps: 1500, dt: 1e-4, kT: 15, umbrella: null, executor: 'cpu', backend: 'cpu', ranges: [[-2, 1.5], [-1, 2.5]], bins: 50, equilibrationSteps: 100, stride: 7, start: null, seed: 3 } as any });
        const f = join(project, 'runs', runId, 'ensemble.json');
        const s = JSON.parse(readFileSync(f, 'utf8'));
        delete s.seconds;
        writeFileSync(f, JSON.stringify(s));
        break;
    }
    console.log(`${scenario} ${mode}: done (${checkpoints} checkpoints)`);
  } catch (e) {
    if ((e as Error).message !== 'CRASH') throw e;
    console.log(`${scenario} ${mode}: crashed after ${checkpoints} checkpoints`);
  }
}
main();
