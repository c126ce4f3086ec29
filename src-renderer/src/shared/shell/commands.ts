/**
 * The command palette's list (Ctrl+K): go to a view, open a run's result, switch the theme or
 * the energy unit, show About. Pure: the palette component supplies the state and runs `run`.
 */
import type { RunRecord } from '../../../../src-main/api/contract';
import type { ViewId } from '../app.svelte';
import { resultRoute } from '../route';
import { ENERGY_CHOICES, type EnergyChoice } from '../units';

export interface Command {
  id: string;
  label: string;
  /** Shown dimmed after the label (e.g. the view a run opens in). */
  hint?: string;
  run: () => void;
}

export interface CommandContext {
  views: { id: ViewId; label: string; enabled: boolean }[];
  runs: RunRecord[];
  /** The project's studies (Studies view); optional so callers without studies need not pass them. */
  studies?: { id: string; name: string }[];
  theme: 'light' | 'dark';
  energy: EnergyChoice;
  go: (view: ViewId, item?: string) => void;
  setTheme: (t: 'light' | 'dark') => void;
  setEnergy: (e: EnergyChoice) => void;
  about: () => void;
  /** Opens the first-run tour again. */
  tour?: () => void;
}

export function buildCommands(c: CommandContext): Command[] {
  const out: Command[] = [];
  for (const v of c.views) if (v.enabled) out.push({ id: `view:${v.id}`, label: `Go to ${v.label}`, run: () => c.go(v.id) });
  for (const r of c.runs) {
    if (r.status !== 'completed') continue;
    const to = resultRoute(r);
    out.push({ id: `run:${r.id}`, label: `Open ${r.name}`, hint: to.label, run: () => c.go(to.view, to.item) });
  }
  for (const s of c.studies ?? []) out.push({ id: `study:${s.id}`, label: `Open study ${s.name}`, hint: 'Studies', run: () => c.go('studies', s.id) });
  const other = c.theme === 'dark' ? 'light' : 'dark';
  out.push({ id: 'theme', label: `Switch to the ${other} theme`, run: () => c.setTheme(other) });
  for (const e of ENERGY_CHOICES) if (e !== c.energy) out.push({ id: `energy:${e}`, label: `Show energies in ${e}`, run: () => c.setEnergy(e) });
  out.push({ id: 'about', label: 'About Liftwell', run: c.about });
  if (c.tour) out.push({ id: 'tour', label: 'Show the tour', hint: 'first steps with the built-in examples', run: c.tour });
  return out;
}

/**
 * Commands matching `query`: every word of the query must start a word of the label or hint
 * (case-insensitive), so "op md" finds "Open md-1"; label-start matches first.
 */
export function filterCommands(commands: Command[], query: string): Command[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return commands;
  const scored: { c: Command; score: number }[] = [];
  for (const c of commands) {
    const text = `${c.label} ${c.hint ?? ''}`.toLowerCase();
    const starts = text.split(/[\s·,()/_-]+/).filter(Boolean);
    if (!words.every((w) => starts.some((s) => s.startsWith(w)) || text.includes(w))) continue;
    scored.push({ c, score: c.label.toLowerCase().startsWith(words[0]) ? 0 : 1 });
  }
  return scored.sort((a, b) => a.score - b.score).map((s) => s.c);
}
