/**
 * MBAR (Shirts & Chodera, J. Chem. Phys. 129, 124105, 2008), the estimator of pymbar.
 *
 * Data: N samples pooled from K states, N_k from state k, reduced potentials u_k(x_n) stored
 * sample-major: u[n * K + k]. The dimensionless free energies f_k (gauge f_0 = 0) minimise the
 * convex objective
 *   A(f) = sum_n ln D_n(f) - sum_k N_k f_k,   ln D_n = logsumexp_k(ln N_k + f_k - u_k(x_n)),
 * whose gradient is N_i (S_i - 1), S_i = sum_n W_ni, W_ni = exp(f_i - u_i(x_n) - ln D_n), and
 * Hessian N_i S_i delta_ij - N_i N_j sum_n W_ni W_nj.
 * Solver: self-consistent iteration f_i <- f_i - ln S_i until the largest change is below 0.1
 * (cheap, robust from any start), then Newton on the gauge-fixed objective (Cholesky solve,
 * backtracking line search on A), stopping when max_k |Delta f_k| < tolerance (kT). Every sum
 * over states is a log-sum-exp, so nothing overflows whatever the spread of f or u.
 *
 * Uncertainty: pymbar's asymptotic covariance (Shirts & Chodera 2008 appendix D, pymbar
 * `_computeAsymptoticCovarianceMatrix(method='svd-ew')`):
 *   W^T W = V S^2 V^T,  Theta = V S pinv(I - S V^T diag(N) V S) S V^T,
 * with pinv dropping singular values below 1e-10 of the largest (numpy.linalg.pinv).
 * var(f_i - f_j) = Theta_ii + Theta_jj - 2 Theta_ij.
 *
 * Free energies of bins (pymbar computePMF 'from-lowest'): for a target state with u = 0
 * (the unbiased system) f_b = -ln sum_{n in b} exp(-ln D_n). Their errors augment the K states
 * with one state per bin, W_nb = exp(-ln D_n + f_b) for n in b (N_b = 0). Instead of the
 * (K + B)-square pseudo-inverse we use its block form: with M = W^T W partitioned into
 * sampled (s) and bin (b) blocks and Theta_ss as above, Theta_bb = M_bb + M_bs N_s X M_sb,
 * X = Theta_ss pinv(M_ss); bins are disjoint so M_bb is diagonal. Hence
 *   var(f_i - f_j) = M_ii + M_jj + (r_i - r_j)^T N_s X (r_i - r_j),  r_i = M_s,i,
 * O(N K + B K^2) instead of O((K + B)^3), which makes 2D grids of thousands of bins cheap.
 * (The gauge direction that pinv removes adds the same constant to every bin and cancels in
 * differences; test/engine/mbar.test.ts checks the result against pymbar's dpmf.)
 */
import { EngineInputError } from '../errors';
import { choleskySolve, matMul, symmetricEigen, symmetricPinv } from './mbar-linalg';

export interface MbarOptions {
  /** Stop when the largest change of any f_k (in kT) in one step is below this (default 1e-10). */
  tolerance?: number;
  /** Newton + self-consistent iterations together (default 10,000). */
  maxIterations?: number;
  /** Starting f_k (dimensionless, length K); zeros by default. */
  initialF?: ArrayLike<number>;
}

export interface MbarSolution {
  K: number;
  N: number;
  /** Dimensionless free energies, f_0 = 0. */
  f: Float64Array;
  /** ln D_n = logsumexp_k(ln N_k + f_k - u_k(x_n)); -ln D_n is the log weight of sample n in the u = 0 state. */
  logD: Float64Array;
  iterations: number;
  selfConsistentIterations: number;
  newtonIterations: number;
  converged: boolean;
  tolerance: number;
  /** max_i |S_i - 1|: the relative gradient at the solution (0 at the exact optimum). */
  gradientNorm: number;
}

