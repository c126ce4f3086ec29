/**
 * Worker side of run kind 'molecular' (loaded by runs/task-runners.ts when such a task arrives):
 * an umbrella window, a multiple-walker metadynamics task (helper threads) or one MD/metadynamics task.
 */
import { taskCommon, type TaskRunner } from '../run-kind';
import type { MolecularJob } from './schema';
import { runMolecularTask } from './task';
import { runMolecularUmbrellaWindow } from './umbrella-task';
import { metadWalkerCount } from './walker-files';

export const runMolecularKindTask: TaskRunner<MolecularJob> = (task, callbacks) => {
  if (task.job.umbrella) return runMolecularUmbrellaWindow({ ...taskCommon(task, callbacks), job: task.job, windowIndex: task.taskIndex });
  // Several walkers: helper threads (metad-walkers-task.ts), loaded only for such a task.
  if (metadWalkerCount(task.job) > 1) {
    return import('./metad-walkers-task').then(({ runMolecularWalkersTask }) =>
      runMolecularWalkersTask({ ...taskCommon(task, callbacks), job: task.job, onPreview: callbacks.onPreview, threads: callbacks.threads }),
    );
  }
  return runMolecularTask({ ...taskCommon(task, callbacks), job: task.job, onPreview: callbacks.onPreview });
};
