/**
 * Multiple-walker molecular metadynamics (runs/molecular/metad-walkers-task.ts) on alanine
 * dipeptide, phi/psi, 3 walkers x 600 steps. Known answers, all exact (the arithmetic is
 * deterministic, so any difference is a bug, not noise):
 * - the files (HILLS, COLVAR, cv/energies/fes .npy, bias state, every walker's DCD, result.json)
 *   are byte-identical whether 1, 2 or 3 threads run the walkers (helpers use the bundled
 *   out/node/worker.mjs, built by test/global-setup.ts);
 * - the final bias equals a fresh grid with the HILLS file's hills added one by one in file order,
 *   each with the well-tempered height of the bias before it (the heights written must match);
 * - every hill sits at its walker's CV values at the hill's time (the walker column is right),
 *   and each pace deposits one hill per walker, in walker order;
 * - the walkers are different trajectories (own random streams from one start).
 */
import { afterAll, expect, test } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runMolecularWalkersTask, nextSegmentEnd } from '../../src-main/runs/molecular/metad-walkers-task';
import { molecularMetadBias } from '../../src-main/runs/molecular/metad-walkers';
import { molecularFiles } from '../../src-main/runs/molecular/files';
import { metadWalkerFiles } from '../../src-main/runs/molecular/walker-files';
import { loadMoleculeSync } from '../../src-main/store/molecules';
import { parseAtomicCv } from '../../src-main/engine/molecules/cv';
import { hillsFileHeight, parseHills, parsePlumedTable } from '../../src-main/engine/io/plumed';
import { parseDcd } from '../../src-main/engine/molecules/formats/dcd';
import type { Hill } from '../../src-main/engine/bias/metad';
import type { MolecularJob } from '../../src-main/runs/run-file';

const workerScript = pathToFileURL(join(import.meta.dirname, '../../out/node/worker.mjs'));
const project = mkdtempSync(join(tmpdir(), 'liftwell-metad-walkers-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));
mkdirSync(join(project, 'systems', 'ala'), { recursive: true });
for (const f of ['ala2.prmtop', 'ala2.inpcrd']) copyFileSync(join('resources/molecules/alanine-dipeptide', f), join(project, 'systems/ala', f));

const WALKERS = 3;
const job: MolecularJob = {
  kind: 'molecular', moleculeId: 'ala', topologyFile: 'systems/ala/ala2.prmtop', coordinatesFile: 'systems/ala/ala2.inpcrd',
  temperature: 300, friction: 1, dt: 0.001, steps: 600, constraints: 'none', integrator: 'baoab', minimize: true, seed: 21, frameInterval: 10,
  cvs: [
    { name: 'phi', definition: 'phi=dihedral(5,7,9,15)', periodic: true },
    { name: 'psi', definition: 'psi=dihedral(7,9,15,17)', periodic: true },
  ],
  metad: { cvIndices: [0, 1], sigma: [0.35, 0.35], height: 1.2, pace: 20, biasFactor: 6, grid: { min: [-Math.PI, -Math.PI], max: [Math.PI, Math.PI], bins: [36, 36] }, walkers: WALKERS },
};

async function run(runId: string, threads: number): Promise<string> {
  mkdirSync(join(project, 'runs', runId), { recursive: true });
  await runMolecularWalkersTask({
    projectPath: project, runId, job, checkpointIntervalMs: 1e12, progressIntervalMs: 1e12,
    threads: threads > 1 ? { workerScript, count: threads } : undefined,
  });
  return join(project, 'runs', runId);
}

const filesOf = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))]));

test('segments end at every hill step and at every sync step', () => {
  expect(nextSegmentEnd(0, 600, 20, 1000)).toBe(20);
  expect(nextSegmentEnd(20, 600, 20, 30)).toBe(30);
  expect(nextSegmentEnd(590, 600, 500, 1000)).toBe(600);
});

