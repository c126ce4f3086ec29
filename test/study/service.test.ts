/**
 * The studies API (api/contract/studies.ts served by study/service.ts) through dispatch, as the
 * Studies view calls it: field-by-field validation, save into <project>/studies/<id>/, a
 * background run whose stages end done with timings, its runs as ordinary project runs, the
 * FES <-> configurations link, resume with every stage cached, and the words without a service.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, callError, makeContext } from '../api/helpers';
import { studyServiceContext, waitForStudyEnd } from './service-helpers';

/** A tiny fast/slow study: 5 windows, a 2-epoch score model, a lift, one closure. */
const tinyStudy = () => ({
  schemaVersion: 1,
  name: 'tiny fast/slow',
  system: { kind: 'fast-slow', a: 2, s: 0.5, epsilon: 0.01, f: 'sin', c: 0.5 },
  kT: 1,
  cvs: ['x'],
  seed: 4,
  sampling: { method: 'umbrella', range: [-1.5, 1.5], windows: 5, spring: 40, steps: 6000, walkers: 4, dt: 0.0002, stride: 10, equilibration: 200 },
  estimate: { estimator: 'wham', bins: 12, bootstrap: 2, subsample: true },
  model: { kind: 'score', epochs: 2, hidden: [16] },
  lift: { conditions: [-1, 0, 1], n: 50, steps: 10 },
  closures: { observables: [{ name: 'y', expr: 'y' }], meanForce: true, bins: 8 },
});