export const MBAR_DEFAULT_TOLERANCE = 1e-10;

function checkInput(u: Float64Array, Nk: ArrayLike<number>): { K: number; N: number } {
  const K = Nk.length;
  if (K < 1) throw new EngineInputError('MBAR needs at least one state');
  let N = 0;
  for (let k = 0; k < K; k++) {
    const n = Nk[k];
    if (!Number.isSafeInteger(n) || n < 1) throw new EngineInputError(`MBAR: state ${k} must have at least one sample (got N_k = ${String(n)})`);
    N += n;
  }
  if (u.length !== N * K) throw new EngineInputError(`MBAR: u must hold N*K = ${N * K} reduced potentials (got ${u.length})`);
  for (let i = 0; i < u.length; i++) {
    if (!Number.isFinite(u[i])) throw new EngineInputError(`MBAR: reduced potential of sample ${Math.floor(i / K)} in state ${i % K} is not finite`);
  }
  return { K, N };
}

/**
 * The reduced potentials with their Boltzmann factors precomputed once: q_nk = exp(-(u_nk - c_n)),
 * c_n = min_k u_nk (so q_nk <= 1 and the largest factor of a row is 1). A pass over the data is
 * then multiply-adds only (no exp per element): D_n = exp(fmax - c_n) sum_k q_nk N_k exp(f_k - fmax).
 * A row whose sum underflows (f far from the solution, spreads of hundreds of kT) is redone in
 * log space from u, so nothing is lost in range.
 */
interface MbarData {
  u: Float64Array;
  q: Float64Array;
  c: Float64Array;
  K: number;
  N: number;
  /** Scratch: column sums of q_nk / s_n. */
  Sq: Float64Array;
}

function prepare(u: Float64Array, K: number, N: number): MbarData {
  const q = new Float64Array(N * K);
  const c = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    const row = n * K;
    let m = Infinity;
    for (let k = 0; k < K; k++) if (u[row + k] < m) m = u[row + k];
    c[n] = m;
    for (let k = 0; k < K; k++) q[row + k] = Math.exp(m - u[row + k]);
  }
  return { u, q, c, K, N, Sq: new Float64Array(K) };
}

/** Below this a row sum of scaled Boltzmann factors is redone in log space (far from underflow at 1e-308). */
const ROW_UNDERFLOW = 1e-280;

/**
 * One pass over the data: ln D_n, the objective and S_i = sum_n W_ni. Optionally stores the
 * normalised weights W (sample-major, N x K) for the Hessian and covariance.
 */
function evaluate(
  d: MbarData,
  lnN: Float64Array,
  f: Float64Array,
  logD: Float64Array,
  S: Float64Array,
  W: Float64Array | null,
  tmp: Float64Array,
  invN: Float64Array,
): number {
  const { u, q, c, K, N, Sq } = d;
  S.fill(0);
  Sq.fill(0);
  let objective = 0;
  let fmax = -Infinity;
  for (let k = 0; k < K; k++) if (f[k] > fmax) fmax = f[k];
  // tmp[0..K): exp(f_k - fmax) N_k; tmp[K..2K): exp(f_k - fmax); tmp[2K..3K): ln N_k + f_k.
  for (let k = 0; k < K; k++) {
    const e = Math.exp(f[k] - fmax);
    tmp[K + k] = e;
    tmp[k] = e / invN[k];
    tmp[2 * K + k] = lnN[k] + f[k];
  }
  for (let n = 0; n < N; n++) {
    const row = n * K;
    let s = 0;
    for (let k = 0; k < K; k++) s += q[row + k] * tmp[k];
    if (s > ROW_UNDERFLOW && s < Infinity) {
      const ld = Math.log(s) + fmax - c[n];
      logD[n] = ld;
      objective += ld;
      // W_nk = exp(f_k - u_nk - ln D_n) = q_nk exp(f_k - fmax) / s; without W, the factor
      // exp(f_k - fmax) is applied to the column sums once at the end (Sq).
      const inv = 1 / s;
      if (W) {
        for (let k = 0; k < K; k++) {
          const w = q[row + k] * tmp[K + k] * inv;
          S[k] += w;
          W[row + k] = w;
        }
      } else {
        for (let k = 0; k < K; k++) Sq[k] += q[row + k] * inv;
      }
      continue;
    }
    // Log space for this row.
    let m = -Infinity;
    for (let k = 0; k < K; k++) m = Math.max(m, tmp[2 * K + k] - u[row + k]);
    let t = 0;
    for (let k = 0; k < K; k++) t += Math.exp(tmp[2 * K + k] - u[row + k] - m);
    const ld = m + Math.log(t);
    logD[n] = ld;
    objective += ld;
    for (let k = 0; k < K; k++) {
      const w = Math.exp(f[k] - u[row + k] - ld);
      S[k] += w;
      if (W) W[row + k] = w;
    }
  }
  for (let k = 0; k < K; k++) {
    S[k] += Sq[k] * tmp[K + k];
    objective -= f[k] / invN[k];
  }
  return objective;
}