test('1, 2 and 3 threads write byte-identical files; the bias is the sum of the HILLS in order', { timeout: 120_000 }, async () => {
  const one = filesOf(await run('one', 1));
  const two = filesOf(await run('two', 2));
  const three = filesOf(await run('three', 3));
  expect(Object.keys(one)).toEqual(['COLVAR', 'HILLS', 'bias-state.json', 'cv.npy', 'energies.npy', 'fes.npy', 'result.json', 'walker-000.dcd', 'walker-001.dcd', 'walker-002.dcd']);
  for (const other of [two, three]) {
    expect(Object.keys(other)).toEqual(Object.keys(one));
    for (const name of Object.keys(one)) expect(Buffer.compare(other[name], one[name]), name).toBe(0);
  }

  // Replay HILLS into a fresh grid: centres are written with round-trip precision, heights are
  // recomputed from the bias before each hill and must give the file's (rescaled) column exactly.
  const hills = parsePlumedTable(one.HILLS.toString('utf8'), 'HILLS');
  expect(hills.fields).toEqual(['time', 'phi', 'psi', 'sigma_phi', 'sigma_psi', 'height', 'biasf', 'walker']);
  const col = (name: string) => hills.columns[hills.fields.indexOf(name)];
  const nHills = WALKERS * (job.steps / job.metad!.pace);
  expect(hills.rows).toBe(nHills);
  const molecule = loadMoleculeSync(project, job.topologyFile, job.coordinatesFile);
  const cvs = job.cvs.map((c) => parseAtomicCv(c.definition, { nAtoms: molecule.prmtop.topology.nAtoms, reference: molecule.positions }));
  const replay = molecularMetadBias(job, cvs);
  let added: Hill | null = null;
  replay.metad.onHill = (hill) => (added = hill);
  for (let k = 0; k < nHills; k++) {
    expect(col('walker')[k]).toBe(k % WALKERS);
    const step = (Math.floor(k / WALKERS) + 1) * job.metad!.pace;
    expect(col('time')[k]).toBe(step * job.dt);
    replay.metad.depositFrom(Float64Array.of(col('phi')[k], col('psi')[k]), 1, 2, step);
    expect(added!.center).toEqual([col('phi')[k], col('psi')[k]]);
    expect(hillsFileHeight(added!.height, job.metad!.biasFactor)).toBe(col('height')[k]);
  }
  const saved = JSON.parse(one['bias-state.json'].toString('utf8')).state;
  expect(replay.getState()).toEqual(saved);
  // HILLS readers (liftwell metad --hills-in) skip the walker column.
  const read = parseHills(one.HILLS.toString('utf8'), 'HILLS');
  expect(read.cvNames).toEqual(['phi', 'psi']);
  expect(Array.from(read.centers.subarray(0, 2))).toEqual([col('phi')[0], col('psi')[0]]);

  // Each hill is at its walker's CV values at its time (COLVAR: time walker phi psi metad.bias; hills wrap pi to -pi).
  const colvar = parsePlumedTable(one.COLVAR.toString('utf8'), 'COLVAR');
  expect(colvar.fields).toEqual(['time', 'walker', 'phi', 'psi', 'metad.bias']);
  expect(colvar.rows).toBe(WALKERS * (job.steps / job.frameInterval));
  const wrap = (v: number) => (v >= Math.PI ? v - 2 * Math.PI : v);
  for (let k = 0; k < nHills; k++) {
    const r = colvar.columns[0].findIndex((t, i) => t === col('time')[k] && colvar.columns[1][i] === col('walker')[k]);
    expect(r).toBeGreaterThanOrEqual(0);
    expect([wrap(colvar.columns[2][r]), wrap(colvar.columns[3][r])]).toEqual([col('phi')[k], col('psi')[k]]);
  }

  // Three different trajectories from one start: own random streams.
  const dcds = [0, 1, 2].map((w) => parseDcd(new Uint8Array(one[`walker-00${w}.dcd`]), `walker ${w}`));
  for (const dcd of dcds) expect(dcd.nFrames).toBe(job.steps / job.frameInterval);
  expect(Array.from(dcds[0].positions)).not.toEqual(Array.from(dcds[1].positions));
  expect(Array.from(dcds[1].positions)).not.toEqual(Array.from(dcds[2].positions));
  const result = JSON.parse(one['result.json'].toString('utf8'));
  expect(result).toMatchObject({ frames: WALKERS * 60, hills: nHills, walkers: WALKERS, fes: { source: 'metad', cvNames: ['phi', 'psi'] } });
  expect(readdirSync(join(project, 'runs', 'one')).some((f) => f.endsWith('.f64') || f.includes('checkpoint'))).toBe(false);
  expect(metadWalkerFiles(project, 'one', 2).trajectory).toBe(join(project, 'runs', 'one', 'walker-002.dcd'));
  expect(molecularFiles(project, 'one').hillsText).toBe(join(project, 'runs', 'one', 'HILLS'));
});

test('a diverging walker stops the run with a message naming a walker, on 1 thread and on 2', { timeout: 60_000 }, async () => {
  // 10 fs steps without constraints and no minimisation: the bonds to hydrogen blow up within a few hundred steps.
  const wild: MolecularJob = { ...job, dt: 0.01, minimize: false, steps: 2000, metad: { ...job.metad!, walkers: 2 } };
  for (const [runId, threads] of [['wild1', 1], ['wild2', 2]] as const) {
    mkdirSync(join(project, 'runs', runId), { recursive: true });
    await expect(
      runMolecularWalkersTask({ projectPath: project, runId, job: wild, checkpointIntervalMs: 1e12, progressIntervalMs: 1e12, threads: threads > 1 ? { workerScript, count: threads } : undefined }),
    ).rejects.toThrow(/metadynamics walker [01]: .*diverged/);
  }
});
