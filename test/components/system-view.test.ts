// The System form checks a typed potential as it is typed (the parser's message, with its
// column and without internal field paths), and keeps "Add to project" disabled meanwhile
// (it used to be flagged only by the server after Add; issue 12).
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import SystemView from '../../src-renderer/src/features/system/SystemView.svelte';
import { app } from '../../src-renderer/src/shared/app.svelte';
import { openInApp } from './fixtures';

describe('SystemView', () => {
  it('flags a bad expression while typing', async () => {
    app.info = {
      version: 't',
      transport: 'browser',
      workers: 1,
      defaultProjectsDir: '/tmp',
      systems: [
        {
          kind: 'expression',
          label: 'Your own potential',
          description: '',
          coordinateNames: ['x'],
          parameters: [
            { name: 'expression', label: 'V(x) or V(x, y)', type: 'text', default: 'a*(x^2-1)^2', description: '', maxLength: 2000 },
            { name: 'dim', label: 'Dimension', choices: [1, 2], default: 1, description: '' },
          ],
          domain: [[-2, 2]],
          hasExactProfile: true,
          extraDefaults: { parameters: { a: 2 } },
        },
      ] as never,
    };
    openInApp();
    render(SystemView);
    const add = screen.getByTestId('system-add') as HTMLButtonElement;
    expect(add.disabled).toBe(false);
    await fireEvent.input(screen.getByTestId('param-expression'), { target: { value: 'a*(x^2-1)^^2' } });
    const msg = screen.getByTestId('system-server-error').textContent ?? '';
    expect(msg).toMatch(/unexpected '\^' at column 11/);
    expect(msg).not.toMatch(/expression\.expression/);
    expect(add.disabled).toBe(true);
    expect(screen.getByTestId('param-expression-caret')).toBeTruthy();
  });
});
