// The renderer's latest-only debounced calls (src-renderer/src/shared/latest.ts), used by the cost
// estimates and the free-energy analysis: only the newest call's answer reaches the view.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { latestOnly } from '../../src-renderer/src/shared/latest';

afterEach(() => vi.useRealTimers());

/** A promise with its resolve/reject in hand, to answer calls in any order. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('latestOnly', () => {
  it('drops a slow answer to an older call that arrives after a newer call was scheduled', async () => {
    vi.useFakeTimers();
    const schedule = latestOnly();
    const seen: string[] = [];
    const first = deferred<string>();
    const second = deferred<string>();
    schedule({ delayMs: 0, ask: () => first.promise, answer: (v) => seen.push(v), fail: () => seen.push('fail'), settled: () => seen.push('settled') });
    await vi.advanceTimersByTimeAsync(0);
    schedule({ delayMs: 0, ask: () => second.promise, answer: (v) => seen.push(v), fail: () => seen.push('fail'), settled: () => seen.push('settled') });
    await vi.advanceTimersByTimeAsync(0);
    second.resolve('new');
    await vi.advanceTimersByTimeAsync(0);
    first.resolve('old');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['new', 'settled']);
  });

  it('asks only after the pause, and the cleanup of a newer change cancels the older call', async () => {
    vi.useFakeTimers();
    const schedule = latestOnly();
    const asked: number[] = [];
    const cancel = schedule({ delayMs: 300, ask: async () => asked.push(1), answer: () => {}, fail: () => {} });
    await vi.advanceTimersByTimeAsync(299);
    expect(asked).toEqual([]);
    cancel();
    schedule({ delayMs: 300, ask: async () => asked.push(2), answer: () => {}, fail: () => {} });
    await vi.advanceTimersByTimeAsync(300);
    expect(asked).toEqual([2]);
  });

  it('passes the newest failure on, then settles', async () => {
    vi.useFakeTimers();
    const schedule = latestOnly();
    const seen: string[] = [];
    schedule({ delayMs: 10, ask: () => Promise.reject(new Error('bad range')), answer: () => seen.push('answer'), fail: (e) => seen.push((e as Error).message), settled: () => seen.push('settled') });
    await vi.advanceTimersByTimeAsync(10);
    expect(seen).toEqual(['bad range', 'settled']);
  });
});
