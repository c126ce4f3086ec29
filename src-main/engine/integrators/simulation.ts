/**
 * The one step loop every integrator shares (OpenMM's Simulation.step / reporter split,
 * openmm/app/simulation.py): before each stretch of integration every reporter is asked how many
 * steps remain until its next report (describeNextReport); the stepper integrates exactly to the
 * nearest one, and the reporters that asked for that step report, in the order given.
 *
 * The loop only cuts the step count into chunks between reports: the integrators' hot loops run
 * whole chunks with no per-step call, allocation or closure. Reporters read the live state from
 * the stepper (typed arrays, no copy); what a reporter needs beyond that (a GPU download, the CV
 * values) it computes in report(), so a step nobody reports on costs nothing.
 *
 * Rules a reporter keeps:
 * - describeNextReport(step) returns an integer >= 1 (report after that many more steps) or
 *   Infinity (no report in this run). Absolute schedules (every k steps counted from a first
 *   step) are computed from `step` alone, so a resumed run reports at the same steps.
 * - report(step, stepper) may change the bias or other inputs of the next step (hill deposits,
 *   a spring ramp), never the integrator's state itself: changing inputs only between chunks is
 *   what keeps chunked integration bit-identical to step-by-step integration.
 * - Work that must happen before the first step of a run (a hill due at the next step) is done
 *   where the reporter is made, since a report always follows a step.
 */
import { EngineInputError } from '../errors';

/** What the loop drives: an integrator that advances exactly n steps without reporting. */
export interface Stepper {
  /** Steps integrated so far (the step a resumed run starts from). */
  readonly step: number;
  /** Integrates exactly nSteps steps (>= 1) and adds them to `step`. */
  integrate(nSteps: number): void;
}

export interface StepReporter<S extends Stepper = Stepper> {
  /** Steps from `step` until this reporter's next report (an integer >= 1), or Infinity for none. */
  describeNextReport(step: number): number;
  /** Called after the step it asked for; `stepper.step === step`. */
  report(step: number, stepper: S): void;
}

/** Reporters of older code: report after every step where step % interval == 0. */
export interface IntervalReporter<S> {
  interval: number;
  report(sim: S): void;
}

/** Steps from `step` to the next step of the schedule first, first + every, first + 2 every, ... (> step). */
export function stepsUntilScheduled(step: number, first: number, every: number): number {
  if (step < first) return first - step;
  return every - ((step - first) % every);
}

/** Throws a clear message unless `every` is a usable report interval. */
export function checkInterval(every: number, what = 'reporter interval'): void {
  if (!Number.isSafeInteger(every) || every < 1) throw new EngineInputError(`${what} must be a positive integer (got ${String(every)})`);
}

/** An interval reporter ({interval, report(sim)}) as a step reporter. */
export function fromIntervalReporter<S extends Stepper>(r: IntervalReporter<S>): StepReporter<S> {
  checkInterval(r.interval);
  return {
    describeNextReport: (step) => r.interval - (step % r.interval),
    report: (_step, sim) => r.report(sim),
  };
}

/**
 * Integrates nSteps steps of `stepper`, stopping exactly at every step a reporter asked for.
 * Returns the number of chunks integrated (for tests and benchmarks).
 */
export function runSteps<S extends Stepper>(stepper: S, nSteps: number, reporters: readonly StepReporter<S>[]): number {
  if (!Number.isSafeInteger(nSteps) || nSteps < 0) throw new EngineInputError(`nSteps must be a non-negative integer (got ${String(nSteps)})`);
  const n = reporters.length;
  // Each reporter's answer for the current chunk, kept so that exactly the reporters that asked
  // for the step reached report (OpenMM's rule), without asking them twice.
  const until = new Float64Array(n);
  let remaining = nSteps;
  let chunks = 0;
  while (remaining > 0) {
    const step = stepper.step;
    let chunk = remaining;
    for (let i = 0; i < n; i++) {
      const u = reporters[i].describeNextReport(step);
      if (!(u >= 1) || (u !== Infinity && !Number.isSafeInteger(u))) {
        throw new EngineInputError(`a reporter asked to report after ${String(u)} steps at step ${step}; it must ask for a whole number >= 1 or Infinity`);
      }
      until[i] = u;
      if (u < chunk) chunk = u;
    }
    stepper.integrate(chunk);
    chunks++;
    remaining -= chunk;
    const reached = step + chunk;
    for (let i = 0; i < n; i++) if (until[i] === chunk) reporters[i].report(reached, stepper);
  }
  return chunks;
}
