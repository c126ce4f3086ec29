/**
 * AMBER force field energies and forces in double precision (vacuum), the functional forms of
 * OpenMM's HarmonicBondForce, HarmonicAngleForce, PeriodicTorsionForce and NonbondedForce as
 * AmberPrmtopFile sets them up:
 *   bond      k (r - r0)^2                            angle  k (theta - theta0)^2
 *   torsion   k (1 + cos(n phi - phase)), phi IUPAC   (proper + improper)
 *   nonbonded ONE_4PI_EPS0 q_i q_j / r + A/r^12 - B/r^6 over non-excluded pairs, plus the
 *             1-4 pairs with Coulomb / SCEE and LJ / SCNB.
 * Optional cutoff (OpenMM CutoffNonPeriodic): pairs beyond the cutoff are skipped, Coulomb
 * inside it uses the reaction field q_i q_j k (1/r + k_rf r^2 - c_rf) with
 * k_rf = (eps-1) / ((2 eps + 1) rc^3), c_rf = 3 eps / ((2 eps + 1) rc), LJ is truncated
 * without a switch; 1-4 pairs are always computed in full, as in OpenMM.
 * Units: nm, kJ/mol, kJ/mol/nm. Positions and forces are atom-major xyz Float64Arrays.
 * Hot loops run over flat typed arrays built once in the constructor; nothing is allocated
 * per evaluation.
 */
import { EngineInputError } from '../../errors';
import type { AmberPrmtop } from '../amber/prmtop';

/** OpenMM's 1/(4 pi eps0) in kJ mol^-1 nm e^-2. */
export const ONE_4PI_EPS0 = 138.935456;

export const TERM_BOND = 1;
export const TERM_ANGLE = 2;
export const TERM_TORSION = 4;
export const TERM_NONBONDED = 8;
export const TERM_ALL = 15;
/** Order of the per-term energies written by AmberForceField.compute. */
export const TERM_NAMES = ['bond', 'angle', 'torsion', 'nonbonded'] as const;
export type TermName = (typeof TERM_NAMES)[number];
export type EnergyTerms = Record<TermName | 'total', number>;

export interface ForceFieldOptions {
  /** Nonbonded cutoff in nm (reaction field, OpenMM CutoffNonPeriodic); undefined = no cutoff. */
  cutoff?: number;
  /** Reaction-field dielectric with a cutoff; OpenMM's default 78.3. */
  reactionFieldDielectric?: number;
}

/**
 * Pair list with pre-multiplied parameters: Coulomb k q_i q_j (scaled for 1-4), LJ A and B.
 * i, j hold 3 * atom (offsets into xyz arrays).
 */
interface PairList {
  readonly i: Int32Array;
  readonly j: Int32Array;
  readonly qq: Float64Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
}

function buildPairLists(prm: AmberPrmtop): { regular: PairList; onefour: PairList } {
  const n = prm.topology.nAtoms;
  const q = prm.topology.charges;
  const skip = new Uint8Array(n * n);
  for (let e = 0; e < prm.exclusions.length; e += 2) skip[prm.exclusions[e] * n + prm.exclusions[e + 1]] = 1;
  for (let e = 0; e < prm.pair14Atoms.length; e += 2) skip[prm.pair14Atoms[e] * n + prm.pair14Atoms[e + 1]] = 1;
  let count = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (!skip[i * n + j]) count++;
  const nt = prm.nLjTypes;
  const regular: PairList = { i: new Int32Array(count), j: new Int32Array(count), qq: new Float64Array(count), a: new Float64Array(count), b: new Float64Array(count) };
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (skip[i * n + j]) continue;
      const t = prm.ljType[i] * nt + prm.ljType[j];
      regular.i[p] = 3 * i;
      regular.j[p] = 3 * j;
      regular.qq[p] = ONE_4PI_EPS0 * q[i] * q[j];
      regular.a[p] = prm.ljA[t];
      regular.b[p] = prm.ljB[t];
      p++;
    }
  }
  const m = prm.pair14Atoms.length / 2;
  const onefour: PairList = { i: new Int32Array(m), j: new Int32Array(m), qq: new Float64Array(m), a: new Float64Array(m), b: new Float64Array(m) };
  for (let e = 0; e < m; e++) {
    const i = prm.pair14Atoms[2 * e];
    const j = prm.pair14Atoms[2 * e + 1];
    const t = prm.ljType[i] * nt + prm.ljType[j];
    onefour.i[e] = 3 * i;
    onefour.j[e] = 3 * j;
    onefour.qq[e] = (ONE_4PI_EPS0 * q[i] * q[j]) / prm.pair14Scee[e];
    onefour.a[e] = prm.ljA[t] / prm.pair14Scnb[e];
    onefour.b[e] = prm.ljB[t] / prm.pair14Scnb[e];
  }
  return { regular, onefour };
}

