/**
 * User preferences kept in this browser profile (localStorage): the colour theme and the
 * energy unit. Absent or unreadable storage (private windows, tests) falls back to defaults.
 */
export type Theme = 'light' | 'dark';

import { ENERGY_CHOICES, type EnergyChoice } from './units';

const THEME_KEY = 'liftwell.theme';
const ENERGY_KEY = 'liftwell.energyUnit';

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
  energy = $state<EnergyChoice>(((ENERGY_CHOICES as readonly string[]).includes(read(ENERGY_KEY) ?? '') ? read(ENERGY_KEY) : 'kT') as EnergyChoice);

  setEnergy(e: EnergyChoice) {
    this.energy = e;
    write(ENERGY_KEY, e);
  }

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
