// Issue 12: the System view previews V while it is edited (the server's previewPotential, here
// the real handler), in the header's unit; a read-only project disables Add and the start buttons
// and says why.
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import SystemView from '../../src-renderer/src/features/system/SystemView.svelte';
import ConnectionBanner from '../../src-renderer/src/shared/shell/ConnectionBanner.svelte';
import StartRunButton from '../../src-renderer/src/shared/ui/forms/StartRunButton.svelte';
import { app } from '../../src-renderer/src/shared/app.svelte';
import { prefs } from '../../src-renderer/src/shared/prefs.svelte';
import { previewPotential } from '../../src-main/api/system-preview';
import { systemKinds } from '../../src-main/api/handlers';
import { openInApp, projectWith } from './fixtures';

function useRealKinds() {
  app.info = { version: 't', transport: 'browser', workers: 1, defaultProjectsDir: '/tmp', systems: systemKinds() };
}

afterEach(() => prefs.setEnergy('kT'));

describe('potential preview', () => {
  it('follows the double-well a: barrier a / kT, then a in V units', async () => {
    useRealKinds();
    openInApp();
    prefs.setEnergy('kT');
    const calls: unknown[] = [];
    (app.api as unknown as Record<string, unknown>).previewPotential = vi.fn(async (input: Parameters<typeof previewPotential>[0]) => {
      calls.push(input.spec);
      return previewPotential(input as Parameters<typeof previewPotential>[0]);
    });
    render(SystemView);
    await fireEvent.click(screen.getByTestId('system-kind-double-well'));
    const defaultA = systemKinds().find((k) => k.kind === 'double-well')!.parameters.find((p) => p.name === 'a')!.default as number;
    // V = a (x^2 - 1)^2: barrier a at x = 0 above the wells at +-1 (grid nodes), kT = 1 by default.
    await waitFor(() => expect(screen.getByTestId('preview-barrier').textContent).toMatch(new RegExp(`^${defaultA} kT$`)));
    await fireEvent.input(screen.getByTestId('param-a'), { target: { value: '3.5' } });
    await waitFor(() => expect(screen.getByTestId('preview-barrier').textContent).toBe('3.5 kT'));
    expect(calls.at(-1)).toEqual({ kind: 'double-well', a: 3.5 });
    await fireEvent.input(screen.getByTestId('preview-kt'), { target: { value: '0.5' } });
    await waitFor(() => expect(screen.getByTestId('preview-barrier').textContent).toBe('7 kT'));
    prefs.setEnergy('kJ/mol');
    await waitFor(() => expect(screen.getByTestId('preview-barrier').textContent).toBe('3.5 V units'));
    expect(screen.getByTestId('preview-minima').textContent).toMatch(/m1 \(-?1\): 0 · m2 \(-?1\): 0/);
    // An invalid value: nothing is asked, the last preview stays (greyed), the form says why.
    const asked = calls.length;
    await fireEvent.input(screen.getByTestId('param-a'), { target: { value: '-1' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(calls.length).toBe(asked);
    expect(screen.getByTestId('preview-waiting')).toBeTruthy();
  });

  it('a slow answer to an older spec never replaces a newer one', async () => {
    useRealKinds();
    openInApp();
    prefs.setEnergy('kJ/mol');
    const pending: { a: number; resolve: () => void }[] = [];
    (app.api as unknown as Record<string, unknown>).previewPotential = vi.fn(
      (input: Parameters<typeof previewPotential>[0]) =>
        new Promise((resolve) => pending.push({ a: (input.spec as { a: number }).a, resolve: () => resolve(previewPotential(input)) })),
    );
    render(SystemView);
    await fireEvent.click(screen.getByTestId('system-kind-double-well'));
    await waitFor(() => expect(pending.length).toBe(1));
    await fireEvent.input(screen.getByTestId('param-a'), { target: { value: '5' } });
    await waitFor(() => expect(pending.length).toBe(2));
    expect(pending[1].a).toBe(5);
    pending[1].resolve();
    await waitFor(() => expect(screen.getByTestId('preview-barrier').textContent).toBe('5 V units'));
    pending[0].resolve();
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.getByTestId('preview-barrier').textContent).toBe('5 V units');
  });
});

describe('read-only project', () => {
  it('banner with the reason; Add and start buttons disabled', async () => {
    useRealKinds();
    openInApp({ ...projectWith(), readOnly: 'You have no write permission on /p, so nothing can be saved in this project.' });
    (app.api as unknown as Record<string, unknown>).previewPotential = vi.fn(() => new Promise(() => {}));
    render(ConnectionBanner);
    expect(screen.getByTestId('readonly-banner').textContent).toMatch(/Read-only: you can look at results but not start runs\.\s*You have no write permission on \/p/);
    render(StartRunButton, { disabled: false, starting: false, testid: 'x-start' });
    expect((screen.getByTestId('x-start') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('x-start-readonly').textContent).toMatch(/no write permission on \/p/);
    render(SystemView);
    expect((screen.getByTestId('system-add') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('system-add-readonly').textContent).toMatch(/no write permission/);
  });

  it('a writable project shows no banner and enables the start button', () => {
    openInApp(projectWith());
    render(ConnectionBanner);
    expect(screen.queryByTestId('readonly-banner')).toBeNull();
    render(StartRunButton, { disabled: false, starting: false, testid: 'y-start' });
    expect((screen.getByTestId('y-start') as HTMLButtonElement).disabled).toBe(false);
  });
});
