/**
 * Delete with undo (store/trash.ts, api/trash.ts): deletes move folders into <project>/.trash and
 * take the project.json entries out; restores put both back; refusals name the reason; a crash
 * between the folder move and the project.json write is finished on the next open.
 * Every check compares exact files and index entries (no tolerances involved).
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../../src-main/api/handlers';
import { createProjectFolder, readProjectFile, writeProjectFile } from '../../src-main/store/project';
import { listTrash, moveToTrash, repairTrash, restoreFromTrash, trashHooks, TRASH_DIR } from '../../src-main/store/trash';
import { call, callError, makeContext, setupProject, smallParams, tempDir, waitForFinal } from '../api/helpers';

let dir: ReturnType<typeof tempDir>;
let ctx: AppContext;
beforeEach(() => {
  dir = tempDir();
  ctx = makeContext(join(dir.path, 'home'));
});
afterEach(async () => {
  trashHooks.afterMove = null;
  await ctx.shutdown();
  dir.cleanup();
});

/** A finished small umbrella run (a few hundred ms). */
async function finishedRun(projectPath: string, systemId: string, name = 'small') {
  const run = await call(ctx, 'startUmbrellaRun', { projectPath, systemId, name, params: smallParams({ stepsPerWindow: 400, centers: { mode: 'range', min: -1, max: 1, count: 3 } }) });
  const done = await waitForFinal(ctx, run.id);
  expect(done.status).toBe('completed');
  return run;
}

const trashFolders = (projectPath: string) => readdirSync(join(projectPath, TRASH_DIR));

