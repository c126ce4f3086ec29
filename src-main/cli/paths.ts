/** Where the CLI keeps user data and finds its bundled worker. */
export { userDataDir } from '../store/user-data';

/** The job worker bundle sits next to cli.mjs / server.mjs in out/node/. */
export function workerScriptUrl(): URL {
  return new URL('./worker.mjs', import.meta.url);
}
