/**
 * Transport-agnostic client for the Liftwell API.
 *
 * - Electron: the preload exposes `window.liftwell` with one async function per call plus
 *   `onEvent(cb) => unsubscribe`. We use it as is.
 * - Browser mode: one WebSocket to `${WS_PATH}?token=...` speaking the wire format of
 *   src-main/api/wire.ts (request ids, replies, pushed events), with queued sends until the
 *   socket is open and reconnection with exponential backoff.
 *
 * Every failure rejects with a LiftwellError carrying {code, message}; views show the message.
 */
import type { ApiErrorShape, ApiEvent, CallInput, CallName, CallOutput, LiftwellApi } from '../../../src-main/api/contract';
import { callNames } from '../../../src-main/api/call-names';
import type { WireRequest, WireServerMessage } from '../../../src-main/api/wire';
import { WS_PATH } from '../../../src-main/api/wire';

/** Codes from the contract plus the client's own transport conditions. */
export type ClientErrorCode = ApiErrorShape['code'] | 'no-token' | 'unauthorized' | 'disconnected' | 'timeout';

export class LiftwellError extends Error {
  readonly code: ClientErrorCode;
  readonly details?: unknown;
  constructor(code: ClientErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'LiftwellError';
    this.code = code;
    this.details = details;
  }
}

/** Words for any thrown value; never a stack trace. */
export function errorMessage(error: unknown): string {
  if (error instanceof LiftwellError) return error.message;
  if (error && typeof error === 'object' && 'message' in error && typeof (error as { message: unknown }).message === 'string') {
    // Electron's ipcRenderer.invoke prefixes "Error invoking remote method 'x': Error: ..."
    return (error as { message: string }).message.replace(/^Error invoking remote method '[^']+': (\w*Error: )?/, '');
  }
  return String(error);
}

export type ConnectionState =
  | { status: 'connecting'; attempt: number }
  | { status: 'open' }
  | { status: 'closed'; retryInMs: number; attempt: number }
  | { status: 'no-token' }
  | { status: 'unauthorized'; message: string };

export interface LiftwellClient {
  api: LiftwellApi;
  transport: 'electron' | 'browser';
  onEvent(cb: (event: ApiEvent) => void): () => void;
  onConnection(cb: (state: ConnectionState) => void): () => void;
}

/** Every call name: the contract's zod-free list, the same one the Electron preload uses. */
const CALL_NAMES: readonly CallName[] = callNames;

interface PreloadBridge extends Partial<LiftwellApi> {
  onEvent(cb: (event: ApiEvent) => void): () => void;
}

declare global {
  interface Window {
    liftwell?: PreloadBridge;
  }
}

// ------------------------------------------------------------------ Electron

function electronClient(bridge: PreloadBridge): LiftwellClient {
  const api = {} as Record<CallName, (input: unknown) => Promise<unknown>>;
  for (const name of CALL_NAMES) {
    api[name] = async (input: unknown) => {
      const fn = bridge[name] as ((input: unknown) => Promise<unknown>) | undefined;
      if (!fn) throw new LiftwellError('internal', `The desktop bridge does not provide ${name}`);
      try {
        return await fn(input);
      } catch (error) {
        throw normaliseError(error);
      }
    };
  }
  return {
    api: api as unknown as LiftwellApi,
    transport: 'electron',
    onEvent: (cb) => bridge.onEvent(cb),
    onConnection: (cb) => {
      cb({ status: 'open' });
      return () => {};
    },
  };
}

function normaliseError(error: unknown): LiftwellError {
  if (error instanceof LiftwellError) return error;
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) {
    const e = error as ApiErrorShape;
    return new LiftwellError(e.code, errorMessage(e), e.details);
  }
  return new LiftwellError('internal', errorMessage(error));
}

// ------------------------------------------------------------------ WebSocket

/** Close codes a server may use to say the token was refused (policy violation / app codes). */
const AUTH_CLOSE_CODES = new Set([1008, 4001, 4003, 4401, 4403]);
const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];
/** Consecutive failed opens (never reached `open`) after which we tell the user plainly. */
const FAILED_OPENS_BEFORE_AUTH_HINT = 3;

