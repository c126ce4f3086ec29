/**
 * What the desktop app was asked to open, and its application menu: pure functions, so they are
 * tested without an Electron binary (the build machines have none).
 */
import { basename, dirname, isAbsolute, resolve } from 'node:path';

/**
 * The project folder named on a command line (`liftwell-desktop ~/studies/dw.liftwell`, a file
 * association, or a second instance's argv): the last argument that is a `<name>.liftwell`
 * folder or a `project.json` inside one, resolved against `cwd`. Switches (`--foo`) and the
 * executable/app path are skipped. Null when none is named.
 */
export function projectPathFromArgv(argv: readonly string[], cwd: string): string | null {
  for (let i = argv.length - 1; i >= 1; i--) {
    const arg = argv[i];
    if (!arg || arg.startsWith('-')) continue;
    const trimmed = arg.replace(/[\\/]+$/, '');
    const path = isAbsolute(trimmed) ? trimmed : resolve(cwd, trimmed);
    if (path.endsWith('.liftwell')) return path;
    if (basename(path) === 'project.json' && dirname(path).endsWith('.liftwell')) return dirname(path);
  }
  return null;
}

export interface MenuActions {
  openProject(): void;
  showAbout(): void;
}

type MenuItem = { label?: string; role?: string; type?: 'separator'; accelerator?: string; click?: () => void; submenu?: MenuItem[] };

/** The application menu (Electron MenuItemConstructorOptions): File, Edit, View, Window, Help. */
export function applicationMenuTemplate(platform: NodeJS.Platform, actions: MenuActions): MenuItem[] {
  const mac = platform === 'darwin';
  const appMenu: MenuItem[] = mac
    ? [{ label: 'Liftwell', submenu: [{ label: 'About Liftwell', click: actions.showAbout }, { type: 'separator' }, { role: 'services' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] }]
    : [];
  return [
    ...appMenu,
    {
      label: 'File',
      submenu: [{ label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: actions.openProject }, { type: 'separator' }, mac ? { role: 'close' } : { role: 'quit' }],
    },
    { label: 'Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    { label: 'View', submenu: [{ role: 'reload' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
    { label: 'Window', submenu: [{ role: 'minimize' }, { role: 'zoom' }, ...(mac ? [{ type: 'separator' as const }, { role: 'front' }] : [{ role: 'close' }])] },
    ...(mac ? [] : [{ label: 'Help', submenu: [{ label: 'About Liftwell', click: actions.showAbout }] }]),
  ];
}
