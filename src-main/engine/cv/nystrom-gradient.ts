/**
 * One diffusion coordinate of a point and its gradient, through the Nystrom extension that
 * extendDiffusionMap (dmap.ts) evaluates:
 *
 *   Psi_k(q) = lambda_k^(t-1) sum_j w_j(q) psi_jk / sum_j w_j(q),
 *   w_j(q) = exp(-|q - l_j|^2 / eps) q_j^-alpha,
 *
 * so with the normalised weights p_j = w_j / sum w and dw_j/dq = -2 (q - l_j) w_j / eps,
 *
 *   dPsi_k/dq = -(2 / eps) lambda_k^(t-1) [ sum_j p_j (q - l_j) psi_jk - (sum_j p_j (q - l_j)) (sum_j p_j psi_jk) ],
 *
 * a weighted covariance of the displacement and the eigenvector. This is what a bias on a
 * learned CV needs (its force is -dW/dPsi grad Psi) and what the generalised mean force needs.
 * The minimum squared distance is factored out of every weight (it cancels in the ratio), as in
 * extendDiffusionMap, so the value is the same to rounding.
 */
import { EngineInputError } from '../errors';
import type { DiffusionMapModel } from './dmap';

export class NystromCoordinate {
  private readonly d2: Float64Array;
  private readonly factor: number;
  readonly dim: number;

  constructor(
    private readonly model: DiffusionMapModel,
    /** 1-based component k (psi_1 is the slowest non-trivial coordinate). */
    readonly component: number,
  ) {
    if (!Number.isInteger(component) || component < 1 || component > model.components) {
      throw new EngineInputError(`diffusion coordinate ${component} does not exist (the map has ${model.components})`);
    }
    this.d2 = new Float64Array(model.landmarkCount);
    this.factor = Math.pow(model.eigenvalues[component - 1], model.t - 1);
    this.dim = model.dim;
  }

  /** Psi_k of q[offset..offset+dim); when grad is given, writes dPsi_k/dq into grad[gradOffset..]. */
  evaluate(q: ArrayLike<number>, offset: number, grad?: Float64Array, gradOffset = 0): number {
    const { dim, landmarkCount: m, components: K, landmarks: L, qAlpha, psi, epsilon } = this.model;
    const k = this.component - 1;
    const d2 = this.d2;
    let dmin = Infinity;
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let c = 0; c < dim; c++) {
        const diff = q[offset + c] - L[j * dim + c];
        s += diff * diff;
      }
      d2[j] = s;
      if (s < dmin) dmin = s;
    }
    const inv = 1 / epsilon;
    let norm = 0;
    let sumPsi = 0;
    if (grad) for (let c = 0; c < dim; c++) grad[gradOffset + c] = 0;
    // First pass: sums of w, w psi, and (when asked) w (q - l) psi and w (q - l) into grad and a scratch.
    let sx0 = 0, sx1 = 0, sx2 = 0; // sum w (q - l) for up to 3 dims fast path
    const wide = dim > 3 ? new Float64Array(dim) : null;
    for (let j = 0; j < m; j++) {
      const w = Math.exp(-(d2[j] - dmin) * inv) * qAlpha[j];
      if (w === 0) continue;
      const pj = psi[j * K + k];
      norm += w;
      sumPsi += w * pj;
      if (!grad) continue;
      for (let c = 0; c < dim; c++) {
        const disp = q[offset + c] - L[j * dim + c];
        grad[gradOffset + c] += w * disp * pj;
        if (wide) wide[c] += w * disp;
        else if (c === 0) sx0 += w * disp;
        else if (c === 1) sx1 += w * disp;
        else sx2 += w * disp;
      }
    }
    if (!(norm > 0)) throw new EngineInputError('the point is too far from every landmark of the diffusion map to extend it');
    const mean = sumPsi / norm;
    if (grad) {
      const scale = -2 * inv * this.factor;
      for (let c = 0; c < dim; c++) {
        const sx = wide ? wide[c] : c === 0 ? sx0 : c === 1 ? sx1 : sx2;
        grad[gradOffset + c] = scale * (grad[gradOffset + c] / norm - (sx / norm) * mean);
      }
    }
    return this.factor * mean;
  }
}
