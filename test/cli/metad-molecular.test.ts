/**
 * `liftwell metad --top ...` (cli/commands/metad-molecular.ts) through the real bin script, against
 * the API's molecular run with the same parameters and seed (the GUI's path). Known answers, all
 * exact (the arithmetic is deterministic, so any difference is a bug, not noise):
 * - HILLS, COLVAR, fes.npy, cv.npy, energies.npy, bias-state.json and every walker's DCD are
 *   byte-identical to the API run's; the CLI runs its 2 walkers in one thread (--threads 1), the
 *   API run in as many as the machine has cores, so thread-count independence is checked too;
 * - the JSON summary: hills = walkers x steps / pace, frames = walkers x steps / frame interval,
 *   the FES rows are fes.npy's grid (-(gamma/(gamma-1)) V, minimum 0) in rows of the first CV;
 * - bad input is refused with the option named and nothing is left in --out;
 * - Ctrl-C (SIGINT, sent once progress shows) cancels the run: exit 1, no --out folder left.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MolecularRunParams } from '../../src-main/api/contract';
import { decodeNpy } from '../../src-main/engine/io/npy';
import { call, makeContext, tempDir, waitForFinal } from '../api/helpers';

const repo = join(import.meta.dirname, '../..');
const bin = join(repo, 'bin/liftwell.mjs');
const ala2 = join(repo, 'resources/molecules/alanine-dipeptide');
const top = join(ala2, 'ala2.prmtop');
const crd = join(ala2, 'ala2.inpcrd');

function liftwell(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// 2 walkers x 400 steps of 1 fs, a hill every 20 steps: 40 hills, 2 x 40 frames.
const params: MolecularRunParams = {
  temperature: 300,
  friction: 2,
  dt: 0.001,
  steps: 400,
  constraints: 'none',
  minimize: true,
  seed: 13,
  frameInterval: 10,
  cvs: ['phi=dihedral(5,7,9,15)', 'psi=dihedral(7,9,15,17)'],
  metad: { sigma: [0.35, 0.35], height: 1.2, pace: 20, biasFactor: 6, walkers: 2 },
};
const cliArgs = [
  'metad', '--top', top, '--crd', crd, '--cv', params.cvs[0], '--cv', params.cvs[1],
  '--sigma', '0.35,0.35', '--height', '1.2', '--pace', '20', '--biasfactor', '6', '--temperature', '300',
  '--friction', '2', '--dt', '0.001', '--steps', '400', '--minimize', '--seed', '13', '--frame-interval', '10',
  '--walkers', '2', '--threads', '1',
];
const COMPARED = ['COLVAR', 'HILLS', 'bias-state.json', 'cv.npy', 'energies.npy', 'fes.npy', 'walker-000.dcd', 'walker-001.dcd'];

const dir = tempDir('liftwell-metad-mol-cli-');
afterAll(() => dir.cleanup());

describe('liftwell metad on a molecule', () => {
  let apiRunDir: string;
  beforeAll(async () => {
    const ctx = makeContext(join(dir.path, 'home'));
    try {
      const projectPath = (await call(ctx, 'createProject', { parentDir: dir.path, name: 'api' })).path;
      const file = (path: string) => ({ fileName: path.split('/').pop()!, base64: readFileSync(path).toString('base64') });
      const molecule = await call(ctx, 'importMolecule', { projectPath, name: 'ala2', topology: file(top), coordinates: file(crd) });
      const run = await call(ctx, 'startMolecularRun', { projectPath, moleculeId: molecule.id, name: 'api metad', params });
      const done = await waitForFinal(ctx, run.id, 120_000);
      expect(done.status, done.error).toBe('completed');
      apiRunDir = join(projectPath, 'runs', run.id);
    } finally {
      await ctx.shutdown();
    }
  }, 150_000);

  it('writes the same files as the API run, byte for byte, and a JSON summary of them', () => {
    const out = join(dir.path, 'cli');
    const hillsCopy = join(dir.path, 'copy.hills');
    const r = liftwell([...cliArgs, '--out', out, '--hills-out', hillsCopy, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/100\.0%\s+ETA/);
    for (const name of COMPARED) expect(Buffer.compare(readFileSync(join(out, name)), readFileSync(join(apiRunDir, name))), name).toBe(0);
    expect(Buffer.compare(readFileSync(hillsCopy), readFileSync(join(out, 'HILLS')))).toBe(0);
    // Only the run's files: the scratch project is gone.
    expect(readdirSync(out).sort()).toEqual([...COMPARED, 'result.json', 'run.json'].sort());

    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ out, cvNames: ['phi', 'psi'], walkers: 2, hills: 2 * (400 / 20), frames: 2 * (400 / 10), walkerSteps: 800, biasFactor: 6 });
    const fes = decodeNpy(new Uint8Array(readFileSync(join(out, 'fes.npy'))), 'fes.npy');
    const [n0, n1] = fes.shape;
    expect(s.axes.map((a: number[]) => a.length)).toEqual([n0, n1]);
    expect(s.fes).toHaveLength(n0);
    // JSON rows are fes.npy's values exactly (row-major, first CV slowest; kJ/mol, minimum 0).
    expect(s.fes.flat()).toEqual(Array.from(fes.data));
    expect(Math.min(...s.fes.flat())).toBe(0);
  }, 120_000);

  it('refuses bad input naming the option, and leaves nothing behind', () => {
    const out = join(dir.path, 'bad');
    const options: Record<string, string> = { top, crd, cv: params.cvs[0], sigma: '0.3', height: '1', pace: '10', biasfactor: '6', temperature: '300', dt: '0.001', steps: '100', out };
    const metad = (over: Record<string, string | null>) =>
      liftwell(['metad', ...Object.entries({ ...options, ...over }).flatMap(([k, v]) => (v === null ? [] : [`--${k}`, v]))]);
    const cases: [Record<string, string | null>, RegExp][] = [
      [{ cv: 'phi=dihedral(5,7,9,99)' }, /--cv "phi=dihedral\(5,7,9,99\)".*atom 99 does not exist/],
      [{ sigma: '0.3,0.3' }, /--sigma needs 1 value\(s\), one per --cv \(got 2\)/],
      [{ top: join(dir.path, 'missing.prmtop') }, /missing\.prmtop.*--top.*file not found/],
      [{ crd: null }, /--crd F\.inpcrd or --pdb F\.pdb/],
      [{ biasfactor: '1' }, /--biasfactor/],
      [{ dt: '0.002' }, /--dt: 0\.002 ps is too long without constraints/],
      [{ integrator: 'verlet' }, /--integrator/],
    ];
    for (const [over, message] of cases) {
      const r = metad(over);
      expect({ over, code: r.code }).toEqual({ over, code: 2 });
      expect(r.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    }
    // A folder that already holds a run's result is not written into.
    const used = join(dir.path, 'used');
    mkdirSync(used);
    writeFileSync(join(used, 'result.json'), '{}');
    const again = metad({ out: used });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--out .*already holds a run/);
    expect(readdirSync(used)).toEqual(['result.json']);
  }, 120_000);

  it('Ctrl-C cancels the run and leaves no files', async () => {
    const out = join(dir.path, 'interrupted');
    const child = spawn(process.execPath, [bin, ...cliArgs.map((a) => (a === '400' ? '2000000' : a)), '--out', out]);
    let stderr = '';
    const code = await new Promise<number | null>((done) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/ETA/.test(stderr) && !child.killed) child.kill('SIGINT');
      });
      child.on('close', done);
    });
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(/run cancelled; nothing was written/);
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});
