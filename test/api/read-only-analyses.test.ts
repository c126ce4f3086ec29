/**
 * Read-only projects (issue 12 follow-up): analyses that save into the project (a diffusion map;
 * the first WHAM of a molecular umbrella run) are refused with the read-only reason, not a bare
 * I/O error. The suite runs as root, where chmod restricts nothing, so the folder's write problem
 * is mocked (projectWriteProblem itself is tested in test/store/write-access.test.ts); each test
 * checks the refusal comes before any file is read or written (the run folders do not exist).
 */
import { describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const PROBLEM = 'You have no write permission on /nowhere, so nothing can be saved in this project.';
vi.mock('../../src-main/store/write-access', () => ({ projectWriteProblem: async () => PROBLEM }));

const { readMolecularResult } = await import('../../src-main/analysis/molecular-result');
const { createLearnedCvHandlers } = await import('../../src-main/api/learned-cvs');

const project = join(tmpdir(), 'liftwell-no-such-project');

describe('analyses that save into a read-only project', () => {
  it('a molecular umbrella result never opened before names the read-only reason', async () => {
    const file = { run: { id: 'run-u', name: 'alanine umbrella' }, job: { kind: 'molecular', umbrella: { windows: [[0]] }, cvs: [] } };
    const error = await readMolecularResult(project, file as never).then(() => null, (e: unknown) => e as { code: string; message: string });
    expect(error?.code).toBe('conflict');
    expect(error?.message).toBe(
      `Read-only project: ${PROBLEM} The umbrella windows of run "alanine umbrella" have not been analysed yet, and the analysis saves its result in the run folder; open the project where it can be written once to make it.`,
    );
  });

  it('computeDiffusionMap names the read-only reason instead of starting the analysis thread', async () => {
    const file = { run: { id: 'run-m', name: 'metad' }, job: { kind: 'metad' } };
    const handlers = createLearnedCvHandlers({
      requireProject: async (p) => p,
      getRunFile: async () => file as never,
      requireCompleted: () => undefined,
      analyses: { workerScript: 'file:///never-started.mjs' },
    });
    const error = await handlers.computeDiffusionMap({ projectPath: project, runId: 'run-m' } as never).then(() => null, (e: unknown) => e as { code: string; message: string });
    expect(error?.code).toBe('conflict');
    expect(error?.message).toBe(`Read-only project: ${PROBLEM} A diffusion map is saved in the project, so it cannot be computed here.`);
  });
});
