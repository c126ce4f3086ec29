/**
 * API calls. Per-user settings kept beside the recent-projects list (store/user-settings.ts): the
 * first-run tour's "seen" flag. index.ts joins them.
 */
import { z } from 'zod';
import { userSettingsChange, type UserSettings } from '../../schema/user-settings';

export const settingsCalls = {
  getUserSettings: { input: z.object({}) },
  /** Changes the given settings; returns all of them. */
  setUserSettings: { input: userSettingsChange },
} as const;

export interface SettingsCallOutputs {
  getUserSettings: UserSettings;
  setUserSettings: UserSettings;
}
