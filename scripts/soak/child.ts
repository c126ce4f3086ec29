/**
 * One soak child (scripts/soak/soak.mjs kills it with SIGKILL at a random moment):
 *   child.ts PROJECT HOME start KIND CHECKPOINT_MS      starts a run of KIND, prints "RUN <id>"
 *   child.ts PROJECT HOME resume RUN_ID CHECKPOINT_MS    resumes it
 * and prints "FINAL <status>" when the run stops. Uses the app's own handlers and worker pool.
 */
import { createAppContext } from '../../src-main/api/handlers';
import { dispatch } from '../../src-main/api/dispatch';
import type { ApiEvent, RunRecord } from '../../src-main/api/contract';
import { soakRunParams } from './params';

const [projectPath, home, action, what, intervalText] = process.argv.slice(2);
const workerScript = new URL('../../out/node/worker.mjs', import.meta.url);
const ctx = createAppContext({ userDataDir: home, workerScript, transport: 'cli', workers: 2, checkpointIntervalMs: Number(intervalText), progressEmitMs: 100 });

async function call<T>(method: string, params: unknown): Promise<T> {
  const reply = await dispatch(ctx.handlers, method, params);
  if (!reply.ok) throw new Error(`${method}: ${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

let runId = '';
const final = new Promise<RunRecord>((resolve) => {
  ctx.subscribe((e: ApiEvent) => {
    if (e.type === 'run-progress' && e.runId === runId) console.log(`PROGRESS ${e.fraction}`);
    if (e.type === 'run-status' && e.run.id === runId && !['queued', 'running'].includes(e.run.status)) resolve(e.run);
  });
});

const project = await call<{ systems: { id: string }[]; molecules: { id: string }[]; runs: RunRecord[] }>('openProject', { projectPath });
let run: RunRecord;
if (action === 'start') {
  const { method, params } = soakRunParams(what, project);
  run = await call<RunRecord>(method, { projectPath, ...params });
} else {
  const existing = project.runs.find((r) => r.id === what);
  run = existing?.status === 'completed' ? existing : await call<RunRecord>('resumeRun', { projectPath, runId: what });
}
runId = run.id;
console.log(`RUN ${run.id}`);
const done = ['completed', 'failed', 'cancelled'].includes(run.status) ? run : ctx.jobs.whenDone(projectPath, run.id) ? await final : run;
console.log(`FINAL ${done.status} ${done.error ?? ''}`);
await ctx.shutdown();
process.exit(0);
