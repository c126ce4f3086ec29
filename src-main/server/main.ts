/**
 * `node out/node/server.mjs [--port N]` (npm run serve): Liftwell in the browser.
 * Port: --port N, else env LIFTWELL_PORT, else 0 (a free port). User data (recent projects):
 * env LIFTWELL_HOME, else $XDG_CONFIG_HOME/liftwell (~/.config/liftwell), ~/Library/Application
 * Support/Liftwell (macOS), %APPDATA%/Liftwell (Windows). Prints exactly one line with the URL.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server';

function parsePort(argv: string[]): number {
  let raw: string | undefined = process.env.LIFTWELL_PORT;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') raw = argv[++i];
    else if (a.startsWith('--port=')) raw = a.slice('--port='.length);
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: node out/node/server.mjs [--port N]   (env: LIFTWELL_PORT, LIFTWELL_HOME)\n');
      process.exit(0);
    } else {
      process.stderr.write(`liftwell server: unknown option ${a}\n`);
      process.exit(2);
    }
  }
  if (raw === undefined || raw === '') return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`liftwell server: --port must be an integer 0..65535 (got ${raw})\n`);
    process.exit(2);
  }
  return port;
}

export function userDataDir(): string {
  if (process.env.LIFTWELL_HOME) return process.env.LIFTWELL_HOME;
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Liftwell');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Liftwell');
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'liftwell');
}

async function main(): Promise<void> {
  const port = parsePort(process.argv.slice(2));
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!server) process.exit(0);
    process.stderr.write(`liftwell server: ${signal}, stopping jobs (they can be resumed) ...\n`);
    server.close().then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`liftwell server: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  // Installed before the URL is printed, so a signal right after it is handled.
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  server = await startServer({
    port,
    rendererDir: new URL('../renderer/', import.meta.url),
    userDataDir: userDataDir(),
    workerScript: new URL('./worker.mjs', import.meta.url),
  });
  if (stopping) {
    await server.close();
    process.exit(0);
  }
  process.stdout.write(`Liftwell is running at ${server.url}\n`);
}

main().catch((error) => {
  process.stderr.write(`liftwell server: ${(error as Error).message}\n`);
  process.exit(1);
});
