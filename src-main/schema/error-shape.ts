/**
 * Any thrown value as the {code, message, details} that crosses transports and worker threads,
 * classified by class (`instanceof`), never by `error.name`. Used by api/dispatch.ts for calls
 * and by the worker threads (runs/runtime/worker.ts) before posting an error to the main thread.
 */
import { z } from 'zod';
import { EngineInputError, SimulationDivergedError } from '../engine/errors';
import { InputFileError } from '../engine/io/errors';
import { LiftwellError, type LiftwellErrorShape } from './errors';

/** Formats zod issues as "field: problem" lines. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export function toErrorShape(error: unknown): LiftwellErrorShape {
  // Includes its subclasses (TrainingDataError: 'bad-file' with the file's path).
  if (error instanceof LiftwellError) return error.toShape();
  if (error instanceof z.ZodError) return { code: 'invalid-input', message: describeZodError(error) };
  // Engine and file errors carry messages written for users (they name the parameter or file).
  // EngineInputError includes ExpressionError and BiasOutsideGridError.
  if (error instanceof EngineInputError || error instanceof InputFileError || error instanceof SimulationDivergedError) {
    return { code: 'invalid-input', message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Unexpected error: ${message}` };
}
