/**
 * Diffusion maps (Coifman & Lafon 2006; SCIENCE.md section 4) with landmarks and the Nystrom
 * extension to new points.
 *
 * On the m landmark points (all points when m = n):
 *   K_ij = exp(-|x_i - x_j|^2 / eps)                      Gaussian kernel
 *   q_i = sum_j K_ij,  Kt_ij = K_ij / (q_i q_j)^alpha       alpha = 1 removes the sampling density
 *   d_i = sum_j Kt_ij, P = D^-1 Kt                         row-stochastic Markov matrix
 *   A = D^-1/2 Kt D^-1/2 = S P S^-1 (S = D^1/2)           symmetric conjugate, same eigenvalues
 *   A v_k = lambda_k v_k, psi_k = v_k / sqrt(pi), pi = d / sum(d)
 * so P psi_k = lambda_k psi_k, psi_0 = 1, sum_i pi_i psi_k(i)^2 = 1 (Coifman-Lafon normalisation).
 * Diffusion coordinates: lambda_k^t psi_k for k = 1..K. Sign: each psi_k's largest-|.| entry > 0.
 *
 * Every point x (landmark or not) gets coordinates by Nystrom: p(x, j) = k(x, l_j) q_j^-alpha /
 * sum_j k(x, l_j) q_j^-alpha (the q(x)^-alpha factor of the alpha-normalisation cancels in the row
 * normalisation), psi_k(x) = (1/lambda_k) sum_j p(x, j) psi_k(j); at a landmark this is exactly
 * P psi_k / lambda_k = psi_k. Kernel sums are shifted by the smallest distance (a common factor),
 * so a point far from every landmark still gets a finite value (its nearest landmarks' average).
 *
 * Eigen-solver: dense Householder + QL up to `DENSE_LIMIT` landmarks, otherwise thick-restart
 * Lanczos on A with the known top eigenvector sqrt(pi) (eigenvalue 1) deflated.
 * Memory: one m x m Float64Array (the kernel is transformed in place into A).
 */
import { EngineInputError } from '../errors';
import { chooseEpsilon, type EpsilonScan } from './epsilon';
import { selectLandmarks, type LandmarkMethod } from './landmarks';
import { denseMatMulRows, denseMatVec, lanczosTop, symmetricEigen } from './linalg';

export const DENSE_LIMIT = 800;
export const DEFAULT_MAX_LANDMARKS = 5000;

export interface DiffusionMapOptions {
  /** Non-trivial coordinates wanted (K); default 2. */
  components?: number;
  /** Kernel scale, or 'auto' (default): the maximum log-log slope of the kernel sum. */
  epsilon?: number | 'auto';
  /** Density normalisation exponent in [0, 1]; default 1. */
  alpha?: number;
  /** Diffusion time t of the coordinates lambda^t psi; default 1. */
  t?: number;
  /** Landmark count m; default min(n, 5000). m = n uses every point. */
  landmarks?: number;
  landmarkMethod?: LandmarkMethod;
  seed?: number;
  solver?: 'auto' | 'dense' | 'lanczos';
  /** Lanczos residual tolerance (relative to the top eigenvalue 1); default 1e-11. */
  tolerance?: number;
}

export interface DiffusionMapModel {
  dim: number;
  epsilon: number;
  alpha: number;
  t: number;
  /** Landmark coordinates, m x dim, row-major. */
  landmarks: Float64Array;
  landmarkCount: number;
  /** q_j^-alpha at the landmarks (for the Nystrom extension). */
  qAlpha: Float64Array;
  /** Non-trivial eigenvalues lambda_1..lambda_K. */
  eigenvalues: Float64Array;
  /** psi_1..psi_K at the landmarks, m x K row-major. */
  psi: Float64Array;
  components: number;
}

export interface DiffusionMapResult {
  model: DiffusionMapModel;
  /** lambda_1..lambda_K (the trivial lambda_0 = 1 is not included). */
  eigenvalues: Float64Array;
  /** n x K row-major diffusion coordinates lambda_k^t psi_k of every input point. */
  coordinates: Float64Array;
  epsilon: number;
  epsilonScan: EpsilonScan | null;
  landmarkIndices: Int32Array;
  solver: 'dense' | 'lanczos';
  /** Largest |A v - lambda v| of the returned eigenvectors (a check on the solver). */
  maxResidual: number;
  matVecs: number;
}

