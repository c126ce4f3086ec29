/**
 * The hill schedule of molecular metadynamics as a step reporter: a hill is due at every step
 * that is a multiple of `pace`, and AtomicCvMetad deposits inside the force evaluation of the
 * step it is armed for (metad-cv.ts). So the reporter arms it one step ahead: it reports after
 * steps pace - 1, 2 pace - 1, ... and sets depositAtStep = step + 1. Made at the run's start
 * step, it arms a hill due at the very first step (a report always follows a step).
 */
import { checkInterval, stepsUntilScheduled, type StepReporter } from '../integrators/simulation';
import type { AtomicCvMetad } from './metad-cv';

export class HillDepositReporter implements StepReporter {
  constructor(
    private readonly bias: AtomicCvMetad,
    private readonly pace: number,
    startStep: number,
  ) {
    checkInterval(pace, 'metadynamics pace');
    this.arm(startStep);
  }

  private arm(step: number): void {
    if ((step + 1) % this.pace === 0) this.bias.depositAtStep = step + 1;
  }

  describeNextReport(step: number): number {
    return stepsUntilScheduled(step, this.pace - 1, this.pace);
  }

  report(step: number): void {
    this.arm(step);
  }
}
