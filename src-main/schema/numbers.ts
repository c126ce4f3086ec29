/** zod number schemas with the words the API shows (shared by every params schema). */
import { z } from 'zod';

export const finite = () => z.number().refine(Number.isFinite, 'must be a finite number');
export const positive = () => finite().refine((v) => v > 0, 'must be greater than 0');
