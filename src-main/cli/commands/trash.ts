/**
 * `liftwell trash`: the project's trash from the command line, through the same API calls as the
 * app (planDelete, deleteToTrash, listTrash, restoreFromTrash, emptyTrash; api/trash.ts), so the
 * refusals and the crash repair are the same. Opening the project first finishes a delete or
 * restore that a crash cut short.
 */
import { resolve } from 'node:path';
import type { CallName, CallOutput, TrashItem } from '../../api/contract';
import { ApiError } from '../../api/contract';
import { dispatch } from '../../api/dispatch';
import { createAppContext, type AppContext } from '../../api/handlers';
import { workerScriptUrl } from '../../runs/runtime/bundle-paths';
import { userDataDir } from '../../store/user-data';
import { CliUsageError, parseCommandArgs } from '../args';
import { printJson } from '../output';

export const trashHelp = `liftwell trash list DIR.liftwell [--json]
liftwell trash delete DIR.liftwell run|system|model|molecule|study ID [--with-dependents] [--json]
liftwell trash restore DIR.liftwell ITEM [--json]
liftwell trash empty DIR.liftwell [ITEM] --yes [--json]

Deleted runs, systems and models go to DIR.liftwell/.trash/ (with a manifest of what they were),
not away: \`restore\` puts one back by its ITEM name (as \`list\` prints it), \`empty\` removes the
trash (or one ITEM) for good and needs --yes. A delete is refused while a run it would take is
queued or running ("cancel it first"), and while runs use the system (or models the training run)
unless --with-dependents is given; the message names them. A study (DIR.liftwell/studies/ID/) goes
alone, its runs and model stay; --with-dependents takes them too. Exit code 0 on success, 1 on a refusal,
2 on bad input (an unknown id or item).`;

const OPTIONS = { 'with-dependents': { type: 'boolean' }, yes: { type: 'boolean' } } as const;

async function call<K extends CallName>(context: AppContext, method: K, params: unknown): Promise<CallOutput<K>> {
  const reply = await dispatch(context.handlers, method, params);
  if (!reply.ok) throw new ApiError(reply.error.code, reply.error.message, reply.error.details);
  return reply.result as CallOutput<K>;
}

function describe(item: TrashItem): string {
  const more = item.entries.systems.length + item.entries.runs.length + item.entries.models.length - 1;
  return `${item.itemId}  ${item.deleted}  ${item.kind} "${item.name}"${more > 0 ? ` (with ${more} more)` : ''}`;
}

export async function runTrash(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
  if (values.help) {
    console.log(trashHelp);
    return 0;
  }
  const [action, folder, ...rest] = positionals;
  if (!action || !['list', 'delete', 'restore', 'empty'].includes(action)) throw new CliUsageError('give an action: liftwell trash list|delete|restore|empty DIR.liftwell ...');
  if (!folder) throw new CliUsageError(`give the project folder: liftwell trash ${action} DIR.liftwell`);
  if (action === 'delete' && (rest.length !== 2 || !['run', 'system', 'model', 'molecule', 'study'].includes(rest[0]))) throw new CliUsageError('delete needs what and its id: liftwell trash delete DIR.liftwell run|system|model|molecule|study ID');
  if (action === 'restore' && rest.length !== 1) throw new CliUsageError('restore needs the item (as `liftwell trash list` prints it): liftwell trash restore DIR.liftwell ITEM');
  if (action === 'empty' && !values.yes) throw new CliUsageError('empty removes the trash for good: add --yes to confirm');
  const projectPath = resolve(folder);
  const context = createAppContext({ userDataDir: userDataDir(), workerScript: workerScriptUrl(), transport: 'cli' });
  try {
    await call(context, 'openProject', { projectPath });
    if (action === 'list') {
      const items = await call(context, 'listTrash', { projectPath });
      if (values.json) printJson({ projectPath, items });
      else console.log(items.length ? items.map(describe).join('\n') : 'the trash is empty');
    } else if (action === 'delete') {
      const item = await call(context, 'deleteToTrash', { projectPath, kind: rest[0], id: rest[1], withDependents: Boolean(values['with-dependents']) });
      if (values.json) printJson(item);
      else console.log(`deleted: ${describe(item)}\nundo with: liftwell trash restore ${folder} ${item.itemId}`);
    } else if (action === 'restore') {
      const item = await call(context, 'restoreFromTrash', { projectPath, itemId: rest[0] });
      if (values.json) printJson(item);
      else console.log(`restored ${item.kind} "${item.name}"`);
    } else {
      const result = await call(context, 'emptyTrash', { projectPath, ...(rest[0] ? { itemId: rest[0] } : {}) });
      if (values.json) printJson(result);
      else console.log(`removed ${result.removed} item${result.removed === 1 ? '' : 's'} for good`);
    }
    return 0;
  } finally {
    await context.shutdown();
  }
}