describe('studies API (in-project studies for the GUI)', () => {
  const { dir, ctx } = studyServiceContext('liftwell-studies-');
  let projectPath = '';

  it('checkStudy names each problem by its key path, with the schema\'s words', async () => {
    const bad = { ...tinyStudy(), sampling: { ...tinyStudy().sampling, spring: -1 } };
    const r1 = await call(ctx, 'checkStudy', { study: bad });
    expect(r1.ok).toBe(false);
    expect(r1.problems).toContainEqual({ path: 'sampling.spring', message: 'must be > 0' });
    const r2 = await call(ctx, 'checkStudy', { study: { ...tinyStudy(), cvs: ['z'] } });
    expect(r2.problems).toEqual([{ path: 'cvs.0', message: expect.stringContaining('"z" is not a coordinate of the fast-slow system (x, y)') }]);
    const { model: _m, ...noModel } = tinyStudy();
    const r3 = await call(ctx, 'checkStudy', { study: noModel });
    expect(r3.problems).toContainEqual({ path: 'lift', message: 'lift needs a model stage' });
    expect((await call(ctx, 'checkStudy', { study: tinyStudy() })).ok).toBe(true);
  });

  it('refuses calls on a project that is not open, and saving an invalid study', async () => {
    expect((await callError(ctx, 'listStudies', { projectPath: join(dir.path, 'nowhere') })).code).toBe('not-found');
    projectPath = (await call(ctx, 'createProject', { parentDir: dir.path, name: 'p' })).path;
    const e = await callError(ctx, 'saveStudy', { projectPath, study: { ...tinyStudy(), kT: 0 } });
    expect(e.code).toBe('invalid-input');
    expect(e.message).toContain('kT: must be > 0');
    expect(await call(ctx, 'listStudies', { projectPath })).toEqual([]);
  });

  it('saves, runs every stage to done with timings, and links the FES to configurations', async () => {
    const saved = await call(ctx, 'saveStudy', { projectPath, study: tinyStudy() });
    expect(saved.id).toBe('tiny-fast-slow');
    expect(saved.status).toBe('draft');
    expect(saved.stages.map((s) => s.name)).toEqual(['sampling', 'estimate', 'model', 'lift', 'consistency', 'closures', 'meanForce']);
    expect(existsSync(join(projectPath, 'studies', saved.id, 'study.json'))).toBe(true);
    const ended = waitForStudyEnd(ctx, projectPath, saved.id);
    const started = await call(ctx, 'startStudy', { projectPath, studyId: saved.id });
    expect(started.status).toBe('running');
    expect((await callError(ctx, 'startStudy', { projectPath, studyId: saved.id })).code).toBe('conflict');
    const done = await ended;
    expect(done.error, JSON.stringify(done.stages)).toBeNull();
    expect(done.status).toBe('done');
    expect(done.stages.every((s) => s.status === 'done' && s.seconds !== null && s.seconds >= 0)).toBe(true);

    const detail = await call(ctx, 'getStudy', { projectPath, studyId: saved.id });
    expect(detail.hasReport).toBe(true);
    expect(detail.fes!.centers).toHaveLength(12);
    expect(detail.fes!.exact).not.toBeNull();
    // The study's runs and model are ordinary project runs/models.
    const runs = await call(ctx, 'listRuns', { projectPath });
    expect(runs.map((r) => r.id)).toEqual(expect.arrayContaining([detail.runs.sampling, detail.runs.model]));
    expect(detail.stages.find((s) => s.name === 'sampling')!.runId).toBe(detail.runs.sampling);
    expect((await call(ctx, 'listModels', { projectPath })).map((m) => m.id)).toContain(detail.modelId);
    expect((await call(ctx, 'getStudyReportHtml', { projectPath, studyId: saved.id })).html).toContain('<svg');

    const conf = await call(ctx, 'studyConfigurations', { projectPath, studyId: saved.id, cv: 0.3, n: 40 });
    expect(conf.coordinateNames).toEqual(['x', 'y']);
    expect(conf.halfWidth).toBeCloseTo(3 / 12 / 2, 12);
    expect(conf.simulated.length).toBeGreaterThan(0);
    expect(conf.simulated.length).toBeLessThanOrEqual(40);
    // Exact by construction: every simulated frame shown lies in the clicked bin, every lifted one at the value.
    expect(conf.simulated.every((row) => Math.abs(row[0] - 0.3) <= conf.halfWidth)).toBe(true);
    expect(conf.lifted!.rows).toHaveLength(40);
    expect(conf.lifted!.rows.every((row) => row[0] === 0.3 && Number.isFinite(row[1]))).toBe(true);
  }, 200_000);

  it('resume reuses every unchanged stage (cached)', async () => {
    const ended = waitForStudyEnd(ctx, projectPath, 'tiny-fast-slow');
    await call(ctx, 'startStudy', { projectPath, studyId: 'tiny-fast-slow', resume: true });
    const done = await ended;
    expect(done.status).toBe('done');
    expect(done.stages.map((s) => s.status)).toEqual(done.stages.map(() => 'cached'));
  }, 60_000);

  it('a failing stage shows failed with the reason; Cancel stops a running study, its stage back to pending', async () => {
    const failing = await call(ctx, 'saveStudy', { projectPath, study: { ...tinyStudy(), name: 'diverges', sampling: { ...tinyStudy().sampling, dt: 5 } } });
    let ended = waitForStudyEnd(ctx, projectPath, failing.id);
    await call(ctx, 'startStudy', { projectPath, studyId: failing.id });
    const failed = await ended;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/sampling: run .* failed: .*diverged/);
    expect(failed.stages.map((s) => s.status)).toEqual(['failed', 'pending', 'pending', 'pending', 'pending', 'pending', 'pending']);

    const long = await call(ctx, 'saveStudy', { projectPath, study: { ...tinyStudy(), name: 'long', sampling: { ...tinyStudy().sampling, steps: 50_000_000 } } });
    ended = waitForStudyEnd(ctx, projectPath, long.id);
    await call(ctx, 'startStudy', { projectPath, studyId: long.id });
    await call(ctx, 'cancelStudy', { projectPath, studyId: long.id });
    const cancelled = await ended;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.stages[0].status).toBe('pending');
    // The study's umbrella run is an ordinary project run, cancelled (it resumes from its checkpoint).
    const runs = await call(ctx, 'listRuns', { projectPath });
    expect(runs.find((r) => r.name === 'long: umbrella')?.status).toBe('cancelled');
    expect((await callError(ctx, 'cancelStudy', { projectPath, studyId: long.id })).code).toBe('conflict');
  }, 60_000);

  it('without a registered service the calls say where studies run', async () => {
    const bare = makeContext(join(dir.path, 'home2'));
    try {
      const e = await callError(bare, 'checkStudy', { study: tinyStudy() });
      expect(e.message).toContain('liftwell run STUDY.json');
    } finally {
      await bare.shutdown();
    }
  });
});
