/**
 * Bond-length constraints by SHAKE (positions, Ryckaert, Ciccotti & Berendsen 1977) and RATTLE
 * (velocities, Andersen 1983). Used for bonds to hydrogen (`hbonds`), which allows 2 fs steps.
 *
 * Constraints that share an atom are grouped into clusters (for hbonds a heavy atom and its
 * hydrogens, at most 4). SHAKE: a lone constraint is solved exactly in one step; a cluster is
 * swept pair by pair (Gauss-Seidel) until each of its constraints holds to the relative
 * tolerance (for bonds to hydrogen the coupling is weak: ~5 cheap sweeps; a Newton solve per
 * cluster was measured slower). RATTLE's velocity condition is linear: one dense K x K solve per
 * cluster (A = J M^-1 J^T; closed form for K = 3) satisfies it exactly, instead of ~10 sweeps.
 */
import { EngineInputError } from '../../errors';
import type { AmberPrmtop } from '../amber/prmtop';

export class BondConstraints {
  readonly count: number;
  private readonly i: Int32Array;
  private readonly j: Int32Array;
  private readonly d2: Float64Array;
  private readonly invMi: Float64Array;
  private readonly invMj: Float64Array;
  /** Constraints of cluster k: order[clusterStart[k] .. clusterStart[k+1]). */
  private readonly clusterStart: Int32Array;
  private readonly order: Int32Array;
  /** Per cluster, row-major K x K coupling factors at coefOffset[k]: A_cd = coef_cd (r_c . r_d). */
  private readonly coefOffset: Int32Array;
  private readonly coef: Float64Array;
  /** Scratch: bond vectors, matrix, right-hand side. */
  private readonly rv: Float64Array;
  private readonly mat: Float64Array;
  private readonly rhs: Float64Array;
  /** Scratch for SHAKE sweeps: the reference bond vector of order[a] at 3a (fixed during the sweeps). */
  private readonly refBond: Float64Array;
  /** 2 (1/m_i + 1/m_j) per constraint: the sweep's step factor. */
  private readonly twoInvMassSum: Float64Array;

  /**
   * @param pairs atom pairs [i0, j0, ...]; @param lengths nm; @param masses amu.
   * @param tolerance relative: |r^2 - d^2| <= 2 tolerance d^2 (about |r - d| <= tolerance d).
   */
  constructor(pairs: Int32Array, lengths: Float64Array, masses: Float64Array, readonly tolerance = 1e-10, readonly maxIterations = 1000) {
    this.count = lengths.length;
    this.i = new Int32Array(this.count);
    this.j = new Int32Array(this.count);
    this.d2 = new Float64Array(this.count);
    this.invMi = new Float64Array(this.count);
    this.invMj = new Float64Array(this.count);
    for (let c = 0; c < this.count; c++) {
      const a = pairs[2 * c];
      const b = pairs[2 * c + 1];
      if (!(masses[a] > 0) || !(masses[b] > 0)) throw new EngineInputError(`constraint ${c} joins atoms ${a} and ${b}; both need a positive mass`);
      this.i[c] = a;
      this.j[c] = b;
      this.d2[c] = lengths[c] * lengths[c];
      this.invMi[c] = 1 / masses[a];
      this.invMj[c] = 1 / masses[b];
    }
    const clusters = clusterConstraints(this.i, this.j);
    this.clusterStart = clusters.start;
    this.order = clusters.order;
    this.coefOffset = new Int32Array(this.clusterStart.length);
    let total = 0;
    let largest = 0;
    for (let k = 0; k + 1 < this.clusterStart.length; k++) {
      const size = this.clusterStart[k + 1] - this.clusterStart[k];
      this.coefOffset[k] = total;
      total += size * size;
      largest = Math.max(largest, size);
    }
    this.coef = new Float64Array(total);
    for (let k = 0; k + 1 < this.clusterStart.length; k++) {
      const first = this.clusterStart[k];
      const size = this.clusterStart[k + 1] - first;
      for (let a = 0; a < size; a++) {
        for (let b = 0; b < size; b++) {
          const c = this.order[first + a];
          const d = this.order[first + b];
          // Moving constraint d's atoms by lambda_d (+invM s_d on i_d, -invM s_d on j_d) changes
          // r_c = x_ic - x_jc by lambda_d coef_cd s_d.
          let f = 0;
          if (this.i[c] === this.i[d]) f += this.invMi[d];
          if (this.i[c] === this.j[d]) f -= this.invMj[d];
          if (this.j[c] === this.i[d]) f -= this.invMi[d];
          if (this.j[c] === this.j[d]) f += this.invMj[d];
          this.coef[this.coefOffset[k] + a * size + b] = f;
        }
      }
    }
    this.rv = new Float64Array(3 * largest);
    this.mat = new Float64Array(largest * largest);
    this.rhs = new Float64Array(largest);
    this.refBond = new Float64Array(3 * this.count);
    this.twoInvMassSum = this.invMi.map((im, c) => 2 * (im + this.invMj[c]));
  }

