/**
 * Per-user settings of the app that must outlive one browser origin or window (browser mode picks
 * a new port each start, so localStorage would forget): <userDataDir>/settings.json. Today: whether
 * the first-run tour was seen. A damaged file is moved aside (settings.json.damaged-<time>) and the
 * defaults are used, as recent.json does; writes are atomic.
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { UserSettings } from '../schema/user-settings';
import { atomicWrite, ioError } from './atomic';

export const SETTINGS_FILE = 'settings.json';

export const DEFAULT_USER_SETTINGS: UserSettings = { tourSeen: false };

export const userSettingsPath = (userDataDir: string) => join(userDataDir, SETTINGS_FILE);

export async function readUserSettings(userDataDir: string): Promise<UserSettings> {
  const file = userSettingsPath(userDataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ...DEFAULT_USER_SETTINGS };
    throw ioError(error, file, 'read');
  }
  try {
    const data = JSON.parse(text) as { schemaVersion?: number; settings?: Partial<UserSettings> };
    if (data?.schemaVersion !== 1 || typeof data.settings !== 'object' || !data.settings) throw new Error('not a settings file');
    return { tourSeen: data.settings.tourSeen === true };
  } catch {
    await rename(file, `${file}.damaged-${Date.now()}`).catch(() => {});
    return { ...DEFAULT_USER_SETTINGS };
  }
}

/** Merges `change` into the stored settings and returns the result. */
export async function updateUserSettings(userDataDir: string, change: Partial<UserSettings>): Promise<UserSettings> {
  const next = { ...(await readUserSettings(userDataDir)), ...change };
  await atomicWrite(userSettingsPath(userDataDir), JSON.stringify({ schemaVersion: 1, settings: next }, null, 2) + '\n');
  return next;
}
