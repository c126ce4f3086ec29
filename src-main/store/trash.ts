/**
 * The project's trash: deleted runs, systems, molecules and models go to `<project>/.trash/<stamp>-<kind>-<id>/`
 * rather than away, so a delete can be undone until the trash is emptied.
 *
 *   .trash/<item>/manifest.json   TrashManifest: what went, its project.json index entries, when,
 *                                 and the state of the move (below)
 *   .trash/<item>/files/<rel>     the folders that went (runs/<id>, analyses/<id>, models/<id>,
 *                                 systems/<moleculeId>, studies/<studyId>),
 *                                 under their path relative to the project
 *
 * Crash safety. A delete or restore is three steps: the manifest is written with the step's state
 * ('deleting' or 'restoring'), the folders are renamed (atomic per folder), then project.json is
 * rewritten (atomic) and the manifest says 'trashed' (or is removed). A crash anywhere leaves a
 * manifest saying what was under way, and repairTrash (called on open) finishes it: nothing the
 * user saved is lost, and no index entry is left pointing at a folder in the trash.
 * Everything runs under the project lock (store/project.ts withProjectFileLock).
 */
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ApiError } from '../schema/errors';
import type { TrashEntries, TrashItem, TrashKind } from '../schema/trash';
import { atomicWrite, ioError } from './atomic';
import { exists, nowIso, readProjectFile, withProjectFileLock, writeProjectFile, type ProjectFile } from './project';

export const TRASH_DIR = '.trash';
export const TRASH_MANIFEST = 'manifest.json';

export type { TrashEntries, TrashItem, TrashKind };

export interface TrashManifest {
  schemaVersion: 1;
  /** What the user deleted (its dependents, if any, are in `entries` too). */
  kind: TrashKind;
  id: string;
  name: string;
  deleted: string;
  /** 'deleting' and 'restoring' only while a move is under way (or was cut short by a crash). */
  state: 'deleting' | 'trashed' | 'restoring';
  entries: TrashEntries;
  /** Folders moved, relative to the project (runs/<id>, analyses/<id>, models/<id>). */
  folders: string[];
}

/** Test hook: throw from it to simulate a crash after the folders moved, before project.json is written. */
export const trashHooks: { afterMove: ((phase: 'delete' | 'restore') => void) | null } = { afterMove: null };