/**
 * Both lists as one, grouped by first atom (without a cutoff every pair is computed in full, so
 * the scaled 1-4 pairs fold into the same loop): the partners of atom i are
 * j[rowStart[i] .. rowStart[i+1]), which lets the loop keep atom i's position and force in
 * registers.
 */
interface PairRows extends PairList {
  readonly rowStart: Int32Array;
}

function pairRows(lists: PairList[], nAtoms: number): PairRows {
  const count = lists.reduce((n, l) => n + l.i.length, 0);
  const rowStart = new Int32Array(nAtoms + 1);
  for (const l of lists) for (let p = 0; p < l.i.length; p++) rowStart[l.i[p] / 3 + 1]++;
  for (let a = 0; a < nAtoms; a++) rowStart[a + 1] += rowStart[a];
  const fill = rowStart.slice(0, nAtoms);
  const rows: PairRows = { rowStart, i: new Int32Array(count), j: new Int32Array(count), qq: new Float64Array(count), a: new Float64Array(count), b: new Float64Array(count) };
  for (const l of lists) {
    for (let p = 0; p < l.i.length; p++) {
      const at = fill[l.i[p] / 3]++;
      rows.i[at] = l.i[p];
      rows.j[at] = l.j[p];
      rows.qq[at] = l.qq[p];
      rows.a[at] = l.a[p];
      rows.b[at] = l.b[p];
    }
  }
  return rows;
}

/** Plain Coulomb + LJ over pair rows (no cutoff). Adds forces when f is given; returns the energy. */
function pairRowsNoCutoff(rows: PairRows, x: Float64Array, f: Float64Array | null): number {
  const { rowStart, j: J, qq, a: A, b: B } = rows;
  const nAtoms = rowStart.length - 1;
  let energy = 0;
  for (let a = 0; a < nAtoms; a++) {
    const end = rowStart[a + 1];
    let p = rowStart[a];
    if (p === end) continue;
    const i3 = 3 * a;
    const xi = x[i3], yi = x[i3 + 1], zi = x[i3 + 2];
    let fxi = 0, fyi = 0, fzi = 0;
    for (; p < end; p++) {
      const j3 = J[p];
      const dx = xi - x[j3];
      const dy = yi - x[j3 + 1];
      const dz = zi - x[j3 + 2];
      const r2 = dx * dx + dy * dy + dz * dz;
      const inv2 = 1 / r2;
      // 1/r as sqrt(r^2) / r^2: the square root and the division run side by side.
      const inv1 = Math.sqrt(r2) * inv2;
      const inv6 = inv2 * inv2 * inv2;
      const ec = qq[p] * inv1;
      const a12 = A[p] * inv6 * inv6;
      const b6 = B[p] * inv6;
      energy += ec + a12 - b6;
      if (f !== null) {
        const s = (ec + 12 * a12 - 6 * b6) * inv2; // -dE/dr / r
        const fx = s * dx;
        const fy = s * dy;
        const fz = s * dz;
        fxi += fx;
        fyi += fy;
        fzi += fz;
        f[j3] -= fx;
        f[j3 + 1] -= fy;
        f[j3 + 2] -= fz;
      }
    }
    if (f !== null) {
      f[i3] += fxi;
      f[i3 + 1] += fyi;
      f[i3 + 2] += fzi;
    }
  }
  return energy;
}

/**
 * The split-off terms (all torsions and the angles from AmberForceField.splitAngleFrom on): their
 * forces alone (what is added to the other terms' forces) and their energies.
 */
