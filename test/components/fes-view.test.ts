// The Free energy view offers only umbrella runs, and points every other completed run to the
// view that shows its result (a metadynamics run used to fail there with an internal message
// and leave the previous run's plots on screen; issue 12).
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src-main/api/contract';
import FesView from '../../src-renderer/src/views/FesView.svelte';
import { app } from '../../src-renderer/src/lib/app.svelte';
import { openInApp, projectWith } from './fixtures';

const metadRun = { id: 'run-md', name: 'md-1', kind: 'metad', status: 'completed', created: '2026-01-01T00:00:00.000Z', progress: 1 } as unknown as RunRecord;

describe('FesView', () => {
  it('does not offer a metadynamics run and links to its result instead', async () => {
    openInApp(projectWith([metadRun]));
    app.view = 'fes';
    render(FesView);
    expect(screen.queryByTestId('fes-run')).toBeNull();
    expect(screen.getByText(/No completed umbrella runs yet/)).toBeTruthy();
    const link = screen.getByTestId('result-link');
    expect(link.textContent).toMatch(/Metadynamics/);
    await fireEvent.click(link);
    expect(app.view).toBe('metad');
    expect(app.metadRunId).toBe('run-md');
  });
});
