/**
 * Float64 rows that a task streams to a raw file (../raw-files.ts): buffered in memory and
 * appended when the buffer is large or a checkpoint flushes it, so memory stays flat however
 * long a run is. `rows` counts every row taken (on disk + buffered); a checkpoint records it
 * after flush(), and a resume cuts the file back to `cutBack(rows)` and goes on from there.
 *
 * RawRowsFile is the file; RowsReporter takes a row every `every` steps from step `first` on
 * (an absolute schedule: a resumed run takes its rows at the same steps).
 */
import { stepsUntilScheduled, checkInterval, type StepReporter, type Stepper } from '../../../engine/integrators/simulation';
import { appendRows } from '../raw-files';

/** Buffered rows are appended once they hold this many bytes. */
export const FLUSH_BYTES = 4 << 20;

export class RawRowsFile {
  /** Rows taken so far, on disk and buffered. */
  rows: number;
  private buffer: Float64Array;
  private pending = 0;

  constructor(
    readonly path: string,
    readonly width: number,
    rowsOnDisk = 0,
  ) {
    this.rows = rowsOnDisk;
    this.buffer = new Float64Array(Math.max(width, Math.min(FLUSH_BYTES / 8, 1024 * width)));
  }

  /** The [path, bytes] a checkpoint with `rows` rows cuts this file back to (cutBackToCheckpoint). */
  cutBack(rows: number): readonly [string, number] {
    return [this.path, rows * this.width * 8];
  }

  /** Room for one more row: write its `width` values at the returned offset of `values()`. */
  reserveRow(): number {
    if (this.pending + this.width > this.buffer.length) {
      // Append rather than grow past FLUSH_BYTES: memory stays flat however many rows come.
      if (this.pending > 0 && (this.pending + this.width) * 8 > FLUSH_BYTES) this.flush();
      else {
        const grown = new Float64Array(Math.max(2 * this.buffer.length, this.pending + this.width));
        grown.set(this.buffer.subarray(0, this.pending));
        this.buffer = grown;
      }
    }
    const at = this.pending;
    this.pending += this.width;
    this.rows++;
    return at;
  }

  /** The buffer reserveRow() offsets point into (valid until the next reserveRow()). */
  values(): Float64Array {
    return this.buffer;
  }

  /** Appends one row given as numbers (hills and other rows that do not come from a schedule). */
  push(row: ArrayLike<number>): void {
    if (row.length !== this.width) throw new Error(`a row of ${this.path} needs ${this.width} values (got ${row.length})`);
    const at = this.reserveRow();
    for (let i = 0; i < this.width; i++) this.buffer[at + i] = row[i];
  }

  /** Writes the buffered rows to the file. */
  flush(): void {
    if (this.pending === 0) return;
    appendRows(this.path, this.buffer.subarray(0, this.pending));
    this.pending = 0;
  }
}

/** Fills one row of `width` values at out[offset..] from the stepper's state at `step`. */
export type RowFill<S> = (out: Float64Array, offset: number, step: number, stepper: S) => void;

export class RowsReporter<S extends Stepper = Stepper> implements StepReporter<S> {
  constructor(
    readonly file: RawRowsFile,
    private readonly first: number,
    private readonly every: number,
    private readonly fill: RowFill<S>,
  ) {
    checkInterval(every, `row stride of ${file.path}`);
  }

  describeNextReport(step: number): number {
    return stepsUntilScheduled(step, this.first, this.every);
  }

  report(step: number, stepper: S): void {
    const at = this.file.reserveRow();
    this.fill(this.file.values(), at, step, stepper);
  }
}