function socketClient(token: string | null): LiftwellClient {
  const eventListeners = new Set<(event: ApiEvent) => void>();
  const connListeners = new Set<(state: ConnectionState) => void>();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; sent: boolean }>();
  const queue: WireRequest[] = [];
  let nextId = 1;
  let socket: WebSocket | null = null;
  let state: ConnectionState = token ? { status: 'connecting', attempt: 0 } : { status: 'no-token' };
  let attempt = 0;
  let failedOpens = 0;
  let everOpened = false;

  const setState = (s: ConnectionState) => {
    state = s;
    for (const cb of connListeners) cb(s);
  };

  const flush = () => {
    while (socket && socket.readyState === WebSocket.OPEN && queue.length) {
      const req = queue.shift()!;
      const entry = pending.get(req.id);
      if (!entry) continue;
      entry.sent = true;
      socket.send(JSON.stringify(req));
    }
  };

  const connect = () => {
    if (!token) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${location.host}${WS_PATH}?token=${encodeURIComponent(token)}`;
    setState({ status: 'connecting', attempt });
    let opened = false;
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      opened = true;
      everOpened = true;
      attempt = 0;
      failedOpens = 0;
      setState({ status: 'open' });
      flush();
    };
    ws.onmessage = (msg) => {
      let data: WireServerMessage;
      try {
        data = JSON.parse(typeof msg.data === 'string' ? msg.data : '');
      } catch {
        return; // binary frames are not used by these calls
      }
      if ('event' in data) {
        for (const cb of eventListeners) cb(data.event);
        return;
      }
      const entry = pending.get(data.id);
      if (!entry) return;
      pending.delete(data.id);
      if (data.ok) entry.resolve(data.result);
      else entry.reject(new LiftwellError(data.error.code, data.error.message, data.error.details));
    };
    ws.onclose = (ev) => {
      if (socket === ws) socket = null;
      // Requests already on the wire may or may not have run; fail them. Queued ones wait.
      for (const [id, entry] of pending) {
        if (entry.sent) {
          pending.delete(id);
          entry.reject(new LiftwellError('disconnected', 'Lost the connection to Liftwell before it answered. Please try again.'));
        }
      }
      if (AUTH_CLOSE_CODES.has(ev.code)) {
        failAll('unauthorized', 'The access token was refused. Open the exact URL printed by the Liftwell server (it ends in ?token=...).');
        return;
      }
      if (!opened) failedOpens += 1;
      if (!opened && !everOpened && failedOpens === 1) {
        // The browser hides the upgrade's HTTP status; ask the same path over plain HTTP,
        // where the server answers 401 for a wrong token (426 for a right one).
        void probeToken().then((refused) => {
          if (refused) failAll('unauthorized', 'The access token in this address was refused by the Liftwell server. It changes every time the server starts: open the exact URL the server printed (it ends in ?token=...).');
        });
      }
      if (!everOpened && failedOpens >= FAILED_OPENS_BEFORE_AUTH_HINT) {
        failAll(
          'unauthorized',
          'Could not connect to the Liftwell server: the access token may be invalid, or the server is not running. Open the exact URL printed by the server (it ends in ?token=...).',
        );
        return;
      }
      const retryInMs = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
      attempt += 1;
      setState({ status: 'closed', retryInMs, attempt });
      setTimeout(() => {
        if (state.status !== 'unauthorized') connect();
      }, retryInMs);
    };
    ws.onerror = () => {
      /* onclose follows and decides */
    };
  };

  const probeToken = async (): Promise<boolean> => {
    try {
      const res = await fetch(`${WS_PATH}?token=${encodeURIComponent(token ?? '')}`, { cache: 'no-store' });
      return res.status === 401;
    } catch {
      return false;
    }
  };

  const failAll = (code: 'unauthorized' | 'no-token', message: string) => {
    for (const [id, entry] of pending) {
      pending.delete(id);
      entry.reject(new LiftwellError(code, message));
    }
    queue.length = 0;
    setState(code === 'unauthorized' ? { status: 'unauthorized', message } : { status: 'no-token' });
  };

  const call = (method: CallName, params: unknown): Promise<unknown> => {
    if (state.status === 'no-token') {
      return Promise.reject(new LiftwellError('no-token', 'No access token in the address. Open the URL printed by the Liftwell server.'));
    }
    if (state.status === 'unauthorized') return Promise.reject(new LiftwellError('unauthorized', state.message));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, sent: false });
      queue.push({ id, method, params });
      flush();
    });
  };

  const api = {} as Record<CallName, (input: unknown) => Promise<unknown>>;
  for (const name of CALL_NAMES) api[name] = (input) => call(name, input ?? {});

  connect();
  return {
    api: api as unknown as LiftwellApi,
    transport: 'browser',
    onEvent: (cb) => {
      eventListeners.add(cb);
      return () => eventListeners.delete(cb);
    },
    onConnection: (cb) => {
      connListeners.add(cb);
      cb(state);
      return () => connListeners.delete(cb);
    },
  };
}

export function tokenFromLocation(search: string = location.search): string | null {
  const token = new URLSearchParams(search).get('token');
  return token && token.trim() ? token.trim() : null;
}

export function createClient(): LiftwellClient {
  if (typeof window !== 'undefined' && window.liftwell && typeof window.liftwell.onEvent === 'function') {
    return electronClient(window.liftwell);
  }
  return socketClient(tokenFromLocation());
}

/** Typed helper so views can write call('getFes', {...}). */
export type Call = <K extends CallName>(name: K, input: CallInput<K>) => Promise<CallOutput<K>>;
