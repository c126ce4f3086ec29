/** Per-user app settings (store/user-settings.ts; the getUserSettings / setUserSettings calls). */
import { z } from 'zod';

export const userSettingsChange = z.object({
  /** The first-run tour was finished or dismissed; it opens by itself only while this is false. */
  tourSeen: z.boolean().optional(),
});

export interface UserSettings {
  tourSeen: boolean;
}
