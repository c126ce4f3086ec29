/**
 * Any thrown value as the {code, message, details} that crosses transports and worker threads,
 * classified by class (`instanceof`), never by `error.name`. Used by api/dispatch.ts for calls
 * and by the worker threads (threads/worker.ts) before posting an error to the main thread.
 */
import { z } from 'zod';
import { classifyError } from './classify-error';
import type { LiftwellErrorShape } from './errors';

/** Formats zod issues as "field: problem" lines. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export function toErrorShape(error: unknown): LiftwellErrorShape {
  if (error instanceof z.ZodError) return { code: 'invalid-input', message: describeZodError(error) };
  return classifyError(error);
}
