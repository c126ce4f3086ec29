/**
 * Server backpressure (issue 14, finding 3): a client that sends 20,000 requests and stops
 * reading must not grow the server's memory without bound (before: +218 MB, kept after the client
 * left); once it reads again it gets every reply. A client whose queued output passes the hard
 * bound is closed with code 4008. The server runs as its own process (out/node/server.mjs) so
 * its resident memory can be read from /proc.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { WS_PATH } from '../../src-main/api/wire';
import { startServer } from '../../src-main/server/server';
import { CLOSE_NOT_READING } from '../../src-main/server/backpressure';
import { tempDir, WORKER_SCRIPT } from '../api/helpers';

const serverScript = join(import.meta.dirname, '../../out/node/server.mjs');
const dir = tempDir('liftwell-backpressure-');
let server: ChildProcess;
let url: URL;

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  server = spawn(process.execPath, [serverScript, '--port', '0'], { env: { ...process.env, LIFTWELL_HOME: join(dir.path, 'home') } });
  url = await new Promise<URL>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (d) => {
      out += d;
      const m = /running at (\S+)/.exec(out);
      if (m) resolve(new URL(m[1]));
    });
    server.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
});
afterAll(() => {
  server.kill('SIGKILL');
  dir.cleanup();
});

function connect(port: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${WS_PATH}?token=${token}`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe.runIf(existsSync('/proc/self/status'))('server backpressure', () => {
  it('20,000 requests from a client that stops reading: server memory stays bounded, every reply arrives later', async () => {
    const ws = await connect(url.port, url.searchParams.get('token')!);
    let replies = 0;
    ws.on('message', () => replies++);
    ws.send(JSON.stringify({ id: 0, method: 'getAppInfo', params: {} }));
    while (replies < 1) await sleep(20);
    const before = rssMiB(server.pid!);
    ws.pause(); // stop reading: replies pile up on the server's side of the socket
    const n = 20_000;
    for (let i = 1; i <= n; i++) ws.send(JSON.stringify({ id: i, method: 'getAppInfo', params: {} }));
    // Give the server time to take in whatever it will (it pauses its reading when backed up).
    let peak = 0;
    for (let i = 0; i < 30; i++) {
      await sleep(200);
      peak = Math.max(peak, rssMiB(server.pid!));
    }
    // Unbounded, the 20,000 replies (~10 kB each) would add ~200 MB; bounded: 32 in flight and
    // ~4 MiB queued per connection, plus garbage not yet collected. 80 MB separates the two.
    expect(peak - before).toBeLessThan(80);
    ws.resume();
    for (let i = 0; i < 600 && replies < n + 1; i++) await sleep(100);
    expect(replies).toBe(n + 1);
    ws.close();
  }, 120_000);

  it('a client past the hard bound of queued output is closed with code 4008', async () => {
    const home = join(dir.path, 'home2');
    const renderer = join(dir.path, 'renderer');
    mkdirSync(renderer, { recursive: true });
    writeFileSync(join(renderer, 'index.html'), '<!doctype html>');
    // Small bounds so the test needs few requests: reading pauses at 64 kB, closes past 256 kB.
    const local = await startServer({ rendererDir: renderer, userDataDir: home, workerScript: WORKER_SCRIPT, workers: 1, backpressure: { maxInFlight: 1000, highWaterBytes: 1e9, closeAboveBytes: 256 * 1024 } });
    try {
      const ws = await connect(String(local.port), local.token);
      const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
      ws.pause();
      for (let i = 1; i <= 2000; i++) ws.send(JSON.stringify({ id: i, method: 'getAppInfo', params: {} }));
      ws.resume(); // read again: the close frame (or the terminated socket) arrives
      const code = await closed;
      expect([CLOSE_NOT_READING, 1006]).toContain(code);
    } finally {
      await local.close();
    }
  }, 60_000);
});
