/**
 * The run-kind registry (src-main/runs/registry.ts): every kind it lists has a params schema, a
 * plan, a task runner, a result reader, API calls that exist, a run-file schema that run.json is
 * read with, and resume coverage. Resume coverage is real: for the cheap kinds a run is killed
 * (as by kill -9) once it has written a checkpoint, resumed in a new app context, and its result
 * must equal that of an uninterrupted run of the same params and seed (exactly: the runs are
 * deterministic, so any difference is a resume bug, not noise). Training's resume is tested in
 * test/api/models.test.ts (tfjs training is too slow for this file); this test checks that test
 * still exists. A kind added to the registry without an entry below makes the test fail.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { callNames } from '../../src-main/api/call-names';
import { calls, type CallName, type EnsembleParams, type MetadParams, type MolecularRunParams } from '../../src-main/api/contract';
import { runKinds, type RunKindName } from '../../src-main/runs/registry';
import { loadTaskRunner, taskRunnerKinds } from '../../src-main/runs/task-runners';
import { runFileSchema, type Job } from '../../src-main/runs/run-file';
import { runResults } from '../../src-main/analysis/run-results';
import { call, makeContext, setupProject, smallParams, tempDir, waitForFinal } from '../api/helpers';

const dir = tempDir('liftwell-registry-');
afterAll(() => dir.cleanup());
const home = () => join(dir.path, 'home');

let projectPath: string;
let systemId: string;
let moleculeId: string;
beforeAll(async () => {
  const ctx = makeContext(home());
  ({ projectPath, systemId } = await setupProject(ctx, dir.path, 'Registry', { kind: 'double-well', a: 1 }));
  moleculeId = (await call(ctx, 'addExampleMolecule', { projectPath, example: 'alanine-dipeptide' })).id;
  await ctx.shutdown();
});

/** A tiny run of a kind: the start call's input (besides projectPath and name) and its checkpoint file. */
interface ResumeCase {
  start: () => Record<string, unknown>;
  /** A file the kind's task writes at a checkpoint: the run is killed once one exists. */
  checkpoint: RegExp;
}
/** Kinds whose resume is tested elsewhere: the file and the test's name. */
interface ResumeTestedElsewhere {
  file: string;
  test: string;
}

const metad: MetadParams = { cvIndices: [0], sigma: [0.1], height: 0.3, pace: 200, biasFactor: 8, kT: 1, dt: 2e-3, steps: 20_000, walkers: 8, integrator: 'overdamped', friction: 10, mass: 1, seed: 11 };
const ensemble: EnsembleParams = { walkers: 2000, steps: 1500, dt: 2e-3, kT: 1, umbrella: null, executor: 'cpu', bins: 60, equilibrationSteps: 500, stride: 10, start: 'box', seed: 5 };
const molecular: MolecularRunParams = {
  temperature: 300, friction: 1, dt: 0.002, steps: 4000, constraints: 'hbonds', minimize: true, seed: 5, frameInterval: 20,
  cvs: ['phi=dihedral(5,7,9,15)', 'psi=dihedral(7,9,15,17)'],
  metad: { sigma: [0.35, 0.35], height: 4, pace: 50, biasFactor: 6 },
};

const resumeCoverage: Record<RunKindName, ResumeCase | ResumeTestedElsewhere> = {
  umbrella: { start: () => ({ systemId, params: smallParams({ stepsPerWindow: 40_000 }) }), checkpoint: /^checkpoint-\d+\.json$/ },
  // (40k steps: the clock reporter checks every 50k walker-steps / 4 walkers = 12.5k steps, so a window checkpoints mid-way.)
  metad: { start: () => ({ systemId, params: metad }), checkpoint: /^metad-checkpoint\.json$/ },
  ensemble: { start: () => ({ systemId, params: ensemble }), checkpoint: /^ensemble-checkpoint\.bin$/ },
  molecular: { start: () => ({ moleculeId, params: molecular }), checkpoint: /^molecular-checkpoint\.json$/ },
  train: { file: 'test/api/models.test.ts', test: 'a training run killed mid-way resumes from its checkpoint to the same weights, bit for bit' },
};

/** Second task paths of a kind, resumed the same way: multiple-walker metadynamics (walker slices on helper threads). */
const moreResumeCases: [label: string, kind: RunKindName, resumeCase: ResumeCase][] = [
  ['molecular, 2 metadynamics walkers', 'molecular', { start: () => ({ moleculeId, params: { ...molecular, metad: { ...molecular.metad!, walkers: 2 } } }), checkpoint: /^molecular-checkpoint\.json$/ }],
  // The molecular case above is constrained with no integrator named, so it runs LangevinMiddle; BAOAB, named:
  ['molecular, constrained BAOAB', 'molecular', { start: () => ({ moleculeId, params: { ...molecular, integrator: 'baoab' } }), checkpoint: /^molecular-checkpoint\.json$/ }],
];

const kindNames = Object.keys(runKinds) as RunKindName[];

