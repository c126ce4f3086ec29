/**
 * Browser mode: serves the built renderer and the API over one WebSocket, on 127.0.0.1 only.
 *
 * Security (as Jupyter does it, plus DNS-rebinding checks):
 * - binds 127.0.0.1, never 0.0.0.0;
 * - a random per-start token (24 random bytes, hex) is required for the API: `?token=` on the
 *   WebSocket upgrade (or HTTP requests to the API path); compared in constant time; missing or
 *   wrong -> 401 and the upgrade is refused;
 * - every request's Host must be 127.0.0.1:PORT or localhost:PORT, and Origin (when sent) must be
 *   http://127.0.0.1:PORT or http://localhost:PORT -> otherwise 403 (a rebinding page has the
 *   attacker's host name in both);
 * - static files get a strict Content-Security-Policy, nosniff, no referrer (the token is in the URL).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatch } from '../api/dispatch';
import { createAppContext, type AppContext } from '../api/handlers';
import { registerStudyServiceOn } from '../study/service';
import type { ApiEvent } from '../api/contract';
import { WS_PATH, type WireRequest, type WireServerMessage } from '../api/wire';
import { CONTENT_SECURITY_POLICY } from './csp';
import { ConnectionGate, type BackpressureLimits } from './backpressure';

export const HOST = '127.0.0.1';
/** Largest API request accepted over the WebSocket. */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export interface StartServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Folder with the built renderer (index.html ...). */
  rendererDir: string | URL;
  /** Use an existing context (its lifetime stays the caller's); otherwise one is created from the fields below. */
  context?: AppContext;
  userDataDir?: string;
  workerScript?: URL | string;
  workers?: number;
  checkpointIntervalMs?: number;
  /** How cluster nodes start Liftwell (AppContextOptions.liftwellCommand). */
  liftwellCommand?: string;
  /** Fixed token (tests); default: 24 random bytes, hex. */
  token?: string;
  /** Per-connection bounds (backpressure.ts); default DEFAULT_BACKPRESSURE. */
  backpressure?: BackpressureLimits;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  context: AppContext;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export function tokensEqual(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // Equal lengths first (the expected length is public: 48 hex characters).
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const token = opts.token ?? randomBytes(24).toString('hex');
  const ownsContext = !opts.context;
  const context =
    opts.context ??
    createAppContext({
      userDataDir: opts.userDataDir ?? fail('userDataDir'),
      workerScript: opts.workerScript ?? fail('workerScript'),
      transport: 'browser',
      workers: opts.workers,
      checkpointIntervalMs: opts.checkpointIntervalMs,
      liftwellCommand: opts.liftwellCommand,
    });
  registerStudyServiceOn(context); // the Studies view's calls (api/studies.ts)
  const rendererRoot = resolve(opts.rendererDir instanceof URL ? fileURLToPath(opts.rendererDir) : opts.rendererDir);
  let port = 0;

  const allowedHosts = () => [`${HOST}:${port}`, `localhost:${port}`];
  const allowedOrigins = () => allowedHosts().map((h) => `http://${h}`);
  /** Returns a refusal (status, words) or null when Host/Origin are fine. */
  const checkHostOrigin = (req: IncomingMessage): [number, string] | null => {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!allowedHosts().includes(host)) return [403, 'Forbidden: unexpected Host header.'];
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().includes(origin.toLowerCase())) return [403, 'Forbidden: unexpected Origin.'];
    return null;
  };
  const requestUrl = (req: IncomingMessage) => new URL(req.url ?? '/', `http://${HOST}:${port}`);

  const sendText = (res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8', ...extra });
    res.end(text);
  };

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return sendText(res, 400, 'Bad request.');
    }
    if (rel.includes('\0')) return sendText(res, 400, 'Bad request.');
    if (rel.endsWith('/')) rel += 'index.html';
    const file = normalize(join(rendererRoot, rel));
    if (file !== rendererRoot && !file.startsWith(rendererRoot + sep)) return sendText(res, 404, 'Not found.');
    try {
      const info = await stat(file);
      if (!info.isFile()) return sendText(res, 404, 'Not found.');
      const body = await readFile(file);
      res.writeHead(200, {
        ...securityHeaders(),
        'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': String(body.length),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      if (rel === '/index.html') {
        return sendText(res, 503, `The renderer is not built (no ${join(rendererRoot, 'index.html')}); run \`npm run build:web\`.`);
      }
      sendText(res, 404, 'Not found.');
    }
  }

  const server = createServer((req, res) => {
    const refusal = checkHostOrigin(req);
    if (refusal) return sendText(res, refusal[0], refusal[1]);
    const url = requestUrl(req);
    if (url.pathname === WS_PATH || url.pathname.startsWith(WS_PATH + '/')) {
      if (!tokensEqual(url.searchParams.get('token'), token)) return sendText(res, 401, 'Unauthorized: a valid token is required.');
      return sendText(res, 426, 'The API is served over a WebSocket at this path.', { Upgrade: 'websocket' });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });
    void serveStatic(req, res, url.pathname);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  const clients = new Map<WebSocket, ConnectionGate>();

  const refuseUpgrade = (socket: Duplex, status: number, words: string) => {
    socket.end(`HTTP/1.1 ${status} ${words}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${words.length}\r\n\r\n${words}`);
  };
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => {});
    const refusal = checkHostOrigin(req);
    if (refusal) return refuseUpgrade(socket, 403, 'Forbidden');
    const url = requestUrl(req);
    if (url.pathname !== WS_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (!tokensEqual(url.searchParams.get('token'), token)) return refuseUpgrade(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const gate = new ConnectionGate(ws, opts.backpressure);
    clients.set(ws, gate);
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => clients.delete(ws));
    ws.on('message', async (data, isBinary) => {
      let request: WireRequest;
      try {
        if (isBinary) throw new Error('binary requests are not supported');
        request = JSON.parse(data.toString()) as WireRequest;
        if (!request || typeof request !== 'object' || typeof request.id !== 'number') throw new Error('missing request id');
      } catch (error) {
        const reply: WireServerMessage = {
          id: -1,
          ok: false,
          error: { code: 'invalid-input', message: `Malformed API request: ${(error as Error).message}` },
        };
        gate.send(JSON.stringify(reply));
        return;
      }
      gate.begin();
      try {
        const result = await dispatch(context.handlers, request.method, request.params);
        const reply: WireServerMessage = result.ok
          ? { id: request.id, ok: true, result: result.result }
          : { id: request.id, ok: false, error: result.error };
        gate.send(JSON.stringify(reply));
      } finally {
        gate.end();
      }
    });
  });

  /** Events a later one supersedes: skipped for a client whose output is backed up. */
  const lossy = new Set<ApiEvent['type']>(['run-progress', 'run-preview', 'train-metrics']);
  const unsubscribe = context.subscribe((event: ApiEvent) => {
    const text = JSON.stringify({ event } satisfies WireServerMessage);
    for (const gate of clients.values()) if (!(lossy.has(event.type) && gate.congested)) gate.send(text);
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    port,
    token,
    context,
    close() {
      closing ??= (async () => {
        unsubscribe();
        for (const ws of clients.keys()) ws.terminate();
        wss.close();
        await new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        });
        if (ownsContext) await context.shutdown();
      })();
      return closing;
    },
  };
}

function fail(what: string): never {
  throw new Error(`startServer: ${what} is required when no context is given`);
}
