// Jobs table: a training run's throughput is in optimiser steps/s, not walker-steps/s, and its
// phase cell is one short line (it used to list all 48 internal coordinates; issue 12).
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src-main/api/contract';
import JobsView from '../../src-renderer/src/features/jobs/JobsView.svelte';
import { app } from '../../src-renderer/src/shared/app.svelte';
import { phaseNames } from '../../src-main/runs/train';
import { openInApp, projectWith } from './fixtures';

const trainRun = {
  id: 'run-t',
  name: 'score phi,psi',
  kind: 'train',
  modelId: 'm1',
  status: 'running',
  created: '2026-01-01T00:00:00.000Z',
  started: '2026-01-01T00:00:00.000Z',
  progress: 0.2,
  systemId: '',
  provenance: { appVersion: '0', host: 'h', platform: 'linux', node: '20' },
  params: { model: 'score', epochs: 10, seed: 1, sourceRunIds: [] },
} as unknown as RunRecord;

describe('JobsView', () => {
  it('labels a training run’s throughput as optimiser steps', () => {
    openInApp(projectWith([trainRun]));
    app.progress['run-t'] = { fraction: 0.2, phase: 'training', etaSeconds: 10, walkerStepsPerSecond: 1234, at: Date.now() };
    render(JobsView);
    const cell = screen.getByTestId('run-rate').textContent ?? '';
    expect(cell).toMatch(/optimiser steps\/s/);
    expect(cell).not.toMatch(/walker/);
    expect(screen.getByRole('columnheader', { name: 'Throughput' })).toBeTruthy();
  });

  it('summarises long coordinate lists in a phase line', () => {
    const names = Array.from({ length: 48 }, (_, i) => `ic${i + 1}`);
    expect(phaseNames(names)).toBe('48 coordinates (ic1, ic2, …)');
    expect(phaseNames(['y'])).toBe('y');
  });
});

describe('JobsView in a read-only project', () => {
  it('disables Cancel and Resume with the read-only reason (the API would refuse them)', () => {
    const interrupted = { ...trainRun, id: 'run-i', status: 'interrupted' } as RunRecord;
    openInApp({ ...projectWith([trainRun, interrupted]), readOnly: 'You have no write permission on /p, so nothing can be saved in this project.' });
    render(JobsView);
    const cancel = screen.getByTestId('run-cancel') as HTMLButtonElement;
    const resume = screen.getByTestId('run-resume') as HTMLButtonElement;
    for (const button of [cancel, resume]) {
      expect(button.disabled).toBe(true);
      expect(button.title).toBe('Read-only project: You have no write permission on /p, so nothing can be saved in this project.');
    }
  });

  it('leaves them enabled in a writable project', () => {
    const interrupted = { ...trainRun, id: 'run-i', status: 'interrupted' } as RunRecord;
    openInApp(projectWith([trainRun, interrupted]));
    render(JobsView);
    expect((screen.getByTestId('run-cancel') as HTMLButtonElement).disabled).toBe(false);
    expect((screen.getByTestId('run-resume') as HTMLButtonElement).disabled).toBe(false);
  });
});
