/**
 * Measurements on a coordinate array (atoms x 3, nm) by 0-based atom index: distance (nm),
 * angle and dihedral (degrees). The dihedral follows the IUPAC sign convention (as MDTraj, PLUMED
 * and GROMACS): positive when, looking along j->k, the bond k->l is rotated clockwise from i->j.
 */

export type MeasurementKind = 'distance' | 'angle' | 'dihedral';

export interface Measurement {
  kind: MeasurementKind;
  /** 0-based atom indices, in pick order. */
  atoms: number[];
  /** nm for distances, degrees otherwise. */
  value: number;
}

export function distance(p: ArrayLike<number>, i: number, j: number): number {
  return Math.hypot(p[3 * j] - p[3 * i], p[3 * j + 1] - p[3 * i + 1], p[3 * j + 2] - p[3 * i + 2]);
}

/** Angle i-j-k at j, degrees in [0, 180]. */
export function angle(p: ArrayLike<number>, i: number, j: number, k: number): number {
  const ax = p[3 * i] - p[3 * j], ay = p[3 * i + 1] - p[3 * j + 1], az = p[3 * i + 2] - p[3 * j + 2];
  const bx = p[3 * k] - p[3 * j], by = p[3 * k + 1] - p[3 * j + 1], bz = p[3 * k + 2] - p[3 * j + 2];
  // atan2(|a x b|, a.b) stays accurate near 0 and 180 degrees, where acos does not.
  const cx = ay * bz - az * by, cy = az * bx - ax * bz, cz = ax * by - ay * bx;
  return (Math.atan2(Math.hypot(cx, cy, cz), ax * bx + ay * by + az * bz) * 180) / Math.PI;
}

/** Dihedral i-j-k-l, degrees in (-180, 180]. */
export function dihedral(p: ArrayLike<number>, i: number, j: number, k: number, l: number): number {
  const b1x = p[3 * j] - p[3 * i], b1y = p[3 * j + 1] - p[3 * i + 1], b1z = p[3 * j + 2] - p[3 * i + 2];
  const b2x = p[3 * k] - p[3 * j], b2y = p[3 * k + 1] - p[3 * j + 1], b2z = p[3 * k + 2] - p[3 * j + 2];
  const b3x = p[3 * l] - p[3 * k], b3y = p[3 * l + 1] - p[3 * k + 1], b3z = p[3 * l + 2] - p[3 * k + 2];
  const n1x = b1y * b2z - b1z * b2y, n1y = b1z * b2x - b1x * b2z, n1z = b1x * b2y - b1y * b2x;
  const n2x = b2y * b3z - b2z * b3y, n2y = b2z * b3x - b2x * b3z, n2z = b2x * b3y - b2y * b3x;
  const b2 = Math.hypot(b2x, b2y, b2z);
  // m1 = n1 x b2/|b2|; phi = atan2(m1.n2, n1.n2)
  const m1x = (n1y * b2z - n1z * b2y) / b2, m1y = (n1z * b2x - n1x * b2z) / b2, m1z = (n1x * b2y - n1y * b2x) / b2;
  const x = n1x * n2x + n1y * n2y + n1z * n2z;
  const y = m1x * n2x + m1y * n2y + m1z * n2z;
  const deg = (-Math.atan2(y, x) * 180) / Math.PI;
  return deg === -180 ? 180 : deg;
}

/** The measurement defined by 2, 3 or 4 picked atoms; null for fewer (or more). */
export function measure(p: ArrayLike<number>, atoms: readonly number[]): Measurement | null {
  const a = [...atoms];
  if (a.length === 2) return { kind: 'distance', atoms: a, value: distance(p, a[0], a[1]) };
  if (a.length === 3) return { kind: 'angle', atoms: a, value: angle(p, a[0], a[1], a[2]) };
  if (a.length === 4) return { kind: 'dihedral', atoms: a, value: dihedral(p, a[0], a[1], a[2], a[3]) };
  return null;
}

/** "0.1523 nm (1.523 Å)", "110.2°", "-63.4°" */
export function formatMeasurement(m: Measurement): string {
  if (m.kind === 'distance') return `${m.value.toFixed(4)} nm (${(m.value * 10).toFixed(3)} Å)`;
  return `${m.value.toFixed(1)}°`;
}
