/**
 * Well-tempered metadynamics evaluated as a plain sum over all hills (no grid): the textbook
 * form, O(number of hills) per force evaluation. Kept as a reference for tests (the grid bias
 * must agree with it) and for the benchmark that shows why the grid matters.
 * Periodic CVs use the minimum-image distance to each hill centre.
 */
import { EngineInputError } from '../errors';
import type { MetadCv, WalkerView } from './metad';

export interface HillSumOptions {
  cvs: MetadCv[];
  sigma: number[];
  height: number;
  pace: number;
  biasFactor: number;
  kT: number;
}

export class HillSumMetad {
  readonly cvs: readonly MetadCv[];
  readonly sigma: readonly number[];
  readonly pace: number;
  private centers: Float64Array;
  private heights: Float64Array;
  private n = 0;
  private readonly inv2s2: Float64Array;
  private readonly cvIdx: Int32Array;
  private readonly period: Float64Array;
  private readonly grad = new Float64Array(2);

  constructor(private readonly opts: HillSumOptions) {
    if (opts.cvs.length !== 1 && opts.cvs.length !== 2) throw new EngineInputError('metadynamics needs 1 or 2 CVs');
    if (!(opts.biasFactor > 1)) throw new EngineInputError('biasFactor must be > 1');
    this.cvs = opts.cvs;
    this.sigma = opts.sigma;
    this.pace = opts.pace;
    this.centers = new Float64Array(64 * opts.cvs.length);
    this.heights = new Float64Array(64);
    this.inv2s2 = Float64Array.from(opts.sigma, (s) => 1 / (2 * s * s));
    this.cvIdx = Int32Array.from(opts.cvs, (c) => c.index);
    this.period = Float64Array.from(opts.cvs, (c) => (c.periodic ? c.periodic.max - c.periodic.min : 0));
  }

  get hillCount(): number {
    return this.n;
  }

  /** V(s) and dV/ds into grad. */
  biasAtCv(s0: number, s1: number, grad: Float64Array): number {
    const d = this.cvs.length;
    const c = this.centers, h = this.heights, k = this.inv2s2, p = this.period;
    let v = 0, g0 = 0, g1 = 0;
    for (let j = 0; j < this.n; j++) {
      let x0 = s0 - c[j * d];
      if (p[0] > 0) x0 -= p[0] * Math.round(x0 / p[0]);
      let e = -k[0] * x0 * x0;
      let x1 = 0;
      if (d === 2) {
        x1 = s1 - c[j * d + 1];
        if (p[1] > 0) x1 -= p[1] * Math.round(x1 / p[1]);
        e -= k[1] * x1 * x1;
      }
      const gj = h[j] * Math.exp(e);
      v += gj;
      g0 -= 2 * k[0] * x0 * gj;
      if (d === 2) g1 -= 2 * k[1] * x1 * gj;
    }
    grad[0] = g0;
    grad[1] = g1;
    return v;
  }

  addForce(x: Float64Array, offset: number, out: Float64Array, outOffset: number): number {
    const ci = this.cvIdx;
    const v = this.biasAtCv(x[offset + ci[0]], ci.length === 2 ? x[offset + ci[1]] : 0, this.grad);
    out[outOffset + ci[0]] -= this.grad[0];
    if (ci.length === 2) out[outOffset + ci[1]] -= this.grad[1];
    return v;
  }

  energy(x: Float64Array, offset: number): number {
    const ci = this.cvIdx;
    return this.biasAtCv(x[offset + ci[0]], ci.length === 2 ? x[offset + ci[1]] : 0, this.grad);
  }

  addHill(center: readonly number[], height: number): void {
    const d = this.cvs.length;
    if (this.n === this.heights.length) {
      const c = new Float64Array(this.centers.length * 2);
      c.set(this.centers);
      this.centers = c;
      const h = new Float64Array(this.heights.length * 2);
      h.set(this.heights);
      this.heights = h;
    }
    for (let i = 0; i < d; i++) this.centers[this.n * d + i] = center[i];
    this.heights[this.n] = height;
    this.n++;
  }

  depositFrom(positions: Float64Array, nWalkers: number, dim: number): void {
    const d = this.cvs.length;
    const damp = 1 / (this.opts.kT * (this.opts.biasFactor - 1));
    for (let w = 0; w < nWalkers; w++) {
      const s = Array.from({ length: d }, (_, i) => positions[w * dim + this.cvIdx[i]]);
      const v = this.biasAtCv(s[0], s[1] ?? 0, this.grad);
      this.addHill(s, this.opts.height * Math.exp(-v * damp));
    }
  }

  reporter(): { interval: number; report(sim: WalkerView): void } {
    return { interval: this.pace, report: (sim: WalkerView) => this.depositFrom(sim.positions, sim.nWalkers, sim.dim) };
  }
}
