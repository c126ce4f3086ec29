/**
 * Seeded starts of every run kind (SCIENCE.md section 9): the windows or walkers of a run start
 * from given configurations (lifted by a model at each window's condition, or frames of an
 * earlier run) instead of the kind's default start. A lifted configuration is a sample of
 * p(x | xi*), so a seeded walker needs no equilibration along the orthogonal coordinates and is
 * not trapped behind a barrier orthogonal to the CV that a pulled start cannot cross.
 *
 * One module for all kinds: a plan calls `seededStartBlocks` with its task layout (umbrella
 * windows; one task for metadynamics, ensembles and molecular MD) and stores the blocks in its
 * job; the task reads its block instead of the default start. The seeding parameters (source,
 * model or run, conditions or frame indices) stay in run.json's params as provenance.
 */
import { ApiError, type SeedingSpec } from '../../schema';

export interface StartLayout {
  /** Independent tasks that each get a block (umbrella windows; 1 otherwise). */
  tasks: number;
  walkers: number;
  /** Numbers per configuration (toy: the system's dimension; molecules: atoms x 3). */
  dim: number;
  /** How an error names a task ("window"; "run"). */
  taskWord: string;
  /** How an error names a configuration's numbers ("coordinates"; "atoms x 3 coordinates"). */
  dimWord?: string;
}

/**
 * The starts of each task (walkers x dim numbers, walker-major), from `seeding.starts` given as
 * one block per task or as one configuration per walker (tasks x walkers of them, task-major).
 * A shape that fits neither is refused with a message naming the block.
 */
export function seededStartBlocks(seeding: SeedingSpec, layout: StartLayout): number[][] {
  const { tasks, walkers, dim, taskWord } = layout;
  const dimWord = layout.dimWord ?? 'coordinates';
  const starts = seeding.starts;
  if (!starts) throw new ApiError('invalid-input', 'params.seeding.starts: no starting configurations (the frames were not read).');
  const perWalker = walkers > 1 && starts.length === tasks * walkers && starts.every((c) => c.length === dim);
  if (perWalker) {
    return Array.from({ length: tasks }, (_, k) => starts.slice(k * walkers, (k + 1) * walkers).flat());
  }
  if (starts.length !== tasks) {
    const per = walkers > 1 ? ` or one configuration per walker (${tasks * walkers})` : '';
    throw new ApiError('invalid-input', `params.seeding.starts: ${starts.length} blocks of starting configurations for ${tasks} ${taskWord}${tasks === 1 ? '' : 's'}; give one per ${taskWord}${per}.`);
  }
  starts.forEach((block, k) => {
    if (block.length !== walkers * dim) {
      throw new ApiError('invalid-input', `params.seeding.starts[${k}]: ${block.length} numbers; ${taskWord} ${k} needs ${walkers} walker${walkers === 1 ? '' : 's'} x ${dim} ${dimWord} = ${walkers * dim}.`);
    }
  });
  return starts.map((block) => [...block]);
}

/**
 * Every configuration of `seeding.starts`, in order, as one flat list (count x dim), for kinds
 * whose walkers cycle through however many configurations they are given (ensembles): each block
 * must hold whole configurations, and there may be at most `walkers` of them.
 */
export function seededConfigurations(seeding: SeedingSpec, dim: number, walkers: number): number[] {
  const starts = seeding.starts;
  if (!starts) throw new ApiError('invalid-input', 'params.seeding.starts: no starting configurations (the frames were not read).');
  starts.forEach((block, k) => {
    if (block.length % dim !== 0) throw new ApiError('invalid-input', `params.seeding.starts[${k}]: ${block.length} numbers is not a whole number of configurations of ${dim} coordinates.`);
  });
  const flat = starts.flat();
  if (flat.length / dim > walkers) throw new ApiError('invalid-input', `params.seeding.starts: ${flat.length / dim} configurations for ${walkers} walkers; give at most one per walker.`);
  return flat;
}

/**
 * A start for each of `walkers` walkers from the given configurations, cycling through them when
 * there are fewer (a large ensemble seeded from a few lifted configurations).
 */
export function cycledStarts(configurations: readonly number[], dim: number, walkers: number): Float64Array {
  const have = configurations.length / dim;
  const out = new Float64Array(walkers * dim);
  for (let w = 0; w < walkers; w++) for (let d = 0; d < dim; d++) out[w * dim + d] = configurations[(w % have) * dim + d];
  return out;
}