export interface SplitTermsResult {
  forces: Float64Array;
  torsionEnergy: number;
  angleEnergy: number;
}

/**
 * Relative cost of one bond, nonbonded pair, angle and torsion quadruplet in this force field's
 * loops (from the one-thread profile of alanine dipeptide, docs/md-speed.md: pairs 25% for 174,
 * angles 13% for 36, torsions 29% for 45 quadruplets; bonds cost about a pair). Used only to
 * choose splitAngleFrom, so rough figures do.
 */
const ITEM_COST = { bond: 1, pair: 1, angle: 2.5, quad: 4.5 } as const;

/**
 * The first angle summed with the torsions: so many angles stay with bonds and pairs that the two
 * parts cost about the same (ITEM_COST), since another thread may compute the split-off part while
 * this one computes the rest (threads/md-helper.ts). A property of the topology alone, so the
 * summation order, and with it every bit of the result, is the same with and without that thread.
 */
export function chooseSplitAngleFrom(counts: { bonds: number; pairs: number; angles: number; quads: number }): number {
  const rest = counts.bonds * ITEM_COST.bond + counts.pairs * ITEM_COST.pair;
  const split = counts.quads * ITEM_COST.quad;
  // rest + a angle = split + (angles - a) angle  =>  a = (split - rest + angles angle) / (2 angle)
  const a = Math.round((split - rest + counts.angles * ITEM_COST.angle) / (2 * ITEM_COST.angle));
  return Math.max(0, Math.min(counts.angles, a));
}

/** to[k] += from[k] over the whole array. */
function addForces(to: Float64Array, from: Float64Array): void {
  for (let k = 0; k < to.length; k++) to[k] += from[k];
}

/** asin(s) = s + s t asinSmallTail(t), t = s^2, for |s| <= sqrt(ASIN_SMALL_MAX2) = 0.3. */
export const ASIN_SMALL_MAX2 = 0.09;

/**
 * (asin(s) - s) / s^3 as a polynomial in t = s^2 on [0, 0.09]: Chebyshev fit (mpmath.chebyfit,
 * 9 terms) with error < 4e-17 there, so that asin(s) is within 3e-17 absolute of the exact value
 * for |s| <= 0.3 (checked at 200,000 points against 50-digit asin;
 * test/engine/molecules/forcefield-angles.test.ts checks it against Math.asin). Leading terms are the Taylor series 1/6, 3/40, 15/336, ...
 */
export function asinSmallTail(t: number): number {
  // Estrin's scheme: the same polynomial with a short dependency chain (Horner's is 8 multiply-adds deep).
  const t2 = t * t;
  const t4 = t2 * t2;
  return (0.1666666666666667 + t * 0.07499999999993574) + t2 * (0.04464285716184974 + t * 0.030381942288087896)
    + t4 * ((0.02237228137397283 + t * 0.017348885720865896) + t2 * (0.014036601427739468 + t * 0.010788734006526744) + t4 * 0.013988190707194629);
}

/** Torsion terms grouped by atom quadruplet (a quadruplet often carries several periodicities). */
interface TorsionTable {
  readonly quadAtoms: Int32Array;
  /** Terms of quadruplet q are quadStart[q] .. quadStart[q+1]-1. */
  readonly quadStart: Int32Array;
  readonly termK: Float64Array;
  readonly termN: Float64Array;
  readonly termCosP: Float64Array;
  readonly termSinP: Float64Array;
}

