/**
 * Puts generated structures EXACTLY at a dihedral CV value, in internal coordinates before NeRF.
 *
 * A dihedral CV (i, j, k, l) that is a Z-matrix torsion (buildZMatrix makes every bonded-chain
 * dihedral one) is changed to its target by rotating one side of the central bond j-k rigidly
 * against the other. In internal coordinates that rotation is: add the same delta to EVERY proper
 * torsion whose central pair is {j, k} (rows (a, j, k, b) and (a, k, j, b) with b bonded to the
 * third atom). Why all of them: each such torsion measures an atom on one side against an atom on
 * the other side, and a rigid rotation of one side by delta changes every such cross dihedral by
 * the same delta (a dihedral reads the same forwards and backwards, so the row's direction does
 * not matter). Improper rows (a, j, k, b) with b bonded to j keep a and b on the same side and do
 * not change. Bonds, angles and every other torsion are untouched, so the rest of the structure
 * is exactly what the model generated. NeRF then reproduces the target to rounding (~1e-15 rad).
 *
 * Not possible in closed form: a CV that is not a Z-matrix torsion (not a bonded chain, or not
 * a dihedral at all), or a central bond inside a ring (rotating one side would break the ring).
 * Those CVs are projected with a restraint by the caller (engine/generative/molecular-lift.ts),
 * which reports the residual.
 */
import { EngineInputError } from '../errors';
import type { InternalCoordinateSpec } from './molecular-features';

/** How one CV is imposed: the torsion that equals it and every torsion that turns with it. */
export interface TorsionRotor {
  /** Internal coordinate that equals the CV. */
  coordinate: number;
  /** Internal coordinates (torsions) that shift by the same delta, `coordinate` included. */
  shifted: number[];
}

/** True when the bond a-b lies on a ring: a reaches b without using it. */
function isRingBond(nAtoms: number, bonds: ArrayLike<number>, a: number, b: number): boolean {
  const adj: number[][] = Array.from({ length: nAtoms }, () => []);
  for (let t = 0; t + 1 < bonds.length; t += 2) {
    const i = bonds[t];
    const j = bonds[t + 1];
    if ((i === a && j === b) || (i === b && j === a)) continue;
    adj[i].push(j);
    adj[j].push(i);
  }
  const seen = new Uint8Array(nAtoms);
  const stack = [a];
  seen[a] = 1;
  while (stack.length > 0) {
    const u = stack.pop()!;
    if (u === b) return true;
    for (const v of adj[u]) {
      if (!seen[v]) {
        seen[v] = 1;
        stack.push(v);
      }
    }
  }
  return false;
}

/**
 * One rotor per requested dihedral (the spec's `dihedralCoordinates` order), or null where the CV
 * cannot be imposed in closed form (see the module comment). `bonds`: the topology's bond pairs.
 */
export function torsionRotors(spec: InternalCoordinateSpec, bonds: ArrayLike<number>): (TorsionRotor | null)[] {
  // Internal coordinate of row r's torsion: rows 0..2 hold 0, 1, 2 coordinates, row r >= 3 three.
  const torsionOf = (r: number) => 3 * r - 4;
  const bonded = new Set<string>();
  for (let t = 0; t + 1 < bonds.length; t += 2) {
    bonded.add(`${bonds[t]},${bonds[t + 1]}`);
    bonded.add(`${bonds[t + 1]},${bonds[t]}`);
  }
  return spec.dihedralCoordinates.map((coordinate) => {
    if (coordinate < 0) return null;
    const rowIndex = (coordinate + 4) / 3;
    const row = spec.rows[rowIndex];
    if (!row || spec.kinds[coordinate] !== 'torsion') throw new EngineInputError(`internal coordinate ${coordinate} is not a torsion`);
    const j = row.bond;
    const k = row.angle;
    if (isRingBond(spec.nAtoms, bonds, j, k)) return null;
    const shifted: number[] = [];
    spec.rows.forEach((r, index) => {
      if (index < 3) return;
      const samePair = (r.bond === j && r.angle === k) || (r.bond === k && r.angle === j);
      // Proper torsion: the torsion partner hangs off the angle atom, i.e. the other side.
      if (samePair && bonded.has(`${r.angle},${r.torsion}`)) shifted.push(torsionOf(index));
    });
    return { coordinate, shifted };
  });
}

/**
 * Sets CV c of every frame of `internal` (n x (3N - 6), modified in place) to targets[c] by
 * shifting its rotor's torsions. Rotors of different CVs must not share a central bond (phi and
 * psi do not); a null rotor is skipped.
 */
export function imposeTorsions(internal: Float64Array, dim: number, rotors: readonly (TorsionRotor | null)[], targets: readonly number[]): void {
  if (rotors.length !== targets.length) throw new EngineInputError(`give one target per CV (${rotors.length}, got ${targets.length})`);
  const frames = internal.length / dim;
  for (let c = 0; c < rotors.length; c++) {
    const rotor = rotors[c];
    if (!rotor) continue;
    for (let f = 0; f < frames; f++) {
      const base = f * dim;
      const delta = targets[c] - internal[base + rotor.coordinate];
      for (const t of rotor.shifted) {
        const v = internal[base + t] + delta;
        internal[base + t] = Math.atan2(Math.sin(v), Math.cos(v));
      }
      // The CV itself exactly (atan2 of sin/cos of the target can differ from it by an ulp).
      internal[base + rotor.coordinate] = targets[c];
    }
  }
}
