/**
 * Errors thrown by the engine. Pure TypeScript, no I/O.
 *
 * EngineInputError: a caller passed parameters the engine cannot work with (bad system
 * parameters, bad WHAM input, ...). The message names the offending parameter / window so
 * that a UI or CLI can show it verbatim.
 */
export class EngineInputError extends Error {
  /** All problems found (the message joins them); always at least one entry. */
  readonly problems: string[];
  constructor(message: string | string[]) {
    const problems = Array.isArray(message) ? message : [message];
    super(problems.join('; '));
    this.name = 'EngineInputError';
    this.problems = problems;
  }
}

/**
 * A simulation produced a non-finite position or energy (time step too large for the
 * stiffness of the potential, or an unbounded bias). The simulation object is left in a
 * partially advanced state: restore it from a checkpoint (getState/setState) before reuse.
 */
export class SimulationDivergedError extends Error {
  constructor(
    readonly walker: number,
    readonly step: number,
    message?: string,
  ) {
    super(
      message ??
        `walker ${walker} diverged (non-finite energy) at step ${step}; reduce dt or check the potential/bias parameters`,
    );
    this.name = 'SimulationDivergedError';
  }
}

/** Throws EngineInputError unless `v` is a finite number; returns it. */
export function requireFinite(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new EngineInputError(`${name} must be a finite number (got ${String(v)})`);
  }
  return v;
}

/** Throws EngineInputError unless `v` is a finite number > 0; returns it. */
export function requirePositive(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) {
    throw new EngineInputError(`${name} must be a finite number > 0 (got ${String(v)})`);
  }
  return v;
}

/** Throws EngineInputError unless `v` is an integer in [min, max]; returns it. */
export function requireInteger(v: unknown, name: string, min = -Number.MAX_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new EngineInputError(`${name} must be an integer ${range} (got ${String(v)})`);
  }
  return v;
}
