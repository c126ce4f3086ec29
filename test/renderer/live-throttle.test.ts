// The live-plot redraw schedule (src-renderer/src/shared/live/throttle.ts): values are coalesced,
// draws are never synchronous with the push, at most one per interval, and the interval grows
// with the draw cost so that drawing stays under maxDuty of the time (issue 12, live-plot freeze).
// Exact: a fake clock and timer list, no real time involved.
import { describe, expect, it } from 'vitest';
import { createThrottle } from '../../src-renderer/src/shared/live/throttle';

function fakeClock() {
  let t = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  return {
    now: () => t,
    setTimer: (fn: () => void, ms: number) => {
      const id = nextId++;
      timers.push({ at: t + ms, fn, id });
      return id;
    },
    clearTimer: (id: unknown) => {
      timers = timers.filter((x) => x.id !== id);
    },
    /** Advances time to `to`, firing due timers in order. */
    advance(to: number, onFire?: () => void) {
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > to) break;
        timers.shift();
        t = next.at;
        next.fn();
        onFire?.();
      }
      t = to;
    },
    spend(ms: number) {
      t += ms;
    },
  };
}

describe('createThrottle', () => {
  it('never draws inside push, and coalesces a burst into one draw of the newest value', () => {
    const clock = fakeClock();
    const drawn: number[] = [];
    const th = createThrottle<number>((v) => drawn.push(v), { minIntervalMs: 1000, maxDuty: 0.1, ...clock });
    th.push(1);
    expect(drawn).toEqual([]);
    th.push(2);
    th.push(3);
    clock.advance(0);
    expect(drawn).toEqual([3]);
  });

  it('keeps at most one draw per interval while events arrive 20 times a second', () => {
    const clock = fakeClock();
    const drawn: number[] = [];
    const th = createThrottle<number>((v) => drawn.push(v), { minIntervalMs: 1000, maxDuty: 0.1, ...clock });
    for (let i = 0; i < 200; i++) {
      th.push(i);
      clock.advance((i + 1) * 50);
    }
    // Events over [0, 10 s]: one draw at t = 0, then one each second up to t = 10 s: 11.
    expect(drawn.length).toBe(11);
    expect(drawn.at(-1)).toBeGreaterThan(180);
  });

  it('stretches the interval so expensive draws use at most maxDuty of the time', () => {
    const clock = fakeClock();
    let draws = 0;
    const th = createThrottle<number>(
      () => {
        draws++;
        th.measure(() => clock.spend(400)); // a 400 ms draw
      },
      { minIntervalMs: 1000, maxDuty: 0.1, ...clock },
    );
    for (let i = 0; i < 600; i++) {
      th.push(i);
      clock.advance(clock.now() + 50);
    }
    const elapsed = clock.now();
    expect(th.interval()).toBe(4000);
    // Drawing time / wall time <= 10 % (plus one draw's share at the start).
    expect((draws * 400) / elapsed).toBeLessThanOrEqual(0.1 + 400 / elapsed);
  });

  it('dispose drops the scheduled draw', () => {
    const clock = fakeClock();
    const drawn: number[] = [];
    const th = createThrottle<number>((v) => drawn.push(v), { minIntervalMs: 1000, maxDuty: 0.1, ...clock });
    th.push(1);
    th.dispose();
    clock.advance(5000);
    expect(drawn).toEqual([]);
  });
});
