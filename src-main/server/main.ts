/**
 * `node out/node/server.mjs [--port N]` (npm run serve): Liftwell in the browser; the same as
 * `liftwell serve` (see run.ts). Prints exactly one line with the URL.
 */
import { parsePort, runServer, serveHelp, ServeUsageError } from './run';

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(serveHelp + '\n');
  process.exit(0);
}
try {
  // The bundles sit in out/node/, the renderer in out/renderer/.
  await runServer(parsePort(argv), { rendererDir: new URL('../renderer/', import.meta.url), workerScript: new URL('./worker.mjs', import.meta.url) });
} catch (error) {
  process.stderr.write(`liftwell server: ${(error as Error).message}\n`);
  process.exit(error instanceof ServeUsageError ? 2 : 1);
}
