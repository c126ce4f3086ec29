/**
 * Server calls that follow what the user types (cost estimates, the free-energy analysis): each
 * change schedules a call after a pause, and only the newest call's answer is shown. A slow
 * answer to an older question arriving after a newer one was asked is dropped, not shown over it.
 */
export interface LatestCall<T> {
  /** Milliseconds to wait before asking (a newer change within it cancels this call). */
  delayMs: number;
  /** Runs when the pause is over (set a "working" flag here), then asks. */
  ask: () => Promise<T>;
  /** The answer, if no newer call was scheduled meanwhile. */
  answer: (value: T) => void;
  /** The failure, if no newer call was scheduled meanwhile. */
  fail: (error: unknown) => void;
  /** After answer or fail, if this is still the newest call (clear the "working" flag here). */
  settled?: () => void;
}

/** A sequence of calls where only the newest counts; `schedule` returns the cancel of its pause (an effect's cleanup). */
export function latestOnly() {
  let newest = 0;
  return function schedule<T>(call: LatestCall<T>): () => void {
    const mine = ++newest;
    const timer = setTimeout(async () => {
      try {
        const value = await call.ask();
        if (mine === newest) call.answer(value);
      } catch (error) {
        if (mine === newest) call.fail(error);
      } finally {
        if (mine === newest) call.settled?.();
      }
    }, call.delayMs);
    return () => clearTimeout(timer);
  };
}
