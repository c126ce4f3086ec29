/** Tests of the study service (study/service.ts): an app context with the service, and waiting on its 'study-status' events. */
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { AppContext } from '../../src-main/api/handlers';
import type { ApiEvent, StudySummary } from '../../src-main/api/contract';
import { registerStudyServiceOn } from '../../src-main/study/service';
import { call, makeContext, tempDir } from '../api/helpers';

/** A context in a temporary folder with the study service registered; shut down and removed after the file's tests. */
export function studyServiceContext(prefix: string): { dir: ReturnType<typeof tempDir>; ctx: AppContext } {
  const dir = tempDir(prefix);
  const ctx = makeContext(join(dir.path, 'home'));
  registerStudyServiceOn(ctx);
  afterAll(async () => {
    await ctx.shutdown();
    dir.cleanup();
  });
  return { dir, ctx };
}

/** Resolves with the study's summary once a 'study-status' event finds it no longer running. */
export function waitForStudyEnd(ctx: AppContext, projectPath: string, studyId: string, timeoutMs = 120_000): Promise<StudySummary> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`study ${studyId} did not end within ${timeoutMs} ms`)), timeoutMs);
    const off = ctx.subscribe((e: ApiEvent) => {
      if (e.type !== 'study-status' || e.studyId !== studyId) return;
      void call(ctx, 'listStudies', { projectPath }).then((list) => {
        const s = list.find((x) => x.id === studyId);
        if (s && s.status !== 'running') {
          clearTimeout(timer);
          off();
          resolve(s);
        }
      });
    });
  });
}
