/**
 * Electron shell: one window, hardened per Electron's security checklist, with every API call
 * registered on ipcMain through the same dispatch the browser mode and the CLI use.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { callNames } from '../api/contract';
import { dispatch } from '../api/dispatch';
import { createAppContext } from '../api/handlers';
import { registerStudyServiceOn } from '../study/service';
import { IPC_CALL_PREFIX, IPC_EVENT_CHANNEL } from '../api/wire';
import { CONTENT_SECURITY_POLICY } from '../server/csp';
import { applicationMenuTemplate, projectPathFromArgv } from './launch';

const rendererIndex = join(import.meta.dirname, '../renderer/index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;
/** The hidden GPU compute window (docs/webgpu-training.md): a WebGPU compute provider for training. */
const computePage = join(import.meta.dirname, '../renderer/compute.html');
const computeUrl = pathToFileURL(computePage).href;

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  // Only our own top-level page may call the API.
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && (frame.url.startsWith(rendererUrl.split('#')[0]) || frame.url.startsWith(computeUrl));
}

let mainWindow: BrowserWindow | null = null;
/** A project the app was asked to open before its window could take it (argv, macOS open-file). */
let pendingProject: string | null = projectPathFromArgv(process.argv, process.cwd());

/** Asks the renderer to open a project folder (it calls openProject like the Projects view). */
function requestOpenProject(projectPath: string): void {
  if (!mainWindow || mainWindow.isDestroyed() || mainWindow.webContents.isLoading()) {
    pendingProject = projectPath;
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
  mainWindow.webContents.send(IPC_EVENT_CHANNEL, { type: 'open-project', projectPath });
}

async function chooseProjectFolder(): Promise<void> {
  const options = { title: 'Open a Liftwell project', properties: ['openDirectory' as const, 'treatPackageAsDirectory' as const] };
  const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  if (!result.canceled && result.filePaths[0]) requestOpenProject(result.filePaths[0]);
}

async function createWindow(): Promise<void> {
  const context = createAppContext({
    userDataDir: app.getPath('userData'),
    workerScript: join(import.meta.dirname, 'worker.js'),
    transport: 'electron',
  });
  registerStudyServiceOn(context); // the Studies view's calls (api/studies.ts)

  for (const name of callNames) {
    ipcMain.handle(IPC_CALL_PREFIX + name, async (event, input: unknown) => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { code: 'invalid-input', message: 'API call from an untrusted frame was refused.' } };
      }
      return dispatch(context.handlers, name, input);
    });
  }

  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Liftwell',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  const unsubscribe = context.subscribe((event) => {
    if (!window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, event);
  });
  window.on('closed', unsubscribe);
  window.once('ready-to-show', () => window.show());
  mainWindow = window;
  window.webContents.on('did-finish-load', () => {
    const path = pendingProject;
    pendingProject = null;
    if (path) requestOpenProject(path);
  });

  // No navigation away from the app, no new windows; external links open in the system browser.
  window.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(rendererUrl)) event.preventDefault();
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });

  app.on('before-quit', () => {
    void context.shutdown();
  });
  await window.loadFile(rendererIndex);
  const compute = openComputeWindow(context);
  // The hidden compute window must not keep the app alive once the user closed the main one.
  window.on('closed', () => {
    if (compute && !compute.isDestroyed()) compute.destroy();
  });
}

/**
 * The GPU compute page in a hidden window with the main window's security settings. It registers
 * itself as a compute provider when the system has a WebGPU adapter and stays idle otherwise.
 * LIFTWELL_WEBGPU=0 turns it off.
 */
function openComputeWindow(context: ReturnType<typeof createAppContext>): BrowserWindow | null {
  if (process.env.LIFTWELL_WEBGPU === '0') return null;
  const compute = new BrowserWindow({
    show: false,
    width: 640,
    height: 480,
    title: 'Liftwell GPU compute',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      // A hidden window must not be throttled while it trains.
      backgroundThrottling: false,
    },
  });
  const unsubscribe = context.subscribe((event) => {
    if (!compute.isDestroyed()) compute.webContents.send(IPC_EVENT_CHANNEL, event);
  });
  compute.on('closed', unsubscribe);
  compute.webContents.on('will-navigate', (event) => event.preventDefault());
  compute.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  void compute.loadFile(computePage).catch(() => {});
  return compute;
}

app.enableSandbox();
// One app instance: a second launch (e.g. double-clicking a project) hands its argv to the first.
const primaryInstance = app.requestSingleInstanceLock();
if (!primaryInstance) app.quit();
app.on('second-instance', (_event, argv, cwd) => {
  const path = projectPathFromArgv(argv, cwd);
  if (path) requestOpenProject(path);
  else if (mainWindow && !mainWindow.isDestroyed()) mainWindow.focus();
});
// macOS: a `.liftwell` document package opened from Finder (may arrive before the window exists).
app.on('open-file', (event, path) => {
  event.preventDefault();
  requestOpenProject(path);
});
// Linux Chromium ships WebGPU behind a flag (Vulkan); LIFTWELL_WEBGPU=1 turns it on for the compute window.
if (process.platform === 'linux' && process.env.LIFTWELL_WEBGPU === '1') {
  app.commandLine.appendSwitch('enable-unsafe-webgpu');
  app.commandLine.appendSwitch('enable-features', 'Vulkan');
}
app.whenReady().then(() => {
  if (!primaryInstance) return;
  // Strict CSP on every response, in addition to the renderer's own meta tag.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // No permission (camera, notifications, ...) is ever needed.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      applicationMenuTemplate(process.platform, {
        openProject: () => void chooseProjectFolder(),
        showAbout: () => app.showAboutPanel(),
      }) as Parameters<typeof Menu.buildFromTemplate>[0],
    ),
  );
  app.setAboutPanelOptions({ applicationName: 'Liftwell', applicationVersion: app.getVersion() });
  return createWindow();
});
app.on('window-all-closed', () => app.quit());
