// bench suite `md-walkers`: multiple-walker molecular metadynamics on both cores. Alanine
// dipeptide (22 atoms, 1 fs, no constraints), well-tempered metadynamics on phi/psi (hills every
// 500 steps), 2 walkers x BENCH_MD_WALKERS_STEPS steps (default 100,000), a DCD frame + CV and
// energy rows every 100 steps, timed in-process (runMolecularWalkersTask, as the app's job worker
// thread runs it) with the walkers on 1 thread (the reference) and split across 2 threads (helper
// threads of out/node/worker.mjs, built by `npm run bench`), in paired rounds, medians
// (BENCH_REPS, default 3). Then the same run as a user starts it, a whole
// `liftwell metad --top ... --walkers 2` process with --threads 1 and --threads 2. Also shown: one walker on
// the single-walker task, the cost of one walker alone; and the ceiling of the machine as it is
// now: two independent single-walker tasks (no shared bias) in two threads vs one after the other
// in one thread (on a shared, loaded machine this is well below 2).
// The ratio that counts: wall(1 thread) / wall(2 threads) (2.00 = both cores fully used), next to
// the ceiling measured in the same rounds.
// Fails loudly when the 2-thread files (HILLS, COLVAR, DCDs, FES, ...) differ from the 1-thread
// files by a single byte (the results must not depend on the thread count), and when a `liftwell
// metad` process writes other files than the in-process run with the same parameters.
import { Worker } from 'node:worker_threads';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median, pairedRounds } from '../process-timing.mjs';
import { bundleForBench, repo } from '../bundle.mjs';

const workerScript = pathToFileURL(join(repo, 'out', 'node', 'worker.mjs'));
if (!existsSync(workerScript)) {
  console.error('md-walkers: out/node/worker.mjs is missing (npm run build:node)');
  process.exit(1);
}
const { module: k, url: bundle } = await bundleForBench(
  'md-walkers',
  `export { runMolecularWalkersTask } from './src-main/runs/molecular/metad-walkers-task';
   export { runMolecularTask } from './src-main/runs/molecular/task';`,
);

const rounds = Number(process.env.BENCH_REPS ?? 3);
const STEPS = Number(process.env.BENCH_MD_WALKERS_STEPS ?? 200_000);
const WALKERS = 2;