test('every registered kind has params, plan, task, result, API calls, a run-file schema and resume coverage', () => {
  expect(kindNames.length).toBeGreaterThan(0);
  expect(Object.keys(resumeCoverage).sort()).toEqual([...kindNames].sort());
  const unionMembers = runFileSchema.options;
  for (const name of kindNames) {
    const kind = runKinds[name];
    expect(kind.kind, name).toBe(name);
    expect(typeof kind.paramsSchema.safeParse, `${name}: params schema`).toBe('function');
    expect(typeof kind.jobSchema.safeParse, `${name}: job schema`).toBe('function');
    for (const member of ['plan', 'taskUnits', 'isTaskDone', 'walkerStepsPerUnit', 'phase'] as const) {
      expect(typeof kind[member], `${name}.${member}`).toBe('function');
    }
    expect(callNames, `${name}: start call`).toContain(kind.calls.start);
    expect(callNames, `${name}: result call`).toContain(kind.calls.result);
    // Its result reader (analysis/run-results.ts; the mapped type there makes a missing one a type error too).
    expect(typeof (runResults as Record<string, unknown>)[name], `${name}: result reader in analysis/run-results.ts`).toBe('function');
    // The start call validates the kind's params schema: as its `params`, or spread into the input (startTraining).
    const input = (calls as unknown as Record<string, { input: { shape: Record<string, unknown> } }>)[kind.calls.start].input.shape;
    if ('params' in input) expect(input.params, `${name}: ${kind.calls.start} params`).toBe(kind.paramsSchema);
    else for (const [key, schema] of Object.entries((kind.paramsSchema as unknown as { shape: Record<string, unknown> }).shape)) expect(input[key], `${name}: ${kind.calls.start}.${key}`).toBe(schema);
    // run.json of this kind must be readable: its schema is a member of runs/run-file.ts's union.
    expect(unionMembers as readonly unknown[], `${name}: run-file schema in runs/run-file.ts`).toContain(kind.runFileSchema);
  }
  expect(unionMembers.length).toBe(kindNames.length);
});

test('every registered kind has a task runner, loaded on its own (runs/task-runners.ts), and an unknown kind is refused by name', async () => {
  expect([...taskRunnerKinds].sort()).toEqual([...kindNames].sort());
  for (const name of kindNames) expect(typeof (await loadTaskRunner(name)), `${name}: task runner`).toBe('function');
  await expect(loadTaskRunner('no-such-kind')).rejects.toThrow('unknown run kind "no-such-kind"');
});

test("training's resume test (tested elsewhere) still exists", () => {
  for (const name of kindNames) {
    const coverage = resumeCoverage[name];
    if (!('file' in coverage)) continue;
    const text = readFileSync(join(import.meta.dirname, '..', '..', coverage.file), 'utf8');
    expect(text, `${name}: ${coverage.file}`).toContain(`test('${coverage.test}'`);
  }
});

/** Results hold the run id (and paths with it) and wall-clock throughput; the rest must match exactly. */
function comparable(result: unknown, runId: string): unknown {
  return JSON.parse(JSON.stringify(result).replaceAll(runId, '<run>'), (key, value) => (/seconds|persecond/i.test(key) ? undefined : value));
}

async function startAndWait(name: RunKindName, resumeCase: ResumeCase, runName: string, checkpointIntervalMs?: number) {
  const kind = runKinds[name];
  const ctx = makeContext(home(), checkpointIntervalMs ? { checkpointIntervalMs } : {});
  await call(ctx, 'openProject', { projectPath });
  const run = await call(ctx, kind.calls.start as CallName, { projectPath, name: runName, ...resumeCase.start() });
  return { ctx, runId: (run as { id: string }).id };
}

const cheapKinds = kindNames.filter((name) => !('file' in resumeCoverage[name]));
const resumeCases: [label: string, kind: RunKindName, resumeCase: ResumeCase][] = [...cheapKinds.map((name) => [name, name, resumeCoverage[name] as ResumeCase] as [string, RunKindName, ResumeCase]), ...moreResumeCases];

test.each(resumeCases)('%s: a run killed after its first checkpoint resumes to the result of an uninterrupted run', async (_label, name, resumeCase) => {
  const kind = runKinds[name];

  const ref = await startAndWait(name, resumeCase, 'reference');
  expect((await waitForFinal(ref.ctx, ref.runId, 60_000)).status).toBe('completed');
  const expected = await call(ref.ctx, kind.calls.result as CallName, { projectPath, runId: ref.runId });
  await ref.ctx.shutdown();

  // Checkpoint often, then "kill -9" once a checkpoint exists.
  const crash = await startAndWait(name, resumeCase, 'crashed', 5);
  const runDir = join(projectPath, 'runs', crash.runId);
  const t0 = Date.now();
  while (!readdirSync(runDir).some((f) => resumeCase.checkpoint.test(f)) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 2));
  await crash.ctx.jobs.kill();
  const file = runFileSchema.parse(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')));
  const job = kind.jobSchema.parse(file.job) as Job;
  expect(job.kind).toBe(name);
  // The kill came mid-run: some task is unfinished (else the resume below would test nothing).
  const units = runKinds[name].taskUnits(job as never);
  expect(units.some((_, k) => !kind.isTaskDone(projectPath, crash.runId, job as never, k)), 'a task left to resume').toBe(true);

  const ctx = makeContext(home());
  await call(ctx, 'openProject', { projectPath });
  await call(ctx, 'resumeRun', { projectPath, runId: crash.runId });
  const done = await waitForFinal(ctx, crash.runId, 60_000);
  expect(done.status, done.error).toBe('completed');
  expect(units.every((_, k) => kind.isTaskDone(projectPath, crash.runId, job as never, k))).toBe(true);
  const resumed = await call(ctx, kind.calls.result as CallName, { projectPath, runId: crash.runId });
  expect(comparable(resumed, crash.runId)).toEqual(comparable(expected, ref.runId));
  expect(existsSync(join(runDir, 'run.json'))).toBe(true);
  await ctx.shutdown();
});
