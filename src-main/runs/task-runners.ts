/**
 * The worker side of every run kind, one line each: kind -> a loader of its `run.ts`. A job
 * thread (threads/worker.ts) or a Slurm piece loads the kind of the task it is given, and only
 * that one: importing runs/registry.ts instead would load every kind's zod schemas, planning and
 * engine code into every thread (~0.1 s CPU per thread; docs/cli-fixed-overhead.md). The mapped
 * type makes a kind registered in runs/registry.ts without a line here a type error.
 */
import type { Job } from './run-file';
import type { RunKindName } from './registry';
import type { TaskRunner } from './run-kind';

type JobOfKind<K extends RunKindName> = Extract<Job, { kind: K }>;

const loaders: { [K in RunKindName]: () => Promise<TaskRunner<JobOfKind<K>>> } = {
  umbrella: () => import('./umbrella/run').then((m) => m.runUmbrellaTask),
  metad: () => import('./metad/run').then((m) => m.runMetadKindTask),
  molecular: () => import('./molecular/run').then((m) => m.runMolecularKindTask),
  train: () => import('./train/run').then((m) => m.runTrainKindTask),
  ensemble: () => import('./ensemble/run').then((m) => m.runEnsembleKindTask),
};

/** Every kind with a task runner (test/runs/registry.test.ts checks these are the registry's kinds). */
export const taskRunnerKinds = Object.keys(loaders) as RunKindName[];

const loading = new Map<string, Promise<TaskRunner<Job>>>();

/** The task runner of a kind, imported once per thread (a second call gets the same promise). */
export function loadTaskRunner(kind: string): Promise<TaskRunner<Job>> {
  let runner = loading.get(kind);
  if (!runner) {
    const load = (loaders as Record<string, (() => Promise<TaskRunner<Job>>) | undefined>)[kind];
    if (!load) return Promise.reject(new Error(`unknown run kind "${kind}"`));
    runner = load();
    loading.set(kind, runner);
  }
  return runner;
}
