/**
 * Typed preload (as Podman Desktop does it): one function per API call on `window.liftwell`,
 * plus `onEvent`. Runs sandboxed with contextIsolation; exposes no Electron object itself.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { callNames } from '../api/call-names';
import type { ApiEvent, LiftwellApi } from '../api/contract';
import { IPC_CALL_PREFIX, IPC_EVENT_CHANNEL } from '../api/wire';
import type { DispatchResult } from '../api/dispatch';

export type PreloadApi = LiftwellApi & { onEvent(listener: (event: ApiEvent) => void): () => void };

function makeCall(name: string) {
  return async (input: unknown) => {
    const reply = (await ipcRenderer.invoke(IPC_CALL_PREFIX + name, input)) as DispatchResult;
    if (reply.ok) return reply.result;
    // Rebuild an Error that carries the structured fields; Electron would otherwise flatten it.
    throw Object.assign(new Error(reply.error.message), { code: reply.error.code, details: reply.error.details });
  };
}

const api = Object.fromEntries(callNames.map((name) => [name, makeCall(name)])) as unknown as LiftwellApi;

const exposed: PreloadApi = {
  ...api,
  onEvent(listener) {
    const wrapped = (_event: IpcRendererEvent, payload: ApiEvent) => listener(payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped);
  },
};

contextBridge.exposeInMainWorld('liftwell', exposed);
