/**
 * Can this process change a project folder? Liftwell writes project.json and run files
 * atomically (a temporary sibling renamed over the file: store/atomic.ts), so it needs write
 * permission on the folder itself, on project.json, and on runs/ where runs are kept. A folder
 * shared read-only (another user's results, a read-only mount) is still worth opening: the app
 * shows it read-only and the API refuses changes with the reason returned here.
 *
 * access(W_OK) is the kernel's own answer for this process (owner, group, ACLs, read-only
 * mounts). Root passes every permission check, so for root only a read-only mount says no.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';

/** Why the project cannot be written by this process, or undefined when it can. */
export async function projectWriteProblem(projectPath: string): Promise<string | undefined> {
  const targets = [projectPath, join(projectPath, 'project.json'), join(projectPath, 'runs')];
  for (const target of targets) {
    try {
      await access(target, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && target !== projectPath) continue; // not made yet: the folder's permission decides
      if (code === 'EACCES' || code === 'EPERM') return `You have no write permission on ${target}, so nothing can be saved in this project.`;
      if (code === 'EROFS') return `${target} is on a read-only file system, so nothing can be saved in this project.`;
      // Anything else (the folder vanished, ...) is reported by the call that reads it.
    }
  }
  return undefined;
}
