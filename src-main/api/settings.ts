/** Handlers of getUserSettings / setUserSettings: thin, over store/user-settings.ts. */
import type { CallOutputs, CallParsedInput } from './contract';
import { readUserSettings, updateUserSettings } from '../store/user-settings';

export function createSettingsHandlers(userDataDir: string): {
  getUserSettings: (input: CallParsedInput<'getUserSettings'>) => Promise<CallOutputs['getUserSettings']>;
  setUserSettings: (input: CallParsedInput<'setUserSettings'>) => Promise<CallOutputs['setUserSettings']>;
} {
  return {
    getUserSettings: async () => readUserSettings(userDataDir),
    setUserSettings: async (change) => updateUserSettings(userDataDir, change),
  };
}