/** Throws EngineInputError unless data is a finite n x dim array. */
export function checkPoints(points: Float64Array, n: number, dim: number, what = 'data'): void {
  if (!(points instanceof Float64Array)) throw new EngineInputError(`${what} must be a Float64Array`);
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(dim) || dim < 1) throw new EngineInputError(`${what} shape must be positive integers (got ${n} x ${dim})`);
  if (points.length !== n * dim) throw new EngineInputError(`${what} has ${points.length} values, expected ${n} x ${dim} = ${n * dim}`);
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points[i])) {
      throw new EngineInputError(`${what} row ${Math.floor(i / dim)}, column ${i % dim} is not a finite number (${points[i]})`);
    }
  }
}

export function diffusionMap(points: Float64Array, n: number, dim: number, opts: DiffusionMapOptions = {}): DiffusionMapResult {
  checkPoints(points, n, dim);
  const K = opts.components ?? 2;
  const alpha = opts.alpha ?? 1;
  const t = opts.t ?? 1;
  const seed = opts.seed ?? 0;
  const m = opts.landmarks ?? Math.min(n, DEFAULT_MAX_LANDMARKS);
  const problems: string[] = [];
  if (n < 3) problems.push(`diffusion maps need at least 3 points (got ${n})`);
  if (!Number.isInteger(m) || m < 3 || m > n) problems.push(`landmarks must be an integer in [3, ${n}] (got ${m})`);
  if (!Number.isInteger(K) || K < 1 || K > m - 2) problems.push(`components must be an integer in [1, ${Math.max(1, m - 2)}] for ${m} landmark points (got ${K})`);
  if (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1)) problems.push(`alpha must be in [0, 1] (got ${alpha})`);
  if (typeof t !== 'number' || !(t >= 0) || !Number.isFinite(t)) problems.push(`t must be a finite number >= 0 (got ${t})`);
  if (opts.epsilon !== undefined && opts.epsilon !== 'auto' && !(typeof opts.epsilon === 'number' && opts.epsilon > 0 && Number.isFinite(opts.epsilon))) {
    problems.push(`epsilon must be 'auto' or a finite number > 0 (got ${String(opts.epsilon)})`);
  }
  if (!Number.isSafeInteger(seed)) problems.push(`seed must be an integer (got ${seed})`);
  if (problems.length) throw new EngineInputError(problems);

  const landmarkIndices = m === n ? Int32Array.from({ length: n }, (_, i) => i) : selectLandmarks(points, n, dim, m, opts.landmarkMethod ?? 'farthest', seed);
  const L = new Float64Array(m * dim);
  for (let c = 0; c < m; c++) L.set(points.subarray(landmarkIndices[c] * dim, landmarkIndices[c] * dim + dim), c * dim);

  let epsilonScan: EpsilonScan | null = null;
  let epsilon: number;
  if (opts.epsilon === undefined || opts.epsilon === 'auto') {
    epsilonScan = chooseEpsilon(L, m, dim, { seed });
    epsilon = epsilonScan.epsilon;
  } else epsilon = opts.epsilon;

  // Kernel (symmetric, filled both halves for a cache-friendly mat-vec).
  const A = new Float64Array(m * m);
  const inv = 1 / epsilon;
  for (let i = 0; i < m; i++) {
    A[i * m + i] = 1;
    const ri = i * dim;
    for (let j = i + 1; j < m; j++) {
      const rj = j * dim;
      let d2 = 0;
      for (let c = 0; c < dim; c++) {
        const diff = L[ri + c] - L[rj + c];
        d2 += diff * diff;
      }
      const k = Math.exp(-d2 * inv);
      A[i * m + j] = k;
      A[j * m + i] = k;
    }
  }
  const qAlpha = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let q = 0;
    for (let j = 0; j < m; j++) q += A[i * m + j];
    qAlpha[i] = alpha === 0 ? 1 : Math.pow(q, -alpha);
  }
  const d = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    const r = i * m;
    for (let j = 0; j < m; j++) {
      const v = A[r + j] * qAlpha[i] * qAlpha[j];
      A[r + j] = v;
      s += v;
    }
    d[i] = s;
  }
  let dSum = 0;
  for (let i = 0; i < m; i++) dSum += d[i];
  const sqrtD = new Float64Array(m);
  for (let i = 0; i < m; i++) sqrtD[i] = Math.sqrt(d[i]);
  for (let i = 0; i < m; i++) {
    const r = i * m;
    const si = 1 / sqrtD[i];
    for (let j = 0; j < m; j++) A[r + j] *= si / sqrtD[j];
  }

  // Leading non-trivial eigenpairs of A.
  const useDense = opts.solver === 'dense' || ((opts.solver ?? 'auto') === 'auto' && m <= DENSE_LIMIT);
  let values: Float64Array;
  let vectors: Float64Array; // K rows of length m: v_1..v_K
  let matVecs = 0;
  let maxResidual = 0;
  if (useDense) {
    const eig = symmetricEigen(A, m);
    values = eig.values.slice(1, K + 1);
    vectors = eig.vectors.slice(m, (K + 1) * m);
    // Residual check on A (one pass over A for all K vectors).
    const av = new Float64Array(K * m);
    denseMatMulRows(A, m, vectors, K, av);
    for (let k = 0; k < K; k++) {
      let rr = 0;
      for (let i = 0; i < m; i++) rr += (av[k * m + i] - values[k] * vectors[k * m + i]) ** 2;
      maxResidual = Math.max(maxResidual, Math.sqrt(rr));
    }
  } else {
    const v0 = new Float64Array(m);
    for (let i = 0; i < m; i++) v0[i] = sqrtD[i] / Math.sqrt(dSum);
    const res = lanczosTop((x, y) => denseMatVec(A, m, x, y), m, {
      k: K,
      deflate: [v0],
      tolerance: opts.tolerance ?? 1e-11,
      seed,
      matMulRows: (X, k, Y) => denseMatMulRows(A, m, X, k, Y),
    });
    if (!res.converged) throw new EngineInputError(`diffusion map eigen-solver did not converge in ${res.matVecs} products (try another epsilon or fewer components)`);
    values = res.values;
    vectors = res.vectors;
    matVecs = res.matVecs;
    for (const r of res.residuals) maxResidual = Math.max(maxResidual, r);
  }

  // psi_k = v_k / sqrt(pi), sign fixed by the largest entry.
  const psi = new Float64Array(m * K);
  const sqrtSum = Math.sqrt(dSum);
  for (let k = 0; k < K; k++) {
    let big = 0;
    let sign = 1;
    for (let i = 0; i < m; i++) {
      const v = vectors[k * m + i];
      if (Math.abs(v) > big) {
        big = Math.abs(v);
        sign = v > 0 ? 1 : -1;
      }
    }
    for (let i = 0; i < m; i++) psi[i * K + k] = (sign * vectors[k * m + i] * sqrtSum) / sqrtD[i];
  }

  const model: DiffusionMapModel = { dim, epsilon, alpha, t, landmarks: L, landmarkCount: m, qAlpha, eigenvalues: values, psi, components: K };
  let coordinates: Float64Array;
  if (m === n) {
    coordinates = new Float64Array(n * K);
    for (let k = 0; k < K; k++) {
      const f = Math.pow(values[k], t);
      for (let i = 0; i < n; i++) coordinates[i * K + k] = f * psi[i * K + k];
    }
  } else {
    coordinates = extendDiffusionMap(model, points, n);
    // Landmarks keep their exact eigenvector values (Nystrom reproduces them up to rounding).
    for (let c = 0; c < m; c++) {
      for (let k = 0; k < K; k++) coordinates[landmarkIndices[c] * K + k] = Math.pow(values[k], t) * psi[c * K + k];
    }
  }
  return { model, eigenvalues: values, coordinates, epsilon, epsilonScan, landmarkIndices, solver: useDense ? 'dense' : 'lanczos', maxResidual, matVecs };
}

