/**
 * API calls. Deleting runs, systems, molecules, models and studies into the project's trash, and getting them back
 * (store/trash.ts: <project>/.trash/). Each call is a zod input schema; its output type is in the
 * interface below. index.ts joins them.
 */
import { z } from 'zod';
import { projectRef } from './common';
import type { DeletePlan, TrashItem } from '../../schema/trash';

const target = projectRef.extend({ kind: z.enum(['run', 'system', 'model', 'molecule', 'study']), id: z.string().min(1) });

export const trashCalls = {
  /** What a delete would take with it and what stops it now: the confirmation dialog shows this. */
  planDelete: { input: target },
  /** Moves the item (and, with withDependents, what depends on it; for a study, the runs and model it made) into the trash. */
  deleteToTrash: { input: target.extend({ withDependents: z.boolean().default(false) }) },
  listTrash: { input: projectRef },
  restoreFromTrash: { input: projectRef.extend({ itemId: z.string().min(1) }) },
  /** Removes trash items for good: one, or all when itemId is left out. */
  emptyTrash: { input: projectRef.extend({ itemId: z.string().min(1).optional() }) },
} as const;

/** Output type of each call above. */
export interface TrashCallOutputs {
  planDelete: DeletePlan;
  deleteToTrash: TrashItem;
  listTrash: TrashItem[];
  restoreFromTrash: TrashItem;
  emptyTrash: { removed: number };
}
