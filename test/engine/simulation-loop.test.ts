import { describe, expect, it } from 'vitest';
import { fromIntervalReporter, runSteps, stepsUntilScheduled, type StepReporter, type Stepper } from '../../src-main/engine/integrators/simulation';
import { OverdampedSimulation } from '../../src-main/engine/integrators/overdamped';
import { BaoabSimulation } from '../../src-main/engine/integrators/baoab';
import { createSystem } from '../../src-main/engine/systems';

/** A stepper that only counts: every step it integrates is logged, so skips and repeats show. */
class CountingStepper implements Stepper {
  step = 0;
  calls = 0;
  readonly stepsSeen: number[] = [];
  integrate(nSteps: number): void {
    this.calls++;
    for (let s = 0; s < nSteps; s++) this.stepsSeen.push(++this.step);
  }
}

/** Reports at every multiple of `every` (an absolute schedule, as the rows reporters use). */
function every(k: number, seen: number[]): StepReporter {
  return { describeNextReport: (step) => k - (step % k), report: (step, s) => { expect(s.step).toBe(step); seen.push(step); } };
}

describe('runSteps (the shared step loop)', () => {
  it('reports every 7 and every 10 steps at exactly the right steps of 100 (closed form)', () => {
    const stepper = new CountingStepper();
    const at7: number[] = [];
    const at10: number[] = [];
    runSteps(stepper, 100, [every(7, at7), every(10, at10)]);
    // Closed form: the multiples of 7 and of 10 in 1..100.
    expect(at7).toEqual(Array.from({ length: 14 }, (_, i) => 7 * (i + 1)));
    expect(at10).toEqual(Array.from({ length: 10 }, (_, i) => 10 * (i + 1)));
    // Chunk boundaries are the union of both schedules plus the end: never a skipped or repeated step.
    expect(stepper.stepsSeen).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const stops = new Set([...at7, ...at10, 100]);
    expect(stepper.calls).toBe(stops.size);
  });

  it('integrates exactly n steps in total, also split over several calls and with no reporter', () => {
    const stepper = new CountingStepper();
    expect(runSteps(stepper, 37, [])).toBe(1);
    const seen: number[] = [];
    runSteps(stepper, 30, [every(7, seen)]);
    runSteps(stepper, 0, [every(7, seen)]);
    runSteps(stepper, 33, [every(7, seen)]);
    expect(stepper.step).toBe(100);
    expect(stepper.stepsSeen).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // Resuming mid-schedule keeps the absolute schedule: 42, 49, ..., 98.
    expect(seen).toEqual(Array.from({ length: 9 }, (_, i) => 42 + 7 * i));
  });

  it('a reporter that wants no report (Infinity) never cuts a chunk; a bad answer is refused by name', () => {
    const stepper = new CountingStepper();
    const never: StepReporter = { describeNextReport: () => Infinity, report: () => { throw new Error('must not report'); } };
    expect(runSteps(stepper, 50, [never])).toBe(1);
    const zero: StepReporter = { describeNextReport: () => 0, report: () => {} };
    expect(() => runSteps(stepper, 5, [zero])).toThrow(/asked to report after 0 steps at step 50/);
    const half: StepReporter = { describeNextReport: () => 1.5, report: () => {} };
    expect(() => runSteps(stepper, 5, [half])).toThrow(/whole number/);
    expect(() => runSteps(stepper, -1, [])).toThrow(/nSteps/);
    expect(() => fromIntervalReporter({ interval: 0, report: () => {} })).toThrow(/reporter interval must be a positive integer/);
  });

  it('stepsUntilScheduled counts to first, first + every, ... (> step)', () => {
    expect(stepsUntilScheduled(0, 25, 10)).toBe(25);
    expect(stepsUntilScheduled(24, 25, 10)).toBe(1);
    expect(stepsUntilScheduled(25, 25, 10)).toBe(10);
    expect(stepsUntilScheduled(31, 25, 10)).toBe(4);
  });

  it('drives the toy integrators bit-identically to one plain run, whatever the reporters cut', () => {
    const mb = createSystem({ kind: 'muller-brown', scale: 1 });
    const pos = new Float64Array([-0.5, 1.4, 0.6, 0.0, -0.05, 0.46]);
    const od = () => new OverdampedSimulation({ system: mb, kT: 15, dt: 1e-4, positions: pos, seed: 1, streamBase: 0 });
    const a = od();
    a.integrate(1000);
    const b = od();
    runSteps(b, 1000, [every(7, []), every(10, [])]);
    expect(Array.from(b.positions)).toEqual(Array.from(a.positions));
    const bo = () => new BaoabSimulation({ system: mb, kT: 15, dt: 2e-4, friction: 50, positions: pos, seed: 1, streamBase: 0 });
    const c = bo();
    c.integrate(1000);
    const d = bo();
    runSteps(d, 1000, [every(3, [])]);
    expect(d.getState()).toEqual(c.getState());
  });
});