  /** Constraints on every bond to hydrogen of a prmtop, at the bond's equilibrium length. */
  static hydrogenBonds(prm: AmberPrmtop, tolerance?: number): BondConstraints {
    const pairs: number[] = [];
    const lengths: number[] = [];
    for (let b = 0; b < prm.bondK.length; b++) {
      const a1 = prm.bondAtoms[2 * b];
      const a2 = prm.bondAtoms[2 * b + 1];
      if (prm.bondHasHydrogen[b] || prm.topology.atomicNumbers[a1] === 1 || prm.topology.atomicNumbers[a2] === 1) {
        pairs.push(a1, a2);
        lengths.push(prm.bondR0[b]);
      }
    }
    return new BondConstraints(Int32Array.from(pairs), Float64Array.from(lengths), prm.topology.masses, tolerance);
  }

  /**
   * SHAKE: moves `x` so that every constraint holds, along the bond vectors of `ref` (the
   * positions before the unconstrained move). A constraint alone in its cluster (for hbonds: an
   * N-H or C-H whose heavy atom carries no other hydrogen) is solved exactly in one step (a
   * quadratic in its multiplier); a cluster of coupled constraints (CH3, NH2) is swept pair by
   * pair (Gauss-Seidel) until each of its constraints holds, independently of the other clusters.
   * Returns the largest number of sweeps a cluster needed. Throws if it does not converge (a
   * step far too large).
   */
  shakePositions(ref: Float64Array, x: Float64Array): number {
    const { order, clusterStart } = this;
    let sweeps = 0;
    for (let k = 0; k + 1 < clusterStart.length; k++) {
      const first = clusterStart[k];
      const end = clusterStart[k + 1];
      if (end - first === 1) {
        this.shakeSingle(order[first], ref, x);
        if (sweeps === 0) sweeps = 1;
        continue;
      }
      const sref = this.refBond;
      for (let a = first; a < end; a++) {
        const i3 = 3 * this.i[order[a]];
        const j3 = 3 * this.j[order[a]];
        sref[3 * a] = ref[i3] - ref[j3];
        sref[3 * a + 1] = ref[i3 + 1] - ref[j3 + 1];
        sref[3 * a + 2] = ref[i3 + 2] - ref[j3 + 2];
      }
      let sweep = 1;
      while (!this.shakeSweep(first, end, x)) {
        if (++sweep > this.maxIterations) throw new EngineInputError(`SHAKE did not converge in ${this.maxIterations} sweeps; reduce dt`);
      }
      if (sweep > sweeps) sweeps = sweep;
    }
    return sweeps;
  }

  /**
   * One constraint c alone: x_i += g/m_i s, x_j -= g/m_j s with s = ref_i - ref_j and |r + y s| = d
   * for y = g (1/m_i + 1/m_j), i.e. (s.s) y^2 + 2 (r.s) y - (d^2 - r.r) = 0; the root nearest 0 in the
   * cancellation-free form y = diff / (r.s + sqrt((r.s)^2 + (s.s) diff)).
   */
  private shakeSingle(c: number, ref: Float64Array, x: Float64Array): void {
    const i3 = 3 * this.i[c];
    const j3 = 3 * this.j[c];
    const d2 = this.d2[c];
    const rx = x[i3] - x[j3];
    const ry = x[i3 + 1] - x[j3 + 1];
    const rz = x[i3 + 2] - x[j3 + 2];
    const diff = d2 - (rx * rx + ry * ry + rz * rz);
    if (Math.abs(diff) <= 2 * this.tolerance * d2) return;
    const sx = ref[i3] - ref[j3];
    const sy = ref[i3 + 1] - ref[j3 + 1];
    const sz = ref[i3 + 2] - ref[j3 + 2];
    const rs = sx * rx + sy * ry + sz * rz;
    const disc = rs * rs + (sx * sx + sy * sy + sz * sz) * diff;
    if (!(rs > 1e-6 * d2) || !(disc >= 0)) throw new EngineInputError('SHAKE failed: a constrained bond rotated by more than 90 degrees in one step; reduce dt');
    const y = diff / (rs + Math.sqrt(disc));
    const g = y / (this.invMi[c] + this.invMj[c]);
    moveApart(x, i3, j3, g * this.invMi[c], g * this.invMj[c], sx, sy, sz);
  }

