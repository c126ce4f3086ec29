/**
 * Where Liftwell keeps per-user data (the recent-projects list): $LIFTWELL_HOME when set, else
 * the platform's config folder. One definition for the browser-mode server and the CLI, so both
 * see the same recent projects (the Electron app uses Electron's userData path).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function userDataDir(): string {
  if (process.env.LIFTWELL_HOME) return process.env.LIFTWELL_HOME;
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Liftwell');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Liftwell');
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'liftwell');
}
