/**
 * Keeps the URL hash and the app state in step (shared/route.ts has the format): a new view or
 * project pushes a history entry, a new selection within a view replaces the current one (views
 * pick a default run on their own, which must not add entries), and back/forward or a reload
 * re-open the project and view the hash names.
 */
import { app, type ViewId } from './app.svelte';
import { errorMessage } from './api';
import { formatHash, parseHash, sameRoute, type Route } from './route';

/** Each view's own selection, read and written through the app state. */
const selection: Partial<Record<ViewId, { get(): string | null; set(id: string | null): void }>> = {
  fes: { get: () => app.fesRunId, set: (v) => (app.fesRunId = v) },
  metad: { get: () => app.metadRunId, set: (v) => (app.metadRunId = v) },
  ensemble: { get: () => app.ensembleRunId, set: (v) => (app.ensembleRunId = v) },
  molecular: { get: () => app.moleculeRunId, set: (v) => (app.moleculeRunId = v) },
  molecules: { get: () => app.moleculeId, set: (v) => (app.moleculeId = v) },
  models: { get: () => app.modelId, set: (v) => (app.modelId = v) },
  studies: { get: () => app.studyId, set: (v) => (app.studyId = v) },
  imported: { get: () => app.importId, set: (v) => (app.importId = v) },
};

/** The route the app state shows now. */
export function currentRoute(): Route {
  const view = app.view;
  return { view, project: app.project?.path ?? null, item: selection[view]?.get() ?? null };
}

/** Opens the route's project (if another one is open) and shows its view and item. */
export async function applyRoute(r: Route): Promise<void> {
  if (r.project && r.project !== app.project?.path) {
    try {
      app.setProject(await app.api.openProject({ projectPath: r.project }));
    } catch (e) {
      app.toast('error', `Could not reopen the project in the address (${r.project}): ${errorMessage(e)}`);
      app.view = 'projects';
      return;
    }
  }
  const needsProject = r.view !== 'projects';
  app.view = needsProject && !app.project ? 'projects' : r.view;
  if (r.item) selection[app.view]?.set(r.item);
}

export interface RouterHandle {
  /** Call from an $effect: writes the state's route into the hash once the initial one was applied. */
  sync(): void;
  /** Applies the hash the page was loaded with (once connected). */
  start(): Promise<void>;
  stop(): void;
}

export function createRouter(win: Window = window): RouterHandle {
  let ready = false;
  let applying = false;
  let shown: Route = parseHash(win.location.hash);

  const onPop = async () => {
    const r = parseHash(win.location.hash);
    if (sameRoute(r, currentRoute())) return;
    applying = true;
    try {
      await applyRoute(r);
    } finally {
      applying = false;
      shown = currentRoute();
    }
  };

  return {
    sync() {
      const r = currentRoute(); // read inside the caller's effect: it re-runs on every change
      if (!ready || applying || sameRoute(r, shown)) return;
      const entry = r.view !== shown.view || r.project !== shown.project;
      const url = formatHash(r);
      if (entry) win.history.pushState(null, '', url);
      else win.history.replaceState(null, '', url);
      shown = r;
    },
    async start() {
      if (ready) return;
      applying = true;
      try {
        await applyRoute(parseHash(win.location.hash));
      } finally {
        applying = false;
        ready = true;
        shown = parseHash(win.location.hash);
      }
      win.addEventListener('popstate', onPop);
    },
    stop() {
      win.removeEventListener('popstate', onPop);
    },
  };
}
