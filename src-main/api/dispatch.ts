/**
 * One entry point for every transport: validate the input with the call's zod schema, run the
 * handler, and turn any failure into {code, message, details} words a user can read.
 */
import { calls, type ApiErrorShape, type CallName, type CallOutput, type CallParsedInput } from './contract';
import { describeZodError, toErrorShape } from '../schema/error-shape';

// Kept here too: transports and the CLI import them from the dispatcher.
export { describeZodError, toErrorShape };

export type Handlers = { [K in CallName]: (input: CallParsedInput<K>) => Promise<CallOutput<K>> };

export type DispatchResult = { ok: true; result: unknown } | { ok: false; error: ApiErrorShape };

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name);
}

export async function dispatch(handlers: Handlers, method: unknown, params: unknown): Promise<DispatchResult> {
  if (!isCallName(method)) {
    return { ok: false, error: { code: 'invalid-input', message: `Unknown API call: ${String(method)}` } };
  }
  // jitless: each call's input is checked once; compiling a parser for it (zod's default on a
  // schema's first parse) costs more than it saves (store/project.ts readVersionedJson). Same checks.
  const parsed = calls[method].input.safeParse(params ?? {}, { jitless: true });
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
