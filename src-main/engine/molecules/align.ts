/**
 * Optimal superposition (Kabsch problem) by Horn's quaternion method: the rotation that best maps
 * one set of points onto another is the unit quaternion of the largest eigenvalue of a symmetric
 * 4x4 matrix built from the weighted cross-covariance (B. K. P. Horn, J. Opt. Soc. Am. A 4, 629
 * (1987); the same matrix as Theobald's QCP). A quaternion is always a proper rotation, so no
 * reflection fix is needed (the SVD route needs one). The 4x4 eigenproblem is solved by cyclic
 * Jacobi rotations, which is exact to rounding for this size and robust to degenerate
 * eigenvalues (planar or linear point sets).
 *
 * Coordinates are atom-major xyz (nm in this project, but any unit works). Allocation-free once an
 * Aligner is built, so a viewer can superpose many frames and the RMSD CV can run every step.
 */
import { EngineInputError } from '../errors';

export interface AlignOptions {
  /** 0-based atoms used for the fit (default: all). */
  atoms?: ArrayLike<number>;
  /** Weight per fitted atom (same length as atoms; e.g. masses). Default: equal weights. */
  weights?: ArrayLike<number>;
}

/** Largest eigenvalue and its eigenvector of a symmetric 4x4 matrix (row-major, destroyed). */
function largestEigen4(a: Float64Array, vec: Float64Array, v: Float64Array): number {
  // v = identity: accumulates the Jacobi rotations (columns become eigenvectors).
  v.fill(0);
  for (let i = 0; i < 4; i++) v[i * 5] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < 4; p++) {
      diag += a[p * 5] * a[p * 5];
      for (let q = p + 1; q < 4; q++) off += a[p * 4 + q] * a[p * 4 + q];
    }
    if (off <= 1e-32 * diag || off === 0) break;
    for (let p = 0; p < 3; p++) {
      for (let q = p + 1; q < 4; q++) {
        const apq = a[p * 4 + q];
        if (apq === 0) continue;
        const theta = (a[q * 5] - a[p * 5]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < 4; k++) {
          const akp = a[k * 4 + p];
          const akq = a[k * 4 + q];
          a[k * 4 + p] = c * akp - s * akq;
          a[k * 4 + q] = s * akp + c * akq;
        }
        for (let k = 0; k < 4; k++) {
          const apk = a[p * 4 + k];
          const aqk = a[q * 4 + k];
          a[p * 4 + k] = c * apk - s * aqk;
          a[q * 4 + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < 4; k++) {
          const vkp = v[k * 4 + p];
          const vkq = v[k * 4 + q];
          v[k * 4 + p] = c * vkp - s * vkq;
          v[k * 4 + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  let best = 0;
  for (let p = 1; p < 4; p++) if (a[p * 5] > a[best * 5]) best = p;
  for (let k = 0; k < 4; k++) vec[k] = v[k * 4 + best];
  return a[best * 5];
}

/**
 * Superposes structures onto a fixed reference. After fit(mobile): rotation R (row-major 3x3) and
 * the centroids satisfy  R (m_i - mobileCentroid) + referenceCentroid ~ r_i, and rmsd is the
 * weighted RMSD over the fitted atoms after that optimal fit.
 */
export class Aligner {
  readonly atoms: Int32Array;
  readonly weights: Float64Array;
  readonly totalWeight: number;
  /** Reference coordinates of the fitted atoms, centred (length atoms*3). */
  readonly centredReference: Float64Array;
  readonly referenceCentroid = new Float64Array(3);
  readonly mobileCentroid = new Float64Array(3);
  readonly rotation = new Float64Array(9);
  rmsd = 0;
  private readonly key = new Float64Array(16);
  private readonly q = new Float64Array(4);
  private readonly jacobi = new Float64Array(16);

  /** reference: the full reference structure (nAtoms*3); the fit uses options.atoms of it. */
  constructor(reference: Float64Array, options: AlignOptions = {}) {
    const nAtoms = Math.floor(reference.length / 3);
    const atoms = options.atoms ? Int32Array.from(options.atoms) : Int32Array.from({ length: nAtoms }, (_, i) => i);
    if (atoms.length === 0) throw new EngineInputError('alignment needs at least one atom');
    for (const i of atoms) if (i < 0 || i >= nAtoms) throw new EngineInputError(`alignment atom index ${i} (0-based) does not exist (reference has ${nAtoms} atoms)`);
    const weights = options.weights ? Float64Array.from(options.weights) : new Float64Array(atoms.length).fill(1);
    if (weights.length !== atoms.length) throw new EngineInputError(`alignment: ${weights.length} weights for ${atoms.length} atoms`);
    let total = 0;
    for (const w of weights) {
      if (!(w >= 0) || !Number.isFinite(w)) throw new EngineInputError(`alignment weights must be finite and >= 0 (got ${w})`);
      total += w;
    }
    if (!(total > 0)) throw new EngineInputError('alignment weights sum to zero');
    this.atoms = atoms;
    this.weights = weights;
    this.totalWeight = total;
    this.centredReference = new Float64Array(atoms.length * 3);
    this.centroid(reference, this.referenceCentroid);
    for (let k = 0; k < atoms.length; k++) {
      for (let d = 0; d < 3; d++) this.centredReference[3 * k + d] = reference[3 * atoms[k] + d] - this.referenceCentroid[d];
    }
  }

  private centroid(x: Float64Array, out: Float64Array): void {
    out.fill(0);
    const { atoms, weights } = this;
    for (let k = 0; k < atoms.length; k++) for (let d = 0; d < 3; d++) out[d] += weights[k] * x[3 * atoms[k] + d];
    for (let d = 0; d < 3; d++) out[d] /= this.totalWeight;
  }

  /** Optimal fit of `mobile` (nAtoms*3, same atom order as the reference); returns the RMSD. */
  fit(mobile: Float64Array): number {
    const { atoms, weights, centredReference: y, mobileCentroid: cm, key: n, rotation: R, q } = this;
    this.centroid(mobile, cm);
    // S_ab = sum_k w_k x_a y_b with x the centred mobile, y the centred reference.
    let sxx = 0, sxy = 0, sxz = 0, syx = 0, syy = 0, syz = 0, szx = 0, szy = 0, szz = 0;
    for (let k = 0; k < atoms.length; k++) {
      const w = weights[k];
      const p = 3 * atoms[k];
      const x0 = mobile[p] - cm[0], x1 = mobile[p + 1] - cm[1], x2 = mobile[p + 2] - cm[2];
      const y0 = y[3 * k], y1 = y[3 * k + 1], y2 = y[3 * k + 2];
      sxx += w * x0 * y0; sxy += w * x0 * y1; sxz += w * x0 * y2;
      syx += w * x1 * y0; syy += w * x1 * y1; syz += w * x1 * y2;
      szx += w * x2 * y0; szy += w * x2 * y1; szz += w * x2 * y2;
    }
    n[0] = sxx + syy + szz; n[1] = syz - szy; n[2] = szx - sxz; n[3] = sxy - syx;
    n[5] = sxx - syy - szz; n[6] = sxy + syx; n[7] = szx + sxz;
    n[10] = -sxx + syy - szz; n[11] = syz + szy;
    n[15] = -sxx - syy + szz;
    n[4] = n[1]; n[8] = n[2]; n[12] = n[3]; n[9] = n[6]; n[13] = n[7]; n[14] = n[11];
    largestEigen4(n, q, this.jacobi);
    const [q0, q1, q2, q3] = q;
    const norm = q0 * q0 + q1 * q1 + q2 * q2 + q3 * q3;
    R[0] = (q0 * q0 + q1 * q1 - q2 * q2 - q3 * q3) / norm;
    R[1] = (2 * (q1 * q2 - q0 * q3)) / norm;
    R[2] = (2 * (q1 * q3 + q0 * q2)) / norm;
    R[3] = (2 * (q1 * q2 + q0 * q3)) / norm;
    R[4] = (q0 * q0 - q1 * q1 + q2 * q2 - q3 * q3) / norm;
    R[5] = (2 * (q2 * q3 - q0 * q1)) / norm;
    R[6] = (2 * (q1 * q3 - q0 * q2)) / norm;
    R[7] = (2 * (q2 * q3 + q0 * q1)) / norm;
    R[8] = (q0 * q0 - q1 * q1 - q2 * q2 + q3 * q3) / norm;
    // RMSD from the rotated coordinates themselves (not from the eigenvalue, which cancels badly near 0).
    let sum = 0;
    for (let k = 0; k < atoms.length; k++) {
      const p = 3 * atoms[k];
      const x0 = mobile[p] - cm[0], x1 = mobile[p + 1] - cm[1], x2 = mobile[p + 2] - cm[2];
      for (let d = 0; d < 3; d++) {
        const diff = R[3 * d] * x0 + R[3 * d + 1] * x1 + R[3 * d + 2] * x2 - y[3 * k + d];
        sum += weights[k] * diff * diff;
      }
    }
    this.rmsd = Math.sqrt(sum / this.totalWeight);
    return this.rmsd;
  }

  /**
   * Fits `mobile` and writes all its atoms, moved by the fitted rotation and translation onto the
   * reference frame, into out (may be mobile itself). Returns the RMSD over the fitted atoms.
   */
  superpose(mobile: Float64Array, out: Float64Array = mobile): number {
    const rmsd = this.fit(mobile);
    const { rotation: R, mobileCentroid: cm, referenceCentroid: cr } = this;
    for (let p = 0; p + 2 < mobile.length; p += 3) {
      const x0 = mobile[p] - cm[0], x1 = mobile[p + 1] - cm[1], x2 = mobile[p + 2] - cm[2];
      for (let d = 0; d < 3; d++) out[p + d] = R[3 * d] * x0 + R[3 * d + 1] * x1 + R[3 * d + 2] * x2 + cr[d];
    }
    return rmsd;
  }
}

/** RMSD of `mobile` to `reference` after optimal superposition (all atoms, or options.atoms). */
export function kabschRmsd(mobile: Float64Array, reference: Float64Array, options: AlignOptions = {}): number {
  if (mobile.length !== reference.length) throw new EngineInputError(`kabschRmsd: ${mobile.length / 3} atoms vs ${reference.length / 3} in the reference`);
  return new Aligner(reference, options).fit(mobile);
}
