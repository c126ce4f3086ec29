/**
 * One harmonic restraint over k CVs, as PLUMED's RESTRAINT with AT and KAPPA vectors:
 *
 *   U(s) = sum_i kappa_i / 2 * d_i^2,   d_i = s_i - AT_i  (minimum image where CV i is periodic),
 *   dU/ds_i = kappa_i * d_i.
 *
 * Every spring in Liftwell goes through here: umbrella windows on toy coordinates (1D and 2D
 * grids, `CoordinateRestraint`), the molecular umbrella on atomic CVs (engine/molecules/
 * umbrella-cv.ts, chain rule through the CV gradient) and the unbiasing of restrained walker
 * ensembles. The arithmetic (0.5 * k * d * d, force -k * d, the wrap d - p floor(d/p + 1/2)) is
 * the one those places used before, so runs give the same bits as before the restraint was shared.
 */
import { EngineInputError } from '../errors';
import type { HarmonicBias } from './umbrella';

export interface RestraintSpec {
  /** AT: the centre per CV. */
  at: readonly number[];
  /** KAPPA: the spring constant per CV (energy per CV unit squared), >= 0. */
  kappa: readonly number[];
  /** Period per CV (max - min of a periodic CV, e.g. 2 pi for a dihedral); 0 or absent = not periodic. */
  periods?: readonly number[];
}

/** A checked restraint: typed arrays, one entry per CV. */
export class HarmonicRestraint {
  readonly at: Float64Array;
  readonly kappa: Float64Array;
  readonly periods: Float64Array;
  readonly size: number;

  constructor(spec: RestraintSpec) {
    const k = spec.at.length;
    const problems: string[] = [];
    if (k < 1) problems.push('a restraint needs at least one CV (AT is empty)');
    if (spec.kappa.length !== k) problems.push(`give one KAPPA per CV (${k} AT values, ${spec.kappa.length} KAPPA values)`);
    if (spec.periods && spec.periods.length !== k) problems.push(`give one period per CV (${k} AT values, ${spec.periods.length} periods)`);
    spec.at.forEach((a, i) => {
      if (!Number.isFinite(a)) problems.push(`AT[${i}] must be finite (got ${a})`);
    });
    spec.kappa.forEach((kappa, i) => {
      if (!Number.isFinite(kappa) || !(kappa >= 0)) problems.push(`KAPPA[${i}] must be a finite number >= 0 (got ${kappa})`);
    });
    spec.periods?.forEach((p, i) => {
      if (!Number.isFinite(p) || p < 0) problems.push(`period[${i}] must be a finite number >= 0 (got ${p})`);
    });
    if (problems.length) throw new EngineInputError(problems);
    this.size = k;
    this.at = Float64Array.from(spec.at);
    this.kappa = Float64Array.from(spec.kappa);
    this.periods = spec.periods ? Float64Array.from(spec.periods) : new Float64Array(k);
  }

  /** d_i: the (minimum-image, where periodic) difference of value s to AT_i. */
  displacement(i: number, s: number): number {
    const d = s - this.at[i];
    const p = this.periods[i];
    return p > 0 ? d - p * Math.floor(d / p + 0.5) : d;
  }

  /**
   * U at CV values s (s[i] for CV i). When `gradient` is given, writes dU/ds_i = scale kappa_i d_i
   * into gradient[i]. `scale` multiplies every kappa (a spring being ramped in; 1 = the restraint).
   */
  evaluate(s: ArrayLike<number>, gradient: Float64Array | null = null, scale = 1): number {
    let u = 0;
    for (let i = 0; i < this.size; i++) {
      const k = scale * this.kappa[i];
      const d = this.displacement(i, s[i]);
      u += 0.5 * k * d * d;
      if (gradient) gradient[i] = k * d;
    }
    return u;
  }

  /**
   * U of one CV alone (its term of the sum), for unbiasing histograms. Written kappa/2 * d ** 2
   * as the ensemble analysis has always computed it, so its FES keeps its bits (evaluate()'s
   * 0.5 k d d may differ from it in the last bit).
   */
  term(i: number, s: number): number {
    const d = this.displacement(i, s);
    return 0.5 * this.kappa[i] * d ** 2;
  }

  /**
   * A one-CV restraint on coordinate `cvIndex` as the integrators' built-in single-coordinate
   * spring (the inline fast path of the CPU kernel and the tensor force formula).
   */
  asCoordinateBias(cvIndex: number): HarmonicBias {
    if (this.size !== 1) throw new EngineInputError(`the built-in coordinate spring takes one CV (this restraint has ${this.size})`);
    return { cvIndex, center: this.at[0], spring: this.kappa[0], ...(this.periods[0] > 0 ? { period: this.periods[0] } : {}) };
  }
}

/**
 * The restraint on coordinates of a toy system (CV i = x[cvIndices[i]]), as the integrators'
 * general bias: adds -dU/dx into the force and returns U. CV values need no chain rule here.
 */
export class CoordinateRestraint {
  readonly restraint: HarmonicRestraint;
  readonly cvIndices: readonly number[];

  constructor(cvIndices: readonly number[], spec: RestraintSpec) {
    this.restraint = new HarmonicRestraint(spec);
    if (cvIndices.length !== this.restraint.size) {
      throw new EngineInputError(`give one coordinate per restrained CV (${this.restraint.size} AT values, ${cvIndices.length} coordinates)`);
    }
    cvIndices.forEach((c, i) => {
      if (!Number.isInteger(c) || c < 0) throw new EngineInputError(`restrained coordinate ${i} must be a non-negative integer (got ${c})`);
    });
    this.cvIndices = [...cvIndices];
  }

  addForce(x: Float64Array, offset: number, out: Float64Array, outOffset: number): number {
    const r = this.restraint;
    let u = 0;
    for (let i = 0; i < r.size; i++) {
      const cv = this.cvIndices[i];
      const k = r.kappa[i];
      const d = r.displacement(i, x[offset + cv]);
      out[outOffset + cv] -= k * d;
      u += 0.5 * k * d * d;
    }
    return u;
  }

  energy(x: Float64Array, offset: number): number {
    const r = this.restraint;
    let u = 0;
    for (let i = 0; i < r.size; i++) {
      const d = r.displacement(i, x[offset + this.cvIndices[i]]);
      u += 0.5 * r.kappa[i] * d * d;
    }
    return u;
  }

  checkDimension(dim: number): void {
    for (const cv of this.cvIndices) if (cv >= dim) throw new EngineInputError(`restrained coordinate ${cv} is outside a ${dim}-dimensional system`);
  }
}
