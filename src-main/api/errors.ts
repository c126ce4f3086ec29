/**
 * The API's error type, without zod: a CLI command or worker that only needs to report an error
 * must not load the contract's schemas. contract.ts re-exports it.
 */
export type ApiErrorCode = 'invalid-input' | 'not-found' | 'conflict' | 'io' | 'bad-file' | 'internal';
export interface ApiErrorShape { code: ApiErrorCode; message: string; details?: unknown }

/** Thrown by handlers; crosses every transport as {code, message, details}. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  toShape(): ApiErrorShape {
    return { code: this.code, message: this.message, details: this.details };
  }
}
