/**
 * Any thrown value except zod's as {code, message, details}, by class (`instanceof`), never by
 * `error.name`. Without zod: the walker-slice threads use it and must start light; everything
 * else uses toErrorShape (error-shape.ts), which adds zod's validation errors.
 */
import { EngineInputError, SimulationDivergedError } from '../engine/errors';
import { InputFileError } from '../engine/io/errors';
import { LiftwellError, type LiftwellErrorShape } from './errors';

export function classifyError(error: unknown): LiftwellErrorShape {
  // Includes its subclasses (TrainingDataError: 'bad-file' with the file's path).
  if (error instanceof LiftwellError) return error.toShape();
  // Engine and file errors carry messages written for users (they name the parameter or file).
  // EngineInputError includes ExpressionError and BiasOutsideGridError.
  if (error instanceof EngineInputError || error instanceof InputFileError || error instanceof SimulationDivergedError) {
    return { code: 'invalid-input', message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Unexpected error: ${message}` };
}