describe('delete and restore through the API', () => {
  test('a run goes to the trash with its index entry and comes back unchanged', async () => {
    const { projectPath, systemId } = await setupProject(ctx, dir.path);
    const run = await finishedRun(projectPath, systemId);
    const runJson = readFileSync(join(projectPath, 'runs', run.id, 'run.json'), 'utf8');
    const entryBefore = (await readProjectFile(projectPath)).runs;

    const plan = await call(ctx, 'planDelete', { projectPath, kind: 'run', id: run.id });
    expect(plan).toEqual({ kind: 'run', id: run.id, name: 'small', dependents: [], blockers: [] });
    const item = await call(ctx, 'deleteToTrash', { projectPath, kind: 'run', id: run.id });
    expect(item.itemId).toMatch(new RegExp(`^\\d{8}T\\d{6}-\\d{3}-run-${run.id}$`));
    expect(existsSync(join(projectPath, 'runs', run.id))).toBe(false);
    expect(readFileSync(join(projectPath, TRASH_DIR, item.itemId, 'files', 'runs', run.id, 'run.json'), 'utf8')).toBe(runJson);
    const manifest = JSON.parse(readFileSync(join(projectPath, TRASH_DIR, item.itemId, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ kind: 'run', id: run.id, state: 'trashed', entries: { runs: entryBefore } });
    expect((await readProjectFile(projectPath)).runs).toEqual([]);
    expect(await call(ctx, 'listRuns', { projectPath })).toEqual([]);
    expect((await call(ctx, 'listTrash', { projectPath })).map((t) => t.itemId)).toEqual([item.itemId]);

    const restored = await call(ctx, 'restoreFromTrash', { projectPath, itemId: item.itemId });
    expect(restored.id).toBe(run.id);
    expect(readFileSync(join(projectPath, 'runs', run.id, 'run.json'), 'utf8')).toBe(runJson);
    expect((await readProjectFile(projectPath)).runs).toEqual(entryBefore);
    expect(await call(ctx, 'listTrash', { projectPath })).toEqual([]);
    expect(trashFolders(projectPath)).toEqual([]);
    // The restored run still gives its result.
    expect((await call(ctx, 'getFes', { projectPath, runId: run.id })).centers.length).toBeGreaterThan(0);
  }, 60_000);

  test('refusals: an active run, a system with runs, an unknown id, a taken id', async () => {
    const { projectPath, systemId } = await setupProject(ctx, dir.path);
    const run = await finishedRun(projectPath, systemId, 'done');
    const long = await call(ctx, 'startUmbrellaRun', { projectPath, systemId, name: 'long', params: smallParams({ stepsPerWindow: 1e8 }) });
    const active = await callError(ctx, 'deleteToTrash', { projectPath, kind: 'run', id: long.id });
    expect(active.code).toBe('conflict');
    expect(active.message).toMatch(/The run "long" is (queued|running); cancel it first\./);

    const plan = await call(ctx, 'planDelete', { projectPath, kind: 'system', id: systemId });
    expect(plan.dependents.map((d) => d.name).sort()).toEqual(['done', 'long']);
    expect(plan.blockers).toHaveLength(1);
    await call(ctx, 'cancelRun', { projectPath, runId: long.id });
    const used = await callError(ctx, 'deleteToTrash', { projectPath, kind: 'system', id: systemId });
    expect(used.code).toBe('conflict');
    expect(used.message).toMatch(/The system "dw" is used by run "(done|long)", run "(done|long)"; delete those too/);
    expect((await callError(ctx, 'deleteToTrash', { projectPath, kind: 'run', id: 'run-nope' })).code).toBe('not-found');
    expect((await callError(ctx, 'deleteToTrash', { projectPath, kind: 'run', id: '../x' })).code).toBe('invalid-input');
    expect((await callError(ctx, 'restoreFromTrash', { projectPath, itemId: '../../etc' })).code).toBe('invalid-input');

    // The system with its runs goes as one item and comes back as one.
    const item = await call(ctx, 'deleteToTrash', { projectPath, kind: 'system', id: systemId, withDependents: true });
    expect(item.entries.runs.map((r) => r.id).sort()).toEqual([run.id, long.id].sort());
    let project = await readProjectFile(projectPath);
    expect(project.systems).toEqual([]);
    expect(project.runs).toEqual([]);

    // A folder of the same id made meanwhile: restore refuses and names it, nothing moves.
    mkdirSync(join(projectPath, 'runs', run.id));
    const taken = await callError(ctx, 'restoreFromTrash', { projectPath, itemId: item.itemId });
    expect(taken.code).toBe('conflict');
    expect(taken.message).toContain(`folder runs/${run.id}`);
    expect((await call(ctx, 'listTrash', { projectPath })).length).toBe(1);

    rmdirSync(join(projectPath, 'runs', run.id));
    await call(ctx, 'restoreFromTrash', { projectPath, itemId: item.itemId });
    project = await readProjectFile(projectPath);
    expect(project.systems.map((s) => s.id)).toEqual([systemId]);
    expect(project.runs.map((r) => r.id)).toEqual([run.id, long.id]);
  }, 60_000);

  test('a crash between the folder move and the project.json write is finished on open', async () => {
    const { projectPath, systemId } = await setupProject(ctx, dir.path);
    const run = await finishedRun(projectPath, systemId);
    trashHooks.afterMove = () => {
      throw new Error('simulated crash');
    };
    await expect(call(ctx, 'deleteToTrash', { projectPath, kind: 'run', id: run.id })).rejects.toThrow('simulated crash');
    // The folder is in the trash, the index still names it: the state a crash leaves.
    expect((await readProjectFile(projectPath)).runs.map((r) => r.id)).toEqual([run.id]);
    expect(existsSync(join(projectPath, 'runs', run.id))).toBe(false);
    const [itemId] = trashFolders(projectPath);
    expect(JSON.parse(readFileSync(join(projectPath, TRASH_DIR, itemId, 'manifest.json'), 'utf8')).state).toBe('deleting');
    expect(await listTrash(projectPath)).toEqual([]);
    trashHooks.afterMove = null;

    const logs: string[] = [];
    ctx.subscribe((e) => e.type === 'log' && logs.push(e.message));
    const reopened = await call(ctx, 'openProject', { projectPath });
    expect(reopened.runs).toEqual([]);
    expect(logs.join('\n')).toMatch(/Finished deleting run "small"/);
    expect((await call(ctx, 'listTrash', { projectPath })).map((t) => t.itemId)).toEqual([itemId]);

    // The same for a restore cut short: the run comes back on the next open.
    trashHooks.afterMove = () => {
      throw new Error('simulated crash');
    };
    await expect(call(ctx, 'restoreFromTrash', { projectPath, itemId })).rejects.toThrow('simulated crash');
    expect(existsSync(join(projectPath, 'runs', run.id, 'run.json'))).toBe(true);
    expect((await readProjectFile(projectPath)).runs).toEqual([]);
    trashHooks.afterMove = null;
    expect(await repairTrash(projectPath)).toEqual(['Finished restoring run "small" from the trash (interrupted earlier).']);
    expect((await readProjectFile(projectPath)).runs.map((r) => r.id)).toEqual([run.id]);
    expect(trashFolders(projectPath)).toEqual([]);
  }, 60_000);

  test('a run comes back only with its system', async () => {
    const { projectPath, systemId } = await setupProject(ctx, dir.path);
    const run = await finishedRun(projectPath, systemId);
    const runItem = await call(ctx, 'deleteToTrash', { projectPath, kind: 'run', id: run.id });
    // No run uses the system now, so it goes alone.
    const systemItem = await call(ctx, 'deleteToTrash', { projectPath, kind: 'system', id: systemId });
    const refused = await callError(ctx, 'restoreFromTrash', { projectPath, itemId: runItem.itemId });
    expect(refused.code).toBe('conflict');
    expect(refused.message).toBe(`Cannot restore "small": the run "small" needs the system "dw", which is no longer in the project; restore the system "dw" from the trash first.`);
    await call(ctx, 'restoreFromTrash', { projectPath, itemId: systemItem.itemId });
    await call(ctx, 'restoreFromTrash', { projectPath, itemId: runItem.itemId });
    expect((await call(ctx, 'listRuns', { projectPath })).map((r) => r.id)).toEqual([run.id]);
  }, 60_000);

  test('models: a training run takes its models; a model cannot go while its run trains', async () => {
    const { projectPath, systemId } = await setupProject(ctx, dir.path);
    const run = await finishedRun(projectPath, systemId);
    const long = await call(ctx, 'startUmbrellaRun', { projectPath, systemId, name: 'long', params: smallParams({ stepsPerWindow: 1e8 }) });
    // Index entries as startTraining writes them (planDelete reads only the index and runId),
    // one model "trained" by the finished run, one by the active run.
    const done = { id: 'model-done', name: 'flow', created: '2026-01-01T00:00:00.000Z', runId: run.id };
    const busy = { id: 'model-busy', name: 'busy', created: '2026-01-01T00:00:01.000Z', runId: long.id };
    await writeProjectFile(projectPath, { ...(await readProjectFile(projectPath)), models: [done, busy] });
    mkdirSync(join(projectPath, 'models', done.id), { recursive: true });

    const plan = await call(ctx, 'planDelete', { projectPath, kind: 'run', id: run.id });
    expect(plan.dependents).toEqual([{ kind: 'model', id: done.id, name: 'flow' }]);
    expect((await callError(ctx, 'deleteToTrash', { projectPath, kind: 'run', id: run.id })).message).toContain('is used by model "flow"');
    const item = await call(ctx, 'deleteToTrash', { projectPath, kind: 'run', id: run.id, withDependents: true });
    expect(item.entries.models).toEqual([done]);
    expect(existsSync(join(projectPath, 'models', done.id))).toBe(false);
    expect((await readProjectFile(projectPath)).models).toEqual([busy]);

    const training = await callError(ctx, 'deleteToTrash', { projectPath, kind: 'model', id: busy.id });
    expect(training).toEqual({ code: 'conflict', message: 'The model "busy" is still training; cancel its training run first.' });
    await call(ctx, 'cancelRun', { projectPath, runId: long.id });
    await call(ctx, 'deleteToTrash', { projectPath, kind: 'model', id: busy.id });
    expect((await readProjectFile(projectPath)).models).toEqual([]);
  }, 60_000);

  test('emptyTrash removes items for good', async () => {
    const { projectPath, systemId } = await setupProject(ctx, dir.path);
    const other = await call(ctx, 'addSystem', { projectPath, name: 'spare', spec: { kind: 'double-well', a: 1 } });
    await call(ctx, 'deleteToTrash', { projectPath, kind: 'system', id: other.id });
    await call(ctx, 'deleteToTrash', { projectPath, kind: 'system', id: systemId });
    expect((await call(ctx, 'listTrash', { projectPath })).map((t) => t.name)).toEqual(['dw', 'spare']);
    expect(await call(ctx, 'emptyTrash', { projectPath })).toEqual({ removed: 2 });
    expect(await call(ctx, 'listTrash', { projectPath })).toEqual([]);
    expect(trashFolders(projectPath)).toEqual([]);
    expect((await readProjectFile(projectPath)).systems).toEqual([]);
  });
});

describe('models in the trash (store level)', () => {
  test('a model goes with its folder; it is restored only while its training run exists', async () => {
    const { path } = await createProjectFolder(dir.path, 'M');
    const project = await readProjectFile(path);
    const runEntry = { id: 'run-train', name: 'train', created: '2026-01-01T00:00:00.000Z' };
    const model = { id: 'model-a', name: 'flow', created: '2026-01-01T00:00:01.000Z', runId: runEntry.id };
    await writeProjectFile(path, { ...project, runs: [runEntry], models: [model] });
    mkdirSync(join(path, 'models', model.id), { recursive: true });
    writeFileSync(join(path, 'models', model.id, 'weights.bin'), 'w');

    const item = await moveToTrash(path, { kind: 'model', id: model.id, name: model.name, entries: { systems: [], runs: [], models: [model] }, folders: [`models/${model.id}`] });
    expect((await readProjectFile(path)).models).toEqual([]);
    expect(existsSync(join(path, 'models', model.id))).toBe(false);

    // Its training run is gone meanwhile: restoring the model alone is refused, naming the run.
    await writeProjectFile(path, { ...(await readProjectFile(path)), runs: [] });
    await expect(restoreFromTrash(path, item.itemId)).rejects.toThrow(/its training run run-train is no longer in the project; restore that run first/);
    await writeProjectFile(path, { ...(await readProjectFile(path)), runs: [runEntry] });
    await restoreFromTrash(path, item.itemId);
    expect((await readProjectFile(path)).models).toEqual([model]);
    expect(readFileSync(join(path, 'models', model.id, 'weights.bin'), 'utf8')).toBe('w');
  });
});
