/**
 * previewPotential: the potential of a system being edited, on a grid over the domain the engine
 * uses (engine/systems/preview.ts), for the System view's live preview. Nothing is saved, so it
 * needs no project; the spec is checked by the same validator as addSystem, with the same words.
 */
import { ApiError, type CallParsedInput, type PotentialGrid } from './contract';
import { PREVIEW_POINTS } from './contract/systems';
import { createSystem, validateSystemSpec } from '../engine/systems';
import { potentialGrid } from '../engine/systems/preview';

export function previewPotential({ spec, points }: CallParsedInput<'previewPotential'>): PotentialGrid {
  const problems = validateSystemSpec(spec);
  if (problems.length) throw new ApiError('invalid-input', problems.map((p) => `spec.${p}`).join('; '));
  const system = createSystem(spec);
  if (system.dim >= 2 && points > PREVIEW_POINTS.max2d) {
    throw new ApiError('invalid-input', `points: at most ${PREVIEW_POINTS.max2d} per axis for a ${system.dim}D system (got ${points}).`);
  }
  return potentialGrid(system, points);
}
