import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startServer, tokensEqual, type RunningServer } from '../../src-main/server/server';
import { WS_PATH, type WireServerMessage } from '../../src-main/api/wire';
import { tempDir, WORKER_SCRIPT } from '../api/helpers';

let dir: ReturnType<typeof tempDir>;
let server: RunningServer;

beforeAll(async () => {
  dir = tempDir();
  const renderer = join(dir.path, 'renderer');
  mkdirSync(renderer);
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Liftwell</title>');
  server = await startServer({ rendererDir: renderer, userDataDir: join(dir.path, 'home'), workerScript: WORKER_SCRIPT, workers: 1 });
});
afterAll(async () => {
  await server.close();
  dir.cleanup();
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { Host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(query: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${WS_PATH}${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function rpc(ws: WebSocket, id: number, method: string, params: unknown): Promise<WireServerMessage> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString()) as WireServerMessage;
      if ('id' in msg && msg.id === id) {
        ws.off('message', onMessage);
        resolve(msg);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, method, params }));
  });
}

describe('browser-mode server', () => {
  test('url, token and loopback binding', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[0-9a-f]{48}$/);
    expect(tokensEqual(server.token, server.token)).toBe(true);
    expect(tokensEqual('x', server.token)).toBe(false);
    expect(tokensEqual(undefined, server.token)).toBe(false);
  });

  test('serves the renderer with a strict CSP', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('Liftwell');
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect((await get('/../../etc/passwd')).status).toBe(404);
    expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
  });

  test('HTTP API requests without or with a wrong token get 401', async () => {
    expect((await get(WS_PATH)).status).toBe(401);
    expect((await get(`${WS_PATH}?token=wrong`)).status).toBe(401);
    expect((await get(`${WS_PATH}?token=${server.token}`)).status).toBe(426);
  });

  test('wrong Host or Origin (DNS rebinding) is refused', async () => {
    expect((await get('/', { Host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get(`${WS_PATH}?token=${server.token}`, { Host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get('/', { Host: `localhost:${server.port}` })).status).toBe(200);
    await expect(connect(`?token=${server.token}`, { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(connect(`?token=${server.token}`, { Host: `attacker.test:${server.port}` })).rejects.toThrow(/403/);
  });

  test('WebSocket upgrades without or with a wrong token are refused', async () => {
    await expect(connect('')).rejects.toThrow(/401/);
    await expect(connect('?token=0000')).rejects.toThrow(/401/);
    const almost = server.token.slice(0, -1) + (server.token.endsWith('0') ? '1' : '0');
    await expect(connect(`?token=${almost}`)).rejects.toThrow(/401/);
  });

  test('with the token the API works, errors cross as {code, message}', async () => {
    const ws = await connect(`?token=${server.token}`, { Origin: `http://127.0.0.1:${server.port}` });
    try {
      const info = await rpc(ws, 1, 'getAppInfo', {});
      expect(info).toMatchObject({ id: 1, ok: true });
      if ('ok' in info && info.ok) expect((info.result as { transport: string }).transport).toBe('browser');
      const bad = await rpc(ws, 2, 'estimateUmbrellaCost', { params: { spring: 0 } });
      expect(bad).toMatchObject({ id: 2, ok: false, error: { code: 'invalid-input' } });
      const unknown = await rpc(ws, 3, 'deleteEverything', {});
      expect(unknown).toMatchObject({ id: 3, ok: false, error: { code: 'invalid-input' } });
    } finally {
      ws.close();
    }
  });
});

test('server.mjs prints exactly one URL line and stops cleanly on SIGTERM', async () => {
  const d = tempDir();
  try {
    const child = spawn(process.execPath, ['out/node/server.mjs', '--port', '0'], {
      env: { ...process.env, LIFTWELL_HOME: d.path, LIFTWELL_PORT: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL line; stdout: ${out}`)), 15_000);
      child.stdout.on('data', () => {
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
    });
    expect(out).toMatch(/^Liftwell is running at http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}\n$/);
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit, err).toBe(0);
    expect(out.split('\n').filter(Boolean)).toHaveLength(1);
  } finally {
    d.cleanup();
  }
});
