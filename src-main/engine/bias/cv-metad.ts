/**
 * Well-tempered metadynamics along any CV given as a CoordinateFunction (a learned CV): the
 * engine's WellTemperedMetad (one shared grid bias, hills in walker order, bit-identical resume)
 * acts on the CV value s = xi(x) as on a 1D coordinate, and its force is carried back to the
 * coordinates by the chain rule, -dW/ds grad xi (as the molecular metadynamics does for atomic CVs).
 */
import type { Bias } from '../integrators/overdamped';
import { EngineInputError } from '../errors';
import type { CoordinateFunction } from '../workflows/observables';
import { WellTemperedMetad, type MetadOptions, type WalkerView } from './metad';

export class CvMetad implements Bias {
  readonly metad: WellTemperedMetad;
  private readonly grad: Float64Array;
  private readonly s = new Float64Array(1);
  private readonly ds = new Float64Array(1);
  private sBuffer = new Float64Array(0);

  constructor(
    private readonly cv: CoordinateFunction,
    options: Omit<MetadOptions, 'cvs'>,
  ) {
    this.metad = new WellTemperedMetad({ ...options, cvs: [{ index: 0 }] });
    this.grad = new Float64Array(cv.dim);
  }

  checkDimension(dim: number): void {
    if (dim !== this.cv.dim) throw new EngineInputError(`the CV ${this.cv.text} takes ${this.cv.dim} coordinates, the system has ${dim}`);
  }

  energy(x: Float64Array, offset: number): number {
    this.s[0] = this.cv.value(x, offset);
    return this.metad.energy(this.s, 0);
  }

  addForce(x: Float64Array, offset: number, out: Float64Array, outOffset: number): number {
    this.s[0] = this.cv.valueAndGradient(x, offset, this.grad, 0);
    this.ds[0] = 0;
    const w = this.metad.addForce(this.s, 0, this.ds, 0); // ds = -dW/ds
    for (let i = 0; i < this.grad.length; i++) out[outOffset + i] += this.ds[0] * this.grad[i];
    return w;
  }

  /** Hills every `pace` steps at each walker's CV value, in walker order. */
  reporter(): { interval: number; report(sim: WalkerView): void } {
    return {
      interval: this.metad.pace,
      report: (sim: WalkerView) => {
        if (this.sBuffer.length !== sim.nWalkers) this.sBuffer = new Float64Array(sim.nWalkers);
        for (let w = 0; w < sim.nWalkers; w++) this.sBuffer[w] = this.cv.value(sim.positions, w * sim.dim);
        this.metad.depositFrom(this.sBuffer, sim.nWalkers, 1, sim.step);
      },
    };
  }
}
