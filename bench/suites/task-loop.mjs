// bench suite `task-loop`: what a run task's step loop and reporters (rows, DCD frames,
// checkpoints, progress) cost on top of the bare integrator. Two tasks, each timed in-process
// against its own integrator alone in the same run (same system, seed and step count, no output):
//   molecular: runMolecularTask on alanine dipeptide (22 atoms, 1 fs, a DCD frame + CV and energy
//              rows every 10 steps, phi/psi CVs) vs LangevinDynamics.run;
//   umbrella:  runWindow on Muller-Brown (16 walkers, a sample of CV + configuration every 10 steps)
//              vs OverdampedSimulation.run.
// The ratio that counts is task time / bare integrator time (1.00 = the loop and its reporters are
// free). Paired rounds, medians (BENCH_REPS, default 3). No timing asserts.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from '../process-timing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const out = join(repo, 'bench', '.build', 'task-loop');
mkdirSync(out, { recursive: true });
await build({
  stdin: {
    contents: `
      export { runMolecularTask } from './src-main/runs/molecular/task';
      export { runWindow } from './src-main/runs/umbrella/window-task';
      export { loadMoleculeSync } from './src-main/store/molecules';
      export { AmberForceField } from './src-main/engine/molecules/forcefield/amber-forcefield';
      export { LangevinDynamics } from './src-main/engine/molecules/dynamics/langevin';
      export { OverdampedSimulation } from './src-main/engine/integrators/overdamped';
      export { createSystem } from './src-main/engine/systems';`,
    resolveDir: repo,
    loader: 'ts',
  },
  outfile: join(out, 'task-loop.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  external: ['@tensorflow/*'],
});
const k = await import(pathToFileURL(join(out, 'task-loop.mjs')).href);

const rounds = Number(process.env.BENCH_REPS ?? 3);
const MD_STEPS = Number(process.env.BENCH_TASK_MD_STEPS ?? 100_000);
const WINDOW_STEPS = Number(process.env.BENCH_TASK_WINDOW_STEPS ?? 100_000);

const seconds = (fn) => {
  const t = performance.now();
  fn();
  return (performance.now() - t) / 1000;
};

const project = mkdtempSync(join(tmpdir(), 'liftwell-task-loop-'));
try {
  const ala = join(repo, 'resources/molecules/alanine-dipeptide');
  mkdirSync(join(project, 'systems', 'ala'), { recursive: true });
  copyFileSync(join(ala, 'ala2.prmtop'), join(project, 'systems', 'ala', 'ala2.prmtop'));
  copyFileSync(join(ala, 'ala2.inpcrd'), join(project, 'systems', 'ala', 'ala2.inpcrd'));
  const molJob = {
    kind: 'molecular', moleculeId: 'ala', topologyFile: 'systems/ala/ala2.prmtop', coordinatesFile: 'systems/ala/ala2.inpcrd',
    temperature: 300, friction: 1, dt: 0.001, steps: MD_STEPS, constraints: 'none', minimize: false, seed: 7, frameInterval: 10,
    cvs: [
      { name: 'phi', definition: 'phi=dihedral(5,7,9,15)', periodic: true },
      { name: 'psi', definition: 'psi=dihedral(7,9,15,17)', periodic: true },
    ],
    metad: null,
  };
  const molecule = k.loadMoleculeSync(project, molJob.topologyFile, molJob.coordinatesFile);
  const bareMd = () => {
    const md = new k.LangevinDynamics({
      forceField: new k.AmberForceField(molecule.prmtop), masses: molecule.prmtop.topology.masses, positions: molecule.positions.slice(),
      velocities: null, temperature: 300, friction: 1, dt: 0.001, seed: 7, constraints: null,
    });
    md.run(MD_STEPS);
  };
  let round = 0;
  const mdTask = () => {
    const runId = `md${round++}`;
    mkdirSync(join(project, 'runs', runId), { recursive: true });
    k.runMolecularTask({ projectPath: project, runId, job: molJob, checkpointIntervalMs: 30_000, progressIntervalMs: 250 });
  };

  const system = k.createSystem({ kind: 'muller-brown', scale: 1 });
  const W = 16;
  const stride = 10;
  const S = WINDOW_STEPS / stride;
  const winJob = {
    kind: 'umbrella', system: { kind: 'muller-brown', scale: 1 }, cvIndex: 0,
    windows: [{ index: 0, centers: [-0.5], springs: [50], start: [-0.5, 1.4] }],
    kT: 15, dt: 1e-4, walkers: W, equilibrationSteps: 0, stepsPerWindow: WINDOW_STEPS, stride, samplesPerWindow: S, seed: 3, streamStride: 65536,
  };
  const bareWindow = () => {
    const positions = new Float64Array(2 * W);
    for (let w = 0; w < W; w++) positions.set([-0.5, 1.4], 2 * w);
    const sim = new k.OverdampedSimulation({ system, kT: 15, dt: 1e-4, bias: { cvIndex: 0, center: -0.5, spring: 50 }, positions, seed: 3, streamBase: 0 });
    sim.run(WINDOW_STEPS);
  };
  const windowTask = () => {
    const runId = `win${round++}`;
    mkdirSync(join(project, 'runs', runId), { recursive: true });
    k.runWindow({ projectPath: project, runId, job: winJob, windowIndex: 0, checkpointIntervalMs: 30_000, progressIntervalMs: 250 });
  };

  // Warm-up (JIT), then paired rounds.
  bareMd(); mdTask(); bareWindow(); windowTask();
  const t = { bareMd: [], mdTask: [], bareWindow: [], windowTask: [] };
  for (let r = 0; r < rounds; r++) {
    t.bareMd.push(seconds(bareMd));
    t.mdTask.push(seconds(mdTask));
    t.bareWindow.push(seconds(bareWindow));
    t.windowTask.push(seconds(windowTask));
  }
  const row = (name, what, s, n, unit) => console.log(`${name.padEnd(10)} ${what.padEnd(34)} ${s.toFixed(3).padStart(8)} s ${(n / s / 1e3).toFixed(1).padStart(9)} k ${unit}`);
  console.log(`task-loop (${rounds} rounds, medians)`);
  row('molecular', 'LangevinDynamics.run (bare)', median(t.bareMd), MD_STEPS, 'steps/s');
  row('molecular', 'runMolecularTask (DCD + rows)', median(t.mdTask), MD_STEPS, 'steps/s');
  row('umbrella', 'OverdampedSimulation.run (bare)', median(t.bareWindow), W * WINDOW_STEPS, 'walker-steps/s');
  row('umbrella', 'runWindow (samples + configs)', median(t.windowTask), W * WINDOW_STEPS, 'walker-steps/s');
  console.log(`ratio task/bare: molecular ${(median(t.mdTask) / median(t.bareMd)).toFixed(3)}, umbrella window ${(median(t.windowTask) / median(t.bareWindow)).toFixed(3)}`);
} finally {
  rmSync(project, { recursive: true, force: true });
}
