// Shared fixtures of the component tests: a project summary with one double-well system, put
// straight into the app state (no server: the client has no token in jsdom and stays idle).
import type { ProjectSummary, RunRecord } from '../../src-main/api/contract';
import { app } from '../../src-renderer/src/shared/app.svelte';

export function projectWith(runs: RunRecord[] = []): ProjectSummary {
  return {
    path: '/tmp/test.liftwell',
    name: 'test',
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-01T00:00:00.000Z',
    systems: [{ id: 'sys-1', name: 'Double well', spec: { kind: 'double-well', a: 1 } as never, created: '2026-01-01T00:00:00.000Z' }],
    molecules: [],
    runs,
  };
}

/** Opens `project` in the shared app state, as openProject would. */
export function openInApp(project: ProjectSummary = projectWith()): void {
  app.setProject(project);
}

/** App info as getAppInfo gives it, with the kinds the tests use. */
export function setAppInfo(): void {
  app.info = {
    version: '0.0.0-test',
    transport: 'browser',
    workers: 2,
    defaultProjectsDir: '/tmp',
    systems: [
      { kind: 'double-well', label: 'Double well', description: '', coordinateNames: ['x'], parameters: [], domain: [[-2, 2]], hasExactProfile: true },
      { kind: 'muller-brown', label: 'Muller-Brown', description: '', coordinateNames: ['x', 'y'], parameters: [], domain: [[-1.5, 1], [-0.5, 2]], hasExactProfile: false },
    ] as never,
  };
}

/** A completed 1D umbrella run of the fixture's double well. */
export function umbrellaRun(id = 'run-u1'): RunRecord {
  return {
    id,
    name: 'umbrella 1',
    kind: 'umbrella',
    systemId: 'sys-1',
    system: { kind: 'double-well', a: 1 },
    status: 'completed',
    created: '2026-01-01T00:00:00.000Z',
    progress: 1,
    provenance: { appVersion: '0', host: 'h', platform: 'linux', node: '20' },
    params: { cvIndex: 0, kT: 1, walkersPerWindow: 4, stepsPerWindow: 1000 },
    windowCenters: [-1, 0, 1],
  } as unknown as RunRecord;
}
