/**
 * Scale-out on a real Slurm cluster: a single-node cluster on this machine (Debian's slurm-wlm +
 * munge, scripts/slurm/local-cluster.sh; `.ci/run` installs them), not a mock. An umbrella study
 * runs through the installed CLI with `--executor slurm`: one array task is scancel'ed mid-run and
 * must be reported and re-submitted, and every window file must equal, byte for byte, the same
 * study run on local worker threads. A scripts-only study is submitted by hand with its
 * submit.sh and folded in with `liftwell collect`.
 * Outside CI the suite is skipped where Slurm is not installed; in CI (CI=true) it must run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'liftwell.mjs');
const clusterScript = join(root, 'scripts', 'slurm', 'local-cluster.sh');
const clusterDir = join(tmpdir(), 'liftwell-slurm');
const slurmConf = join(clusterDir, 'slurm.conf');
const haveSlurm = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scancel'].every((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status === 0);
const env = { ...process.env, SLURM_CONF: slurmConf, LIFTWELL_HOME: mkdtempSync(join(tmpdir(), 'liftwell-slurm-home-')) };

// Four windows of a few seconds each (12M steps x 4 walkers, ~4 s on an idle core), so a piece can
// be cancelled while it runs (with 3M steps a window took ~1 s and the cancel could land after the
// piece had finished); few stored samples (stride 1000) keep the files small.
const study = ['--system', 'double-well', '--range=-1.2,1.2', '--windows', '4', '--spring', '20', '--steps', '12000000', '--stride', '1000', '--walkers', '4', '--seed', '11', '--json'];

function liftwell(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env, timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const squeue = () => spawnSync('squeue', ['-h', '-r', '-o', '%F_%K|%t'], { encoding: 'utf8', env }).stdout;
const runDirOf = (project: string, runId: string) => join(project, 'runs', runId);
/** Every window file of a run (CV samples and full coordinates), by name. */
function windowFiles(runDir: string): Map<string, Buffer> {
  const files = readdirSync(runDir).filter((f) => /^window-\d{3}(-x)?\.npy$/.test(f));
  return new Map(files.sort().map((f) => [f, readFileSync(join(runDir, f))]));
}
async function waitFor<T>(what: string, fn: () => T | null | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!haveSlurm && process.env.CI !== 'true')('Slurm executor on a local single-node cluster', () => {
  const work = mkdtempSync(join(tmpdir(), 'liftwell-slurm-test-'));
  let local: Map<string, Buffer>;

  beforeAll(() => {
    const start = spawnSync('bash', [clusterScript, 'start', clusterDir], { encoding: 'utf8' });
    if (start.status !== 0) throw new Error(`the local Slurm cluster did not start: ${start.stderr}`);
    const out = liftwell(['umbrella', '--project', join(work, 'local.liftwell'), ...study]);
    expect(out.code, out.stderr).toBe(0);
    const { projectPath, run } = JSON.parse(out.stdout);
    local = windowFiles(runDirOf(projectPath, run.id));
    expect(local.size).toBe(8);
  }, 180_000);

  afterAll(() => {
    spawnSync('bash', [clusterScript, 'stop', clusterDir]);
    rmSync(work, { recursive: true, force: true });
  });

  it('runs a study as a job array; a piece cancelled mid-run is reported, re-submitted, and the files equal the local run byte for byte', async () => {
    const project = join(work, 'cluster.liftwell');
    const child = spawn(process.execPath, [bin, 'umbrella', '--project', project, ...study, '--executor', 'slurm', '--poll-seconds', '0.3', '--max-retries', '2'], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<number | null>((r) => child.on('exit', r));

    // Piece 1 running on the cluster -> cancel that one array task.
    const task = await waitFor('array task 1 to run', () => squeue().split('\n').find((l) => /_1\|R$/.test(l.trim()))?.split('|')[0]);
    expect(spawnSync('scancel', [task], { env }).status).toBe(0);

    expect(await exited, stderr).toBe(0);
    const { projectPath, run } = JSON.parse(stdout);
    expect(run.status).toBe('completed');
    // The Jobs view's per-piece state: piece 1 took two attempts, the others one.
    expect(run.cluster.executor).toBe('slurm');
    expect(run.cluster.pieces.map((p: { attempts: number }) => p.attempts)).toEqual([1, 2, 1, 1]);
    expect(run.cluster.pieces.every((p: { state: string }) => p.state === 'done')).toBe(true);
    expect(run.cluster.jobIds).toHaveLength(2);
    const state = JSON.parse(readFileSync(join(runDirOf(projectPath, run.id), 'slurm', 'state.json'), 'utf8'));
    expect(state.submissions[1].indices).toEqual([1]);

    const cluster = windowFiles(runDirOf(projectPath, run.id));
    expect([...cluster.keys()]).toEqual([...local.keys()]);
    for (const [name, bytes] of local) expect(Buffer.compare(cluster.get(name)!, bytes), name).toBe(0);
  }, 180_000);

  it('the CLI killed while its pieces compute: --resume re-attaches to the running jobs instead of submitting again', async () => {
    const project = join(work, 'reattach.liftwell');
    const child = spawn(process.execPath, [bin, 'umbrella', '--project', project, ...study, '--executor', 'slurm', '--poll-seconds', '0.3'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const runId = await waitFor('the run id', () => /run (run-\S+) in/.exec(stderr)?.[1]);
    await waitFor('a piece to run', () => squeue().split('\n').some((l) => /\|R$/.test(l.trim())));
    child.kill('SIGKILL'); // as a crash: nothing more is written by the CLI
    await new Promise((r) => child.on('exit', r));

    // The project keeps its executor settings (saved by the first call): --resume needs no options.
    const out = liftwell(['umbrella', '--project', project, '--resume', runId, '--json']);
    expect(out.code, out.stderr).toBe(0);
    const { run } = JSON.parse(out.stdout);
    expect(run.status).toBe('completed');
    // One array job for the whole run: the resumed CLI followed it rather than submitting again.
    const state = JSON.parse(readFileSync(join(runDirOf(project, runId), 'slurm', 'state.json'), 'utf8'));
    expect(state.submissions).toHaveLength(1);
    const files = windowFiles(runDirOf(project, runId));
    for (const [name, bytes] of local) expect(Buffer.compare(files.get(name)!, bytes), name).toBe(0);
  }, 180_000);

  it('scripts only: submit.sh run by hand, then liftwell collect completes the run with the same files', async () => {
    const project = join(work, 'offline.liftwell');
    const out = liftwell(['umbrella', '--project', project, ...study, '--executor', 'slurm', '--scripts-only']);
    expect(out.code, out.stderr).toBe(0);
    const { projectPath, run } = JSON.parse(out.stdout);
    expect(run.status).toBe('interrupted');
    expect(run.cluster.scriptsOnly).toBe(true);
    expect(squeue().trim()).toBe(''); // nothing was submitted

    // Before the pieces ran: collect lists all four missing and exits 1.
    const before = liftwell(['collect', projectPath, '--json']);
    expect(before.code).toBe(1);
    expect(JSON.parse(before.stdout).runs[0].missing).toHaveLength(4);

    const slurmDir = join(runDirOf(projectPath, run.id), 'slurm');
    // The scripts call `liftwell` from PATH, as on a cluster where it is installed: here, this checkout's bin.
    const pathDir = mkdtempSync(join(tmpdir(), 'liftwell-bin-'));
    symlinkSync(bin, join(pathDir, 'liftwell'));
    const submit = spawnSync('bash', [join(slurmDir, 'submit.sh')], { encoding: 'utf8', env: { ...env, PATH: `${pathDir}:${process.env.PATH}` } });
    expect(submit.status, submit.stderr).toBe(0);
    const jobId = submit.stdout.trim().match(/(\d+)/)![1];
    await waitFor('the array job to finish', () => !squeue().split('\n').some((l) => l.startsWith(`${jobId}_`)), 120_000);

    const after = liftwell(['collect', projectPath, '--json']);
    expect(after.code, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout).runs[0]).toMatchObject({ status: 'completed', missing: [] });
    const files = windowFiles(runDirOf(projectPath, run.id));
    for (const [name, bytes] of local) expect(Buffer.compare(files.get(name)!, bytes), name).toBe(0);
  }, 180_000);
});
