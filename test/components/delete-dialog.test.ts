// The delete confirmation (features/trash/DeleteDialog): names what goes with the item, keeps
// Delete disabled while a blocker stands (an active run), and Cancel closes it without deleting.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import DeleteDialog from '../../src-renderer/src/features/trash/DeleteDialog.svelte';
import { trash } from '../../src-renderer/src/features/trash/trash.svelte';

afterEach(() => {
  trash.pending = null;
  trash.withCompanions = false;
});

describe('DeleteDialog', () => {
  it('lists the dependents and offers to delete them all', async () => {
    trash.pending = { kind: 'system', id: 'sys-1', name: 'Double well', dependents: [{ kind: 'run', id: 'run-1', name: 'US 1' }, { kind: 'model', id: 'm-1', name: 'flow' }], blockers: [] };
    render(DeleteDialog);
    // jsdom has no showModal, so the dialog counts as closed: query it with hidden elements included.
    expect(screen.getByRole('heading', { name: 'Delete system "Double well"?', hidden: true })).toBeTruthy();
    expect(screen.getByTestId('delete-dependents').textContent).toMatch(/run "US 1"[\s\S]*model "flow"/);
    const confirm = screen.getByTestId('delete-confirm') as HTMLButtonElement;
    expect(confirm.textContent?.trim()).toBe('Delete all 3');
    expect(confirm.disabled).toBe(false);
  });

  it('keeps Delete disabled while a run is active, and Cancel closes without deleting', async () => {
    trash.pending = { kind: 'run', id: 'run-1', name: 'long', dependents: [], blockers: ['The run "long" is running; cancel it first.'] };
    render(DeleteDialog);
    expect(screen.getByTestId('delete-blockers').textContent).toContain('cancel it first');
    expect((screen.getByTestId('delete-confirm') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByTestId('delete-cancel'));
    expect(trash.pending).toBeNull();
    expect(screen.queryByTestId('delete-dialog')).toBeNull();
  });

  it('a study: its runs and model stay unless ticked, and the button then counts them', async () => {
    trash.pending = { kind: 'study', id: 'fs', name: 'fast slow', dependents: [], blockers: [], companions: [{ kind: 'run', id: 'run-1', name: 'fs: umbrella' }, { kind: 'model', id: 'm-1', name: 'fs: model' }] };
    render(DeleteDialog);
    const confirm = screen.getByTestId('delete-confirm') as HTMLButtonElement;
    expect(confirm.textContent?.trim()).toBe('Delete');
    expect(screen.getByTestId('delete-companions').textContent).toContain('Also delete the 1 run and 1 model it made (otherwise they stay in the project)');
    await fireEvent.click(screen.getByTestId('delete-with-companions'));
    expect(trash.withCompanions).toBe(true);
    expect(confirm.textContent?.trim()).toBe('Delete all 3');
  });
});
