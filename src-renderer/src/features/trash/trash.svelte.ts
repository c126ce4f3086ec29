/**
 * Delete with confirmation and undo, on the renderer side: the pending confirmation (what a delete
 * would take, from planDelete), the delete itself with an Undo toast, and the project's trash list.
 * The main process decides what may go (api/trash.ts); this module only asks and shows.
 */
import type { DeletePlan, TrashItem, TrashKind } from '../../../../src-main/api/contract';
import { tick } from 'svelte';
import { app } from '../../shared/app.svelte';

/** How long the Undo toast stays (ms): long enough to notice a mistake, short enough not to pile up. */
const UNDO_MS = 12_000;

class TrashState {
  /** The delete waiting for confirmation (the dialog is open while this is set). */
  pending = $state<DeletePlan | null>(null);
  /** Restorable items of the open project's trash, newest first. */
  items = $state<TrashItem[]>([]);
  busy = $state(false);
  /** The dialog's "also delete the runs and model it made" (a study's companions); off by default. */
  withCompanions = $state(false);
  /** Counts deletes and restores: views with their own lists (models) reload when it changes. */
  changes = $state(0);
  /** The element focused before the dialog opened, to give focus back when it closes. */
  private opener: HTMLElement | null = null;
  /** The Undo toast of each trash item, closed once the item is restored another way. */
  private undoToasts = new Map<string, number>();

  /** Opens the confirmation dialog for deleting `kind` `id`. */
  async ask(kind: TrashKind, id: string) {
    if (!app.project) return;
    // A read-only project (no write permission, or open in another app): say why instead of a dialog the API would refuse.
    if (app.project.readOnly) return void app.toast('warn', `Cannot delete: read-only project. ${app.project.readOnly}`);
    this.opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    this.withCompanions = false;
    try {
      this.pending = await app.api.planDelete({ projectPath: app.project.path, kind, id });
    } catch (e) {
      app.error(e, 'Cannot delete');
    }
  }

  close() {
    this.pending = null;
    const opener = this.opener;
    this.opener = null;
    // After the dialog has left the DOM: while the modal is open everything outside it is inert,
    // so focusing the opener at once would do nothing and focus would fall to <body>.
    void tick().then(() => {
      if (opener?.isConnected) opener.focus();
    });
  }

  async confirm() {
    const plan = this.pending;
    if (!plan || !app.project) return;
    this.busy = true;
    try {
      // Dependents are named in the dialog and go with it; companions (a study's runs) only when ticked.
      const companions = plan.companions?.length && this.withCompanions ? plan.companions.length : 0;
      const withDependents = plan.companions?.length ? this.withCompanions : true;
      const item = await app.api.deleteToTrash({ projectPath: app.project.path, kind: plan.kind, id: plan.id, withDependents });
      this.close();
      await reloadProject();
      const more = plan.dependents.length + companions;
      const toastId = app.toast('success', `Deleted ${plan.kind} "${plan.name}"${more ? ` and ${more} more` : ''}; it is in the project's trash.`, UNDO_MS, {
        label: 'Undo',
        run: () => void this.restore(item),
      });
      this.undoToasts.set(item.itemId, toastId);
    } catch (e) {
      app.error(e, `Could not delete "${plan.name}"`);
    } finally {
      this.busy = false;
    }
  }

  async restore(item: TrashItem) {
    if (!app.project) return;
    try {
      await app.api.restoreFromTrash({ projectPath: app.project.path, itemId: item.itemId });
      const undo = this.undoToasts.get(item.itemId);
      if (undo !== undefined) app.dismiss(undo);
      this.undoToasts.delete(item.itemId);
      await reloadProject();
      // A study restored from the Studies view shows again there.
      if (item.kind === 'study' && app.view === 'studies') app.studyId = item.id;
      app.toast('success', `Restored ${item.kind} "${item.name}".`);
    } catch (e) {
      app.error(e, `Could not restore "${item.name}"`);
    }
  }

  async refresh() {
    if (!app.project) {
      this.items = [];
      return;
    }
    try {
      this.items = await app.api.listTrash({ projectPath: app.project.path });
    } catch (e) {
      app.error(e, 'Could not read the trash');
    }
  }

  async empty() {
    if (!app.project) return;
    try {
      const { removed } = await app.api.emptyTrash({ projectPath: app.project.path });
      // Nothing is left to undo.
      this.undoToasts.forEach((id) => app.dismiss(id));
      this.undoToasts.clear();
      await this.refresh();
      app.toast('success', `Emptied the trash (${removed} item${removed === 1 ? '' : 's'} removed for good).`);
    } catch (e) {
      app.error(e, 'Could not empty the trash');
    }
  }
}

/** Re-reads the open project (systems, runs, studies) after a delete or restore, keeping the view. */
async function reloadProject() {
  if (!app.project) return;
  const p = await app.api.openProject({ projectPath: app.project.path });
  app.project = p;
  app.runs = [...p.runs].sort((a, b) => b.created.localeCompare(a.created));
  const ids = new Set(p.runs.map((r) => r.id));
  if (app.fesRunId && !ids.has(app.fesRunId)) app.fesRunId = null;
  if (app.metadRunId && !ids.has(app.metadRunId)) app.metadRunId = null;
  if (app.ensembleRunId && !ids.has(app.ensembleRunId)) app.ensembleRunId = null;
  if (app.moleculeRunId && !ids.has(app.moleculeRunId)) app.moleculeRunId = null;
  if (app.moleculeId && !(p.molecules ?? []).some((m) => m.id === app.moleculeId)) app.moleculeId = null;
  await app.refreshStudies();
  if (app.studyId && !app.studies.some((s) => s.id === app.studyId)) app.studyId = null;
  trash.changes++;
  await trash.refresh();
}

export const trash = new TrashState();
