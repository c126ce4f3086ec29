/**
 * The reporters tasks hand to the shared step loop (runs/runtime/reporters, engine/molecules/
 * metad-schedule.ts): each reports at exactly the steps of its schedule (closed form), writes
 * exactly those rows/frames, and keeps its place across a checkpoint's cut-back.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSteps, type Stepper } from '../../src-main/engine/integrators/simulation';
import { RawRowsFile, RowsReporter, FLUSH_BYTES } from '../../src-main/runs/runtime/reporters/rows';
import { DcdReporter } from '../../src-main/runs/runtime/reporters/dcd';
import { ClockReporter } from '../../src-main/runs/runtime/reporters/clock';
import { TaskClock } from '../../src-main/runs/runtime/task-clock';
import { cutBackToCheckpoint, readRows } from '../../src-main/runs/runtime/raw-files';
import { encodeDcdHeader, parseDcd } from '../../src-main/engine/molecules/formats/dcd';
import { HillDepositReporter } from '../../src-main/engine/molecules/metad-schedule';
import type { AtomicCvMetad } from '../../src-main/engine/molecules/metad-cv';

const dir = mkdtempSync(join(tmpdir(), 'liftwell-reporters-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Three atoms whose coordinates encode the step (atom a, axis d: step + 0.1 a + 0.01 d), and a stand-in for the hill deposit of a force evaluation. */
class ToyStepper implements Stepper {
  step = 0;
  readonly positions = new Float64Array(9);
  /** depositAtStep values consumed by the "force evaluation" of each step (as AtomicCvMetad does). */
  readonly deposits: number[] = [];
  constructor(private readonly bias: { depositAtStep: number | null } | null = null) {}
  integrate(nSteps: number): void {
    for (let s = 0; s < nSteps; s++) {
      this.step++;
      for (let i = 0; i < 9; i++) this.positions[i] = this.step + 0.1 * Math.floor(i / 3) + 0.01 * (i % 3);
      if (this.bias && this.bias.depositAtStep !== null) {
        // A hill is stamped with the step it was armed for; arming for another step is a bug.
        this.deposits.push(this.bias.depositAtStep === this.step ? this.step : -this.bias.depositAtStep);
        this.bias.depositAtStep = null;
      }
    }
  }
}

describe('RowsReporter and RawRowsFile', () => {
  it('takes a row at first, first + every, ... and writes exactly those rows; a checkpoint cut-back resumes in place', () => {
    const path = join(dir, 'rows.f64');
    const file = new RawRowsFile(path, 2);
    const stepper = new ToyStepper();
    const rows = new RowsReporter<ToyStepper>(file, 25, 10, (out, at, step, s) => {
      out[at] = step;
      out[at + 1] = s.positions[0] * 2;
    });
    runSteps(stepper, 60, [rows]);
    file.flush();
    const checkpointRows = file.rows; // 25, 35, 45, 55
    expect(checkpointRows).toBe(4);
    runSteps(stepper, 40, [rows]); // 65 .. 95, buffered, then "crash": never flushed
    expect(file.rows).toBe(8);
    file.flush();
    // Resume from the checkpoint at step 60: cut back, go on with a fresh file object.
    cutBackToCheckpoint([file.cutBack(checkpointRows)], true);
    const resumed = new RawRowsFile(path, 2, checkpointRows);
    const again = new ToyStepper();
    again.step = 60;
    runSteps(again, 40, [new RowsReporter<ToyStepper>(resumed, 25, 10, (out, at, step, s) => { out[at] = step; out[at + 1] = s.positions[0] * 2; })]);
    resumed.flush();
    const expected = [25, 35, 45, 55, 65, 75, 85, 95].flatMap((s) => [s, 2 * s]);
    expect(Array.from(readRows(path, 2))).toEqual(expected);
    expect(() => resumed.push([1, 2, 3])).toThrow(/needs 2 values \(got 3\)/);
  });

  it('appends a full buffer to disk (memory stays flat) and loses no row doing so', () => {
    const path = join(dir, 'wide.f64');
    const width = 1000;
    const file = new RawRowsFile(path, width);
    const rowsPerFlush = FLUSH_BYTES / (8 * width); // 524.288: the buffer flushes after 525 rows
    for (let r = 0; r < 600; r++) file.push(Float64Array.from({ length: width }, (_, i) => r * width + i));
    expect(statSync(path).size).toBeGreaterThanOrEqual(Math.floor(rowsPerFlush) * width * 8);
    file.flush();
    const back = readRows(path, width);
    expect(back.length).toBe(600 * width);
    for (let i = 0; i < back.length; i += 997) expect(back[i]).toBe(i);
  });
});

