/**
 * Geometric harmonics (Coifman & Lafon 2006, "Geometric harmonics: a novel tool for multiscale
 * out-of-sample extension of empirical functions"): extend any function f known on m points
 * (a diffusion coordinate psi, or the inverse map psi -> x) to new points.
 *
 * With the symmetric kernel W_ij = exp(-|x_i - x_j|^2 / eps) = sum_l mu_l phi_l phi_l^T, keep the
 * modes with mu_l >= delta * mu_0 (the ill-conditioned tail is dropped: that is the regularisation),
 * and extend
 *   f(x) ~ sum_{kept l} (1/mu_l) <phi_l, f> sum_j k(x, x_j) phi_l(x_j) = sum_j k(x, x_j) w_j,
 *   w = Phi_kept diag(1/mu) Phi_kept^T f,
 * so after fitting an extension costs one kernel row per point. At training points it returns
 * the projection of f onto the kept modes (f itself when nothing is dropped).
 * Dense eigen-decomposition: m is limited to MAX_GH_POINTS (subsample to landmarks first).
 */
import { EngineInputError } from '../errors';
import { checkPoints } from './dmap';
import { symmetricEigen } from './linalg';

export const MAX_GH_POINTS = 3000;

export interface GeometricHarmonicsOptions {
  /** Kernel scale (same convention as diffusion maps: exp(-d^2/eps)). */
  epsilon: number;
  /** Relative eigenvalue cut-off; default 1e-8. */
  delta?: number;
}

export interface GeometricHarmonicsModel {
  dim: number;
  outputs: number;
  epsilon: number;
  points: Float64Array;
  count: number;
  /** m x outputs weights w. */
  weights: Float64Array;
  modesKept: number;
}

/** Fit on m points (m x dim) with values (m x outputs). */
export function fitGeometricHarmonics(points: Float64Array, m: number, dim: number, values: Float64Array, outputs: number, opts: GeometricHarmonicsOptions): GeometricHarmonicsModel {
  checkPoints(points, m, dim, 'geometric harmonics points');
  checkPoints(values, m, outputs, 'geometric harmonics values');
  if (m > MAX_GH_POINTS) throw new EngineInputError(`geometric harmonics: at most ${MAX_GH_POINTS} points (got ${m}); fit on landmarks`);
  if (!(opts.epsilon > 0) || !Number.isFinite(opts.epsilon)) throw new EngineInputError(`geometric harmonics epsilon must be a finite number > 0 (got ${opts.epsilon})`);
  const delta = opts.delta ?? 1e-8;
  if (!(delta > 0 && delta < 1)) throw new EngineInputError(`geometric harmonics delta must be in (0, 1) (got ${delta})`);
  const W = new Float64Array(m * m);
  const inv = 1 / opts.epsilon;
  for (let i = 0; i < m; i++) {
    W[i * m + i] = 1;
    for (let j = i + 1; j < m; j++) {
      let s = 0;
      for (let c = 0; c < dim; c++) {
        const diff = points[i * dim + c] - points[j * dim + c];
        s += diff * diff;
      }
      const k = Math.exp(-s * inv);
      W[i * m + j] = k;
      W[j * m + i] = k;
    }
  }
  const eig = symmetricEigen(W, m);
  const cut = delta * eig.values[0];
  const weights = new Float64Array(m * outputs);
  const proj = new Float64Array(outputs);
  let kept = 0;
  for (let l = 0; l < m; l++) {
    const mu = eig.values[l];
    if (!(mu >= cut)) break;
    kept++;
    const phi = eig.vectors.subarray(l * m, l * m + m);
    proj.fill(0);
    for (let i = 0; i < m; i++) for (let o = 0; o < outputs; o++) proj[o] += phi[i] * values[i * outputs + o];
    for (let o = 0; o < outputs; o++) proj[o] /= mu;
    for (let i = 0; i < m; i++) for (let o = 0; o < outputs; o++) weights[i * outputs + o] += phi[i] * proj[o];
  }
  return { dim, outputs, epsilon: opts.epsilon, points: Float64Array.from(points), count: m, weights, modesKept: kept };
}

/** Extension to n new points (n x dim); returns n x outputs. */
export function extendGeometricHarmonics(model: GeometricHarmonicsModel, points: Float64Array, n: number): Float64Array {
  const { dim, outputs, count: m, points: X, weights } = model;
  checkPoints(points, n, dim, 'points to extend');
  const out = new Float64Array(n * outputs);
  const inv = 1 / model.epsilon;
  for (let p = 0; p < n; p++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let c = 0; c < dim; c++) {
        const diff = points[p * dim + c] - X[j * dim + c];
        s += diff * diff;
      }
      const k = Math.exp(-s * inv);
      if (k === 0) continue;
      for (let o = 0; o < outputs; o++) out[p * outputs + o] += k * weights[j * outputs + o];
    }
  }
  return out;
}