/** Samples per block of the blocked W^T W product (a K x BLOCK slice stays in cache). */
const GRAM_BLOCK = 256;

/**
 * Upper triangle (i <= j, both in [from, K)) of G = W^T W for sample-major W (N x K), written
 * into G (K x K, row-major; the lower triangle is left alone). Blocked: each block of samples
 * is transposed into state-major rows and the pair sums become contiguous dot products, which
 * runs several times faster in JS than accumulating into G sample by sample.
 */
function gramUpper(W: Float64Array, N: number, K: number, from: number, G: Float64Array): void {
  G.fill(0);
  const T = new Float64Array(K * GRAM_BLOCK);
  for (let n0 = 0; n0 < N; n0 += GRAM_BLOCK) {
    const B = Math.min(GRAM_BLOCK, N - n0);
    for (let t = 0; t < B; t++) {
      const row = (n0 + t) * K;
      for (let k = from; k < K; k++) T[k * GRAM_BLOCK + t] = W[row + k];
    }
    for (let i = from; i < K; i++) {
      const oi = i * GRAM_BLOCK;
      for (let j = i; j < K; j++) {
        const oj = j * GRAM_BLOCK;
        let s0 = 0;
        let s1 = 0;
        let t = 0;
        for (; t + 1 < B; t += 2) {
          s0 += T[oi + t] * T[oj + t];
          s1 += T[oi + t + 1] * T[oj + t + 1];
        }
        if (t < B) s0 += T[oi + t] * T[oj + t];
        G[i * K + j] += s0 + s1;
      }
    }
  }
}

/**
 * Hessian of the gauge-fixed objective (states 1..K-1, M = K - 1, full symmetric M x M):
 * N_i S_i delta_ij - N_i N_j sum_n W_ni W_nj.
 */
function hessian(W: Float64Array, NkF: Float64Array, S: Float64Array, K: number, N: number, H: Float64Array, G: Float64Array): void {
  const M = K - 1;
  gramUpper(W, N, K, 1, G);
  for (let i = 1; i < K; i++) {
    for (let j = i; j < K; j++) {
      const v = (i === j ? NkF[i] * S[i] : 0) - NkF[i] * NkF[j] * G[i * K + j];
      H[(i - 1) * M + j - 1] = v;
      H[(j - 1) * M + i - 1] = v;
    }
  }
}

/**
 * ln S_k. S_k is accumulated in linear scale for speed; when f is far from the solution (e.g.
 * states whose free energies differ by hundreds of kT) a sum can underflow, and then it is
 * recomputed as a log-sum-exp over the samples.
 */
