/**
 * Optimal superposition (Kabsch problem) via Horn's quaternion method: the rotation that minimises
 * the RMSD between two centred point sets is the eigenvector of the largest eigenvalue of a 4x4
 * symmetric matrix built from their correlation matrix. Unlike the SVD route it always yields a
 * proper rotation (no reflection fix-up). The 4x4 eigenproblem is solved by cyclic Jacobi sweeps.
 * All work arrays are preallocated: aligning a frame allocates nothing.
 */

export interface Superposition {
  /** Row-major 3x3 rotation taking centred mobile coordinates onto centred reference ones. */
  rotation: Float64Array;
  mobileCentroid: Float64Array;
  referenceCentroid: Float64Array;
  /** RMSD over the fitted atoms after superposition, same unit as the coordinates. */
  rmsd: number;
}

export function createSuperposition(): Superposition {
  return { rotation: new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]), mobileCentroid: new Float64Array(3), referenceCentroid: new Float64Array(3), rmsd: 0 };
}

const K = new Float64Array(16);
const V = new Float64Array(16);

/** Jacobi eigen-decomposition of the symmetric 4x4 matrix in K (destroyed); eigenvectors in V's columns. */
function jacobi4(): void {
  V.fill(0);
  V[0] = V[5] = V[10] = V[15] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < 4; p++) for (let q = p + 1; q < 4; q++) off += K[p * 4 + q] * K[p * 4 + q];
    if (off < 1e-30) return;
    for (let p = 0; p < 3; p++) {
      for (let q = p + 1; q < 4; q++) {
        const apq = K[p * 4 + q];
        if (Math.abs(apq) < 1e-300) continue;
        const app = K[p * 5], aqq = K[q * 5];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < 4; k++) {
          // columns p, q
          const akp = K[k * 4 + p], akq = K[k * 4 + q];
          K[k * 4 + p] = c * akp - s * akq;
          K[k * 4 + q] = s * akp + c * akq;
        }
        for (let k = 0; k < 4; k++) {
          // rows p, q
          const apk = K[p * 4 + k], aqk = K[q * 4 + k];
          K[p * 4 + k] = c * apk - s * aqk;
          K[q * 4 + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < 4; k++) {
          const vkp = V[k * 4 + p], vkq = V[k * 4 + q];
          V[k * 4 + p] = c * vkp - s * vkq;
          V[k * 4 + q] = s * vkp + c * vkq;
        }
      }
    }
  }
}

/**
 * Superposes `mobile` onto `reference` (both atoms x 3, same atom order) using the atoms listed in
 * `fitAtoms` (0-based; all atoms when null/empty). Writes into and returns `out`.
 */
