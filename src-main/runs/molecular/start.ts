/**
 * Where every molecular task starts (the single run, each umbrella window, the metadynamics
 * walkers): the seeded structure of its block (job.starts, runs/seeding/) or the molecule's
 * coordinates, minimised first when the job asks. A block of a multiple-walker run holds one
 * structure that every walker starts from, or one structure per walker (walker-major). One helper, so that a seeded start and the
 * minimisation mean the same in every task. A resumed task takes its positions from its
 * checkpoint and keeps the minimisation record saved there.
 */
import { minimizeEnergy, type EnergyFunction, type MinimizeResult } from '../../engine/molecules/minimize';
import type { ParsedMolecule } from '../../store/molecules';
import type { MolecularJob } from '../run-file';

/** Minimisation stops at this largest force component (kJ/mol/nm). */
export const MINIMIZE_TOLERANCE = 10;

export interface MolecularStart {
  /** The start structure (nm, a fresh copy), minimised when the job asks. */
  positions: Float64Array;
  minimization: MinimizeResult | null;
}

/**
 * The start of task `block` (umbrella window k; 0 otherwise), for walker `walker` of the task
 * when the block holds one structure per walker. `energy` gives the function to minimise (the
 * force field, or a window's with its full restraint); it is only called when a fresh task
 * minimises. `resumed`: the checkpoint's minimisation record, or undefined for a fresh task.
 */
export function molecularStart(job: MolecularJob, molecule: ParsedMolecule, block: number, energy: () => EnergyFunction, resumed?: MinimizeResult | null, walker = 0): MolecularStart {
  const dim = molecule.positions.length;
  const seeded = job.starts?.[block];
  const own = seeded && seeded.length > dim ? seeded.slice(walker * dim, (walker + 1) * dim) : seeded;
  const positions = own ? Float64Array.from(own) : molecule.positions.slice();
  if (resumed !== undefined) return { positions, minimization: resumed };
  const minimization = job.minimize ? minimizeEnergy(energy(), positions, { tolerance: MINIMIZE_TOLERANCE, maxIterations: 5000 }) : null;
  return { positions, minimization };
}

/** Whether block `block` of the job holds one seeded structure per walker (else one for all). */
export function seededPerWalker(job: MolecularJob, molecule: ParsedMolecule, block = 0): boolean {
  return (job.starts?.[block].length ?? 0) > molecule.positions.length;
}