function buildTorsionTable(prm: AmberPrmtop): TorsionTable {
  const groups = new Map<string, number[]>();
  for (let t = 0; t < prm.torsionK.length; t++) {
    const key = Array.from(prm.torsionAtoms.subarray(4 * t, 4 * t + 4)).join(',');
    const list = groups.get(key);
    if (list) list.push(t);
    else groups.set(key, [t]);
  }
  const nTerms = prm.torsionK.length;
  const table: TorsionTable = {
    quadAtoms: new Int32Array(4 * groups.size), quadStart: new Int32Array(groups.size + 1),
    termK: new Float64Array(nTerms), termN: new Float64Array(nTerms), termCosP: new Float64Array(nTerms), termSinP: new Float64Array(nTerms),
  };
  let q = 0;
  let at = 0;
  for (const terms of groups.values()) {
    table.quadAtoms.set(prm.torsionAtoms.subarray(4 * terms[0], 4 * terms[0] + 4), 4 * q);
    table.quadStart[q] = at;
    for (const t of terms) {
      table.termK[at] = prm.torsionK[t];
      table.termN[at] = prm.torsionPeriodicity[t];
      table.termCosP[at] = Math.cos(prm.torsionPhase[t]);
      table.termSinP[at] = Math.sin(prm.torsionPhase[t]);
      at++;
    }
    q++;
  }
  table.quadStart[q] = at;
  return table;
}

/** Reaction-field Coulomb + truncated LJ inside the cutoff (OpenMM CutoffNonPeriodic). */
function pairsCutoff(list: PairList, x: Float64Array, f: Float64Array | null, cutoff2: number, krf: number, crf: number): number {
  const { i: I, j: J, qq, a: A, b: B } = list;
  let energy = 0;
  for (let p = 0; p < I.length; p++) {
    const i3 = I[p];
    const j3 = J[p];
    const dx = x[i3] - x[j3];
    const dy = x[i3 + 1] - x[j3 + 1];
    const dz = x[i3 + 2] - x[j3 + 2];
    const r2 = dx * dx + dy * dy + dz * dz;
    if (r2 >= cutoff2) continue;
    const inv2 = 1 / r2;
    const inv1 = Math.sqrt(inv2);
    const inv6 = inv2 * inv2 * inv2;
    const a12 = A[p] * inv6 * inv6;
    const b6 = B[p] * inv6;
    energy += qq[p] * (inv1 + krf * r2 - crf) + a12 - b6;
    if (f !== null) {
      const s = (qq[p] * (inv1 - 2 * krf * r2) + 12 * a12 - 6 * b6) * inv2;
      f[i3] += s * dx;
      f[i3 + 1] += s * dy;
      f[i3 + 2] += s * dz;
      f[j3] -= s * dx;
      f[j3 + 1] -= s * dy;
      f[j3 + 2] -= s * dz;
    }
  }
  return energy;
}

export class AmberForceField {
  readonly nAtoms: number;
  readonly cutoff: number | null;
  private readonly prm: AmberPrmtop;
  private readonly regular: PairList;
  private readonly onefour: PairList;
  private readonly allPairs: PairRows;
  private readonly onefourRows: PairRows;
  private readonly torsionTable: TorsionTable;
  /**
   * Angles from this index on are summed apart with the torsions (the split-off terms, which
   * another thread may compute: chooseSplitAngleFrom); those before it with bonds and pairs.
   */
  readonly splitAngleFrom: number;
  /** This thread's split-off terms for compute: the forces alone (into a scratch array) and their energies. */
  private readonly localSplitTerms: (positions: Float64Array, withForces: boolean, mask: number) => SplitTermsResult;
  private readonly angleCos0: Float64Array;
  private readonly angleSin0: Float64Array;
  private readonly cutoff2: number;
  private readonly krf: number;
  private readonly crf: number;

  constructor(prm: AmberPrmtop, options: ForceFieldOptions = {}) {
    this.prm = prm;
    this.nAtoms = prm.topology.nAtoms;
    const { regular, onefour } = buildPairLists(prm);
    this.regular = regular;
    this.onefour = onefour;
    this.allPairs = pairRows([regular, onefour], this.nAtoms);
    this.onefourRows = pairRows([onefour], this.nAtoms);
    this.torsionTable = buildTorsionTable(prm);
    this.splitAngleFrom = chooseSplitAngleFrom({
      bonds: prm.bondK.length, pairs: regular.i.length + onefour.i.length, angles: prm.angleK.length, quads: this.torsionTable.quadStart.length - 1,
    });
    const result: SplitTermsResult = { forces: new Float64Array(3 * this.nAtoms), torsionEnergy: 0, angleEnergy: 0 };
    this.localSplitTerms = (x, withForces, mask) => this.splitTerms(x, withForces ? result.forces : null, mask, result);
    this.angleCos0 = prm.angleTheta0.map(Math.cos);
    this.angleSin0 = prm.angleTheta0.map(Math.sin);
    if (options.cutoff !== undefined) {
      const rc = options.cutoff;
      if (!(rc > 0) || !Number.isFinite(rc)) throw new EngineInputError(`cutoff must be a positive number of nm (got ${String(rc)})`);
      const eps = options.reactionFieldDielectric ?? 78.3;
      if (!(eps >= 1)) throw new EngineInputError(`reactionFieldDielectric must be >= 1 (got ${String(eps)})`);
      this.cutoff = rc;
      this.cutoff2 = rc * rc;
      this.krf = (eps - 1) / ((2 * eps + 1) * rc * rc * rc);
      this.crf = (3 * eps) / ((2 * eps + 1) * rc);
    } else {
      this.cutoff = null;
      this.cutoff2 = Infinity;
      this.krf = 0;
      this.crf = 0;
    }
  }

