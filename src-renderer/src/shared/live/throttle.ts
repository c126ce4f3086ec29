/**
 * A bounded-rate redraw schedule for live plots. Values pushed while a run computes (a running
 * FES every second, a loss point every epoch) are coalesced: only the newest is drawn, at most
 * once per interval, and the interval grows with what the last draw cost so that drawing takes
 * at most `maxDuty` of the main thread (a 300 ms draw is followed by >= 3 s without one at 10 %).
 * Draws run from a timer, never inside the input event or message that delivered the value.
 */
export interface ThrottleOptions {
  /** Shortest time between two draws (ms). */
  minIntervalMs: number;
  /** Largest fraction of wall time spent drawing (0 < maxDuty <= 1). */
  maxDuty: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface Throttle<T> {
  /** Offers a new value; it is drawn at the next allowed time (older undrawn values are dropped). */
  push(value: T): void;
  /** Times `draw` and remembers its cost for the next interval. */
  measure<R>(draw: () => R): R;
  /** The wait after a draw, given the last draw's cost. */
  interval(): number;
  /** Stops any scheduled draw. */
  dispose(): void;
}

export function createThrottle<T>(deliver: (value: T) => void, opts: ThrottleOptions): Throttle<T> {
  const now = opts.now ?? (() => performance.now());
  const setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let pending: { value: T } | null = null;
  let timer: unknown = null;
  let lastDrawAt = -Infinity;
  let lastCostMs = 0;

  const interval = () => Math.max(opts.minIntervalMs, lastCostMs / opts.maxDuty);

  function flush() {
    timer = null;
    if (!pending) return;
    const { value } = pending;
    pending = null;
    lastDrawAt = now();
    deliver(value);
  }

  return {
    push(value) {
      pending = { value };
      if (timer !== null) return;
      // Even the first draw waits for a timer: the push may come from inside an event handler.
      timer = setTimer(flush, Math.max(0, lastDrawAt + interval() - now()));
    },
    measure(draw) {
      const t0 = now();
      try {
        return draw();
      } finally {
        lastCostMs = now() - t0;
      }
    },
    interval,
    dispose() {
      if (timer !== null) clearTimer(timer);
      timer = null;
      pending = null;
    },
  };
}
