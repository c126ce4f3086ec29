/** Makes the soak's base project: a fast/slow system, alanine dipeptide, and one completed metadynamics run (training source). */
import { createAppContext } from '../../src-main/api/handlers';
import { dispatch } from '../../src-main/api/dispatch';
import type { ApiEvent, RunRecord } from '../../src-main/api/contract';

const [parentDir, home] = process.argv.slice(2);
const ctx = createAppContext({ userDataDir: home, workerScript: new URL('../../out/node/worker.mjs', import.meta.url), transport: 'cli', workers: 2 });
async function call<T>(method: string, params: unknown): Promise<T> {
  const reply = await dispatch(ctx.handlers, method, params);
  if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
  return reply.result as T;
}
const project = await call<{ path: string }>('createProject', { parentDir, name: 'soak-base' });
const projectPath = project.path;
const system = await call<{ id: string }>('addSystem', { projectPath, name: 'fast-slow', spec: { kind: 'fast-slow', a: 1, s: 0.5, epsilon: 0.1, f: 'linear', c: 1 } });
await call('addExampleMolecule', { projectPath, example: 'alanine-dipeptide' });
const done = new Promise<RunRecord>((resolve) => ctx.subscribe((e: ApiEvent) => {
  if (e.type === 'run-status' && e.run.status === 'completed') resolve(e.run);
}));
await call('startMetadRun', { projectPath, systemId: system.id, name: 'source', params: {
  cvIndices: [0], sigma: [0.2], height: 0.2, pace: 100, biasFactor: 4, kT: 1, dt: 2e-3, steps: 4000, walkers: 4, integrator: 'overdamped', friction: 10, mass: 1, colvarStride: 10, seed: 3 } });
await done;
await ctx.shutdown();
console.log(projectPath);
process.exit(0);
