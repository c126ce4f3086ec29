/**
 * Several processes on one project (issue 14, finding 1): real `liftwell umbrella` processes
 * started together must all keep their runs and systems in project.json, and a run that one
 * process computes cannot be resumed by another. Plus the lock file's stale-lock rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { describeOwner, isLockHandle, lockHolder, tryLock } from '../../src-main/store/lock-file';

const bin = join(import.meta.dirname, '../../bin/liftwell.mjs');

function liftwellAsync(args: string[], home: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, LIFTWELL_HOME: home } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'liftwell-lock-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lock files', () => {
  it('one holder at a time; released locks can be taken again', () => {
    const path = join(dir, 'a.lock');
    const first = tryLock(path, 'test');
    expect(isLockHandle(first)).toBe(true);
    const second = tryLock(path, 'test');
    expect(isLockHandle(second)).toBe(false);
    expect(describeOwner(second as never)).toContain(`process ${process.pid} on ${hostname()}`);
    if (isLockHandle(first)) first.release();
    expect(existsSync(path)).toBe(false);
    const third = tryLock(path, 'test');
    expect(isLockHandle(third)).toBe(true);
    if (isLockHandle(third)) third.release();
  });

  it('a lock whose process is gone is stale and taken over', () => {
    const path = join(dir, 'dead.lock');
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const pid = Number(dead.stdout.trim());
    writeFileSync(path, JSON.stringify({ pid, host: hostname(), token: 'x', purpose: 'crashed', created: '2026-01-01T00:00:00Z' }));
    expect(lockHolder(path)).toBeNull();
    const got = tryLock(path, 'test');
    expect(isLockHandle(got)).toBe(true);
    if (isLockHandle(got)) got.release();
  });

  it("another host's lock is live until it goes unrefreshed; an abandoned lock of this pid is stale", () => {
    const path = join(dir, 'remote.lock');
    writeFileSync(path, JSON.stringify({ pid: 1, host: 'elsewhere.example', token: 'y', purpose: 'remote', created: '2026-01-01T00:00:00Z' }));
    expect(lockHolder(path)?.host).toBe('elsewhere.example');
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(path, old, old);
    expect(lockHolder(path)).toBeNull();
    const mine = tryLock(path, 'test');
    expect(isLockHandle(mine)).toBe(true);
    if (isLockHandle(mine)) {
      mine.abandon(); // what a crashed app context in this same process leaves
      expect(lockHolder(path)).toBeNull();
    }
  });
});

describe('several liftwell processes on one project', () => {
  it('four umbrella CLIs started together keep every run and system', async () => {
    const project = join(dir, 'shared.liftwell');
    const home = join(dir, 'home');
    const args = (seed: number) => ['umbrella', '--project', project, '--system', 'double-well', '--range=-1,1', '--windows', '3', '--spring', '20',
      '--steps', '2000', '--stride', '10', '--walkers', '2', '--equilibration', '100', '--seed', String(seed), '--json'];
    const results = await Promise.all([1, 2, 3, 4].map((seed) => liftwellAsync(args(seed), home)));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const runIds = results.map((r) => JSON.parse(r.stdout).run.id as string);
    const data = JSON.parse(readFileSync(join(project, 'project.json'), 'utf8'));
    expect(data.runs.map((r: { id: string }) => r.id).sort()).toEqual([...runIds].sort());
    expect(data.systems).toHaveLength(4);
    expect(existsSync(join(project, 'project.lock'))).toBe(false);
    for (const id of runIds) expect(existsSync(join(project, 'runs', id, 'owner.lock'))).toBe(false);
  }, 180_000);

  it('a second process cannot resume a run another process computes', async () => {
    const project = join(dir, 'owned.liftwell');
    const home = join(dir, 'home2');
    // Long enough (10^9 steps) that it is still computing when the second process asks.
    const child = spawn(process.execPath, [bin, 'umbrella', '--project', project, '--system', 'double-well', '--range=-1,1', '--windows', '2', '--spring', '20',
      '--steps', '1000000000', '--stride', '1000000', '--walkers', '1', '--seed', '3'], { env: { ...process.env, LIFTWELL_HOME: home } });
    const exited = new Promise<number | null>((r) => child.on('close', r));
    let runId: string | undefined;
    for (let i = 0; i < 600 && !runId; i++) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        const data = JSON.parse(readFileSync(join(project, 'project.json'), 'utf8'));
        const id = data.runs[0]?.id;
        if (id && existsSync(join(project, 'runs', id, 'owner.lock'))) runId = id;
      } catch {
        /* not there yet */
      }
    }
    expect(runId).toBeDefined();
    const second = await liftwellAsync(['umbrella', '--project', project, '--resume', runId!, '--json'], home);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain('is being computed by process');
    child.kill('SIGINT'); // the first process cancels its run and lets go of it
    expect(await exited).toBe(1);
    expect(existsSync(join(project, 'runs', runId!, 'owner.lock'))).toBe(false);
  }, 180_000);

  it('resuming a completed run prints its result, also when run.json still says running', async () => {
    const project = join(dir, 'done.liftwell');
    const home = join(dir, 'home3');
    const done = await liftwellAsync(['umbrella', '--project', project, '--system', 'double-well', '--range=-1,1', '--windows', '2', '--spring', '20',
      '--steps', '2000', '--walkers', '1', '--seed', '4', '--json'], home);
    expect(done.code, done.stderr).toBe(0);
    const runId = JSON.parse(done.stdout).run.id as string;
    const again = await liftwellAsync(['umbrella', '--project', project, '--resume', runId, '--json'], home);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).fes.pmf).toEqual(JSON.parse(done.stdout).fes.pmf);
    // The state a kill leaves between the last window file and the status write: every window on
    // disk, run.json still "running". A resume completes at once and must still print the result.
    const runFile = join(project, 'runs', runId, 'run.json');
    const record = JSON.parse(readFileSync(runFile, 'utf8'));
    record.run.status = 'running';
    writeFileSync(runFile, JSON.stringify(record));
    const racing = await liftwellAsync(['umbrella', '--project', project, '--resume', runId, '--json'], home);
    expect(racing.code, racing.stderr).toBe(0);
    expect(JSON.parse(racing.stdout).fes.pmf).toEqual(JSON.parse(done.stdout).fes.pmf);
  }, 120_000);
});
