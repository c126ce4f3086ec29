/**
 * The Electron binary cannot be downloaded on the build machines, so the shell's wiring is
 * tested with a fake `electron` module: security preferences, one IPC handler per API call,
 * sender checks, and the typed preload.
 */
import { describe, expect, it, vi, beforeEach } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callNames } from '../../src-main/api/call-names';

const fake = vi.hoisted(() => {
  const handlers = new Map<string, (event: unknown, input: unknown) => Promise<unknown>>();
  const windows: { options: any; handlers: Record<string, Function>; events: Record<string, Function[]>; openHandler?: Function; loaded?: string; destroyed: boolean }[] = [];
  const exposed: Record<string, unknown> = {};
  const invoke = vi.fn(async (_channel: string, _input: unknown): Promise<unknown> => ({ ok: true, result: 'pong' }));
  return { handlers, windows, exposed, invoke, userData: '' };
});

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: any;
    constructor(options: any) {
      const record: any = { options, handlers: {}, events: {}, destroyed: false };
      this.record = record;
      fake.windows.push(record);
      this.webContents = {
        on: (name: string, fn: Function) => (record.handlers[name] = fn),
        setWindowOpenHandler: (fn: Function) => (record.openHandler = fn),
        send: () => undefined,
      };
    }
    record: any;
    on(name: string, fn: Function) { (this.record.events[name] ??= []).push(fn); }
    once() {}
    isDestroyed() { return this.record.destroyed; }
    destroy() { this.record.destroyed = true; }
    show() {}
    async loadFile(file: string) { this.record.loaded = file; }
  }
  const app = {
    getPath: () => fake.userData,
    enableSandbox: vi.fn(),
    whenReady: () => Promise.resolve(),
    on: () => undefined,
    requestSingleInstanceLock: vi.fn(() => true),
    setAboutPanelOptions: vi.fn(),
    showAboutPanel: vi.fn(),
    getVersion: () => '0.0.0-test',
  };
  return {
    app,
    BrowserWindow,
    ipcMain: { handle: (channel: string, fn: any) => fake.handlers.set(channel, fn) },
    session: { defaultSession: { webRequest: { onHeadersReceived: vi.fn() }, setPermissionRequestHandler: vi.fn() } },
    shell: { openExternal: vi.fn() },
    dialog: { showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] })) },
    Menu: { buildFromTemplate: vi.fn((template: unknown) => ({ template })), setApplicationMenu: vi.fn() },
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (fake.exposed[key] = value) },
    ipcRenderer: { invoke: fake.invoke, on: vi.fn(), removeListener: vi.fn() },
  };
});

describe('Electron main process', () => {
  beforeEach(() => {
    fake.userData = mkdtempSync(join(tmpdir(), 'liftwell-electron-'));
  });

  it('opens a sandboxed, context-isolated window and registers one handler per call', async () => {
    const { app } = await import('electron');
    await import('../../src-main/electron/main');
    // The main window, then the hidden GPU compute window (docs/webgpu-training.md).
    await vi.waitFor(() => expect(fake.windows).toHaveLength(2));
    expect(app.enableSandbox).toHaveBeenCalled();
    expect(app.requestSingleInstanceLock).toHaveBeenCalled();
    const { Menu } = await import('electron');
    expect(Menu.setApplicationMenu).toHaveBeenCalled();
    for (const w of fake.windows) {
      expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    }
    const [main, compute] = fake.windows;
    expect(compute.options.show).toBe(false);
    expect(compute.loaded).toMatch(/compute\.html$/);
    expect(compute.openHandler!({ url: 'https://example.org' })).toEqual({ action: 'deny' });
    expect([...fake.handlers.keys()].sort()).toEqual(callNames.map((n) => `liftwell:${n}`).sort());

    // window.open is always denied; navigation away from the app is prevented.
    expect(main.openHandler!({ url: 'https://example.org' })).toEqual({ action: 'deny' });
    const prevent = vi.fn();
    main.handlers['will-navigate']({ preventDefault: prevent }, 'https://evil.example/');
    expect(prevent).toHaveBeenCalled();

    // Calls from our own top-level page are dispatched (and validated); others are refused.
    const own = { senderFrame: { parent: null, url: 'file://' + main.loaded } };
    const info = (await fake.handlers.get('liftwell:getAppInfo')!(own, {})) as any;
    expect(info.ok).toBe(true);
    expect(info.result.transport).toBe('electron');
    const invalid = (await fake.handlers.get('liftwell:openProject')!(own, { projectPath: 42 })) as any;
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const foreign = { senderFrame: { parent: null, url: 'https://evil.example/' } };
    expect(await fake.handlers.get('liftwell:getAppInfo')!(foreign, {})).toMatchObject({ ok: false });
    const subframe = { senderFrame: { parent: {}, url: 'file://' + main.loaded } };
    expect(await fake.handlers.get('liftwell:getAppInfo')!(subframe, {})).toMatchObject({ ok: false });
    // The compute page may call the API too; closing the main window takes the hidden one with it.
    const fromCompute = { senderFrame: { parent: null, url: 'file://' + compute.loaded } };
    expect(await fake.handlers.get('liftwell:getAppInfo')!(fromCompute, {})).toMatchObject({ ok: true });
    for (const fn of main.events.closed ?? []) fn();
    expect(compute.destroyed).toBe(true);
  });
});

describe('Electron preload', () => {
  it('exposes exactly one function per API call plus onEvent', async () => {
    await import('../../src-main/electron/preload');
    const api = fake.exposed.liftwell as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...callNames, 'onEvent'].sort());
    for (const name of callNames) expect(typeof api[name]).toBe('function');
    await expect((api.getAppInfo as Function)({})).resolves.toBe('pong');
    expect(fake.invoke).toHaveBeenCalledWith('liftwell:getAppInfo', {});
    fake.invoke.mockResolvedValueOnce({ ok: false, error: { code: 'not-found', message: 'no such run' } });
    await expect((api.listRuns as Function)({ projectPath: '/x' })).rejects.toMatchObject({ message: 'no such run', code: 'not-found' });
  });
});
