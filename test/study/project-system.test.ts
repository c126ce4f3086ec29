/**
 * Studies reuse the project's own system (study/project-system.ts): running a metadynamics study
 * in a project that already has the study's system (the Studies view's case) used to add a second,
 * identical system to the project. Now the study's runs use the system whose spec is equal by value
 * (key order and parameters left at their defaults do not matter); a different system is added.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStudy } from '../../src-main/study/pipeline';
import { parseStudy } from '../../src-main/study/schema';
import { canonicalSystemSpec } from '../../src-main/study/project-system';
import type { AnySystemSpec } from '../../src-main/engine/systems/specs';
import { call, makeContext, tempDir } from '../api/helpers';

const root = join(import.meta.dirname, '../..');

it('canonical specs: equal for reordered keys, different for a different parameter', () => {
  const a: AnySystemSpec = { kind: 'fast-slow', a: 2, s: 0.5, epsilon: 0.01, f: 'sin', c: 0.5 };
  const reordered = { c: 0.5, f: 'sin', epsilon: 0.01, s: 0.5, a: 2, kind: 'fast-slow' } as AnySystemSpec;
  expect(canonicalSystemSpec(reordered)).toBe(canonicalSystemSpec(a));
  expect(canonicalSystemSpec({ ...a, c: 1 })).not.toBe(canonicalSystemSpec(a));
  expect(canonicalSystemSpec({ kind: 'double-well', a: 1 })).not.toBe(canonicalSystemSpec({ kind: 'double-well', a: 2 }));
});

describe('a metad study run in a project that has its system', () => {
  const dir = tempDir('liftwell-project-system-');
  const ctx = makeContext(join(dir.path, 'home'));
  afterAll(async () => {
    await ctx.shutdown();
    dir.cleanup();
  });

  it('uses that system: the project keeps one system; a study of another system adds it', async () => {
    const projectPath = (await call(ctx, 'createProject', { parentDir: dir.path, name: 'p' })).path;
    const s = JSON.parse(readFileSync(join(root, 'resources/examples/fast-slow-metad.study.json'), 'utf8'));
    delete s.model;
    delete s.lift;
    delete s.closures;
    s.sampling = { ...s.sampling, walkers: 1, steps: 2000 };
    // The project's system as the System view saves it: same values, keys in another order.
    const { kind, ...params } = s.system;
    const own = await call(ctx, 'addSystem', { projectPath, name: 'my fast-slow', spec: { ...Object.fromEntries(Object.entries(params).reverse()), kind } });
    const run = async (study: Record<string, unknown>, name: string) => {
      const text = JSON.stringify({ ...study, name });
      return runStudy(parseStudy(text), text, { outDir: join(projectPath, 'studies', name), projectPath, resume: false, context: ctx, appVersion: 'test', log: () => {}, isCancelled: () => false });
    };
    await run(s, 'metad-1');
    let project = await call(ctx, 'openProject', { projectPath });
    expect(project.systems.map((x) => x.id)).toEqual([own.id]);
    const runs = await call(ctx, 'listRuns', { projectPath });
    expect(runs.length).toBeGreaterThan(0);
    for (const r of runs) expect((r as { systemId?: string }).systemId).toBe(own.id);

    await run({ ...s, seed: 2 }, 'metad-2');
    project = await call(ctx, 'openProject', { projectPath });
    expect(project.systems).toHaveLength(1);

    await run({ ...s, system: { ...s.system, c: 1 } }, 'metad-other');
    project = await call(ctx, 'openProject', { projectPath });
    expect(project.systems).toHaveLength(2);
    expect(project.systems[1].spec).toMatchObject({ kind: 'fast-slow', c: 1 });
  }, 240_000);
});
