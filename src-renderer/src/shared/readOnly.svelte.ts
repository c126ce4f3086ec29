// Why changing buttons are disabled when the open project is read-only here (another app holds it,
// or the folder is not writable). The API refuses those calls anyway; this keeps the buttons honest
// and shows the same reason text as the start buttons and the banner (app.project.readOnly).
import { app } from './app.svelte';

/** "Read-only project: <reason>" while the open project is read-only here; undefined otherwise. */
export function readOnlyNote(): string | undefined {
  const reason = app.project?.readOnly;
  return reason ? `Read-only project: ${reason}` : undefined;
}
