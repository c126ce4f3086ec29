/**
 * Hash routes: which view is shown, the open project and the run (or molecule, or model) the
 * view shows, as `#/<view>?project=<path>&item=<id>`. Pure functions: parsing and formatting,
 * and where each kind of run shows its result.
 */
import type { RunRecord } from '../../../src-main/api/contract';
import type { ViewId } from './app.svelte';

export const VIEW_IDS: readonly ViewId[] = ['projects', 'system', 'umbrella', 'metad', 'ensemble', 'jobs', 'fes', 'learned-cvs', 'molecules', 'molecular', 'models', 'studies', 'imported'];

export interface Route {
  view: ViewId;
  /** Path of the open project folder. */
  project: string | null;
  /** The run / molecule / model the view shows (its own selection), if it has one. */
  item: string | null;
}

export const HOME: Route = { view: 'projects', project: null, item: null };

/** Parses `location.hash`; anything unknown falls back to the projects view. */
export function parseHash(hash: string): Route {
  const m = /^#?\/?([a-z-]*)(?:\?(.*))?$/.exec(hash);
  if (!m) return { ...HOME };
  const view = (VIEW_IDS as readonly string[]).includes(m[1]) ? (m[1] as ViewId) : 'projects';
  const q = new URLSearchParams(m[2] ?? '');
  return { view, project: q.get('project') || null, item: view === 'projects' ? null : q.get('item') || null };
}

export function formatHash(r: Route): string {
  const q = new URLSearchParams();
  if (r.project) q.set('project', r.project);
  if (r.item && r.view !== 'projects') q.set('item', r.item);
  const s = q.toString();
  return `#/${r.view}${s ? `?${s}` : ''}`;
}

export function sameRoute(a: Route, b: Route): boolean {
  return a.view === b.view && a.project === b.project && a.item === b.item;
}

/** The view that shows a run's result, and the id that view selects it by. */
export function resultRoute(run: RunRecord): { view: ViewId; item: string; label: string } {
  switch (run.kind) {
    case 'umbrella':
      return { view: 'fes', item: run.id, label: 'Free energy' };
    case 'metad':
      return { view: 'metad', item: run.id, label: 'Metadynamics' };
    case 'ensemble':
      return { view: 'ensemble', item: run.id, label: 'Ensemble sampling' };
    case 'molecular':
      return { view: 'molecular', item: run.id, label: 'Molecular runs' };
    case 'train':
      return { view: 'models', item: run.modelId, label: 'Models' };
  }
}
