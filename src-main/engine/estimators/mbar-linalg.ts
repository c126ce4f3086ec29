/**
 * Small dense linear algebra for MBAR (K x K matrices, K = number of states, at most a few
 * hundred): symmetric eigen-decomposition by cyclic Jacobi rotations (accurate to rounding for
 * symmetric matrices, no external library), the Moore-Penrose pseudo-inverse of a symmetric
 * matrix built from it (numpy.linalg.pinv's rule: singular values below rcond * largest are
 * dropped), and a Cholesky solve for Newton steps. Matrices are row-major Float64Arrays.
 */

/** Eigen-decomposition of symmetric A (n x n): A = V diag(values) V^T; V's columns are the eigenvectors. */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(a);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += A[i * n + i] * A[i * n + i];
      for (let j = i + 1; j < n; j++) off += A[i * n + j] * A[i * n + j];
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        const app = A[p * n + p];
        const aqq = A[q * n + q];
        // Rotation angle that annihilates A[p][q] (Golub & Van Loan, sym.schur2).
        const tau = (aqq - app) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p];
          const akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k];
          const aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p];
          const vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = A[i * n + i];
  return { values, vectors: V };
}

/** Pseudo-inverse of symmetric A: singular values |lambda| <= rcond * max|lambda| are dropped (numpy.linalg.pinv). */
export function symmetricPinv(a: Float64Array, n: number, rcond = 1e-10): Float64Array {
  const { values, vectors: V } = symmetricEigen(a, n);
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(values[i]));
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const lambda = values[k];
    if (!(Math.abs(lambda) > rcond * max)) continue;
    const inv = 1 / lambda;
    for (let i = 0; i < n; i++) {
      const vik = V[i * n + k] * inv;
      if (vik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += vik * V[j * n + k];
    }
  }
  return out;
}

/** C = A B for n x n row-major matrices. */
export function matMul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
  }
  return c;
}

/**
 * Solves A x = b for symmetric positive definite A (n x n) by Cholesky; returns null if A is
 * not numerically positive definite (the caller then falls back to a safer step).
 */
export function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else {
        L[i * n + j] = s / L[j * n + j];
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}
