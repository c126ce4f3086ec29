/** Small helpers over node:util parseArgs: typed number/list options with messages that name the option. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A usage problem: exit code 2 and a message, never a stack trace. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export type ParsedValues = Record<string, string | boolean | undefined>;

export function parseCommandArgs(argv: string[], options: OptionSpec, allowPositionals = false): { values: ParsedValues; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options: { ...options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals }) as { values: ParsedValues; positionals: string[] };
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
}

export function requireString(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.length === 0) throw new CliUsageError(`--${name} is required`);
  return value;
}

export function parseNumber(text: string, name: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new CliUsageError(`--${name}: "${text}" is not a finite number`);
  return value;
}

export function numberOption(values: Record<string, unknown>, name: string, fallback?: number): number {
  const value = values[name];
  if (value === undefined) {
    if (fallback === undefined) throw new CliUsageError(`--${name} is required`);
    return fallback;
  }
  return parseNumber(String(value), name);
}

export function integerOption(values: Record<string, unknown>, name: string, fallback?: number, min = 0): number {
  const value = numberOption(values, name, fallback);
  if (!Number.isInteger(value) || value < min) throw new CliUsageError(`--${name} must be an integer >= ${min} (got ${value})`);
  return value;
}

export function positiveOption(values: Record<string, unknown>, name: string, fallback?: number): number {
  const value = numberOption(values, name, fallback);
  if (!(value > 0)) throw new CliUsageError(`--${name} must be greater than 0 (got ${value})`);
  return value;
}

/** "a,b,c" -> numbers; `count` checks the length when given. */
export function numberListOption(values: Record<string, unknown>, name: string, count?: number): number[] | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const parts = String(value).split(',').map((part) => parseNumber(part, name));
  if (count !== undefined && parts.length !== count) {
    throw new CliUsageError(`--${name} needs ${count} comma-separated numbers (got ${parts.length}); write --${name}=A,B for negative values`);
  }
  return parts;
}
