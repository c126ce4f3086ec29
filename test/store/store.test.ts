import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../../src-main/api/contract';
import { atomicHooks, atomicWrite, atomicWriteSync } from '../../src-main/store/atomic';
import { createProjectFolder, readProjectFile, projectFolderName } from '../../src-main/store/project';
import { RecentProjects } from '../../src-main/store/recent';
import { call, callError, makeContext, tempDir } from '../api/helpers';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  atomicHooks.beforeRename = null;
  dir.cleanup();
});

describe('atomic writes', () => {
  test('a crash before the rename leaves the old file intact and no temp file', async () => {
    const file = join(dir.path, 'project.json');
    await atomicWrite(file, 'old contents');
    atomicHooks.beforeRename = () => {
      throw new Error('simulated crash');
    };
    await expect(atomicWrite(file, 'new contents')).rejects.toThrow(ApiError);
    expect(() => atomicWriteSync(file, 'new contents')).toThrow(ApiError);
    expect(readFileSync(file, 'utf8')).toBe('old contents');
    expect(readdirSync(dir.path)).toEqual(['project.json']);
    atomicHooks.beforeRename = null;
    await atomicWrite(file, 'new contents');
    expect(readFileSync(file, 'utf8')).toBe('new contents');
    expect(readdirSync(dir.path)).toEqual(['project.json']);
  });

  test('disk errors become io errors naming the path', async () => {
    const file = join(dir.path, 'missing-folder', 'x.json');
    const error = await atomicWrite(file, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('io');
    expect((error as ApiError).message).toContain(file);
  });
});

describe('project files', () => {
  test('create, reopen, and folder names', async () => {
    const { path, data } = await createProjectFolder(dir.path, 'My study');
    expect(path).toBe(join(dir.path, 'My study.liftwell'));
    expect(existsSync(join(path, 'runs'))).toBe(true);
    const again = await readProjectFile(path);
    expect(again).toEqual(data);
    expect(again.schemaVersion).toBe(1);
    expect(projectFolderName('a/b:c')).toBe('a-b-c.liftwell');
    await expect(createProjectFolder(dir.path, 'My study')).rejects.toMatchObject({ code: 'conflict' });
  });

  test('damaged project.json gives bad-file naming the file and is never overwritten', async () => {
    const ctx = makeContext(join(dir.path, 'home'));
    try {
      const project = await call(ctx, 'createProject', { parentDir: dir.path, name: 'P' });
      const file = join(project.path, 'project.json');
      const damaged = '{"schemaVersion": 1, "name": "P", "crea';
      writeFileSync(file, damaged);
      const error = await callError(ctx, 'openProject', { projectPath: project.path });
      expect(error.code).toBe('bad-file');
      expect(error.message).toContain(file);
      // Writes that need project.json fail the same way and leave it alone.
      const add = await callError(ctx, 'addSystem', { projectPath: project.path, name: 'dw', spec: { kind: 'double-well', a: 1 } });
      expect(add.code).toBe('bad-file');
      expect(readFileSync(file, 'utf8')).toBe(damaged);
      // Valid JSON with the wrong shape is also a bad file.
      writeFileSync(file, JSON.stringify({ schemaVersion: 1, name: 3 }));
      expect((await callError(ctx, 'openProject', { projectPath: project.path })).code).toBe('bad-file');
    } finally {
      await ctx.shutdown();
    }
  });

  test('a newer schemaVersion gives a clear bad-file error and the file is unchanged', async () => {
    const ctx = makeContext(join(dir.path, 'home'));
    try {
      const project = await call(ctx, 'createProject', { parentDir: dir.path, name: 'P' });
      const file = join(project.path, 'project.json');
      const newer = JSON.stringify({ schemaVersion: 2, name: 'P', future: true });
      writeFileSync(file, newer);
      const error = await callError(ctx, 'openProject', { projectPath: file });
      expect(error.code).toBe('bad-file');
      expect(error.message).toContain(file);
      expect(error.message).toMatch(/newer version of Liftwell/);
      expect(readFileSync(file, 'utf8')).toBe(newer);
    } finally {
      await ctx.shutdown();
    }
  });

  test('bad paths: relative, missing parent, not a project', async () => {
    const ctx = makeContext(join(dir.path, 'home'));
    try {
      expect((await callError(ctx, 'createProject', { parentDir: 'relative/dir', name: 'P' })).code).toBe('invalid-input');
      const missing = await callError(ctx, 'createProject', { parentDir: join(dir.path, 'nope'), name: 'P' });
      expect(missing.code).toBe('not-found');
      expect(missing.message).toContain(join(dir.path, 'nope'));
      const notProject = await callError(ctx, 'openProject', { projectPath: dir.path });
      expect(notProject.code).toBe('not-found');
      expect(notProject.message).toContain(join(dir.path, 'project.json'));
    } finally {
      await ctx.shutdown();
    }
  });
});

describe('recent projects', () => {
  test('newest first, exists flag, survives a new session, damaged list is set aside', async () => {
    const home = join(dir.path, 'home');
    const ctx = makeContext(home);
    const a = await call(ctx, 'createProject', { parentDir: dir.path, name: 'A' });
    const b = await call(ctx, 'createProject', { parentDir: dir.path, name: 'B' });
    await call(ctx, 'openProject', { projectPath: a.path });
    await ctx.shutdown();

    const ctx2 = makeContext(home);
    let recent = await call(ctx2, 'listRecentProjects', {});
    expect(recent.map((r) => r.name)).toEqual(['A', 'B']);
    expect(recent.every((r) => r.exists)).toBe(true);
    rmSync(b.path, { recursive: true });
    recent = await call(ctx2, 'listRecentProjects', {});
    expect(recent.find((r) => r.name === 'B')?.exists).toBe(false);
    // Projects in the recent list may be used without opening them again.
    expect((await call(ctx2, 'listRuns', { projectPath: a.path })).length).toBe(0);
    await ctx2.shutdown();

    writeFileSync(join(home, 'recent.json'), 'not json');
    const list = new RecentProjects(home);
    expect(await list.list()).toEqual([]);
    expect(readdirSync(home).some((f) => f.startsWith('recent.json.damaged-'))).toBe(true);
    mkdirSync(join(dir.path, 'x'));
  });
});
