/**
 * What a molecular model generates, given its CVs (the condition): the internal coordinates of
 * molecular-features.ts MINUS
 *  - the CV torsions themselves (they ARE the condition: set exactly from it, never generated);
 *  - constrained bonds (RATTLE on X-H: constant, held at their mean, "frozen");
 * with every other proper torsion that shares a central bond with an earlier ("anchor") torsion
 * written as its OFFSET from the anchor, wrapped to [-pi, pi).
 *
 * Why offsets: the torsions on one bond turn together (a rigid rotation about the bond changes
 * them all by the same angle; impose-torsions.ts). As absolute angles, CB-CA-N-C(ACE) is phi plus
 * ~120 deg, a function of the condition the network must learn on the circle; as an offset it is
 * nearly constant (s.d. a few degrees), and the three methyl H torsions become one free rotor plus
 * two ~constant offsets. Anchors: the CV torsion on its bond where there is one, else the first
 * torsion the Z-matrix places on that bond. Setting the CV coordinate and undoing the offsets IS
 * the rotation about the central bond, so generated structures sit at the CV value exactly.
 */
import { EngineInputError } from '../errors';
import { internalDim, type InternalCoordinateSpec } from './molecular-features';

/** Bonds whose spread over the frames is below this (nm) are constrained: float32 DCD rounding leaves ~1e-7 nm, a free bond at 300 K ~3e-3 nm. */
export const FROZEN_BOND_SD = 1e-5;

export interface MolecularTargetPlan {
  /** Internal coordinates the model generates (in this column order). */
  free: number[];
  /** Constrained bonds, held at these values. */
  frozen: { index: number; value: number }[];
  /** Per CV: the internal coordinate set from the condition, or -1 (the CV is not a Z-matrix torsion). */
  cvCoordinates: number[];
  /** Torsions stored as offsets from an anchor torsion on the same central bond. */
  offsets: { coordinate: number; anchor: number }[];
}

const wrap = (v: number) => Math.atan2(Math.sin(v), Math.cos(v));

/** Offsets of every proper torsion from the anchor torsion of its central bond. */
function planOffsets(spec: InternalCoordinateSpec, bonds: ArrayLike<number>, cvCoordinates: number[]): { coordinate: number; anchor: number }[] {
  const bonded = new Set<string>();
  for (let t = 0; t + 1 < bonds.length; t += 2) {
    bonded.add(`${bonds[t]},${bonds[t + 1]}`);
    bonded.add(`${bonds[t + 1]},${bonds[t]}`);
  }
  const pairOf = (r: number) => {
    const row = spec.rows[r];
    return row.bond < row.angle ? `${row.bond},${row.angle}` : `${row.angle},${row.bond}`;
  };
  const proper = (r: number) => r >= 3 && bonded.has(`${spec.rows[r].angle},${spec.rows[r].torsion}`);
  const anchors = new Map<string, number>();
  for (const c of cvCoordinates) if (c >= 0) anchors.set(pairOf((c + 4) / 3), c);
  for (let r = 3; r < spec.rows.length; r++) if (proper(r) && !anchors.has(pairOf(r))) anchors.set(pairOf(r), 3 * r - 4);
  const out: { coordinate: number; anchor: number }[] = [];
  for (let r = 3; r < spec.rows.length; r++) {
    const coordinate = 3 * r - 4;
    const anchor = anchors.get(pairOf(r));
    if (proper(r) && anchor !== undefined && anchor !== coordinate) out.push({ coordinate, anchor });
  }
  return out;
}

/** Plans the targets from the training frames' internal coordinates (rows x (3N - 6)). */
export function planMolecularTargets(spec: InternalCoordinateSpec, bonds: ArrayLike<number>, internal: Float64Array, rows: number): MolecularTargetPlan {
  const d = internalDim(spec);
  const cvCoordinates = [...spec.dihedralCoordinates];
  const isCv = new Set(cvCoordinates.filter((c) => c >= 0));
  const free: number[] = [];
  const frozen: MolecularTargetPlan['frozen'] = [];
  for (let j = 0; j < d; j++) {
    if (isCv.has(j)) continue;
    let m = 0;
    for (let r = 0; r < rows; r++) m += internal[r * d + j];
    m /= Math.max(1, rows);
    let v = 0;
    for (let r = 0; r < rows; r++) v += (internal[r * d + j] - m) ** 2;
    const sd = Math.sqrt(v / Math.max(1, rows));
    if (spec.kinds[j] === 'bond' && sd < FROZEN_BOND_SD) frozen.push({ index: j, value: m });
    else free.push(j);
  }
  return { free, frozen, cvCoordinates, offsets: planOffsets(spec, bonds, cvCoordinates) };
}

/** Model targets (rows x free) of internal coordinates (rows x (3N - 6)). */
export function targetsOf(spec: InternalCoordinateSpec, plan: MolecularTargetPlan, internal: Float64Array): Float64Array {
  const d = internalDim(spec);
  const rows = internal.length / d;
  const work = internal.slice();
  for (let r = 0; r < rows; r++) {
    // Anchors are never offsets themselves, so the order of the subtractions does not matter.
    for (const o of plan.offsets) work[r * d + o.coordinate] = wrap(internal[r * d + o.coordinate] - internal[r * d + o.anchor]);
  }
  const f = plan.free.length;
  const out = new Float64Array(rows * f);
  for (let r = 0; r < rows; r++) for (let j = 0; j < f; j++) out[r * f + j] = work[r * d + plan.free[j]];
  return out;
}

/**
 * Internal coordinates (n x (3N - 6)) of generated targets (n x free) at the condition `cond`
 * (one value per CV): CV torsions set to the condition exactly, frozen bonds restored, offsets
 * added back to their anchors.
 */
export function internalOf(spec: InternalCoordinateSpec, plan: MolecularTargetPlan, targets: Float64Array | Float32Array, cond: readonly number[]): Float64Array {
  if (cond.length !== plan.cvCoordinates.length) throw new EngineInputError(`give one condition value per CV (${plan.cvCoordinates.length}, got ${cond.length})`);
  const d = internalDim(spec);
  const f = plan.free.length;
  const n = targets.length / f;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const base = i * d;
    for (let j = 0; j < f; j++) out[base + plan.free[j]] = targets[i * f + j];
    for (const z of plan.frozen) out[base + z.index] = z.value;
    plan.cvCoordinates.forEach((c, k) => {
      if (c >= 0) out[base + c] = cond[k];
    });
    for (const o of plan.offsets) out[base + o.coordinate] = wrap(out[base + o.coordinate] + out[base + o.anchor]);
  }
  return out;
}

/**
 * True when v lies in the hold-out interval [lo, hi] of a CV; on a periodic (2 pi) CV v is first
 * wrapped into [lo, lo + 2 pi), so an interval like [3, 3.5] also catches -2.9.
 */
export function inHoldOut(v: number, holdOut: readonly [number, number] | null | undefined, periodic: boolean): boolean {
  if (!holdOut) return false;
  const [lo, hi] = holdOut;
  const w = periodic ? lo + ((((v - lo) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)) : v;
  return w >= lo && w <= hi;
}
