/**
 * The first-run tour: a few steps, each pointing at a real control of the app (the first of its
 * `targets` that is on screen), with the built-in examples a newcomer can start from. Pure data
 * and the step arithmetic; Tour.svelte shows it, tour.svelte.ts remembers it in the user settings.
 * `test/renderer/tour.test.ts` checks every target names a control that exists in the sources.
 */
import type { ViewId } from '../app.svelte';

export interface TourStep {
  id: string;
  title: string;
  body: string;
  /** CSS selectors, best first; the step points at the first one on screen (none: centred). */
  targets: string[];
  /** A view to open for this step when a project is open (its controls are the targets). */
  view?: ViewId;
}

export const TOUR_STEPS: TourStep[] = [
  {
    id: 'welcome',
    title: 'Welcome to Liftwell',
    body: 'Sample a system with biased dynamics, get its free energy with error bars, and train generative models on the frames. This tour shows where each step starts; it takes a minute. Use the arrow keys or the buttons; Escape closes it.',
    targets: [],
  },
  {
    id: 'project',
    title: '1 · A project folder',
    body: 'Everything you do is saved in a project folder (<name>.liftwell): systems, runs, models and the trash. Create one here, or open an existing one.',
    targets: ['[data-testid="project-create"]', '[data-testid="nav-projects"]'],
    view: 'projects',
  },
  {
    id: 'system',
    title: '2 · A built-in example system',
    body: 'Start from a built-in example: the 1D double well or the Müller–Brown potential have exact free energies the results are checked against. Pick one and "Add to project".',
    targets: ['[data-testid="system-kind-double-well"]', '[data-testid="nav-system"]'],
    view: 'system',
  },
  {
    id: 'umbrella',
    title: '3 · Sample it',
    body: 'Umbrella sampling (Torrie & Valleau 1977) holds windows along the coordinate; metadynamics (Barducci, Bussi & Parrinello 2008) fills the wells with hills. Each run is a job with progress, ETA and Cancel.',
    targets: ['[data-testid="nav-umbrella"]'],
  },
  {
    id: 'fes',
    title: '4 · The free energy',
    body: 'Free energy joins the windows with WHAM (Kumar et al. 1992) or MBAR (Shirts & Chodera 2008), with error bars; point at any plot to read values, drag to zoom. The "i" buttons name each method and its paper.',
    targets: ['[data-testid="nav-fes"]'],
  },
  {
    id: 'molecule',
    title: '5 · A molecule',
    body: 'Molecules adds the built-in alanine dipeptide (AMBER ff99SB), or imports your prmtop and coordinates; you can also drop those files anywhere on the window.',
    targets: ['[data-testid="mol-add-example"]', '[data-testid="nav-molecules"]'],
    view: 'molecules',
  },
  {
    id: 'palette',
    title: '6 · Everything from the keyboard',
    body: 'Ctrl+K opens the command palette: every view, every finished run, the theme, the energy unit, and "Show the tour" to see this again (About has it too).',
    targets: ['[data-testid="palette-open"]'],
  },
];

/** The next step index after a key (or null when the key does nothing): arrows move, Home/End jump. */
export function stepAfterKey(index: number, key: string, count = TOUR_STEPS.length): number | null {
  if (key === 'ArrowRight' || key === 'PageDown') return Math.min(count - 1, index + 1);
  if (key === 'ArrowLeft' || key === 'PageUp') return Math.max(0, index - 1);
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}

/**
 * Where the step's card goes beside a target box (viewport pixels): below it when there is room,
 * else above, else beside; always inside the viewport. `card` is the card's size.
 */
export function placeCard(
  target: { left: number; top: number; width: number; height: number } | null,
  card: { width: number; height: number },
  viewport: { width: number; height: number },
  gap = 12,
): { left: number; top: number } {
  const clampX = (x: number) => Math.max(8, Math.min(viewport.width - card.width - 8, x));
  const clampY = (y: number) => Math.max(8, Math.min(viewport.height - card.height - 8, y));
  if (!target) return { left: clampX((viewport.width - card.width) / 2), top: clampY((viewport.height - card.height) / 2) };
  const below = target.top + target.height + gap;
  if (below + card.height <= viewport.height - 8) return { left: clampX(target.left), top: below };
  const above = target.top - gap - card.height;
  if (above >= 8) return { left: clampX(target.left), top: above };
  const right = target.left + target.width + gap;
  if (right + card.width <= viewport.width - 8) return { left: right, top: clampY(target.top) };
  return { left: clampX(target.left - gap - card.width), top: clampY(target.top) };
}
