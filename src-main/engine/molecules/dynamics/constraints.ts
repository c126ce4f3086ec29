/**
 * Bond-length constraints by SHAKE (positions, Ryckaert, Ciccotti & Berendsen 1977) and RATTLE
 * (velocities, Andersen 1983). Used for bonds to hydrogen (`hbonds`), which allows 2 fs steps.
 *
 * Constraints that share an atom are grouped into clusters (for hbonds a heavy atom and its
 * hydrogens, at most 4). SHAKE: a lone constraint is solved exactly in one step; a cluster of
 * three (CH3, NH3) by Newton's method in scalars (two 3 x 3 solves, ~2x faster than the ~5
 * Gauss-Seidel sweeps it replaced: their updates form one chain of dependent divisions; a
 * Newton solve written over arrays with pivoting had been measured slower than the sweeps);
 * other clusters are swept pair by pair (Gauss-Seidel) until each of their constraints holds to
 * the relative tolerance. RATTLE's velocity condition is linear: one dense K x K solve per
 * cluster (A = J M^-1 J^T; in scalars for K = 1 and 3) satisfies it exactly, instead of ~10 sweeps.
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
   * Returns the largest number of sweeps (or Newton looks at the residuals) a cluster needed. Throws if it does not converge (a
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
      const looks = end - first === 3 ? this.shakeTriple(k, first, ref, x) : 0;
      if (looks > 0) {
        if (looks > sweeps) sweeps = looks;
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
   * A cluster of three coupled constraints (CH3, NH3) by Newton's method on the three multipliers
   * at once: J dl = e with e_c = d_c^2 - |r_c|^2 and J_cd = 2 coef_cd (r_c . s_d), the exact
   * Jacobian, solved by Cramer's rule. From a drift's ~1e-3 relative violation it converges
   * quadratically (1e-6, then 1e-12): two solves and three looks at the residuals, where
   * Gauss-Seidel sweeps need ~5 passes whose every update waits on the one before (a chain of
   * dependent divisions: SHAKE took 0.76 us of a 7.0 us one-thread step, 0.38 us since). Written
   * out in scalars like projectTriple (locals, no scratch arrays: that is the gain). The three corrections of an
   * iteration are independent, so the processor overlaps them. Returns how many times it looked
   * at the residuals (a sweep's worth each), or 0 (x partly moved, still valid input for the
   * sweeps) when Newton has not converged in NEWTON_TRIES iterations, e.g. for a step so large
   * that the linearisation misleads; the caller then sweeps.
   */
  private shakeTriple(k: number, first: number, ref: Float64Array, x: Float64Array): number {
    const { i: I, j: J, d2: D2, invMi, invMj, order, coef } = this;
    const off = this.coefOffset[k];
    const c0 = order[first], c1 = order[first + 1], c2 = order[first + 2];
    const i0 = 3 * I[c0], j0 = 3 * J[c0], i1 = 3 * I[c1], j1 = 3 * J[c1], i2 = 3 * I[c2], j2 = 3 * J[c2];
    const s0x = ref[i0] - ref[j0], s0y = ref[i0 + 1] - ref[j0 + 1], s0z = ref[i0 + 2] - ref[j0 + 2];
    const s1x = ref[i1] - ref[j1], s1y = ref[i1 + 1] - ref[j1 + 1], s1z = ref[i1 + 2] - ref[j1 + 2];
    const s2x = ref[i2] - ref[j2], s2y = ref[i2 + 1] - ref[j2 + 1], s2z = ref[i2 + 2] - ref[j2 + 2];
    const k00 = 2 * coef[off], k01 = 2 * coef[off + 1], k02 = 2 * coef[off + 2];
    const k10 = 2 * coef[off + 3], k11 = 2 * coef[off + 4], k12 = 2 * coef[off + 5];
    const k20 = 2 * coef[off + 6], k21 = 2 * coef[off + 7], k22 = 2 * coef[off + 8];
    const d0 = D2[c0], d1 = D2[c1], d2 = D2[c2];
    const tol2 = 2 * this.tolerance;
    for (let tries = 0; tries <= NEWTON_TRIES; tries++) {
      const r0x = x[i0] - x[j0], r0y = x[i0 + 1] - x[j0 + 1], r0z = x[i0 + 2] - x[j0 + 2];
      const r1x = x[i1] - x[j1], r1y = x[i1 + 1] - x[j1 + 1], r1z = x[i1 + 2] - x[j1 + 2];
      const r2x = x[i2] - x[j2], r2y = x[i2 + 1] - x[j2 + 1], r2z = x[i2 + 2] - x[j2 + 2];
      const e0 = d0 - (r0x * r0x + r0y * r0y + r0z * r0z);
      const e1 = d1 - (r1x * r1x + r1y * r1y + r1z * r1z);
      const e2 = d2 - (r2x * r2x + r2y * r2y + r2z * r2z);
      if (Math.abs(e0) <= tol2 * d0 && Math.abs(e1) <= tol2 * d1 && Math.abs(e2) <= tol2 * d2) return tries + 1;
      if (tries === NEWTON_TRIES) break;
      const r0s0 = r0x * s0x + r0y * s0y + r0z * s0z;
      const r1s1 = r1x * s1x + r1y * s1y + r1z * s1z;
      const r2s2 = r2x * s2x + r2y * s2y + r2z * s2z;
      if (!(r0s0 > 1e-6 * d0) || !(r1s1 > 1e-6 * d1) || !(r2s2 > 1e-6 * d2)) throw new EngineInputError('SHAKE failed: a constrained bond rotated by more than 90 degrees in one step; reduce dt');
      const a00 = k00 * r0s0, a11 = k11 * r1s1, a22 = k22 * r2s2;
      const a01 = k01 * (r0x * s1x + r0y * s1y + r0z * s1z), a02 = k02 * (r0x * s2x + r0y * s2y + r0z * s2z);
      const a10 = k10 * (r1x * s0x + r1y * s0y + r1z * s0z), a12 = k12 * (r1x * s2x + r1y * s2y + r1z * s2z);
      const a20 = k20 * (r2x * s0x + r2y * s0y + r2z * s0z), a21 = k21 * (r2x * s1x + r2y * s1y + r2z * s1z);
      // Cofactors C_ab of J; J^-1 = C^T / det.
      const q00 = a11 * a22 - a12 * a21, q01 = a12 * a20 - a10 * a22, q02 = a10 * a21 - a11 * a20;
      const q10 = a02 * a21 - a01 * a22, q11 = a00 * a22 - a02 * a20, q12 = a01 * a20 - a00 * a21;
      const q20 = a01 * a12 - a02 * a11, q21 = a02 * a10 - a00 * a12, q22 = a00 * a11 - a01 * a10;
      const invDet = 1 / (a00 * q00 + a01 * q01 + a02 * q02);
      if (!Number.isFinite(invDet)) break;
      const l0 = (q00 * e0 + q10 * e1 + q20 * e2) * invDet;
      const l1 = (q01 * e0 + q11 * e1 + q21 * e2) * invDet;
      const l2 = (q02 * e0 + q12 * e1 + q22 * e2) * invDet;
      moveApart(x, i0, j0, l0 * invMi[c0], l0 * invMj[c0], s0x, s0y, s0z);
      moveApart(x, i1, j1, l1 * invMi[c1], l1 * invMj[c1], s1x, s1y, s1z);
      moveApart(x, i2, j2, l2 * invMi[c2], l2 * invMj[c2], s2x, s2y, s2z);
    }
    return 0;
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
      if (size === 1) {
        this.projectSingle(order[first], x, v);
        continue;
      }
      if (size === 3) {
        this.projectTriple(k, first, x, v);
        continue;
      }
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
      for (let a = 0; a < size; a++) {
        for (let b = 0; b < size; b++) {
          mat[a * size + b] = coef[off + a * size + b] * (rv[3 * a] * rv[3 * b] + rv[3 * a + 1] * rv[3 * b + 1] + rv[3 * a + 2] * rv[3 * b + 2]);
        }
      }
      solveSmall(mat, rhs, size);
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

  /** RATTLE for a constraint alone in its cluster: lambda = -(r . v_ij) / (coef |r|^2). */
  private projectSingle(c: number, x: Float64Array, v: Float64Array): void {
    const i3 = 3 * this.i[c];
    const j3 = 3 * this.j[c];
    const rx = x[i3] - x[j3], ry = x[i3 + 1] - x[j3 + 1], rz = x[i3 + 2] - x[j3 + 2];
    const invMi = this.invMi[c], invMj = this.invMj[c];
    const l = -(rx * (v[i3] - v[j3]) + ry * (v[i3 + 1] - v[j3 + 1]) + rz * (v[i3 + 2] - v[j3 + 2])) / ((invMi + invMj) * (rx * rx + ry * ry + rz * rz));
    moveApart(v, i3, j3, l * invMi, l * invMj, rx, ry, rz);
  }

  /**
   * RATTLE for a cluster of three (CH3, NH3): the 3 x 3 system A l = -(r_c . v_c), A_cd =
   * coef_cd (r_c . r_d), by Cramer's rule in scalars: A is symmetric (coef_cd = coef_dc: both
   * are +-1/m of the shared atom) and strongly diagonally dominant (|off-diagonal| <= 1/m_heavy <<
   * 1/m_H), so the determinant is far from zero and no pivoting is needed.
   */
  private projectTriple(k: number, first: number, x: Float64Array, v: Float64Array): void {
    const { i: I, j: J, invMi, invMj, order, coef } = this;
    const off = this.coefOffset[k];
    const c0 = order[first], c1 = order[first + 1], c2 = order[first + 2];
    const i0 = 3 * I[c0], j0 = 3 * J[c0], i1 = 3 * I[c1], j1 = 3 * J[c1], i2 = 3 * I[c2], j2 = 3 * J[c2];
    const r0x = x[i0] - x[j0], r0y = x[i0 + 1] - x[j0 + 1], r0z = x[i0 + 2] - x[j0 + 2];
    const r1x = x[i1] - x[j1], r1y = x[i1 + 1] - x[j1 + 1], r1z = x[i1 + 2] - x[j1 + 2];
    const r2x = x[i2] - x[j2], r2y = x[i2 + 1] - x[j2 + 1], r2z = x[i2 + 2] - x[j2 + 2];
    const b0 = -(r0x * (v[i0] - v[j0]) + r0y * (v[i0 + 1] - v[j0 + 1]) + r0z * (v[i0 + 2] - v[j0 + 2]));
    const b1 = -(r1x * (v[i1] - v[j1]) + r1y * (v[i1 + 1] - v[j1 + 1]) + r1z * (v[i1 + 2] - v[j1 + 2]));
    const b2 = -(r2x * (v[i2] - v[j2]) + r2y * (v[i2 + 1] - v[j2 + 1]) + r2z * (v[i2 + 2] - v[j2 + 2]));
    const a00 = coef[off] * (r0x * r0x + r0y * r0y + r0z * r0z);
    const a11 = coef[off + 4] * (r1x * r1x + r1y * r1y + r1z * r1z);
    const a22 = coef[off + 8] * (r2x * r2x + r2y * r2y + r2z * r2z);
    const a01 = coef[off + 1] * (r0x * r1x + r0y * r1y + r0z * r1z);
    const a02 = coef[off + 2] * (r0x * r2x + r0y * r2y + r0z * r2z);
    const a12 = coef[off + 5] * (r1x * r2x + r1y * r2y + r1z * r2z);
    const q00 = a11 * a22 - a12 * a12, q01 = a02 * a12 - a01 * a22, q02 = a01 * a12 - a02 * a11;
    const q11 = a00 * a22 - a02 * a02, q12 = a01 * a02 - a00 * a12, q22 = a00 * a11 - a01 * a01;
    const invDet = 1 / (a00 * q00 + a01 * q01 + a02 * q02);
    const l0 = (q00 * b0 + q01 * b1 + q02 * b2) * invDet;
    const l1 = (q01 * b0 + q11 * b1 + q12 * b2) * invDet;
    const l2 = (q02 * b0 + q12 * b1 + q22 * b2) * invDet;
    moveApart(v, i0, j0, l0 * invMi[c0], l0 * invMj[c0], r0x, r0y, r0z);
    moveApart(v, i1, j1, l1 * invMi[c1], l1 * invMj[c1], r1x, r1y, r1z);
    moveApart(v, i2, j2, l2 * invMi[c2], l2 * invMj[c2], r2x, r2y, r2z);
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

/** Newton iterations a three-constraint cluster gets before the Gauss-Seidel sweeps take over (2 are typical). */
const NEWTON_TRIES = 8;

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