  /** Number of non-excluded, non-1-4 pairs and of 1-4 pairs (for reports). */
  get pairCounts(): { regular: number; onefour: number } {
    return { regular: this.regular.i.length, onefour: this.onefour.i.length };
  }

  /**
   * Energy of the selected terms (bit mask of TERM_*). When `forces` is given it is overwritten
   * with the total force of those terms; when `terms` (length >= 4) is given it receives the
   * per-term energies in TERM_NAMES order (0 for terms not selected). Returns the total.
   */
  compute(positions: Float64Array, forces: Float64Array | null = null, terms: Float64Array | null = null, mask = TERM_ALL): number {
    return this.sum(positions, forces, terms, mask, this.localSplitTerms);
  }

  /**
   * The split-off terms (all torsions, the angles from splitAngleFrom on) of all-term compute:
   * `out.forces`, when given, is overwritten with their forces alone. compute sums them apart from
   * the other terms and adds them last, so that another thread can compute them while this one
   * does the rest (computeWithSplitTermsFrom, used by threads/md-helper.ts): the result is the
   * same bit for bit whichever thread summed them.
   */
  splitTermForces(positions: Float64Array, out: SplitTermsResult): SplitTermsResult {
    this.checkPositions(positions);
    return this.splitTerms(positions, out.forces, TERM_ALL, out);
  }

  /**
   * compute(positions, forces, terms) with all terms, the split-off terms computed elsewhere
   * (another thread's splitTermForces on the same positions) while this thread computes the
   * rest: `split()` is called once the rest is done and returns those forces and energies.
   */
  computeWithSplitTermsFrom(positions: Float64Array, forces: Float64Array, terms: Float64Array | null, split: () => SplitTermsResult): number {
    return this.sum(positions, forces, terms, TERM_ALL, split);
  }

  /**
   * The one summation compute and computeWithSplitTermsFrom share (so their results are the same
   * bits by construction): bonds, the angles before splitAngleFrom and pairs into `forces`, then
   * the split-off terms' own sum added last; `split(positions, withForces, mask)` is asked for
   * them after the rest is done.
   */
  private sum(
    positions: Float64Array, forces: Float64Array | null, terms: Float64Array | null, mask: number,
    split: (positions: Float64Array, withForces: boolean, mask: number) => SplitTermsResult,
  ): number {
    this.checkPositions(positions);
    if (forces !== null) forces.fill(0);
    const eb = mask & TERM_BOND ? this.bonds(positions, forces) : 0;
    let ea = mask & TERM_ANGLE ? this.angles(positions, forces, 0, this.splitAngleFrom) : 0;
    const en = mask & TERM_NONBONDED ? this.nonbonded(positions, forces) : 0;
    let et = 0;
    if (mask & (TERM_TORSION | TERM_ANGLE)) {
      const t = split(positions, forces !== null, mask);
      et = t.torsionEnergy;
      ea += t.angleEnergy;
      if (forces !== null) addForces(forces, t.forces);
    }
    return AmberForceField.total(terms, eb, ea, et, en);
  }

