/**
 * API calls. Systems of a project.
 * Each call is a zod input schema; its output type is in the interface below. index.ts joins them.
 */
import { z } from 'zod';
import { projectRef } from './common';
import { systemSpec } from '../../schema/systems';
import type { SystemRecord } from '../../schema/records';
import type { PotentialGrid } from '../../engine/systems/preview';

/**
 * Grid of previewPotential: nodes per shown axis. 1001 nodes draw a 1D curve finer than a screen
 * pixel; 2D systems take at most 201 x 201 (4 x 10^4 evaluations, a few ms for the built-in kinds,
 * well under 0.1 s for a typed expression), checked in the handler with this message.
 */
export const PREVIEW_POINTS = { default: 101, max1d: 1001, max2d: 201 } as const;

export const systemCalls = {
  addSystem: { input: projectRef.extend({ name: z.string().trim().min(1).max(120), spec: systemSpec }) },
  /** V of a system being edited on a grid over its domain, with the grid's minima (nothing is saved). */
  previewPotential: { input: z.object({ spec: systemSpec, points: z.number().int().min(2).max(PREVIEW_POINTS.max1d).default(PREVIEW_POINTS.default) }) },
} as const;

/** Output type of each call above. */
export interface SystemCallOutputs {
  addSystem: SystemRecord;
  previewPotential: PotentialGrid;
}
export type { PotentialGrid };
