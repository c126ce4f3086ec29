/**
 * Turns validated ensemble parameters into the job stored in run.json before the run starts:
 * coordinate names, histogram ranges (the system's plotting box widened by 10% so walkers near
 * its edge are still counted), the start, and the tfjs backend preference of this process.
 */
import { ApiError, type EnsembleParams, type SystemSpec } from '../../schema';
import { createSystem } from '../../engine/systems';
import { tensorUnsupportedReason } from '../../engine/tensor/forces';
import type { EnsembleJob } from '../run-file';
import { lowestGridPoint } from '../metad/plan';
import { seededConfigurations } from '../seeding';

/** Above this many floats of walker state (positions), a run would not fit comfortably in a worker. */
const MAX_POSITION_FLOATS = 32_000_000;

export function planEnsembleJob(spec: SystemSpec, p: EnsembleParams): EnsembleJob {
  const system = createSystem(spec);
  if (p.umbrella && p.umbrella.cvIndices[0] >= system.dim) {
    throw new ApiError(
      'invalid-input',
      `params.umbrella.cvIndices: the restrained coordinate (cvIndex ${p.umbrella.cvIndices[0]}) is not in the system: the ${spec.kind} system has ${system.dim} coordinate${system.dim === 1 ? '' : 's'} (${system.coordinateNames.join(', ')}).`,
    );
  }
  const unsupported = p.executor === 'tensor' ? tensorUnsupportedReason(spec) : null;
  if (unsupported) throw new ApiError('invalid-input', `params.executor: tensor cannot run this system: ${unsupported}.`);
  if (p.walkers * system.dim > MAX_POSITION_FLOATS) {
    throw new ApiError('invalid-input', `params.walkers: ${p.walkers} walkers x ${system.dim} coordinates is more walker state than a worker holds (limit ${MAX_POSITION_FLOATS} numbers).`);
  }
  return {
    kind: 'ensemble',
    system: spec,
    coordinateNames: [...system.coordinateNames],
    walkers: p.walkers,
    steps: p.steps,
    dt: p.dt,
    kT: p.kT,
    umbrella: p.umbrella ? { cvIndices: [...p.umbrella.cvIndices], centers: [...p.umbrella.centers], springs: [...p.umbrella.springs] } : null,
    executor: p.executor,
    backend: process.env.LIFTWELL_TF_BACKEND ?? 'auto',
    ranges: system.domain.map(([lo, hi]) => [lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo)] as [number, number]),
    bins: p.bins,
    equilibrationSteps: p.equilibrationSteps,
    stride: p.stride,
    start: p.start === 'minimum' ? lowestGridPoint(system) : null,
    ...(p.seeding ? { starts: seededConfigurations(p.seeding, system.dim, p.walkers) } : {}),
    seed: p.seed,
  };
}
