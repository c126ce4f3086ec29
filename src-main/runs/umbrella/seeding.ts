/**
 * Seeded umbrella windows (SCIENCE.md section 9): every walker of window k starts from the k-th
 * block of `seeding.starts` (walkers x dim, walker-major) instead of the pulled start. A lifted
 * configuration is a sample of p(x | xi*), so a seeded walker needs no equilibration along the
 * orthogonal coordinates and is not trapped behind a barrier orthogonal to the CV that the
 * pulled start cannot cross. The starts are checked here, where the plan knows the shapes.
 */
import { ApiError, type SeedingSpec } from '../../schema';
import type { UmbrellaJob } from '../run-file';

export function attachSeededStarts(windows: UmbrellaJob['windows'], seeding: SeedingSpec, walkers: number, dim: number): void {
  if (seeding.starts.length !== windows.length) {
    throw new ApiError('invalid-input', `params.seeding.starts: ${seeding.starts.length} blocks of starting configurations for ${windows.length} windows; give one per window.`);
  }
  seeding.starts.forEach((block, k) => {
    if (block.length !== walkers * dim) {
      throw new ApiError('invalid-input', `params.seeding.starts[${k}]: ${block.length} numbers; window ${k} needs ${walkers} walkers x ${dim} coordinates = ${walkers * dim}.`);
    }
    windows[k].starts = [...block];
  });
}
