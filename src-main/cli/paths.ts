/** Where the CLI (and the browser-mode server, bundled beside it) keeps user data and finds its bundled files. */
import { fileURLToPath } from 'node:url';
import { shellQuote } from '../runs/runtime/slurm/script';
export { userDataDir } from '../store/user-data';

/** The job worker bundle sits next to cli.mjs / server.mjs in out/node/. */
export function workerScriptUrl(): URL {
  return new URL('./worker.mjs', import.meta.url);
}

/** The walker-slice worker bundle (src-main/runs/runtime/walker-slices-worker.ts), next to cli.mjs. */
export function walkersScriptUrl(): URL {
  return new URL('./walkers.mjs', import.meta.url);
}

/**
 * This installation as a shell command line for cluster nodes that share its file system:
 * node + bin/liftwell.mjs (cli.mjs and server.mjs sit in out/node/, two levels below the package).
 */
export function thisLiftwellCommand(): string {
  return `${shellQuote(process.execPath)} ${shellQuote(fileURLToPath(new URL('../../bin/liftwell.mjs', import.meta.url)))}`;
}
