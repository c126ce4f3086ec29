// The project tree (shared/shell/ProjectTree): studies have the × that runs have, opening the same
// confirmation as the Studies view's Delete… (trash.ask('study', id), as App wires it), and it is
// disabled while the study runs or the project is read-only.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeletePlan, StudySummary } from '../../src-main/api/contract';
import ProjectTree from '../../src-renderer/src/shared/shell/ProjectTree.svelte';
import { app } from '../../src-renderer/src/shared/app.svelte';
import { trash } from '../../src-renderer/src/features/trash/trash.svelte';
import { openInApp } from './fixtures';

const study = (id: string, status: StudySummary['status']): StudySummary => ({ id, name: `study ${id}`, status, stages: [], error: null, updated: '2026-01-01T00:00:00.000Z' });

afterEach(() => {
  trash.pending = null;
  app.studies = [];
});

describe('ProjectTree: deleting a study', () => {
  it('the × of a study asks for the study delete confirmation; a running study cannot be deleted', async () => {
    openInApp();
    app.studies = [study('fs', 'done'), study('live', 'running')];
    const plan: DeletePlan = { kind: 'study', id: 'fs', name: 'study fs', dependents: [], blockers: [], companions: [{ kind: 'run', id: 'run-1', name: 'fs: umbrella' }] };
    const planDelete = vi.fn(async () => plan);
    (app.api as unknown as Record<string, unknown>).planDelete = planDelete;
    render(ProjectTree, { onDelete: () => {}, onDeleteStudy: (st: StudySummary) => void trash.ask('study', st.id) });
    const buttons = screen.getAllByTestId('tree-delete-study') as HTMLButtonElement[];
    expect(buttons.map((b) => b.getAttribute('aria-label'))).toEqual(['Delete study study fs', 'Delete study study live']);
    expect(buttons[1].disabled).toBe(true);
    expect(buttons[1].title).toBe('The study is running; cancel it first.');
    expect(buttons[0].disabled).toBe(false);
    await fireEvent.click(buttons[0]);
    await vi.waitFor(() => expect(trash.pending).toEqual(plan));
    expect(planDelete).toHaveBeenCalledWith({ projectPath: '/tmp/test.liftwell', kind: 'study', id: 'fs' });
  });

  it('without an onDeleteStudy handler there is no × on studies', () => {
    openInApp();
    app.studies = [study('fs', 'done')];
    render(ProjectTree, {});
    expect(screen.getAllByTestId('tree-study')).toHaveLength(1);
    expect(screen.queryByTestId('tree-delete-study')).toBeNull();
  });
});