export const trashRoot = (projectPath: string) => join(projectPath, TRASH_DIR);
// Study ids may hold "." (their folder name, api/contract/studies.ts); none may start with one.
const ITEM_ID = /^[0-9]{8}T[0-9]{6}-[0-9]{3}-(run|system|model|molecule|study)-[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/;

function checkItemId(itemId: string): string {
  if (!ITEM_ID.test(itemId)) throw new ApiError('invalid-input', `itemId: "${itemId}" is not a trash item.`);
  return itemId;
}

/** The folder holding a trash item's files, laid out like a project (runs/<id>/run.json, models/<id>/...). */
export const trashItemFiles = (projectPath: string, itemId: string) => join(trashRoot(projectPath), checkItemId(itemId), 'files');

async function writeManifest(itemDir: string, manifest: TrashManifest): Promise<void> {
  await atomicWrite(join(itemDir, TRASH_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
}

async function readManifest(itemDir: string): Promise<TrashManifest> {
  const path = join(itemDir, TRASH_MANIFEST);
  let data: TrashManifest;
  try {
    data = JSON.parse(await readFile(path, 'utf8')) as TrashManifest;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError('not-found', `${path} does not exist.`, { path });
    throw new ApiError('bad-file', `${path} is damaged (${(error as Error).message}); the trash item was left as it is.`, { path });
  }
  if (data?.schemaVersion !== 1 || !Array.isArray(data.folders) || !data.entries) {
    throw new ApiError('bad-file', `${path} is not a Liftwell trash manifest; the trash item was left as it is.`, { path });
  }
  return data;
}

/** Renames `from` to `to` (creating `to`'s parent); a missing `from` is fine (already moved before a crash). */
async function moveFolder(from: string, to: string): Promise<void> {
  if (!(await exists(from))) return;
  try {
    await mkdir(dirname(to), { recursive: true });
    await rename(from, to);
  } catch (error) {
    throw ioError(error, from, 'move');
  }
}

function stamp(date: Date): string {
  // 2026-12-06T00:12:34.567Z -> 20261206T001234-567: sorts by time, valid in any file system.
  return date.toISOString().replace(/[-:]/g, '').replace('.', '-').replace('Z', '');
}

function removeEntries(p: ProjectFile, entries: TrashEntries): void {
  const sys = new Set(entries.systems.map((s) => s.id));
  const runs = new Set(entries.runs.map((r) => r.id));
  const models = new Set(entries.models.map((m) => m.id));
  p.systems = p.systems.filter((s) => !sys.has(s.id));
  p.runs = p.runs.filter((r) => !runs.has(r.id));
  if (p.models) p.models = p.models.filter((m) => !models.has(m.id));
  const molecules = new Set((entries.molecules ?? []).map((m) => m.id));
  if (p.molecules) p.molecules = p.molecules.filter((m) => !molecules.has(m.id));
}

function addEntries(p: ProjectFile, entries: TrashEntries): void {
  // Put back in creation order, so lists look as they did before the delete.
  const byCreated = <T extends { created: string }>(list: T[]) => list.sort((a, b) => a.created.localeCompare(b.created));
  const missing = <T extends { id: string }>(have: T[], add: T[]) => add.filter((e) => !have.some((h) => h.id === e.id));
  p.systems = byCreated([...p.systems, ...missing(p.systems, entries.systems)]);
  p.runs = byCreated([...p.runs, ...missing(p.runs, entries.runs)]);
  if (entries.models.length || p.models) p.models = byCreated([...(p.models ?? []), ...missing(p.models ?? [], entries.models)]);
  const molecules = entries.molecules ?? [];
  if (molecules.length) p.molecules = byCreated([...(p.molecules ?? []), ...missing(p.molecules ?? [], molecules)]);
}

/** Which of `entries` project.json already has (another item with the same id is back). */
function takenIds(p: ProjectFile, entries: TrashEntries): string[] {
  return [
    ...entries.systems.filter((e) => p.systems.some((s) => s.id === e.id)).map((e) => `system ${e.name} (${e.id})`),
    ...entries.runs.filter((e) => p.runs.some((r) => r.id === e.id)).map((e) => `run ${e.name} (${e.id})`),
    ...entries.models.filter((e) => (p.models ?? []).some((m) => m.id === e.id)).map((e) => `model ${e.name} (${e.id})`),
    ...(entries.molecules ?? []).filter((e) => (p.molecules ?? []).some((m) => m.id === e.id)).map((e) => `molecule ${e.name} (${e.id})`),
  ];
}

export interface MoveToTrashRequest {
  kind: TrashKind;
  id: string;
  name: string;
  entries: TrashEntries;
  /** Folders relative to the project; those that do not exist are skipped. */
  folders: string[];
}

/**
 * Moves what `request` names into a new trash item and takes its entries out of project.json.
 * The caller has checked that nothing running uses it. Returns the item.
 */
export async function moveToTrash(projectPath: string, request: MoveToTrashRequest): Promise<TrashItem> {
  return withProjectFileLock(projectPath, async () => {
    const project = await readProjectFile(projectPath);
    const gone = takenIds(project, request.entries);
    const wanted = request.entries.systems.length + request.entries.runs.length + request.entries.models.length + (request.entries.molecules?.length ?? 0);
    if (gone.length !== wanted) throw new ApiError('conflict', `${request.kind} ${request.name} changed while deleting (already deleted?); reopen the project and try again.`);
    const deleted = new Date();
    const itemId = `${stamp(deleted)}-${request.kind}-${request.id}`;
    const itemDir = join(trashRoot(projectPath), itemId);
    const folders: string[] = [];
    for (const rel of request.folders) if (await exists(join(projectPath, rel))) folders.push(rel);
    const manifest: TrashManifest = {
      schemaVersion: 1,
      kind: request.kind,
      id: request.id,
      name: request.name,
      deleted: deleted.toISOString(),
      state: 'deleting',
      entries: request.entries,
      folders,
    };
    try {
      await mkdir(itemDir, { recursive: true });
    } catch (error) {
      throw ioError(error, itemDir, 'create');
    }
    await writeManifest(itemDir, manifest);
    await finishDelete(projectPath, itemDir, manifest);
    return toItem(itemId, manifest);
  });
}

/** Steps 2 and 3 of a delete (also run by repairTrash after a crash): move the folders, drop the index entries. */
async function finishDelete(projectPath: string, itemDir: string, manifest: TrashManifest): Promise<void> {
  for (const rel of manifest.folders) await moveFolder(join(projectPath, rel), join(itemDir, 'files', rel));
  trashHooks.afterMove?.('delete');
  const project = await readProjectFile(projectPath);
  removeEntries(project, manifest.entries);
  project.modified = nowIso();
  await writeProjectFile(projectPath, project);
  await writeManifest(itemDir, { ...manifest, state: 'trashed' });
}

/** Steps 2 and 3 of a restore (also run by repairTrash): move the folders back, add the entries, drop the item. */
async function finishRestore(projectPath: string, itemDir: string, manifest: TrashManifest): Promise<void> {
  for (const rel of manifest.folders) await moveFolder(join(itemDir, 'files', rel), join(projectPath, rel));
  trashHooks.afterMove?.('restore');
  const project = await readProjectFile(projectPath);
  addEntries(project, manifest.entries);
  project.modified = nowIso();
  await writeProjectFile(projectPath, project);
  await rm(itemDir, { recursive: true, force: true }).catch(() => {});
}

function toItem(itemId: string, m: TrashManifest): TrashItem {
  return { itemId, kind: m.kind, id: m.id, name: m.name, deleted: m.deleted, entries: m.entries };
}

async function itemIds(projectPath: string): Promise<string[]> {
  try {
    return (await readdir(trashRoot(projectPath))).filter((name) => ITEM_ID.test(name)).sort();
  } catch {
    return [];
  }
}

/** Trash items that can be restored, newest first. Items with a damaged manifest are skipped (and left alone). */
export async function listTrash(projectPath: string): Promise<TrashItem[]> {
  const out: TrashItem[] = [];
  for (const itemId of await itemIds(projectPath)) {
    try {
      const m = await readManifest(join(trashRoot(projectPath), itemId));
      if (m.state === 'trashed') out.push(toItem(itemId, m));
    } catch {
      /* not a finished item: repairTrash handles or reports it */
    }
  }
  return out.reverse();
}

/** Puts a trash item back: its folders and its project.json entries. Refused if any of its ids is in use again. */
export async function restoreFromTrash(projectPath: string, itemId: string): Promise<TrashItem> {
  const itemDir = join(trashRoot(projectPath), checkItemId(itemId));
  return withProjectFileLock(projectPath, async () => {
    let manifest: TrashManifest;
    try {
      manifest = await readManifest(itemDir);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'not-found') throw new ApiError('not-found', `itemId: there is no item ${itemId} in the trash (emptied already?).`);
      throw error;
    }
    if (manifest.state !== 'trashed') throw new ApiError('conflict', `The trash item ${itemId} is still being ${manifest.state === 'deleting' ? 'deleted' : 'restored'}; reopen the project to finish it.`);
    const project = await readProjectFile(projectPath);
    const taken = takenIds(project, manifest.entries);
    const occupied: string[] = [];
    for (const rel of manifest.folders) if (await exists(join(projectPath, rel))) occupied.push(rel);
    // A model needs its training run's run.json (runs/train/models.ts): refuse to restore it without one.
    const orphans = manifest.entries.models.filter((m) => !project.runs.some((r) => r.id === m.runId) && !manifest.entries.runs.some((r) => r.id === m.runId));
    if (orphans.length) {
      throw new ApiError('conflict', `Cannot restore "${manifest.name}": its training run ${orphans.map((m) => m.runId).join(', ')} is no longer in the project; restore that run first.`);
    }
    if (taken.length || occupied.length) {
      const what = [...taken, ...occupied.map((rel) => `folder ${rel}`)].join(', ');
      throw new ApiError('conflict', `Cannot restore "${manifest.name}": the project has ${what} again. Delete or rename that first.`);
    }
    await writeManifest(itemDir, { ...manifest, state: 'restoring' });
    await finishRestore(projectPath, itemDir, manifest);
    return toItem(itemId, manifest);
  });
}

/** Removes trash items for good: one (`itemId`) or all finished ones. Returns how many went. */
export async function emptyTrash(projectPath: string, itemId?: string): Promise<number> {
  return withProjectFileLock(projectPath, async () => {
    const ids = itemId ? [checkItemId(itemId)] : await itemIds(projectPath);
    let removed = 0;
    for (const id of ids) {
      const dir = join(trashRoot(projectPath), id);
      let manifest: TrashManifest;
      try {
        manifest = await readManifest(dir);
      } catch (error) {
        if (itemId) throw error;
        continue;
      }
      // A half-done delete or restore still holds the only copy of an index entry's files.
      if (manifest.state !== 'trashed') continue;
      try {
        await rm(dir, { recursive: true, force: true });
      } catch (error) {
        throw ioError(error, dir, 'remove');
      }
      removed++;
    }
    return removed;
  });
}

/**
 * Finishes deletes and restores cut short by a crash (see the header). Returns one line per item
 * repaired, for the log. Damaged manifests are reported, never touched.
 */
export async function repairTrash(projectPath: string): Promise<string[]> {
  const ids = await itemIds(projectPath);
  if (!ids.length) return [];
  return withProjectFileLock(projectPath, async () => {
    const lines: string[] = [];
    for (const itemId of ids) {
      const dir = join(trashRoot(projectPath), itemId);
      let manifest: TrashManifest;
      try {
        manifest = await readManifest(dir);
      } catch (error) {
        if (!(error instanceof ApiError) || error.code !== 'not-found') lines.push((error as Error).message);
        continue;
      }
      if (manifest.state === 'deleting') {
        await finishDelete(projectPath, dir, manifest);
        lines.push(`Finished deleting ${manifest.kind} "${manifest.name}" (interrupted earlier); it is in the trash and can be restored.`);
      } else if (manifest.state === 'restoring') {
        await finishRestore(projectPath, dir, manifest);
        lines.push(`Finished restoring ${manifest.kind} "${manifest.name}" from the trash (interrupted earlier).`);
      }
    }
    return lines;
  });
}