const project = mkdtempSync(join(tmpdir(), 'liftwell-md-walkers-'));
try {
  const ala = join(repo, 'resources/molecules/alanine-dipeptide');
  mkdirSync(join(project, 'systems', 'ala'), { recursive: true });
  for (const f of ['ala2.prmtop', 'ala2.inpcrd']) copyFileSync(join(ala, f), join(project, 'systems', 'ala', f));
  const job = (walkers) => ({
    kind: 'molecular', moleculeId: 'ala', topologyFile: 'systems/ala/ala2.prmtop', coordinatesFile: 'systems/ala/ala2.inpcrd',
    temperature: 300, friction: 1, dt: 0.001, steps: STEPS, constraints: 'none', minimize: true, seed: 7, frameInterval: 100,
    cvs: [
      { name: 'phi', definition: 'phi=dihedral(5,7,9,15)', periodic: true },
      { name: 'psi', definition: 'psi=dihedral(7,9,15,17)', periodic: true },
    ],
    metad: { cvIndices: [0, 1], sigma: [0.35, 0.35], height: 1.2, pace: 500, biasFactor: 6, grid: { min: [-Math.PI, -Math.PI], max: [Math.PI, Math.PI], bins: [36, 36] }, walkers },
  });
  let round = 0;
  const runWalkers = async (threads) => {
    const runId = `t${threads}-${round++}`;
    mkdirSync(join(project, 'runs', runId), { recursive: true });
    const t = performance.now();
    await k.runMolecularWalkersTask({
      projectPath: project, runId, job: job(WALKERS), checkpointIntervalMs: 30_000, progressIntervalMs: 250,
      threads: threads > 1 ? { workerScript, count: threads } : undefined,
    });
    return { seconds: (performance.now() - t) / 1000, dir: join(project, 'runs', runId) };
  };
  const runOne = () => {
    const runId = `one-${round++}`;
    mkdirSync(join(project, 'runs', runId), { recursive: true });
    const t = performance.now();
    k.runMolecularTask({ projectPath: project, runId, job: job(1), checkpointIntervalMs: 30_000, progressIntervalMs: 250 });
    return (performance.now() - t) / 1000;
  };
  // The ceiling: the same work with no coupling, one single-walker task per thread.
  const oneInThread = (options) =>
    new Promise((resolve, reject) => {
      const w = new Worker(`import(${JSON.stringify(bundle)}).then((k) => k.runMolecularTask(require('node:worker_threads').workerData))`, { eval: true, workerData: options });
      w.once('error', reject);
      w.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
    });
  const independent = async (threads) => {
    const ids = [0, 1].map(() => `ind-${round++}`);
    for (const id of ids) mkdirSync(join(project, 'runs', id), { recursive: true });
    const options = (runId) => ({ projectPath: project, runId, job: job(1), checkpointIntervalMs: 30_000, progressIntervalMs: 250 });
    const t = performance.now();
    if (threads === 1) for (const id of ids) k.runMolecularTask(options(id));
    else await Promise.all([oneInThread(options(ids[0])), Promise.resolve().then(() => k.runMolecularTask(options(ids[1])))]);
    return (performance.now() - t) / 1000;
  };
  const filesOf = (dir) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))]));

  // Warm-up (JIT), then paired rounds; every 2-thread run's files must equal the 1-thread run's.
  await runWalkers(1);
  runOne();
  const t = { one: [], t1: [], t2: [], i1: [], i2: [] };
  for (let r = 0; r < rounds; r++) {
    t.one.push(runOne());
    t.i1.push(await independent(1));
    t.i2.push(await independent(2));
    const a = await runWalkers(1);
    const b = await runWalkers(2);
    t.t1.push(a.seconds);
    t.t2.push(b.seconds);
    const fa = filesOf(a.dir);
    const fb = filesOf(b.dir);
    const names = Object.keys(fa);
    if (names.join() !== Object.keys(fb).join() || names.some((n) => Buffer.compare(fa[n], fb[n]) !== 0)) {
      const bad = names.filter((n) => !fb[n] || Buffer.compare(fa[n], fb[n]) !== 0);
      console.error(`\nBENCH FAILED: md-walkers: 2 threads wrote different files than 1 thread (${bad.join(', ') || 'file list'})`);
      process.exit(1);
    }
  }
  const row = (what, s, n) => console.log(`${what.padEnd(44)} ${s.toFixed(3).padStart(8)} s ${(n / s / 1e3).toFixed(1).padStart(8)} k walker-steps/s`);
  console.log(`md-walkers: alanine dipeptide WT-metad phi/psi, ${STEPS} steps per walker, ${availableParallelism()} cores (${rounds} rounds, medians)`);
  row('1 walker, single-walker task', median(t.one), STEPS);
  row(`${WALKERS} walkers, 1 thread (reference)`, median(t.t1), WALKERS * STEPS);
  row(`${WALKERS} walkers, 2 threads`, median(t.t2), WALKERS * STEPS);
  row('2 independent walkers, 1 thread', median(t.i1), 2 * STEPS);
  row('2 independent walkers, 2 threads (ceiling)', median(t.i2), 2 * STEPS);
  console.log(`ratio 1 thread / 2 threads: ${(median(t.t1) / median(t.t2)).toFixed(2)}x (files byte-identical in every round); ceiling now ${(median(t.i1) / median(t.i2)).toFixed(2)}x`);

  // Whole processes: the same job through `liftwell metad --top` (bias grid 36 x 36 = 2 pi / (sigma / 2), as above).
  const reference = filesOf((await runWalkers(1)).dir);
  let cliRun = 0;
  const cli = (threads) => () => [
    process.execPath, join(repo, 'bin', 'liftwell.mjs'), 'metad', '--top', join(ala, 'ala2.prmtop'), '--crd', join(ala, 'ala2.inpcrd'),
    '--cv', 'phi=dihedral(5,7,9,15)', '--cv', 'psi=dihedral(7,9,15,17)', '--sigma', '0.35,0.35', '--height', '1.2', '--pace', '500', '--biasfactor', '6',
    '--temperature', '300', '--friction', '1', '--dt', '0.001', '--steps', String(STEPS), '--minimize', '--seed', '7', '--frame-interval', '100',
    '--walkers', String(WALKERS), '--threads', String(threads), '--out', join(project, `cli-${threads}-${cliRun++}`), '--json',
  ];
  const p = pairedRounds({ t1: cli(1), t2: cli(2) }, rounds);
  for (const out of [...p.t1.outs, ...p.t2.outs]) {
    const files = filesOf(JSON.parse(out).out);
    const bad = Object.keys(reference).filter((n) => n !== 'run.json' && (!files[n] || Buffer.compare(files[n], reference[n]) !== 0));
    if (bad.length) {
      console.error(`\nBENCH FAILED: md-walkers: liftwell metad --top wrote different files than the in-process run (${bad.join(', ')})`);
      process.exit(1);
    }
  }
  row(`metad process, ${WALKERS} walkers, --threads 1`, p.t1.wall, WALKERS * STEPS);
  row(`metad process, ${WALKERS} walkers, --threads 2`, p.t2.wall, WALKERS * STEPS);
  console.log(`whole process: ratio --threads 1 / --threads 2: ${(p.t1.wall / p.t2.wall).toFixed(2)}x; process / in-process (2 threads): ${(p.t2.wall / median(t.t2)).toFixed(2)}x (files byte-identical to the in-process run)`);
} finally {
  rmSync(project, { recursive: true, force: true });
}