function logS(u: Float64Array, f: Float64Array, K: number, N: number, logD: Float64Array, S: Float64Array, out: Float64Array): void {
  for (let k = 0; k < K; k++) {
    if (S[k] > 1e-250 && Number.isFinite(S[k])) {
      out[k] = Math.log(S[k]);
      continue;
    }
    let m = -Infinity;
    for (let n = 0; n < N; n++) m = Math.max(m, f[k] - u[n * K + k] - logD[n]);
    let s = 0;
    for (let n = 0; n < N; n++) s += Math.exp(f[k] - u[n * K + k] - logD[n] - m);
    out[k] = m + Math.log(s);
  }
}

/** Samples above which a solve starts from a subsample's solution. */
const SUBSAMPLE_START_MIN = 100_000;
const SUBSAMPLE_START_STRIDE = 8;

/** Every stride-th row of each state's block of rows (rows are grouped by state, in Nk order). */
function subsampleStates(u: Float64Array, Nk: ArrayLike<number>, K: number, stride: number): [Float64Array, Float64Array] {
  const counts = new Float64Array(K);
  let rows = 0;
  for (let k = 0; k < K; k++) {
    counts[k] = Math.ceil(Nk[k] / stride);
    rows += counts[k];
  }
  const out = new Float64Array(rows * K);
  let src = 0;
  let dst = 0;
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < Nk[k]; i += stride) out.set(u.subarray((src + i) * K, (src + i + 1) * K), (dst++) * K);
    src += Nk[k];
  }
  return [out, counts];
}

