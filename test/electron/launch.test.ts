import { describe, expect, it, vi } from 'vitest';
import { join, resolve } from 'node:path';
import { applicationMenuTemplate, projectPathFromArgv } from '../../src-main/electron/launch';

describe('projectPathFromArgv', () => {
  const cwd = resolve('/home/user/work');

  it('finds a .liftwell folder, relative or absolute, with or without a trailing slash', () => {
    expect(projectPathFromArgv(['/opt/Liftwell/liftwell-desktop', 'dw.liftwell'], cwd)).toBe(join(cwd, 'dw.liftwell'));
    expect(projectPathFromArgv(['/opt/Liftwell/liftwell-desktop', '/data/a b.liftwell/'], cwd)).toBe(resolve('/data/a b.liftwell'));
  });

  it('accepts the project.json inside a project folder', () => {
    expect(projectPathFromArgv(['exe', '/data/x.liftwell/project.json'], cwd)).toBe(resolve('/data/x.liftwell'));
  });

  it('skips switches, the app path of a development launch, and unrelated files', () => {
    expect(projectPathFromArgv(['electron', '.', '--enable-logging'], cwd)).toBeNull();
    expect(projectPathFromArgv(['exe', '/data/notes.txt', '--no-sandbox'], cwd)).toBeNull();
    expect(projectPathFromArgv(['exe', '/data/project.json'], cwd)).toBeNull();
    // The executable itself is never taken, even if it were named like a project.
    expect(projectPathFromArgv(['/weird/app.liftwell'], cwd)).toBeNull();
  });

  it('takes the last project named', () => {
    expect(projectPathFromArgv(['exe', '/a.liftwell', '/b.liftwell'], cwd)).toBe(resolve('/b.liftwell'));
  });
});

describe('applicationMenuTemplate', () => {
  const labels = (items: { label?: string; role?: string }[]) => items.map((i) => i.label ?? i.role);

  it('has File > Open Project (Ctrl/Cmd+O) wired to the action, and About', () => {
    const actions = { openProject: vi.fn(), showAbout: vi.fn() };
    const linux = applicationMenuTemplate('linux', actions);
    expect(labels(linux)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
    const open = linux[0].submenu!.find((i) => i.label === 'Open Project…')!;
    expect(open.accelerator).toBe('CmdOrCtrl+O');
    open.click!();
    expect(actions.openProject).toHaveBeenCalledTimes(1);
    linux[4].submenu![0].click!();
    expect(actions.showAbout).toHaveBeenCalledTimes(1);
  });

  it('puts About and Quit in the app menu on macOS', () => {
    const mac = applicationMenuTemplate('darwin', { openProject: () => {}, showAbout: () => {} });
    expect(labels(mac)).toEqual(['Liftwell', 'File', 'Edit', 'View', 'Window']);
    expect(labels(mac[0].submenu!)).toContain('quit');
    expect(labels(mac[0].submenu!)).toContain('About Liftwell');
  });
});
