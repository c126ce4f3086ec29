/**
 * One app edits a project at a time (issue 14, finding 1): a second app (another browser-mode
 * server) gets the project read-only with the reason, a CLI is refused changes with the same
 * message, and when the first app is killed its lock is stale and the second app can edit.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import WebSocket from 'ws';
import { WS_PATH } from '../../src-main/api/wire';
import { tempDir } from '../api/helpers';

const root = join(import.meta.dirname, '../..');
const dir = tempDir('liftwell-applock-');
const servers: ChildProcess[] = [];
afterAll(() => {
  for (const s of servers) s.kill('SIGKILL');
  dir.cleanup();
});

async function startApp(home: string): Promise<{ process: ChildProcess; call(method: string, params: unknown): Promise<{ ok: boolean; result?: any; error?: { code: string; message: string } }> }> {
  const child = spawn(process.execPath, [join(root, 'out/node/server.mjs'), '--port', '0'], { env: { ...process.env, LIFTWELL_HOME: home } });
  servers.push(child);
  const url = await new Promise<URL>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /running at (\S+)/.exec(out);
      if (m) resolve(new URL(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  const ws = await new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${url.port}${WS_PATH}?token=${url.searchParams.get('token')}`);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
  let next = 1;
  const call = (method: string, params: unknown) =>
    new Promise<any>((resolve) => {
      const id = next++;
      const onMessage = (data: WebSocket.RawData) => {
        const msg = JSON.parse(data.toString());
        if (msg.id === id) {
          ws.off('message', onMessage);
          resolve(msg);
        }
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { process: child, call };
}

describe('one app per project', () => {
  it('second app read-only, CLI refused, first app killed: the second app can edit', async () => {
    const a = await startApp(join(dir.path, 'home-a'));
    const created = await a.call('createProject', { parentDir: dir.path, name: 'Shared' });
    expect(created.ok).toBe(true);
    const projectPath = created.result.path as string;

    const b = await startApp(join(dir.path, 'home-b'));
    const opened = await b.call('openProject', { projectPath });
    expect(opened.ok).toBe(true);
    expect(opened.result.readOnly).toMatch(/open in another Liftwell app \(process \d+ on .*read-only here/);
    const refused = await b.call('addSystem', { projectPath, name: 'dw', spec: { kind: 'double-well', a: 1 } });
    expect(refused.error?.code).toBe('conflict');
    expect(refused.error?.message).toContain('read-only');

    const cli = spawnSync(process.execPath, [join(root, 'bin/liftwell.mjs'), 'umbrella', '--project', projectPath, '--system', 'double-well', '--range=-1,1', '--windows', '3', '--spring', '20', '--steps', '1000'],
      { encoding: 'utf8', env: { ...process.env, LIFTWELL_HOME: join(dir.path, 'home-cli') }, timeout: 60_000 });
    expect(cli.status).not.toBe(0);
    expect(cli.stderr).toContain('open in another Liftwell app');

    a.process.kill('SIGKILL');
    await new Promise((r) => a.process.once('exit', r));
    const added = await b.call('addSystem', { projectPath, name: 'dw', spec: { kind: 'double-well', a: 1 } });
    expect(added.ok, added.error?.message).toBe(true);
  }, 120_000);
});
