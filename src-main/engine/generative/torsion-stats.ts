/**
 * Circular statistics of the soft torsions of a Z-matrix over a set of structures: how lifted
 * structures are compared with simulated ones at the same CV value (molecular-lift.ts callers).
 * s.d. is the circular one, sqrt(-2 ln R) with R the mean resultant length (equals the ordinary
 * s.d. for a narrow distribution). The finite-sample noise floor of a difference of two s.d.
 * estimates is about sqrt(sd_a^2 / (2 n_a) + sd_b^2 / (2 n_b)) for independent samples
 * (normal approximation); the caller multiplies it by the statistical inefficiency of
 * correlated simulation frames when it knows one.
 */
import { dihedralCv } from '../molecules/cv/geometry';
import type { InternalCoordinateSpec } from './molecular-features';

export interface CircularStats { mean: number; sd: number; n: number }

export function circularStats(values: ArrayLike<number>): CircularStats {
  let c = 0;
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    c += Math.cos(values[i]);
    s += Math.sin(values[i]);
  }
  const n = Math.max(1, values.length);
  const r = Math.min(1, Math.hypot(c, s) / n);
  return { mean: Math.atan2(s, c), sd: Math.sqrt(-2 * Math.log(Math.max(r, 1e-300))), n: values.length };
}

/** Z-matrix torsions other than the CVs (optionally heavy atoms only): atoms and a readable name. */
export function comparedTorsions(spec: InternalCoordinateSpec, cvCoordinates: readonly number[], heavyOnly: boolean, atomicNumbers?: ArrayLike<number>): { name: string; atoms: [number, number, number, number] }[] {
  const skip = new Set(cvCoordinates);
  const out: { name: string; atoms: [number, number, number, number] }[] = [];
  spec.rows.forEach((row, r) => {
    if (r < 3 || skip.has(3 * r - 4)) return;
    const atoms: [number, number, number, number] = [row.atom, row.bond, row.angle, row.torsion];
    if (heavyOnly && atomicNumbers && atoms.some((a) => atomicNumbers[a] === 1)) return;
    out.push({ name: spec.names[3 * r - 4], atoms });
  });
  return out;
}

/** The torsion's value in each frame of `positions` (frames x atoms x 3). */
export function torsionSeries(positions: Float64Array, nAtoms: number, atoms: readonly number[], frames?: readonly number[]): number[] {
  const n3 = 3 * nAtoms;
  const which = frames ?? Array.from({ length: positions.length / n3 }, (_, i) => i);
  return which.map((f) => dihedralCv(positions.subarray(f * n3, (f + 1) * n3), atoms[0], atoms[1], atoms[2], atoms[3]));
}