  /** The split-off terms selected by `mask` into `f` (zeroed first) and `out`'s energies. */
  private splitTerms(x: Float64Array, f: Float64Array | null, mask: number, out: SplitTermsResult): SplitTermsResult {
    if (f !== null) f.fill(0);
    out.torsionEnergy = mask & TERM_TORSION ? this.torsions(x, f) : 0;
    out.angleEnergy = mask & TERM_ANGLE ? this.angles(x, f, this.splitAngleFrom, this.prm.angleK.length) : 0;
    return out;
  }

  private nonbonded(positions: Float64Array, forces: Float64Array | null): number {
    return this.cutoff === null
      ? pairRowsNoCutoff(this.allPairs, positions, forces)
      : pairsCutoff(this.regular, positions, forces, this.cutoff2, this.krf, this.crf) + pairRowsNoCutoff(this.onefourRows, positions, forces);
  }

  private checkPositions(positions: Float64Array): void {
    if (positions.length !== 3 * this.nAtoms) {
      throw new EngineInputError(`positions hold ${positions.length / 3} atoms, the topology has ${this.nAtoms}`);
    }
  }

  private static total(terms: Float64Array | null, eb: number, ea: number, et: number, en: number): number {
    if (terms !== null) {
      terms[0] = eb;
      terms[1] = ea;
      terms[2] = et;
      terms[3] = en;
    }
    return eb + ea + et + en;
  }

  /** Convenience: per-term energies as an object (allocates; not for hot loops). */
  energyTerms(positions: Float64Array): EnergyTerms {
    const t = new Float64Array(4);
    const total = this.compute(positions, null, t);
    return { bond: t[0], angle: t[1], torsion: t[2], nonbonded: t[3], total };
  }

  private bonds(x: Float64Array, f: Float64Array | null): number {
    const { bondAtoms: at, bondK: K, bondR0: R0 } = this.prm;
    let energy = 0;
    for (let b = 0; b < K.length; b++) {
      const i3 = 3 * at[2 * b];
      const j3 = 3 * at[2 * b + 1];
      const dx = x[i3] - x[j3];
      const dy = x[i3 + 1] - x[j3 + 1];
      const dz = x[i3 + 2] - x[j3 + 2];
      const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
      const d = r - R0[b];
      energy += K[b] * d * d;
      if (f !== null && r > 0) {
        const s = (-2 * K[b] * d) / r;
        f[i3] += s * dx;
        f[i3 + 1] += s * dy;
        f[i3 + 2] += s * dz;
        f[j3] -= s * dx;
        f[j3 + 1] -= s * dy;
        f[j3 + 2] -= s * dz;
      }
    }
    return energy;
  }

