// The Ensemble sampling view mounts in a project with a system. It used to throw Svelte's
// props_invalid_value (bind:valid={ok.x} on an undefined key while NumberField had a fallback),
// which left the previous view on screen (issue 12).
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import EnsembleView from '../../src-renderer/src/features/ensemble/EnsembleView.svelte';
import { openInApp } from './fixtures';

describe('EnsembleView', () => {
  it('renders its form in a project with a system', () => {
    openInApp();
    render(EnsembleView);
    expect(screen.getByRole('heading', { name: 'Ensemble sampling' })).toBeTruthy();
    expect(screen.getByTestId('ens-start-run')).toBeTruthy();
  });
});
