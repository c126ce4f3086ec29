import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispatch } from '../../src-main/api/dispatch';
import type { ApiEvent, CallName, CallOutput, RunRecord, UmbrellaParamsInput } from '../../src-main/api/contract';
import { createAppContext, type AppContext, type AppContextOptions } from '../../src-main/api/handlers';

/** The bundled worker (built by test/global-setup.ts). */
export const WORKER_SCRIPT = new URL('../../out/node/worker.mjs', import.meta.url);

export function tempDir(prefix = 'liftwell-test-'): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export function makeContext(userDataDir: string, extra: Partial<AppContextOptions> = {}): AppContext {
  return createAppContext({ userDataDir, workerScript: WORKER_SCRIPT, transport: 'browser', workers: 2, checkpointIntervalMs: 50, progressEmitMs: 50, ...extra });
}

/** Calls through dispatch (validation included); throws an Error with .code on failure. */
export async function call<K extends CallName>(ctx: AppContext, method: K, params: unknown): Promise<CallOutput<K>> {
  const reply = await dispatch(ctx.handlers, method, params);
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
  return reply.result as CallOutput<K>;
}

export async function callError(ctx: AppContext, method: CallName, params: unknown): Promise<{ code: string; message: string }> {
  const reply = await dispatch(ctx.handlers, method, params);
  if (reply.ok) throw new Error(`${method} unexpectedly succeeded`);
  return reply.error;
}

export function smallParams(over: Partial<UmbrellaParamsInput> = {}): UmbrellaParamsInput {
  return {
    cvIndex: 0,
    centers: { mode: 'range', min: -1.5, max: 1.5, count: 7 },
    spring: 20,
    kT: 1,
    dt: 1e-3,
    stepsPerWindow: 4000,
    stride: 10,
    walkersPerWindow: 4,
    equilibrationSteps: 200,
    seed: 7,
    ...over,
  };
}

/** Resolves with the run's record once a run-status event reports a final state. */
export function waitForFinal(ctx: AppContext, runId: string, timeoutMs = 50_000): Promise<RunRecord> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`run ${runId} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = ctx.subscribe((e: ApiEvent) => {
      if (e.type === 'run-status' && e.run.id === runId && !['queued', 'running'].includes(e.run.status)) {
        clearTimeout(timer);
        off();
        resolve(e.run);
      }
    });
  });
}

export async function setupProject(ctx: AppContext, parentDir: string, name = 'Study', spec: unknown = { kind: 'double-well', a: 2 }) {
  const project = await call(ctx, 'createProject', { parentDir, name });
  const system = await call(ctx, 'addSystem', { projectPath: project.path, name: 'dw', spec });
  return { projectPath: project.path, systemId: system.id };
}