export function solveMbar(u: Float64Array, Nk: ArrayLike<number>, opts: MbarOptions = {}): MbarSolution {
  const { K, N } = checkInput(u, Nk);
  const tolerance = opts.tolerance ?? MBAR_DEFAULT_TOLERANCE;
  const maxIterations = opts.maxIterations ?? 10_000;
  if (!(tolerance > 0) || !Number.isFinite(tolerance)) throw new EngineInputError(`tolerance must be a finite number > 0 (got ${String(tolerance)})`);
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 1) throw new EngineInputError(`maxIterations must be an integer >= 1 (got ${String(maxIterations)})`);
  const lnN = Float64Array.from(Nk, (n) => Math.log(n));
  const NkF = Float64Array.from(Nk);
  const invN = NkF.map((v) => 1 / v);
  const f = new Float64Array(K);
  if (opts.initialF) {
    if (opts.initialF.length !== K) throw new EngineInputError(`initialF must have K = ${K} entries`);
    for (let k = 0; k < K; k++) f[k] = opts.initialF[k] - opts.initialF[0];
  } else if (N >= SUBSAMPLE_START_MIN && K > 1) {
    // Large data: start from the solution on every SUBSAMPLE_START_STRIDE-th sample of each state,
    // which is within its statistical error (~0.01-0.1 kT) of the answer, so the full-data solve
    // skips the self-consistent phase and needs few Newton steps. The answer is the full-data
    // optimum either way; only the path is shorter.
    const start = solveMbar(...subsampleStates(u, Nk, K, SUBSAMPLE_START_STRIDE), { tolerance: 1e-6, maxIterations });
    if (start.converged) f.set(start.f);
  }
  const logD = new Float64Array(N);
  const S = new Float64Array(K);
  const tmp = new Float64Array(3 * K);
  const data = prepare(u, K, N);
  const W = new Float64Array(N * K); // weights at the point of the current Hessian
  const lnS = new Float64Array(K);
  /** f_k <- f_k - ln S_k (gauge f_0 = 0); returns the largest change. */
  const selfConsistentStep = (): number => {
    logS(u, f, K, N, logD, S, lnS);
    let delta = 0;
    for (let k = 0; k < K; k++) {
      const d = -(lnS[k] - lnS[0]);
      f[k] += d;
      delta = Math.max(delta, Math.abs(d));
    }
    return delta;
  };
  let iterations = 0;
  let sc = 0;
  let newton = 0;
  let converged = false;

  // Phase 1: self-consistent iteration to get close.
  let objective = evaluate(data, lnN, f, logD, S, null, tmp, invN);
  while (iterations < maxIterations && K > 1) {
    iterations++;
    sc++;
    const delta = selfConsistentStep();
    objective = evaluate(data, lnN, f, logD, S, null, tmp, invN);
    if (delta < tolerance) {
      converged = true;
      break;
    }
    if (delta < 0.1) break;
  }
  if (K === 1) converged = true;

  // Phase 2: Newton on f_1..f_{K-1}, re-using a Hessian while it still contracts well (a chord
  // step costs one pass over the data; a Hessian costs K/2 passes). The gradient is always exact,
  // so the answer is the same; only the path to it is cheaper. A Hessian is refreshed when the
  // last step shrank by less than CHORD_CONTRACTION or needed a shorter line-search step, so the
  // error left when a step is below the tolerance is at most about a third of that step.
  const CHORD_CONTRACTION = 0.25;
  const M = K - 1;
  const H = new Float64Array(M * M);
  const G = new Float64Array(K * K);
  const g = new Float64Array(M);
  const fTrial = new Float64Array(K);
  const logDTrial = new Float64Array(N);
  const STrial = new Float64Array(K);
  let haveH = false;
  let lastDelta = Infinity;
  while (!converged && iterations < maxIterations) {
    iterations++;
    if (!haveH) {
      objective = evaluate(data, lnN, f, logD, S, W, tmp, invN);
      hessian(W, NkF, S, K, N, H, G);
      haveH = true;
    }
    for (let i = 1; i < K; i++) g[i - 1] = NkF[i] * (S[i] - 1);
    const negG = g.map((v) => -v);
    const step = choleskySolve(H, negG, M);
    if (!step) {
      // Not numerically positive definite (e.g. states with identical data): a self-consistent step instead.
      sc++;
      if (selfConsistentStep() < tolerance) converged = true;
      objective = evaluate(data, lnN, f, logD, S, null, tmp, invN);
      haveH = false;
      continue;
    }
    newton++;
    let t = 1;
    let accepted = false;
    const slack = 1e-12 * (Math.abs(objective) + 1); // rounding of a sum of N terms
    let slope = 0;
    for (let i = 0; i < M; i++) slope += g[i] * step[i];
    for (let tries = 0; tries < 40; tries++) {
      fTrial[0] = 0;
      for (let i = 1; i < K; i++) fTrial[i] = f[i] + t * step[i - 1];
      const objTrial = evaluate(data, lnN, fTrial, logDTrial, STrial, null, tmp, invN);
      if (objTrial <= objective + 1e-4 * t * slope + slack) {
        accepted = true;
        objective = objTrial;
        break;
      }
      t *= 0.5;
    }
    let delta = 0;
    if (accepted) {
      for (let i = 1; i < K; i++) {
        delta = Math.max(delta, Math.abs(fTrial[i] - f[i]));
        f[i] = fTrial[i];
      }
      logD.set(logDTrial);
      S.set(STrial);
      if (t < 1 || delta > CHORD_CONTRACTION * lastDelta) haveH = false;
      lastDelta = delta;
      if (delta < tolerance) {
        converged = true;
        break;
      }
      continue;
    }
    if (!accepted && haveH && lastDelta !== Infinity && newton > 0) {
      // A stale Hessian may point badly: refresh it once before giving up.
      haveH = false;
      lastDelta = Infinity;
      continue;
    }
    // No further decrease is measurable: f is at the optimum to rounding if the gradient is tiny.
    let gmax = 0;
    for (let k = 0; k < K; k++) gmax = Math.max(gmax, Math.abs(S[k] - 1));
    converged = gmax < Math.max(tolerance, 1e-12);
    break;
  }
  // logD and S always belong to the final f here (every change of f above is followed by its evaluation).
  let gradientNorm = 0;
  for (let k = 0; k < K; k++) gradientNorm = Math.max(gradientNorm, Math.abs(S[k] - 1));
  return { K, N, f, logD, iterations, selfConsistentIterations: sc, newtonIterations: newton, converged, tolerance, gradientNorm };
}