/**
 * Nystrom extension: diffusion coordinates lambda_k^t psi_k(x) of new points (n x dim) under a
 * fitted model; returns n x K row-major. O(n m dim) time, O(m) scratch.
 */
export function extendDiffusionMap(model: DiffusionMapModel, points: Float64Array, n: number): Float64Array {
  const { dim, landmarkCount: m, components: K, landmarks: L, qAlpha, psi, eigenvalues } = model;
  checkPoints(points, n, dim, 'points to extend');
  const out = new Float64Array(n * K);
  const d2 = new Float64Array(m);
  const acc = new Float64Array(K);
  const factor = new Float64Array(K);
  for (let k = 0; k < K; k++) factor[k] = Math.pow(eigenvalues[k], model.t - 1);
  const inv = 1 / model.epsilon;
  for (let p = 0; p < n; p++) {
    const rp = p * dim;
    let dmin = Infinity;
    for (let j = 0; j < m; j++) {
      const rj = j * dim;
      let s = 0;
      for (let c = 0; c < dim; c++) {
        const diff = points[rp + c] - L[rj + c];
        s += diff * diff;
      }
      d2[j] = s;
      if (s < dmin) dmin = s;
    }
    let norm = 0;
    acc.fill(0);
    for (let j = 0; j < m; j++) {
      const w = Math.exp(-(d2[j] - dmin) * inv) * qAlpha[j];
      norm += w;
      const rj = j * K;
      for (let k = 0; k < K; k++) acc[k] += w * psi[rj + k];
    }
    for (let k = 0; k < K; k++) out[p * K + k] = (factor[k] * acc[k]) / norm;
  }
  return out;
}
