/**
 * Deleting a study (api/trash.ts, kind 'study') through dispatch, as the Studies view does: the
 * study's folder goes to the project's trash and comes back with Undo; its runs and model stay
 * unless the delete asks for them (withDependents), and then come back with it too; refused while
 * the study runs; a study id with a "." is a valid trash item.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, callError } from '../api/helpers';
import { studyServiceContext, waitForStudyEnd } from './service-helpers';

/** The smallest study with a run and a model: 3 short windows, a 1-epoch score model. */
const smallStudy = (name: string, steps = 2000) => ({
  schemaVersion: 1,
  name,
  system: { kind: 'fast-slow', a: 2, s: 0.5, epsilon: 0.01, f: 'sin', c: 0.5 },
  kT: 1,
  cvs: ['x'],
  seed: 3,
  sampling: { method: 'umbrella', range: [-1, 1], windows: 3, spring: 40, steps, walkers: 2, dt: 0.0002, stride: 10, equilibration: 100 },
  estimate: { estimator: 'wham', bins: 6, bootstrap: 0, subsample: true },
  model: { kind: 'score', epochs: 1, hidden: [8] },
});

describe('deleting a study to the trash', () => {
  const { dir, ctx } = studyServiceContext('liftwell-study-trash-');
  let projectPath = '';
  const studyIds = async () => (await call(ctx, 'listStudies', { projectPath })).map((s) => s.id);
  const runIds = async () => (await call(ctx, 'listRuns', { projectPath })).map((r) => r.id).sort();
  const modelIds = async () => (await call(ctx, 'listModels', { projectPath })).map((m) => m.id);

  it('goes alone (its runs and model stay), names them as companions, and Undo brings it back', async () => {
    projectPath = (await call(ctx, 'createProject', { parentDir: dir.path, name: 'p' })).path;
    const saved = await call(ctx, 'saveStudy', { projectPath, study: smallStudy('v1.2 small') });
    expect(saved.id).toBe('v1.2-small');
    const ended = waitForStudyEnd(ctx, projectPath, saved.id);
    await call(ctx, 'startStudy', { projectPath, studyId: saved.id });
    expect((await ended).status).toBe('done');
    const detail = await call(ctx, 'getStudy', { projectPath, studyId: saved.id });
    const runsBefore = await runIds();
    expect(runsBefore).toEqual([detail.runs.sampling, detail.runs.model].sort());

    const plan = await call(ctx, 'planDelete', { projectPath, kind: 'study', id: saved.id });
    expect(plan).toMatchObject({ kind: 'study', id: saved.id, name: 'v1.2 small', dependents: [], blockers: [] });
    expect(plan.companions!.map((c) => `${c.kind}:${c.id}`).sort()).toEqual([`model:${detail.modelId}`, `run:${detail.runs.model}`, `run:${detail.runs.sampling}`].sort());

    const item = await call(ctx, 'deleteToTrash', { projectPath, kind: 'study', id: saved.id });
    expect(item.itemId).toMatch(/-study-v1\.2-small$/);
    expect(existsSync(join(projectPath, 'studies', saved.id))).toBe(false);
    expect(await studyIds()).toEqual([]);
    expect(await runIds()).toEqual(runsBefore);
    expect(await modelIds()).toEqual([detail.modelId]);
    expect((await call(ctx, 'listTrash', { projectPath })).map((t) => t.kind)).toEqual(['study']);

    await call(ctx, 'restoreFromTrash', { projectPath, itemId: item.itemId });
    expect(await studyIds()).toEqual([saved.id]);
    expect((await call(ctx, 'getStudy', { projectPath, studyId: saved.id })).hasReport).toBe(true);
  }, 120_000);

  it('with its runs: they and the model go too and come back with it', async () => {
    const detail = await call(ctx, 'getStudy', { projectPath, studyId: 'v1.2-small' });
    const item = await call(ctx, 'deleteToTrash', { projectPath, kind: 'study', id: 'v1.2-small', withDependents: true });
    expect(item.entries.runs.map((r) => r.id).sort()).toEqual([detail.runs.sampling, detail.runs.model].sort());
    expect(await runIds()).toEqual([]);
    expect(await modelIds()).toEqual([]);
    expect(await studyIds()).toEqual([]);
    await call(ctx, 'restoreFromTrash', { projectPath, itemId: item.itemId });
    expect(await runIds()).toEqual([detail.runs.sampling, detail.runs.model].sort());
    expect(await modelIds()).toEqual([detail.modelId]);
    expect(await studyIds()).toEqual(['v1.2-small']);
  }, 60_000);

  it('is refused while the study runs, and after a cancel it can go', async () => {
    const long = await call(ctx, 'saveStudy', { projectPath, study: smallStudy('long', 50_000_000) });
    const ended = waitForStudyEnd(ctx, projectPath, long.id);
    await call(ctx, 'startStudy', { projectPath, studyId: long.id });
    const plan = await call(ctx, 'planDelete', { projectPath, kind: 'study', id: long.id });
    expect(plan.blockers[0]).toBe('The study "long" is running; cancel it first.');
    const refused = await callError(ctx, 'deleteToTrash', { projectPath, kind: 'study', id: long.id });
    expect(refused.code).toBe('conflict');
    expect(refused.message).toContain('cancel it first');
    expect(await studyIds()).toContain(long.id);
    await call(ctx, 'cancelStudy', { projectPath, studyId: long.id });
    expect((await ended).status).toBe('cancelled');
    await call(ctx, 'deleteToTrash', { projectPath, kind: 'study', id: long.id });
    expect(await studyIds()).toEqual(['v1.2-small']);
  }, 60_000);

  it('a restore is refused, naming the folder, when a new study took its id meanwhile', async () => {
    const item = await call(ctx, 'deleteToTrash', { projectPath, kind: 'study', id: 'v1.2-small' });
    const again = await call(ctx, 'saveStudy', { projectPath, study: smallStudy('v1.2 small') });
    expect(again.id).toBe('v1.2-small');
    const refused = await callError(ctx, 'restoreFromTrash', { projectPath, itemId: item.itemId });
    expect(refused.code).toBe('conflict');
    expect(refused.message).toContain('folder studies/v1.2-small');
    // The new study is untouched; the deleted one waits in the trash.
    expect((await call(ctx, 'getStudy', { projectPath, studyId: 'v1.2-small' })).status).toBe('draft');
    expect((await call(ctx, 'listTrash', { projectPath })).map((t) => t.itemId)).toContain(item.itemId);
  });

  it('names an unknown or malformed study id', async () => {
    expect((await callError(ctx, 'planDelete', { projectPath, kind: 'study', id: 'nope' })).code).toBe('not-found');
    expect((await callError(ctx, 'planDelete', { projectPath, kind: 'study', id: '../runs' })).message).toContain('is not a valid study id');
  });
});