  /**
   * One Gauss-Seidel sweep over the constraints order[first .. end) along their reference bond
   * vectors (refBond, filled by shakePositions); true when all already held.
   */
  private shakeSweep(first: number, end: number, x: Float64Array): boolean {
    const { i: I, j: J, d2: D2, invMi, invMj, order, refBond: S, twoInvMassSum: W } = this;
    const tol2 = 2 * this.tolerance;
    let done = true;
    for (let a = first; a < end; a++) {
      const c = order[a];
      const i3 = 3 * I[c];
      const j3 = 3 * J[c];
      const rx = x[i3] - x[j3];
      const ry = x[i3 + 1] - x[j3 + 1];
      const rz = x[i3 + 2] - x[j3 + 2];
      const diff = D2[c] - (rx * rx + ry * ry + rz * rz);
      if (Math.abs(diff) <= tol2 * D2[c]) continue;
      done = false;
      const sx = S[3 * a];
      const sy = S[3 * a + 1];
      const sz = S[3 * a + 2];
      const dot = sx * rx + sy * ry + sz * rz;
      if (!(dot > 1e-6 * D2[c])) throw new EngineInputError('SHAKE failed: a constrained bond rotated by more than 90 degrees in one step; reduce dt');
      const g = diff / (W[c] * dot);
      moveApart(x, i3, j3, g * invMi[c], g * invMj[c], sx, sy, sz);
    }
    return done;
  }

  /** RATTLE velocity step: removes every relative velocity along a constrained bond (one exact solve per cluster). */
  projectVelocities(x: Float64Array, v: Float64Array): void {
    const { i: I, j: J, invMi, invMj, order, clusterStart, coef, coefOffset, rv, mat, rhs } = this;
    for (let k = 0; k + 1 < clusterStart.length; k++) {
      const first = clusterStart[k];
      const size = clusterStart[k + 1] - first;
      for (let a = 0; a < size; a++) {
        const c = order[first + a];
        const i3 = 3 * I[c];
        const j3 = 3 * J[c];
        const rx = (rv[3 * a] = x[i3] - x[j3]);
        const ry = (rv[3 * a + 1] = x[i3 + 1] - x[j3 + 1]);
        const rz = (rv[3 * a + 2] = x[i3 + 2] - x[j3 + 2]);
        rhs[a] = -(rx * (v[i3] - v[j3]) + ry * (v[i3 + 1] - v[j3 + 1]) + rz * (v[i3 + 2] - v[j3 + 2]));
      }
      const off = coefOffset[k];
      if (size === 1) {
        mat[0] = coef[off] * (rv[0] * rv[0] + rv[1] * rv[1] + rv[2] * rv[2]);
        rhs[0] /= mat[0];
      } else if (size === 3) {
        solve3Symmetric(coef, off, rv, rhs);
      } else {
        for (let a = 0; a < size; a++) {
          for (let b = 0; b < size; b++) {
            mat[a * size + b] = coef[off + a * size + b] * (rv[3 * a] * rv[3 * b] + rv[3 * a + 1] * rv[3 * b + 1] + rv[3 * a + 2] * rv[3 * b + 2]);
          }
        }
        solveSmall(mat, rhs, size);
      }
      for (let a = 0; a < size; a++) {
        const c = order[first + a];
        const i3 = 3 * I[c];
        const j3 = 3 * J[c];
        const gi = rhs[a] * invMi[c];
        const gj = rhs[a] * invMj[c];
        v[i3] += gi * rv[3 * a];
        v[i3 + 1] += gi * rv[3 * a + 1];
        v[i3 + 2] += gi * rv[3 * a + 2];
        v[j3] -= gj * rv[3 * a];
        v[j3 + 1] -= gj * rv[3 * a + 1];
        v[j3 + 2] -= gj * rv[3 * a + 2];
      }
    }
  }

  /** Largest relative deviation |r - d| / d over all constraints (for tests and reports). */
  maxRelativeError(x: Float64Array): number {
    let worst = 0;
    for (let c = 0; c < this.count; c++) {
      const i3 = 3 * this.i[c];
      const j3 = 3 * this.j[c];
      const r = Math.hypot(x[i3] - x[j3], x[i3 + 1] - x[j3 + 1], x[i3 + 2] - x[j3 + 2]);
      worst = Math.max(worst, Math.abs(r / Math.sqrt(this.d2[c]) - 1));
    }
    return worst;
  }
}

/** SHAKE's move of one constraint: atom i by +gi s, atom j by -gj s (gi, gj = multiplier / mass). */
function moveApart(x: Float64Array, i3: number, j3: number, gi: number, gj: number, sx: number, sy: number, sz: number): void {
  x[i3] += gi * sx;
  x[i3 + 1] += gi * sy;
  x[i3 + 2] += gi * sz;
  x[j3] -= gj * sx;
  x[j3 + 1] -= gj * sy;
  x[j3 + 2] -= gj * sz;
}

