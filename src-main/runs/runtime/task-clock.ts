/**
 * The rhythm of a long task between chunks of integration: post progress, post a live preview,
 * write a checkpoint, each at its own interval. Tasks call tick() after every chunk (a few ms of
 * work), so the clock is read often enough without being read every step.
 */
export interface TaskClockOptions {
  progressIntervalMs: number;
  checkpointIntervalMs: number;
  /** Omit for tasks without a live preview. */
  previewIntervalMs?: number;
  now?: () => number;
}

export interface TaskClockActions {
  progress(): void;
  checkpoint(): void;
  preview?(): void;
}

export class TaskClock {
  private readonly now: () => number;
  private lastProgress = -Infinity;
  private lastPreview = -Infinity;
  private lastCheckpoint: number;

  constructor(
    private readonly opts: TaskClockOptions,
    private readonly actions: TaskClockActions,
  ) {
    this.now = opts.now ?? (() => performance.now());
    // The first checkpoint comes one interval after the start (or the resume).
    this.lastCheckpoint = this.now();
  }

  tick(): void {
    const t = this.now();
    if (t - this.lastProgress >= this.opts.progressIntervalMs) {
      this.lastProgress = t;
      this.actions.progress();
    }
    if (this.actions.preview && this.opts.previewIntervalMs !== undefined && t - this.lastPreview >= this.opts.previewIntervalMs) {
      this.lastPreview = t;
      this.actions.preview();
    }
    if (t - this.lastCheckpoint >= this.opts.checkpointIntervalMs) {
      this.actions.checkpoint();
      // Measured after writing: a slow write does not eat into the next interval.
      this.lastCheckpoint = this.now();
    }
  }
}
