// Shared fixtures of the component tests: a project summary with one double-well system, put
// straight into the app state (no server: the client has no token in jsdom and stays idle).
import type { ProjectSummary, RunRecord } from '../../src-main/api/contract';
import { app } from '../../src-renderer/src/lib/app.svelte';

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
