/**
 * User preferences kept in this browser profile (localStorage): the colour theme and the
 * energy unit. Absent or unreadable storage (private windows, tests) falls back to defaults.
 */
export type Theme = 'light' | 'dark';

const THEME_KEY = 'liftwell.theme';

function read(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    /* storage refused: the choice lasts for this page only */
  }
}

function initialTheme(): Theme {
  const saved = read(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

class Prefs {
  theme = $state<Theme>(initialTheme());

  setTheme(t: Theme) {
    this.theme = t;
    write(THEME_KEY, t);
  }
}

export const prefs = new Prefs();

/** Puts the theme on <html> (CSS variables switch on [data-theme]) and tells the UA for form controls. */
export function applyTheme(t: Theme, root: HTMLElement = document.documentElement): void {
  root.dataset.theme = t;
  root.style.colorScheme = t;
}
