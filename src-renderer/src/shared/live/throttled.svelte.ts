/**
 * Reactive face of createThrottle: `current` follows the pushed values at a bounded rate, so
 * a figure built from `current` redraws at most as often as the throttle allows.
 */
import { createThrottle, type ThrottleOptions } from './throttle';

export const LIVE_PLOT_THROTTLE: ThrottleOptions = { minIntervalMs: 1000, maxDuty: 0.1 };

/**
 * A timer that fires only after the next frame was painted: when a view opens (a click), the
 * view appears first and its figure is drawn in a later task, so the click gets its frame.
 */
function afterNextPaint(fn: () => void, ms: number): { cancelled: boolean } {
  const handle = { cancelled: false };
  setTimeout(() => {
    if (handle.cancelled) return;
    if (typeof requestAnimationFrame !== 'function') return fn();
    requestAnimationFrame(() => setTimeout(() => !handle.cancelled && fn(), 0));
  }, ms);
  return handle;
}

function cancelTimer(handle: unknown): void {
  (handle as { cancelled: boolean }).cancelled = true;
}

export class ThrottledValue<T> {
  current = $state<T | undefined>(undefined);
  private readonly throttle;

  constructor(opts: ThrottleOptions = LIVE_PLOT_THROTTLE) {
    this.throttle = createThrottle<T>((v) => (this.current = v), { setTimer: afterNextPaint, clearTimer: cancelTimer, ...opts });
  }

  push(value: T | undefined): void {
    if (value !== undefined) this.throttle.push(value);
  }

  /** Wrap the figure's build in this so the throttle knows what a draw costs. */
  measure<R>(draw: () => R): R {
    return this.throttle.measure(draw);
  }

  dispose(): void {
    this.throttle.dispose();
  }
}