/** Normalised MBAR weights W (sample-major N x K) of a solution. */
export function mbarWeights(sol: MbarSolution, u: Float64Array, Nk: ArrayLike<number>): Float64Array {
  const { K, N, f, logD } = sol;
  const W = new Float64Array(N * K);
  for (let n = 0; n < N; n++) {
    const row = n * K;
    for (let k = 0; k < K; k++) W[row + k] = Math.exp(f[k] - u[row + k] - logD[n]);
  }
  void Nk;
  return W;
}

/** M = W^T W (K x K). */
function gram(W: Float64Array, N: number, K: number): Float64Array {
  const M = new Float64Array(K * K);
  gramUpper(W, N, K, 0, M);
  for (let i = 0; i < K; i++) for (let j = 0; j < i; j++) M[i * K + j] = M[j * K + i];
  return M;
}

/** pymbar's asymptotic covariance Theta (K x K, dimensionless) from W^T W and N_k ('svd-ew'). */
export function thetaFromGram(M: Float64Array, Nk: ArrayLike<number>, K: number): Float64Array {
  const { values, vectors: V } = symmetricEigen(M, K);
  const sigma = values.map((v) => Math.sqrt(Math.max(v, 0)));
  // inner = I - Sigma V^T diag(N) V Sigma
  const inner = new Float64Array(K * K);
  for (let a = 0; a < K; a++) {
    for (let b = a; b < K; b++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += V[k * K + a] * Nk[k] * V[k * K + b];
      const v = (a === b ? 1 : 0) - sigma[a] * s * sigma[b];
      inner[a * K + b] = v;
      inner[b * K + a] = v;
    }
  }
  const P = symmetricPinv(inner, K, 1e-10);
  // Theta = (V Sigma) P (V Sigma)^T
  const VS = new Float64Array(K * K);
  for (let i = 0; i < K; i++) for (let a = 0; a < K; a++) VS[i * K + a] = V[i * K + a] * sigma[a];
  const VSP = matMul(VS, P, K);
  const theta = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    for (let j = i; j < K; j++) {
      let s = 0;
      for (let a = 0; a < K; a++) s += VSP[i * K + a] * VS[j * K + a];
      theta[i * K + j] = s;
      theta[j * K + i] = s;
    }
  }
  return theta;
}

export interface MbarCovariance {
  /** Asymptotic covariance of the f_k (K x K, dimensionless, row-major). */
  theta: Float64Array;
  /** W^T W (K x K): reused for bin uncertainties. */
  gram: Float64Array;
  /** Normalised weights (N x K, sample-major). */
  weights: Float64Array;
}

export function mbarCovariance(sol: MbarSolution, u: Float64Array, Nk: ArrayLike<number>): MbarCovariance {
  const weights = mbarWeights(sol, u, Nk);
  const M = gram(weights, sol.N, sol.K);
  return { theta: thetaFromGram(M, Nk, sol.K), gram: M, weights };
}

/** Standard errors of f_k - f_ref (dimensionless) from Theta; 0 for k = ref, negative rounding clipped to 0. */
export function errorsOfDifferences(theta: Float64Array, K: number, ref = 0): Float64Array {
  const out = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    if (k === ref) continue;
    const v = theta[k * K + k] + theta[ref * K + ref] - 2 * theta[k * K + ref];
    out[k] = Math.sqrt(Math.max(v, 0));
  }
  return out;
}

export interface MbarBinResult {
  /** Dimensionless free energy of each bin relative to `reference` (NaN for empty bins). */
  f: Float64Array;
  /** Standard error of f_b - f_reference (NaN for empty bins, 0 at the reference). */
  df: Float64Array;
  /** The lowest non-empty bin (pymbar 'from-lowest'); -1 if every bin is empty. */
  reference: number;
  /** Number of samples per bin. */
  counts: Float64Array;
}

