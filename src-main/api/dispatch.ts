/**
 * One entry point for every transport: validate the input with the call's zod schema, run the
 * handler, and turn any failure into {code, message, details} words a user can read.
 */
import { z } from 'zod';
import { ApiError, calls, type ApiErrorShape, type CallName, type CallOutput, type CallParsedInput } from './contract';

export type Handlers = { [K in CallName]: (input: CallParsedInput<K>) => Promise<CallOutput<K>> };

export type DispatchResult = { ok: true; result: unknown } | { ok: false; error: ApiErrorShape };

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name);
}

/** Formats zod issues as "field: problem" lines. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export function toErrorShape(error: unknown): ApiErrorShape {
  if (error instanceof ApiError) return error.toShape();
  if (error instanceof z.ZodError) return { code: 'invalid-input', message: describeZodError(error) };
  // Engine and file errors carry messages written for users (they name the parameter or file).
  if (error instanceof Error && ['EngineInputError', 'InputFileError', 'SimulationDivergedError'].includes(error.name)) {
    return { code: 'invalid-input', message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Unexpected error: ${message}` };
}

export async function dispatch(handlers: Handlers, method: unknown, params: unknown): Promise<DispatchResult> {
  if (!isCallName(method)) {
    return { ok: false, error: { code: 'invalid-input', message: `Unknown API call: ${String(method)}` } };
  }
  const parsed = calls[method].input.safeParse(params ?? {});
  if (!parsed.success) {
    return { ok: false, error: { code: 'invalid-input', message: describeZodError(parsed.error), details: parsed.error.issues } };
  }
  try {
    const handler = handlers[method] as (input: unknown) => Promise<unknown>;
    return { ok: true, result: await handler(parsed.data) };
  } catch (error) {
    return { ok: false, error: toErrorShape(error) };
  }
}
