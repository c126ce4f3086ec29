/**
 * Checks of sizes (limits.ts) and of the memory a request would take, made before anything is
 * allocated. The caller names the field as its user knows it: `--walkers` on the command line,
 * `params.walkers` in the API. Errors are ApiError('invalid-input') (CLI exit 2).
 */
import { freemem } from 'node:os';
import { ApiError } from '../schema/errors';

/** Throws unless `value` <= `max`; `option` is how the user wrote the field. */
export function checkAtMost(value: number, max: number, option: string, what: string): void {
  if (!(value <= max)) {
    throw new ApiError('invalid-input', `${option}: ${what} must be at most ${max.toLocaleString('en-US')} (got ${value.toLocaleString('en-US')}).`, { option, max, value });
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  return `${Math.ceil(bytes / 1024)} KiB`;
}

/** Fraction of the free memory one request may plan to use (the rest is the app's and the OS's). */
export const MEMORY_FRACTION = 0.8;

/** Test hook: pretend the machine has this many bytes free. */
export const memoryHooks: { freeBytes: (() => number) | null } = { freeBytes: null };

/**
 * Throws when `bytes` (an estimate of the arrays a request allocates) exceeds what the machine
 * has free, naming the options that size it.
 */
export function checkMemory(bytes: number, options: string, what: string): void {
  // LIFTWELL_TEST_FREE_MEMORY lets the CLI tests pose as a small machine.
  const posed = Number(process.env.LIFTWELL_TEST_FREE_MEMORY);
  const free = memoryHooks.freeBytes ? memoryHooks.freeBytes() : posed > 0 ? posed : freemem();
  if (!(bytes <= MEMORY_FRACTION * free)) {
    throw new ApiError(
      'invalid-input',
      `${options}: ${what} needs about ${formatBytes(bytes)} of memory, more than this machine has free (${formatBytes(free)}); lower ${options}.`,
      { options, bytes, free },
    );
  }
}

/** Float64 bytes of `count` numbers, as a plain number (never an overflowing typed-array length). */
export const float64Bytes = (count: number) => count * 8;

/**
 * Validates CLI values with the API's own zod schema (the same limits) and words any problem with
 * the CLI option instead of the API field: `fieldToOption` maps "centers.count" to "--windows".
 */
export function checkWithSchema<T>(schema: { safeParse(v: unknown, params?: { jitless?: boolean }): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, fieldToOption: Record<string, string>): T {
  // jitless: one parse per command; compiling zod's fast parser for it would cost more (api/dispatch.ts).
  const parsed = schema.safeParse(value, { jitless: true });
  if (parsed.success) return parsed.data;
  const messages = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String);
    // The longest mapped prefix of the field's path names the option.
    let option: string | undefined;
    for (let n = path.length; n > 0 && !option; n--) option = fieldToOption[path.slice(0, n).join('.')];
    return `${option ?? path.join('.')}: ${issue.message}`;
  });
  throw new ApiError('invalid-input', messages.join('; '));
}
