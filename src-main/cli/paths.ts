/** Where the CLI keeps user data and finds its bundled worker. */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Recent-projects list etc.: $LIFTWELL_HOME, else the platform's usual config folder. */
export function userDataDir(): string {
  if (process.env.LIFTWELL_HOME) return process.env.LIFTWELL_HOME;
  if (process.platform === 'win32') return join(process.env.APPDATA ?? homedir(), 'Liftwell');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Liftwell');
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Liftwell');
}

/** The job worker bundle sits next to cli.mjs / server.mjs in out/node/. */
export function workerScriptUrl(): URL {
  return new URL('./worker.mjs', import.meta.url);
}

/** The walker-slice worker bundle (src-main/jobs/walker-slices-worker.ts), next to cli.mjs. */
export function walkersScriptUrl(): URL {
  return new URL('./walkers.mjs', import.meta.url);
}
