/**
 * The trash of a project (store/trash.ts): what a delete took out of project.json, and what a
 * delete would take. Part of the shared vocabulary: api/contract re-exports it.
 */
import type { SystemRecord } from './records';
import type { MoleculeRecord } from './molecules';

export type TrashKind = 'run' | 'system' | 'model' | 'molecule' | 'study';

/** The project.json index entries a trash item took out (and puts back on restore). */
export interface TrashEntries {
  systems: SystemRecord[];
  runs: { id: string; name: string; created: string }[];
  models: { id: string; name: string; created: string; runId: string }[];
  /** Imported molecules (project.json `molecules`); absent in items deleted before molecules could be. */
  molecules?: MoleculeRecord[];
}

/** One restorable item of the trash; `itemId` (its folder under .trash/) is the handle to restore it by. */
export interface TrashItem {
  itemId: string;
  /** What the user deleted; its dependents, if any, are in `entries` too. */
  kind: TrashKind;
  id: string;
  name: string;
  /** ISO time of the delete. */
  deleted: string;
  entries: TrashEntries;
}

/** What deleting `kind` `id` would take with it, and why it cannot go now (shown in the confirmation dialog). */
export interface DeletePlan {
  kind: TrashKind;
  id: string;
  name: string;
  /** What depends on it and goes too when the delete includes dependents (runs of a system or molecule, models of a training run). */
  dependents: { kind: TrashKind; id: string; name: string }[];
  /** Reasons the delete is refused now (an active run, ...); empty when it can go. */
  blockers: string[];
  /**
   * What it made and may take along only when asked (a study's runs and their models): unlike
   * dependents these do not stop a plain delete; withDependents takes them too. Absent when none.
   */
  companions?: { kind: TrashKind; id: string; name: string }[];
}
