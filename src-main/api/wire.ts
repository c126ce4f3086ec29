/**
 * Wire format shared by the WebSocket transport (browser mode) and the renderer's client.
 * Electron IPC does not need it: ipcRenderer.invoke already pairs requests with replies.
 */
import type { ApiErrorShape, ApiEvent, CallName } from './contract';

export interface WireRequest { id: number; method: CallName; params: unknown }
export type WireReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: ApiErrorShape };
export interface WireEvent { event: ApiEvent }
export type WireServerMessage = WireReply | WireEvent;

/** Path of the WebSocket endpoint; the token travels as `?token=`. */
export const WS_PATH = '/api';
/** Electron IPC channel names. */
export const IPC_CALL_PREFIX = 'liftwell:';
export const IPC_EVENT_CHANNEL = 'liftwell:event';
