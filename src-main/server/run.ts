/**
 * Browser mode as a foreground process: parse `[--port N]`, start the server, print the URL on
 * one line, stop cleanly (running jobs checkpointed, resumable) on SIGINT/SIGTERM. Used by
 * `node out/node/server.mjs` (npm run serve) and `liftwell serve`.
 * Port: --port N, else env LIFTWELL_PORT, else 0 (a free port). User data: store/user-data.ts.
 */
import { userDataDir } from '../store/user-data';
import { startServer } from './server';
import { thisLiftwellCommand } from '../runs/runtime/bundle-paths';

export const serveHelp = `liftwell serve [--port N]

Liftwell in the browser: serves the app on 127.0.0.1 and prints one line with its URL, which
carries a random token (open it in a browser on this machine). Ctrl-C stops the server; running
jobs are checkpointed and can be resumed.
  --port N   port to listen on (default: env LIFTWELL_PORT, else any free port)
Env: LIFTWELL_HOME   folder for user data (recent projects); default the platform's config folder.`;

export class ServeUsageError extends Error {}

export function parsePort(argv: string[]): number {
  let raw: string | undefined = process.env.LIFTWELL_PORT;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') raw = argv[++i];
    else if (a.startsWith('--port=')) raw = a.slice('--port='.length);
    else throw new ServeUsageError(`unknown option ${a}`);
  }
  if (raw === undefined || raw === '') return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ServeUsageError(`--port must be an integer 0..65535 (got ${raw})`);
  return port;
}

/** Runs until a signal stops it; the process exits from the signal handler. */
export async function runServer(port: number, bundleDir: { rendererDir: URL; workerScript: URL }): Promise<void> {
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
  server = await startServer({ port, rendererDir: bundleDir.rendererDir, userDataDir: userDataDir(), workerScript: bundleDir.workerScript, liftwellCommand: thisLiftwellCommand() });
  if (stopping) {
    await server.close();
    process.exit(0);
  }
  process.stdout.write(`Liftwell is running at ${server.url}\n`);
}
