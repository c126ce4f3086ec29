/**
 * Where the bundled entry points find each other: the worker bundles beside cli.mjs / server.mjs in
 * out/node/ (every chunk sits there too, so import.meta.url resolves the same from any of them),
 * and this installation as a command line for Slurm pieces. Used by the CLI and the server.
 */
import { fileURLToPath } from 'node:url';
import { shellQuote } from './slurm/script';

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
 * Every URL here is relative to the BUNDLE in out/node/, not to this source file.
 */
export function thisLiftwellCommand(): string {
  return `${shellQuote(process.execPath)} ${shellQuote(fileURLToPath(new URL('../../bin/liftwell.mjs', import.meta.url)))}`;
}