  /** Angles from..to-1. */
  private angles(x: Float64Array, f: Float64Array | null, from: number, to: number): number {
    const { angleAtoms: at, angleK: K, angleTheta0: T0 } = this.prm;
    const { angleCos0: C0, angleSin0: S0 } = this;
    let energy = 0;
    for (let g = from; g < to; g++) {
      const i3 = 3 * at[3 * g];
      const j3 = 3 * at[3 * g + 1];
      const k3 = 3 * at[3 * g + 2];
      const ux = x[i3] - x[j3];
      const uy = x[i3 + 1] - x[j3 + 1];
      const uz = x[i3 + 2] - x[j3 + 2];
      const vx = x[k3] - x[j3];
      const vy = x[k3 + 1] - x[j3 + 1];
      const vz = x[k3 + 2] - x[j3 + 2];
      // p = u x v, |p| = |u||v| sin theta. The harmonic term needs only d = theta - theta0:
      // sin d = sin theta cos theta0 - cos theta sin theta0 is accurate to ~1e-16 absolute at every
      // angle, and for |sin d| < 0.3 (|d| < 17 degrees: thermal motion) with cos d > 0, d =
      // asin(sin d) by a polynomial (ASIN_SMALL) without a call to acos, which was a tenth of the
      // force field's time. Elsewhere theta = acos(cos theta) where that is well conditioned
      // (|cos| < 0.9: d theta = -d cos / sin theta, so a rounding error of cos grows at most
      // 1/0.44 = 2.3 times) and atan2(|p|, u.v) near 0 and pi, where acos loses digits. With
      // p = 0, cos theta is +-1 and atan2 takes over.
      const px = uy * vz - uz * vy;
      const py = uz * vx - ux * vz;
      const pz = ux * vy - uy * vx;
      const p2 = px * px + py * py + pz * pz;
      const pn = Math.sqrt(p2);
      const u2 = ux * ux + uy * uy + uz * uz;
      const v2 = vx * vx + vy * vy + vz * vz;
      const uv = u2 * v2;
      const dot = ux * vx + uy * vy + uz * vz;
      // One division for 1 / (|u||v|) = sqrt(uv) p2 / (uv p2) and the force factor 1 / (uv |p|) below.
      const inv = 1 / (uv * p2);
      const invUV = Math.sqrt(uv) * p2 * inv;
      const sinD = (pn * C0[g] - dot * S0[g]) * invUV;
      const t = sinD * sinD;
      let d: number;
      if (p2 > 0 && t < ASIN_SMALL_MAX2 && dot * C0[g] + pn * S0[g] > 0) {
        d = sinD + sinD * t * asinSmallTail(t);
      } else {
        const cosTheta = p2 > 0 ? dot * invUV : dot / Math.sqrt(uv);
        const theta = cosTheta > -0.9 && cosTheta < 0.9 ? Math.acos(cosTheta) : Math.atan2(pn, dot);
        d = theta - T0[g];
      }
      energy += K[g] * d * d;
      if (f !== null && pn > 0) {
        // dtheta/dx_i = (u x p) / (|u|^2 |p|), dtheta/dx_k = (p x v) / (|v|^2 |p|), j balances;
        // one division for both factors.
        const g0 = -2 * K[g] * d * pn * inv;
        const si = g0 * v2;
        const sk = g0 * u2;
        const fix = si * (uy * pz - uz * py);
        const fiy = si * (uz * px - ux * pz);
        const fiz = si * (ux * py - uy * px);
        const fkx = sk * (py * vz - pz * vy);
        const fky = sk * (pz * vx - px * vz);
        const fkz = sk * (px * vy - py * vx);
        f[i3] += fix;
        f[i3 + 1] += fiy;
        f[i3 + 2] += fiz;
        f[k3] += fkx;
        f[k3 + 1] += fky;
        f[k3 + 2] += fkz;
        f[j3] -= fix + fkx;
        f[j3 + 1] -= fiy + fky;
        f[j3 + 2] -= fiz + fkz;
      }
    }
    return energy;
  }

