/**
 * COLVAR-style frame recorder for metadynamics runs: at each report, one row per walker with
 * time, walker, every coordinate, the bias the walker feels and c(t) (for Tiwary-Parrinello
 * reweighting). Register it BEFORE the metadynamics reporter so that, as in PLUMED's COLVAR, a
 * row at a deposition step holds the bias before that step's hills are added.
 */
import { EngineInputError } from '../errors';
import type { WalkerView, WellTemperedMetad } from './metad';

export class ColvarRecorder {
  readonly fields: string[];
  private buf: Float64Array;
  private n = 0;
  private readonly width: number;

  constructor(
    readonly interval: number,
    readonly metad: WellTemperedMetad,
    coordinateNames: readonly string[],
    readonly timeStep = 1,
    /** Skip c(t) (a pass over the grid after each new hill) when false. */
    readonly withRct = true,
  ) {
    if (!Number.isSafeInteger(interval) || interval < 1) throw new EngineInputError(`COLVAR stride must be a positive integer (got ${String(interval)})`);
    this.fields = ['time', 'walker', ...coordinateNames, 'metad.bias', ...(withRct ? ['metad.rct'] : [])];
    this.width = this.fields.length;
    this.buf = new Float64Array(1024 * this.width);
  }

  report(sim: WalkerView): void {
    const need = sim.nWalkers * this.width;
    if (this.n + need > this.buf.length) {
      const next = new Float64Array(Math.max(2 * this.buf.length, this.n + need));
      next.set(this.buf.subarray(0, this.n));
      this.buf = next;
    }
    const rct = this.withRct ? this.metad.rct() : 0;
    const time = sim.step * this.timeStep;
    for (let w = 0; w < sim.nWalkers; w++) {
      const off = w * sim.dim;
      let k = this.n;
      this.buf[k++] = time;
      this.buf[k++] = w;
      for (let d = 0; d < sim.dim; d++) this.buf[k++] = sim.positions[off + d];
      this.buf[k++] = this.metad.energy(sim.positions, off);
      if (this.withRct) this.buf[k++] = rct;
      this.n = k;
    }
  }

  get rows(): number {
    return this.n / this.width;
  }

  /** One Float64Array per field with the recorded rows (a copy; the recorder keeps them). */
  columns(): Float64Array[] {
    const rows = this.rows;
    return this.fields.map((_, j) => {
      const col = new Float64Array(rows);
      for (let r = 0; r < rows; r++) col[r] = this.buf[r * this.width + j];
      return col;
    });
  }

  /** Like columns() but empties the recorder (stream long runs to disk, memory stays flat). */
  take(): Float64Array[] {
    const cols = this.columns();
    this.n = 0;
    return cols;
  }
}