describe('DcdReporter', () => {
  it('writes a frame at every scheduled step with the positions of that step and a header that counts them', () => {
    const path = join(dir, 'traj.dcd');
    const header = () => encodeDcdHeader({ nAtoms: 3, nFrames: 0, hasUnitCell: false, timestepPs: 0.001, istart: 7, nsavc: 7, titles: ['test'] });
    const dcd = new DcdReporter<ToyStepper>(path, 3, header, 7, 7);
    dcd.start();
    const stepper = new ToyStepper();
    runSteps(stepper, 30, [dcd]);
    dcd.flush(); // a checkpoint: the file is readable with 4 frames
    expect(parseDcd(new Uint8Array(readFileSync(path))).nFrames).toBe(4);
    runSteps(stepper, 20, [dcd]);
    dcd.flush();
    const frames = parseDcd(new Uint8Array(readFileSync(path)));
    expect(frames.nFrames).toBe(7); // steps 7, 14, ..., 49
    expect(dcd.frames).toBe(7);
    for (let f = 0; f < 7; f++) {
      const step = 7 * (f + 1);
      // DCD stores float32 Angstrom; the reader gives nm: compare at float32 precision.
      expect(frames.positions[f * 9]).toBeCloseTo(step, 4);
      expect(frames.positions[f * 9 + 5]).toBeCloseTo(step + 0.12, 4);
    }
    expect(dcd.cutBack(2)).toEqual([path, header().length + 2 * (statSync(path).size - header().length) / 7]);
  });
});

describe('ClockReporter', () => {
  it('reads the clock every N steps whatever else cuts the chunks, after the rows of the same step', () => {
    let t = 0;
    const ticks: number[] = [];
    const checkpoints: { step: number; rows: number }[] = [];
    const stepper = new ToyStepper();
    const file = new RawRowsFile(join(dir, 'clock.f64'), 1);
    const rows = new RowsReporter(file, 30, 30, (out, at, step) => { out[at] = step; });
    const clock = new TaskClock(
      { progressIntervalMs: 0, checkpointIntervalMs: 250, now: () => (t += 100) },
      { progress: () => ticks.push(stepper.step), checkpoint: () => checkpoints.push({ step: stepper.step, rows: file.rows }) },
    );
    runSteps(stepper, 1000, [rows, new ClockReporter(clock, 100)]);
    expect(ticks).toEqual(Array.from({ length: 10 }, (_, i) => 100 * (i + 1)));
    // The clock reads 100 ms per call (constructor, tick, and after a checkpoint): a checkpoint every
    // third tick. At step 300 (a row step too) the checkpoint already holds row 300 (10 rows).
    expect(checkpoints[0]).toEqual({ step: 300, rows: 10 });
    expect(checkpoints.every((c) => c.rows === Math.floor(c.step / 30))).toBe(true);
  });
});

describe('HillDepositReporter', () => {
  const run = (pace: number, from: number, n: number) => {
    const bias = { depositAtStep: null as number | null };
    const stepper = new ToyStepper(bias);
    stepper.step = from;
    runSteps(stepper, n, [new HillDepositReporter(bias as unknown as AtomicCvMetad, pace, from)]);
    return stepper.deposits;
  };
  it('arms a hill for every multiple of pace, from any start step (closed form)', () => {
    expect(run(1, 0, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(run(5, 0, 23)).toEqual([5, 10, 15, 20]);
    // Resumed just before a deposit step (the reporter made at step 4 arms step 5) and just after one.
    expect(run(5, 4, 12)).toEqual([5, 10, 15]);
    expect(run(5, 5, 11)).toEqual([10, 15]);
    expect(run(7, 3, 100)).toEqual(Array.from({ length: 14 }, (_, i) => 7 * (i + 1)));
  });
});