/**
 * Free energies of disjoint sample sets ("bins": histogram bins, basins) in the unbiased (u = 0)
 * state, with pymbar's asymptotic errors relative to the lowest one. binOf[n] in [0, nBins) or -1.
 */
export function mbarBinFreeEnergies(
  sol: MbarSolution,
  cov: MbarCovariance,
  Nk: ArrayLike<number>,
  binOf: Int32Array,
  nBins: number,
): MbarBinResult {
  const { K, N, logD } = sol;
  if (binOf.length !== N) throw new EngineInputError(`binOf must have one entry per sample (${N}, got ${binOf.length})`);
  const counts = new Float64Array(nBins);
  const maxLog = new Float64Array(nBins).fill(-Infinity);
  for (let n = 0; n < N; n++) {
    const b = binOf[n];
    if (b < 0) continue;
    counts[b]++;
    if (-logD[n] > maxLog[b]) maxLog[b] = -logD[n];
  }
  const sum = new Float64Array(nBins);
  for (let n = 0; n < N; n++) {
    const b = binOf[n];
    if (b >= 0) sum[b] += Math.exp(-logD[n] - maxLog[b]);
  }
  const f = new Float64Array(nBins).fill(NaN);
  let reference = -1;
  for (let b = 0; b < nBins; b++) {
    if (counts[b] === 0) continue;
    f[b] = -(maxLog[b] + Math.log(sum[b]));
    if (reference < 0 || f[b] < f[reference]) reference = b;
  }
  const df = new Float64Array(nBins).fill(NaN);
  if (reference < 0) return { f, df, reference, counts };
  const fRef = f[reference];
  for (let b = 0; b < nBins; b++) if (counts[b] > 0) f[b] -= fRef;

  // r_b = sum_{n in b} W_n,s W_nb (K-vector per bin) and m_b = sum_{n in b} W_nb^2.
  const r = new Float64Array(nBins * K);
  const m = new Float64Array(nBins);
  const W = cov.weights;
  for (let n = 0; n < N; n++) {
    const b = binOf[n];
    if (b < 0) continue;
    const wb = Math.exp(-logD[n] + (f[b] + fRef)); // W_nb = exp(log w_n + f_b), normalised over the bin
    m[b] += wb * wb;
    const row = n * K;
    const rb = b * K;
    for (let k = 0; k < K; k++) r[rb + k] += W[row + k] * wb;
  }
  // Q = diag(N) Theta_ss pinv(M_ss); only its symmetric part matters in a quadratic form.
  const X = matMul(cov.theta, symmetricPinv(cov.gram, K, 1e-10), K);
  const Q = new Float64Array(K * K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) Q[i * K + j] = Nk[i] * X[i * K + j];
  for (let i = 0; i < K; i++) {
    for (let j = i + 1; j < K; j++) {
      const s = 0.5 * (Q[i * K + j] + Q[j * K + i]);
      Q[i * K + j] = s;
      Q[j * K + i] = s;
    }
  }
  const d = new Float64Array(K);
  const rr = reference * K;
  for (let b = 0; b < nBins; b++) {
    if (counts[b] === 0) continue;
    if (b === reference) {
      df[b] = 0;
      continue;
    }
    const rb = b * K;
    for (let k = 0; k < K; k++) d[k] = r[rb + k] - r[rr + k];
    let q = 0;
    for (let i = 0; i < K; i++) {
      let s = 0;
      for (let j = 0; j < K; j++) s += Q[i * K + j] * d[j];
      q += d[i] * s;
    }
    df[b] = Math.sqrt(Math.max(m[b] + m[reference] + q, 0));
  }
  return { f, df, reference, counts };
}
