/** The Slurm executor, as the JobManager sees it: per project, from its executor.json. */
import { readExecutorSettings } from '../../../store/executor-settings';
import type { RemoteExecutorFactory } from '../remote';
import { slurmCommands, type SlurmCommands } from './commands';
import { startSlurmRun } from './follow';

export interface SlurmExecutorOptions {
  /** How a compute node starts Liftwell when the project's settings do not say (a shell command line). */
  defaultLiftwellCommand: string;
  commands?: SlurmCommands;
}

export function slurmExecutorFactory(options: SlurmExecutorOptions): RemoteExecutorFactory {
  return async (projectPath, file, pending, sink) => {
    const settings = await readExecutorSettings(projectPath);
    if (settings.executor !== 'slurm') return null;
    return startSlurmRun({
      projectPath,
      file,
      pending,
      settings,
      // Scripts for another cluster cannot use this machine's install path: `liftwell` on its PATH.
      liftwellCommand: settings.liftwellCommand ?? (settings.submit === 'scripts-only' ? 'liftwell' : options.defaultLiftwellCommand),
      commands: options.commands ?? slurmCommands,
      sink,
    });
  };
}
