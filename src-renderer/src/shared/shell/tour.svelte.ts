/**
 * Whether the first-run tour is open and at which step; "seen" is kept in the user settings (the
 * getUserSettings / setUserSettings calls, <userDataDir>/settings.json), so it opens by itself
 * only on the first launch for this user, whatever browser origin or window.
 */
import { app } from '../app.svelte';

class TourState {
  open = $state(false);
  step = $state(0);
  private checked = false;

  /** On connecting: opens the tour once if this user has not seen it (a failed read shows nothing). */
  async maybeStart(): Promise<void> {
    if (this.checked) return;
    this.checked = true;
    try {
      const settings = await app.api.getUserSettings({});
      if (!settings.tourSeen) this.start();
    } catch {
      /* an older server or no settings: no tour rather than an error */
    }
  }

  start(): void {
    this.step = 0;
    this.open = true;
  }

  /** Closes it (finished or dismissed) and remembers that it was seen. */
  close(): void {
    this.open = false;
    app.api.setUserSettings({ tourSeen: true }).catch((e) => app.error(e, 'Could not save that the tour was seen'));
  }
}

export const tour = new TourState();
