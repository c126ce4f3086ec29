// The umbrella form labels the spring constant in energy per squared CV unit: k multiplies
// (q - c)^2 in the potential's own energy units, not in kT (issue 12).
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import UmbrellaView from '../../src-renderer/src/features/umbrella/UmbrellaView.svelte';
import { openInApp, setAppInfo } from './fixtures';

describe('UmbrellaView', () => {
  it('labels the spring constant energy/u²', () => {
    setAppInfo();
    openInApp();
    const { container } = render(UmbrellaView);
    expect(container.textContent).toContain('energy/u²');
    expect(container.textContent).not.toContain('kT/u²');
    expect(screen.getByTestId('us-spring')).toBeTruthy();
  });
});
