/**
 * Bond-length constraints by SHAKE (positions, Ryckaert, Ciccotti & Berendsen 1977) and RATTLE
 * (velocities, Andersen 1983), iterated pair by pair until every constraint holds to a relative
 * tolerance. Used for bonds to hydrogen (`hbonds`), which allows 2 fs steps.
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
   * positions before the unconstrained move). Returns the number of sweeps. Throws if it
   * does not converge (a step far too large).
   */
  shakePositions(ref: Float64Array, x: Float64Array): number {
    const { i: I, j: J, d2: D2, invMi, invMj } = this;
    const tol2 = 2 * this.tolerance;
    for (let sweep = 1; sweep <= this.maxIterations; sweep++) {
      let done = true;
      for (let c = 0; c < this.count; c++) {
        const i3 = 3 * I[c];
        const j3 = 3 * J[c];
        const rx = x[i3] - x[j3];
        const ry = x[i3 + 1] - x[j3 + 1];
        const rz = x[i3 + 2] - x[j3 + 2];
        const diff = D2[c] - (rx * rx + ry * ry + rz * rz);
        if (Math.abs(diff) <= tol2 * D2[c]) continue;
        done = false;
        const sx = ref[i3] - ref[j3];
        const sy = ref[i3 + 1] - ref[j3 + 1];
        const sz = ref[i3 + 2] - ref[j3 + 2];
        const dot = sx * rx + sy * ry + sz * rz;
        if (!(dot > 1e-6 * D2[c])) throw new EngineInputError('SHAKE failed: a constrained bond rotated by more than 90 degrees in one step; reduce dt');
        const g = diff / (2 * (invMi[c] + invMj[c]) * dot);
        x[i3] += g * invMi[c] * sx;
        x[i3 + 1] += g * invMi[c] * sy;
        x[i3 + 2] += g * invMi[c] * sz;
        x[j3] -= g * invMj[c] * sx;
        x[j3 + 1] -= g * invMj[c] * sy;
        x[j3 + 2] -= g * invMj[c] * sz;
      }
      if (done) return sweep;
    }
    throw new EngineInputError(`SHAKE did not converge in ${this.maxIterations} sweeps; reduce dt`);
  }

  /** RATTLE velocity step: removes every relative velocity along a constrained bond. */
  projectVelocities(x: Float64Array, v: Float64Array): number {
    const { i: I, j: J, d2: D2, invMi, invMj } = this;
    // |v_ij . r_ij| / d^2 is a rate (1/ps); 1e-12 of it is far below anything the integrator resolves.
    const tol = this.tolerance * 1e-2;
    for (let sweep = 1; sweep <= this.maxIterations; sweep++) {
      let done = true;
      for (let c = 0; c < this.count; c++) {
        const i3 = 3 * I[c];
        const j3 = 3 * J[c];
        const rx = x[i3] - x[j3];
        const ry = x[i3 + 1] - x[j3 + 1];
        const rz = x[i3 + 2] - x[j3 + 2];
        const rv = rx * (v[i3] - v[j3]) + ry * (v[i3 + 1] - v[j3 + 1]) + rz * (v[i3 + 2] - v[j3 + 2]);
        if (Math.abs(rv) <= tol * D2[c]) continue;
        done = false;
        const k = -rv / ((invMi[c] + invMj[c]) * D2[c]);
        v[i3] += k * invMi[c] * rx;
        v[i3 + 1] += k * invMi[c] * ry;
        v[i3 + 2] += k * invMi[c] * rz;
        v[j3] -= k * invMj[c] * rx;
        v[j3 + 1] -= k * invMj[c] * ry;
        v[j3 + 2] -= k * invMj[c] * rz;
      }
      if (done) return sweep;
    }
    throw new EngineInputError(`RATTLE did not converge in ${this.maxIterations} sweeps`);
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
