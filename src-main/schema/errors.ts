/**
 * Liftwell's one error type, shared by store, runs and api (and without zod: a CLI command or
 * worker that only needs to report an error must not load the contract's schemas).
 *
 * Every failure crosses a transport or a worker thread as its shape {code, message, details};
 * the receiving side rebuilds a LiftwellError with `LiftwellError.fromShape`, so callers
 * classify errors by `instanceof` and `code`, never by `error.name` strings (a name does not
 * survive bundling, subclassing or a structured clone reliably; a class and a code do).
 */
export type LiftwellErrorCode = 'invalid-input' | 'not-found' | 'conflict' | 'io' | 'bad-file' | 'internal';
export interface LiftwellErrorShape { code: LiftwellErrorCode; message: string; details?: unknown }

const CODES: readonly LiftwellErrorCode[] = ['invalid-input', 'not-found', 'conflict', 'io', 'bad-file', 'internal'];

/** True for one of the codes above (a shape read from a thread or socket is checked before use). */
export function isLiftwellErrorCode(code: unknown): code is LiftwellErrorCode {
  return typeof code === 'string' && (CODES as readonly string[]).includes(code);
}

/** Thrown by store, runs and handlers; crosses every transport as {code, message, details}. */
export class LiftwellError extends Error {
  constructor(
    readonly code: LiftwellErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'LiftwellError';
  }

  toShape(): LiftwellErrorShape {
    return { code: this.code, message: this.message, details: this.details };
  }

  /** The error again on this side of a thread or socket (an unknown code reads as 'internal'). */
  static fromShape(shape: LiftwellErrorShape): LiftwellError {
    return new LiftwellError(isLiftwellErrorCode(shape.code) ? shape.code : 'internal', shape.message, shape.details);
  }
}

// The names of before issue 9, kept so that existing imports keep working.
export const ApiError = LiftwellError;
export type ApiError = LiftwellError;
export type ApiErrorCode = LiftwellErrorCode;
export type ApiErrorShape = LiftwellErrorShape;