  private torsions(x: Float64Array, f: Float64Array | null): number {
    const { quadAtoms: at, quadStart, termK: K, termN: N, termCosP: CP, termSinP: SP } = this.torsionTable;
    let energy = 0;
    const nQuads = quadStart.length - 1;
    for (let q = 0; q < nQuads; q++) {
      const i3 = 3 * at[4 * q];
      const j3 = 3 * at[4 * q + 1];
      const k3 = 3 * at[4 * q + 2];
      const l3 = 3 * at[4 * q + 3];
      // b1 = j - i, b2 = k - j, b3 = l - k; m = b1 x b2, n = b2 x b3.
      const b1x = x[j3] - x[i3], b1y = x[j3 + 1] - x[i3 + 1], b1z = x[j3 + 2] - x[i3 + 2];
      const b2x = x[k3] - x[j3], b2y = x[k3 + 1] - x[j3 + 1], b2z = x[k3 + 2] - x[j3 + 2];
      const b3x = x[l3] - x[k3], b3y = x[l3 + 1] - x[k3 + 1], b3z = x[l3 + 2] - x[k3 + 2];
      const mx = b1y * b2z - b1z * b2y, my = b1z * b2x - b1x * b2z, mz = b1x * b2y - b1y * b2x;
      const nx = b2y * b3z - b2z * b3y, ny = b2z * b3x - b2x * b3z, nz = b2x * b3y - b2y * b3x;
      const b2sq = b2x * b2x + b2y * b2y + b2z * b2z;
      const b2n = Math.sqrt(b2sq);
      const m2 = mx * mx + my * my + mz * mz;
      const n2 = nx * nx + ny * ny + nz * nz;
      // One division serves 1/|m|^2, 1/|n|^2, 1/(|m||n|) and 1/|b2|^2 for the force below
      // (divisions dominated this loop). The square root and the division run side by side (no
      // sqrt-after-divide chain). |b2| = 0 makes m = 0: degenerate either way.
      const mn2 = m2 * n2;
      const invAll = 1 / (mn2 * b2sq);
      const invMN2 = invAll * b2sq;
      const invMN = Math.sqrt(mn2) * invMN2;
      // IUPAC phi: cos phi = m.n / (|m||n|), sin phi = |b2| b1.n / (|m||n|). With all terms of a
      // quadruplet sharing phi, cos(k phi), sin(k phi) follow by the Chebyshev recurrence: no
      // atan2/cos/sin per term (these dominated the cost).
      const degenerate = !(invMN2 < Infinity); // m or n of zero length: collinear atoms
      const cosPhi = degenerate ? 1 : (mx * nx + my * ny + mz * nz) * invMN;
      const sinPhi = degenerate ? 0 : b2n * (b1x * nx + b1y * ny + b1z * nz) * invMN;
      let dEdPhi = 0;
      for (let t = quadStart[q]; t < quadStart[q + 1]; t++) {
        const n = N[t];
        let cn: number, sn: number;
        if (n === 1) {
          cn = cosPhi;
          sn = sinPhi;
        } else if (n === 2) {
          cn = cosPhi * cosPhi - sinPhi * sinPhi;
          sn = 2 * sinPhi * cosPhi;
        } else if (n === 3) {
          const c2 = cosPhi * cosPhi - sinPhi * sinPhi;
          const s2 = 2 * sinPhi * cosPhi;
          cn = c2 * cosPhi - s2 * sinPhi;
          sn = s2 * cosPhi + c2 * sinPhi;
        } else if (Number.isInteger(n) && n >= 0 && n <= 16) {
          cn = 1;
          sn = 0;
          for (let p = 0; p < n; p++) {
            const c = cn * cosPhi - sn * sinPhi;
            sn = sn * cosPhi + cn * sinPhi;
            cn = c;
          }
        } else {
          const phi = Math.atan2(sinPhi, cosPhi);
          cn = Math.cos(n * phi);
          sn = Math.sin(n * phi);
        }
        // cos(n phi - P) = cn cosP + sn sinP; d/dphi = n (sn... ) below.
        energy += K[t] * (1 + cn * CP[t] + sn * SP[t]);
        dEdPhi += K[t] * n * (cn * SP[t] - sn * CP[t]);
      }
      if (f === null || degenerate) continue; // collinear atoms: phi undefined, no force
      // Blondel & Karplus (1996): dphi/dx_i = -|b2|/|m|^2 m, dphi/dx_l = |b2|/|n|^2 n.
      const gb = dEdPhi * b2n * invMN2;
      const gi = gb * n2; // F_i = -dE/dphi dphi/dx_i = gi * m
      const gl = -gb * m2; // F_l = gl * n
      const fix = gi * mx, fiy = gi * my, fiz = gi * mz;
      const flx = gl * nx, fly = gl * ny, flz = gl * nz;
      const invB2 = invAll * mn2;
      const c1 = (b1x * b2x + b1y * b2y + b1z * b2z) * invB2;
      const c3 = (b3x * b2x + b3y * b2y + b3z * b2z) * invB2;
      // F_j = -(1 + c1) F_i + c3 F_l; F_k = -(F_i + F_j + F_l) (no net force).
      const fjx = -(1 + c1) * fix + c3 * flx, fjy = -(1 + c1) * fiy + c3 * fly, fjz = -(1 + c1) * fiz + c3 * flz;
      f[i3] += fix;
      f[i3 + 1] += fiy;
      f[i3 + 2] += fiz;
      f[l3] += flx;
      f[l3 + 1] += fly;
      f[l3 + 2] += flz;
      f[j3] += fjx;
      f[j3 + 1] += fjy;
      f[j3 + 2] += fjz;
      f[k3] -= fix + flx + fjx;
      f[k3 + 1] -= fiy + fly + fjy;
      f[k3 + 2] -= fiz + flz + fjz;
    }
    return energy;
  }
}
