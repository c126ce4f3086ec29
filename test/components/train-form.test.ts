// The Models view's training form says why a newcomer's first runs cannot train a model and
// which runs would (it used to say only "every coordinate is a CV of these runs: nothing to
// generate"; issue 12).
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import TrainForm from '../../src-renderer/src/features/models/TrainForm.svelte';
import { openInApp, projectWith, setAppInfo, umbrellaRun } from './fixtures';

describe('TrainForm', () => {
  it('explains that a 1D run leaves nothing to generate and names runs that would work', () => {
    setAppInfo();
    openInApp(projectWith([umbrellaRun()]));
    render(TrainForm, { onstarted: () => {} });
    expect((screen.getByTestId('train-start') as HTMLButtonElement).disabled).toBe(true);
    const why = screen.getByText(/nothing to generate:/);
    expect(why.textContent).toMatch(/one coordinate/);
    expect(why.textContent).toMatch(/fast\/slow/);
  });
});
