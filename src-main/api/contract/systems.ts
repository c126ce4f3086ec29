/**
 * API calls. Systems of a project.
 * Each call is a zod input schema; its output type is in the interface below. index.ts joins them.
 */
import { z } from 'zod';
import { projectRef } from './common';
import { systemSpec } from '../../schema/systems';
import type { SystemRecord } from '../../schema/records';

export const systemCalls = {
  addSystem: { input: projectRef.extend({ name: z.string().trim().min(1).max(120), spec: systemSpec }) },
} as const;

/** Output type of each call above. */
export interface SystemCallOutputs {
  addSystem: SystemRecord;
}
