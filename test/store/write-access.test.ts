/**
 * Read-only projects (issue 12): a project folder this process cannot write is detected by
 * projectWriteProblem, with the file named, and the API opens it read-only and refuses changes.
 *
 * Root passes every permission check (chmod does not restrict it), so when the suite runs as
 * root the detection is checked in a child process running as the unprivileged user `nobody`
 * (the module bundled with esbuild, then run by plain node as uid 65534), and the API test,
 * which needs this process to be restricted, is skipped: it says so.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { projectWriteProblem } from '../../src-main/store/write-access';
import { call, callError, makeContext, tempDir } from '../api/helpers';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const dir = tempDir('liftwell-readonly-');
afterAll(() => {
  chmodRecursive(dir.path);
  dir.cleanup();
});

function chmodRecursive(path: string) {
  for (const p of [path, join(path, 'writable'), join(path, 'locked'), join(path, 'locked', 'runs'), join(path, 'api', 'Locked')]) {
    try {
      chmodSync(p, 0o755);
    } catch {
      /* not made */
    }
  }
}

/** A project-like folder: project.json and runs/; `lock` drops write permission on all three. */
function projectFolder(name: string, lock: boolean, owner?: number): string {
  const p = join(dir.path, name);
  mkdirSync(join(p, 'runs'), { recursive: true });
  writeFileSync(join(p, 'project.json'), '{}');
  for (const f of [p, join(p, 'runs'), join(p, 'project.json')]) {
    if (owner !== undefined) chownSync(f, owner, owner);
    if (lock) chmodSync(f, f.endsWith('.json') ? 0o444 : 0o555);
  }
  return p;
}

/** projectWriteProblem as seen by `uid` (a child process), for the root case. */
async function problemAs(uid: number, path: string): Promise<string | undefined> {
  const bundle = join(dir.path, 'write-access.mjs');
  await build({ entryPoints: [join(import.meta.dirname, '../../src-main/store/write-access.ts')], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent' });
  const script = `import { projectWriteProblem } from ${JSON.stringify(bundle)}; console.log(JSON.stringify({ problem: (await projectWriteProblem(${JSON.stringify(path)})) ?? null }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { uid, gid: uid, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`child failed: ${run.stderr}`);
  return JSON.parse(run.stdout).problem ?? undefined;
}

describe('projectWriteProblem', () => {
  it('a writable project has no problem; one without write permission names the folder', async () => {
    if (isRoot) chmodSync(dir.path, 0o755); // the child user must reach the folders
    const owner = isRoot ? NOBODY : undefined;
    const writable = projectFolder('writable', false, owner);
    const locked = projectFolder('locked', true, owner);
    const check = (p: string) => (isRoot ? problemAs(NOBODY, p) : projectWriteProblem(p));
    expect(await check(writable)).toBeUndefined();
    expect(await check(locked)).toBe(`You have no write permission on ${locked}, so nothing can be saved in this project.`);
    // Only runs/ locked: still read-only, and runs/ is named.
    chmodSync(locked, 0o755);
    chmodSync(join(locked, 'project.json'), 0o644);
    expect(await check(locked)).toMatch(new RegExp(`no write permission on ${join(locked, 'runs').replace(/[/.]/g, '\\$&')},`));
  });

  it.skipIf(isRoot)('the API opens an unwritable project read-only and refuses changes with the reason (skipped as root: chmod does not restrict root)', async () => {
    const ctx = makeContext(join(dir.path, 'home'));
    try {
      const created = await call(ctx, 'createProject', { parentDir: join(dir.path, 'api'), name: 'Locked' }).catch(async () => {
        mkdirSync(join(dir.path, 'api'), { recursive: true });
        return call(ctx, 'createProject', { parentDir: join(dir.path, 'api'), name: 'Locked' });
      });
      await ctx.shutdown();
      chmodSync(join(created.path, 'project.json'), 0o444);
      chmodSync(created.path, 0o555);
      const again = makeContext(join(dir.path, 'home'));
      try {
        const opened = await call(again, 'openProject', { projectPath: created.path });
        expect(opened.readOnly).toMatch(/no write permission/);
        const refused = await callError(again, 'addSystem', { projectPath: created.path, name: 'dw', spec: { kind: 'double-well', a: 1 } });
        expect(refused.code).toBe('conflict');
        expect(refused.message).toMatch(/^Read-only project: You have no write permission on /);
      } finally {
        await again.shutdown();
      }
    } finally {
      chmodRecursive(dir.path);
    }
  });
});
