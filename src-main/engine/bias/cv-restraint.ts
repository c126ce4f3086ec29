/**
 * A harmonic restraint on any CV given as a CoordinateFunction (a learned CV, an expression):
 * W(x) = kappa/2 (xi(x) - AT)^2, force -kappa (xi - AT) grad xi. The spring arithmetic is the
 * shared HarmonicRestraint's (restraint.ts); this adds the chain rule through grad xi, as the
 * molecular umbrella does for atomic CVs. It is a general Bias for the overdamped and BAOAB
 * integrators.
 */
import type { Bias } from '../integrators/overdamped';
import { EngineInputError } from '../errors';
import type { CoordinateFunction } from '../workflows/observables';
import { HarmonicRestraint } from './restraint';

export class CvRestraint implements Bias {
  private readonly restraint: HarmonicRestraint;
  private readonly grad: Float64Array;
  private readonly at: number;
  private readonly kappa: number;

  constructor(
    private readonly cv: CoordinateFunction,
    at: number,
    kappa: number,
  ) {
    this.restraint = new HarmonicRestraint({ at: [at], kappa: [kappa] });
    this.at = this.restraint.at[0];
    this.kappa = this.restraint.kappa[0];
    this.grad = new Float64Array(cv.dim);
  }

  checkDimension(dim: number): void {
    if (dim !== this.cv.dim) throw new EngineInputError(`the restrained CV ${this.cv.text} takes ${this.cv.dim} coordinates, the system has ${dim}`);
  }

  energy(x: Float64Array, offset: number): number {
    const d = this.cv.value(x, offset) - this.at;
    return 0.5 * this.kappa * d * d;
  }

  addForce(x: Float64Array, offset: number, out: Float64Array, outOffset: number): number {
    const d = this.cv.valueAndGradient(x, offset, this.grad, 0) - this.at;
    const f = -this.kappa * d;
    for (let i = 0; i < this.grad.length; i++) out[outOffset + i] += f * this.grad[i];
    return 0.5 * this.kappa * d * d;
  }
}