export function superpose(
  reference: ArrayLike<number>,
  mobile: ArrayLike<number>,
  fitAtoms: ArrayLike<number> | null = null,
  out: Superposition = createSuperposition(),
): Superposition {
  const nAtoms = Math.floor(Math.min(reference.length, mobile.length) / 3);
  const useAll = !fitAtoms || fitAtoms.length === 0;
  const n = useAll ? nAtoms : fitAtoms.length;
  if (reference.length !== mobile.length) throw new Error(`superpose: reference has ${reference.length / 3} atoms, mobile ${mobile.length / 3}`);
  if (n === 0) throw new Error('superpose: no atoms to fit');
  const cm = out.mobileCentroid, cr = out.referenceCentroid;
  cm.fill(0);
  cr.fill(0);
  for (let k = 0; k < n; k++) {
    const a = useAll ? k : fitAtoms[k];
    if (a < 0 || a >= nAtoms) throw new Error(`superpose: fit atom ${a} is outside 0..${nAtoms - 1}`);
    for (let d = 0; d < 3; d++) {
      cm[d] += mobile[3 * a + d];
      cr[d] += reference[3 * a + d];
    }
  }
  for (let d = 0; d < 3; d++) {
    cm[d] /= n;
    cr[d] /= n;
  }
  // S[ab] = sum mobile_a * reference_b over centred coordinates; G = sums of squares.
  let sxx = 0, sxy = 0, sxz = 0, syx = 0, syy = 0, syz = 0, szx = 0, szy = 0, szz = 0, g = 0;
  for (let k = 0; k < n; k++) {
    const a = useAll ? k : fitAtoms[k];
    const mx = mobile[3 * a] - cm[0], my = mobile[3 * a + 1] - cm[1], mz = mobile[3 * a + 2] - cm[2];
    const rx = reference[3 * a] - cr[0], ry = reference[3 * a + 1] - cr[1], rz = reference[3 * a + 2] - cr[2];
    sxx += mx * rx; sxy += mx * ry; sxz += mx * rz;
    syx += my * rx; syy += my * ry; syz += my * rz;
    szx += mz * rx; szy += mz * ry; szz += mz * rz;
    g += mx * mx + my * my + mz * mz + rx * rx + ry * ry + rz * rz;
  }
  K[0] = sxx + syy + szz; K[1] = syz - szy;       K[2] = szx - sxz;        K[3] = sxy - syx;
  K[5] = sxx - syy - szz; K[6] = sxy + syx;       K[7] = szx + sxz;
  K[10] = -sxx + syy - szz; K[11] = syz + szy;
  K[15] = -sxx - syy + szz;
  K[4] = K[1]; K[8] = K[2]; K[12] = K[3]; K[9] = K[6]; K[13] = K[7]; K[14] = K[11];
  jacobi4();
  let best = 0;
  for (let i = 1; i < 4; i++) if (K[i * 5] > K[best * 5]) best = i;
  const lambda = K[best * 5];
  let q0 = V[best], q1 = V[4 + best], q2 = V[8 + best], q3 = V[12 + best];
  const norm = Math.hypot(q0, q1, q2, q3);
  q0 /= norm; q1 /= norm; q2 /= norm; q3 /= norm;
  const R = out.rotation;
  R[0] = q0 * q0 + q1 * q1 - q2 * q2 - q3 * q3; R[1] = 2 * (q1 * q2 - q0 * q3);                 R[2] = 2 * (q1 * q3 + q0 * q2);
  R[3] = 2 * (q1 * q2 + q0 * q3);                 R[4] = q0 * q0 - q1 * q1 + q2 * q2 - q3 * q3; R[5] = 2 * (q2 * q3 - q0 * q1);
  R[6] = 2 * (q1 * q3 - q0 * q2);                 R[7] = 2 * (q2 * q3 + q0 * q1);                 R[8] = q0 * q0 - q1 * q1 - q2 * q2 + q3 * q3;
  out.rmsd = Math.sqrt(Math.max(0, (g - 2 * lambda) / n));
  return out;
}

/** dst = R (src - mobileCentroid) + referenceCentroid for every atom; dst may be src. */
export function applySuperposition(s: Superposition, src: ArrayLike<number>, dst: Float32Array | Float64Array): void {
  const R = s.rotation, cm = s.mobileCentroid, cr = s.referenceCentroid;
  const n = Math.floor(src.length / 3);
  for (let a = 0; a < n; a++) {
    const x = src[3 * a] - cm[0], y = src[3 * a + 1] - cm[1], z = src[3 * a + 2] - cm[2];
    dst[3 * a] = R[0] * x + R[1] * y + R[2] * z + cr[0];
    dst[3 * a + 1] = R[3] * x + R[4] * y + R[5] * z + cr[1];
    dst[3 * a + 2] = R[6] * x + R[7] * y + R[8] * z + cr[2];
  }
}

/** Plain RMSD between two coordinate sets over `atoms` (all when null/empty), no fitting. */
export function rmsd(a: ArrayLike<number>, b: ArrayLike<number>, atoms: ArrayLike<number> | null = null): number {
  const useAll = !atoms || atoms.length === 0;
  const n = useAll ? Math.floor(a.length / 3) : atoms.length;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const i = useAll ? k : atoms[k];
    for (let d = 0; d < 3; d++) {
      const diff = a[3 * i + d] - b[3 * i + d];
      sum += diff * diff;
    }
  }
  return Math.sqrt(sum / n);
}
