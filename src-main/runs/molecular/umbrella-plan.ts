/**
 * Umbrella windows of a molecular run: checks the centre lists against the CVs (dihedral centres
 * in radians within [-pi, pi]; a value like 60 is almost certainly degrees) and lays the windows
 * out as the product of the lists, first CV slowest (window i * n2 + j), as runs/umbrella/plan.ts does for
 * toy 2D studies.
 */
import { ApiError, type MolecularRunParams } from '../../schema';
import type { MolecularJob } from '../run-file';
import { MAX_WINDOWS_2D } from '../umbrella/plan';

export function planMolecularUmbrella(cvs: readonly { name: string; periodic: boolean }[], p: MolecularRunParams): MolecularJob['umbrella'] {
  const u = p.umbrella;
  if (!u) return null;
  const cvIndices = u.cvIndices ?? u.centers.map((_, i) => i);
  cvIndices.forEach((ci, i) => {
    const cv = cvs[ci];
    if (!cv) throw new ApiError('invalid-input', `params.umbrella.cvIndices.${i}: there is no CV ${ci} (${cvs.length} CVs).`);
    if (cv.periodic) {
      const bad = u.centers[i].find((c) => c < -Math.PI - 1e-12 || c > Math.PI + 1e-12);
      if (bad !== undefined) {
        throw new ApiError('invalid-input', `params.umbrella.centers.${i}: centres of the dihedral "${cv.name}" are in radians within [-pi, pi] (got ${bad}; degrees?).`);
      }
    }
    if (new Set(u.centers[i]).size !== u.centers[i].length) throw new ApiError('invalid-input', `params.umbrella.centers.${i}: the centres of "${cv.name}" repeat a value.`);
  });
  const count = u.centers.reduce((a, list) => a * list.length, 1);
  if (count > MAX_WINDOWS_2D) throw new ApiError('invalid-input', `params.umbrella.centers: ${count} windows; at most ${MAX_WINDOWS_2D} are allowed.`);
  let windows: number[][] = [[]];
  for (const list of u.centers) windows = windows.flatMap((w) => list.map((c) => [...w, c]));
  return {
    cvIndices,
    windows,
    shape: u.centers.map((l) => l.length),
    springs: [...u.springs],
    equilibrationSteps: u.equilibrationSteps,
  };
}