/** Groups constraints that share atoms (union-find over atoms): cluster k is order[start[k] .. start[k+1]). */
function clusterConstraints(I: Int32Array, J: Int32Array): { start: Int32Array; order: Int32Array } {
  const parent = new Map<number, number>();
  const find = (a: number): number => {
    let r = a;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(a, r);
    return r;
  };
  for (let c = 0; c < I.length; c++) {
    const a = find(I[c]);
    const b = find(J[c]);
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    if (a !== b) parent.set(b, a);
  }
  const byRoot = new Map<number, number[]>();
  for (let c = 0; c < I.length; c++) {
    const r = find(I[c]);
    const list = byRoot.get(r);
    if (list) list.push(c);
    else byRoot.set(r, [c]);
  }
  const order = new Int32Array(I.length);
  const start = new Int32Array(byRoot.size + 1);
  let at = 0;
  let k = 0;
  for (const list of byRoot.values()) {
    start[k++] = at;
    for (const c of list) order[at++] = c;
  }
  start[k] = at;
  return { start, order };
}

/**
 * The 3 x 3 cluster (a CH3 or NH3: three constraints on one heavy atom) by Cramer's rule:
 * A_ab = coef_ab (r_a . r_b) is symmetric (coef_ab = coef_ba: both are +-1/m of the shared atom)
 * and strongly diagonally dominant (|off-diagonal| <= 1/m_heavy << 1/m_H), so the determinant
 * is far from zero and no pivoting is needed. b (rhs[0..3)) becomes the solution.
 */
function solve3Symmetric(coef: Float64Array, off: number, rv: Float64Array, b: Float64Array): void {
  const r00 = rv[0] * rv[0] + rv[1] * rv[1] + rv[2] * rv[2];
  const r11 = rv[3] * rv[3] + rv[4] * rv[4] + rv[5] * rv[5];
  const r22 = rv[6] * rv[6] + rv[7] * rv[7] + rv[8] * rv[8];
  const r01 = rv[0] * rv[3] + rv[1] * rv[4] + rv[2] * rv[5];
  const r02 = rv[0] * rv[6] + rv[1] * rv[7] + rv[2] * rv[8];
  const r12 = rv[3] * rv[6] + rv[4] * rv[7] + rv[5] * rv[8];
  const a00 = coef[off] * r00, a11 = coef[off + 4] * r11, a22 = coef[off + 8] * r22;
  const a01 = coef[off + 1] * r01, a02 = coef[off + 2] * r02, a12 = coef[off + 5] * r12;
  // Cofactors of the symmetric matrix.
  const c00 = a11 * a22 - a12 * a12;
  const c01 = a02 * a12 - a01 * a22;
  const c02 = a01 * a12 - a02 * a11;
  const c11 = a00 * a22 - a02 * a02;
  const c12 = a01 * a02 - a00 * a12;
  const c22 = a00 * a11 - a01 * a01;
  const invDet = 1 / (a00 * c00 + a01 * c01 + a02 * c02);
  const b0 = b[0], b1 = b[1], b2 = b[2];
  b[0] = (c00 * b0 + c01 * b1 + c02 * b2) * invDet;
  b[1] = (c01 * b0 + c11 * b1 + c12 * b2) * invDet;
  b[2] = (c02 * b0 + c12 * b1 + c22 * b2) * invDet;
}

/**
 * Solves the n x n system A x = b in place (b becomes x) by Gaussian elimination with partial
 * pivoting; A (row-major) is overwritten. n is a cluster size (<= 4 for bonds to hydrogen).
 */
function solveSmall(A: Float64Array, b: Float64Array, n: number): void {
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(A[r * n + col]) > Math.abs(A[pivot * n + col])) pivot = r;
    if (pivot !== col) {
      for (let c = 0; c < n; c++) {
        const t = A[col * n + c];
        A[col * n + c] = A[pivot * n + c];
        A[pivot * n + c] = t;
      }
      const t = b[col];
      b[col] = b[pivot];
      b[pivot] = t;
    }
    const d = A[col * n + col];
    for (let r = col + 1; r < n; r++) {
      const f = A[r * n + col] / d;
      if (f === 0) continue;
      for (let c = col; c < n; c++) A[r * n + c] -= f * A[col * n + c];
      b[r] -= f * b[col];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let sum = b[r];
    for (let c = r + 1; c < n; c++) sum -= A[r * n + c] * b[c];
    b[r] = sum / A[r * n + r];
  }
}
