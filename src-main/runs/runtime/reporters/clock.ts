/**
 * The wall-clock side of a task as a step reporter: every `everySteps` steps (a few ms of work)
 * the task clock is read and whatever is due runs (progress, live preview, checkpoint; see
 * ../task-clock.ts). Put it LAST in a task's reporter list: at a step where rows are also due,
 * a checkpoint then holds that step's rows.
 */
import { checkInterval, type StepReporter } from '../../../engine/integrators/simulation';
import type { TaskClock } from '../task-clock';

export class ClockReporter implements StepReporter {
  /** The step of the next clock check; set from the first step this reporter sees. */
  private next = -1;

  constructor(
    private readonly clock: TaskClock,
    private readonly everySteps: number,
  ) {
    checkInterval(everySteps, 'clock check interval');
  }

  describeNextReport(step: number): number {
    if (this.next <= step) this.next = step + this.everySteps;
    return this.next - step;
  }

  report(): void {
    this.clock.tick();
  }
}
