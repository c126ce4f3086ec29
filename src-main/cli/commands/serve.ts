/** `liftwell serve`: browser mode from the installed CLI (the same server as `npm run serve`). */
import { parsePort, runServer, serveHelp, ServeUsageError } from '../../server/run';
import { CliUsageError, parseCommandArgs } from '../args';
import { workerScriptUrl } from '../../runs/runtime/bundle-paths';

export { serveHelp };

export async function runServe(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { port: { type: 'string' } });
  if (values.help) {
    console.log(serveHelp);
    return 0;
  }
  let port: number;
  try {
    port = parsePort(typeof values.port === 'string' ? ['--port', values.port] : []);
  } catch (error) {
    if (error instanceof ServeUsageError) throw new CliUsageError(error.message);
    throw error;
  }
  // cli.mjs sits in out/node/ next to worker.mjs; the renderer is built into out/renderer/.
  await runServer(port, { rendererDir: new URL('../renderer/', import.meta.url), workerScript: workerScriptUrl() });
  // Keep running: the signal handlers in runServer end the process.
  return new Promise<number>(() => {});
}
