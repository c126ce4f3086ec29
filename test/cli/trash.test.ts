/**
 * `liftwell trash` through the real bin script: delete (refused while runs use the system, then
 * with --with-dependents), list, restore, empty --yes; exit codes and the JSON fields.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../../src-main/api/handlers';
import { readProjectFile } from '../../src-main/store/project';
import { call, makeContext, setupProject, smallParams, tempDir, waitForFinal } from '../api/helpers';

const bin = join(import.meta.dirname, '../../bin/liftwell.mjs');
let dir: ReturnType<typeof tempDir>;
let ctx: AppContext;
beforeEach(() => {
  dir = tempDir();
  ctx = makeContext(join(dir.path, 'home'));
});
afterEach(async () => {
  await ctx.shutdown();
  dir.cleanup();
});

function liftwell(args: string[]) {
  const result = spawnSync(process.execPath, [bin, 'trash', ...args], { encoding: 'utf8', env: { ...process.env, LIFTWELL_HOME: join(dir.path, 'cli-home') }, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('delete, list, restore and empty from the command line', async () => {
  const { projectPath, systemId } = await setupProject(ctx, dir.path);
  const run = await call(ctx, 'startUmbrellaRun', { projectPath, systemId, name: 'small', params: smallParams({ stepsPerWindow: 400, centers: { mode: 'range', min: -1, max: 1, count: 3 } }) });
  expect((await waitForFinal(ctx, run.id)).status).toBe('completed');
  // The app holding the project makes a CLI read-only (its changes are refused): close it first.
  await ctx.shutdown();
  ctx = makeContext(join(dir.path, 'home'), { transport: 'cli' });

  const refused = liftwell(['delete', projectPath, 'system', systemId]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('The system "dw" is used by run "small"; delete those too');
  expect(liftwell(['delete', projectPath, 'run', 'run-nope']).code).toBe(2);
  expect(liftwell(['empty', projectPath]).code).toBe(2); // --yes missing

  const deleted = liftwell(['delete', projectPath, 'system', systemId, '--with-dependents', '--json']);
  expect(deleted.code).toBe(0);
  const item = JSON.parse(deleted.stdout);
  expect(item).toMatchObject({ kind: 'system', id: systemId, name: 'dw' });
  expect((await readProjectFile(projectPath)).runs).toEqual([]);
  const listed = liftwell(['list', projectPath]);
  expect(listed.stdout).toContain(`${item.itemId}`);
  expect(listed.stdout).toContain('system "dw" (with 1 more)');

  expect(liftwell(['restore', projectPath, item.itemId]).stdout).toContain('restored system "dw"');
  const project = await readProjectFile(projectPath);
  expect(project.systems.map((s) => s.id)).toEqual([systemId]);
  expect(project.runs.map((r) => r.id)).toEqual([run.id]);

  liftwell(['delete', projectPath, 'run', run.id]);
  const emptied = liftwell(['empty', projectPath, '--yes', '--json']);
  expect(JSON.parse(emptied.stdout)).toEqual({ removed: 1 });
  expect(existsSync(join(projectPath, 'runs', run.id))).toBe(false);
  expect(liftwell(['list', projectPath]).stdout.trim()).toBe('the trash is empty');
}, 60_000);

test('a study from the command line: it goes alone, its run stays; --with-dependents takes the run', async () => {
  const { projectPath, systemId } = await setupProject(ctx, dir.path);
  const run = await call(ctx, 'startUmbrellaRun', { projectPath, systemId, name: 'study run', params: smallParams({ stepsPerWindow: 200, centers: { mode: 'range', min: -1, max: 1, count: 2 } }) });
  expect((await waitForFinal(ctx, run.id)).status).toBe('completed');
  await ctx.shutdown();
  ctx = makeContext(join(dir.path, 'home'), { transport: 'cli' });
  // A study folder as the Studies view leaves it: study.json and a finished stage naming its run.
  const studyDir = join(projectPath, 'studies', 's1');
  mkdirSync(join(studyDir, 'stages'), { recursive: true });
  writeFileSync(join(studyDir, 'study.json'), JSON.stringify({ name: 'my study' }));
  writeFileSync(join(studyDir, 'stages', 'sampling.json'), JSON.stringify({ key: 'k', value: { runId: run.id } }));

  const alone = JSON.parse(liftwell(['delete', projectPath, 'study', 's1', '--json']).stdout);
  expect(alone).toMatchObject({ kind: 'study', id: 's1', name: 'my study', entries: { runs: [] } });
  expect(existsSync(studyDir)).toBe(false);
  expect((await readProjectFile(projectPath)).runs.map((r) => r.id)).toEqual([run.id]);
  expect(liftwell(['restore', projectPath, alone.itemId]).code).toBe(0);
  expect(existsSync(join(studyDir, 'study.json'))).toBe(true);

  const withRun = JSON.parse(liftwell(['delete', projectPath, 'study', 's1', '--with-dependents', '--json']).stdout);
  expect(withRun.entries.runs.map((r: { id: string }) => r.id)).toEqual([run.id]);
  expect((await readProjectFile(projectPath)).runs).toEqual([]);
  expect(existsSync(join(projectPath, 'runs', run.id))).toBe(false);
}, 60_000);
