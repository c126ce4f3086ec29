/** Inputs shared by many calls: which project, which run. */
import { z } from 'zod';

export const projectRef = z.object({ projectPath: z.string().min(1) });
export const runRef = projectRef.extend({ runId: z.string().min(1) });
