/**
 * A straight path in CV space for "lifting along a path" (a movie of structures generated at
 * successive CV values): `steps` points from `from` to `to`, both ends included. A periodic CV
 * (dihedral, degrees) goes the short way round and is wrapped into [-180, 180); others are linear.
 */
export function cvPath(from: readonly number[], to: readonly number[], steps: number, periodic: readonly boolean[]): number[][] {
  const n = Math.max(2, Math.floor(steps));
  const wrap = (d: number) => ((((d + 180) % 360) + 360) % 360) - 180;
  return Array.from({ length: n }, (_, k) => {
    const t = k / (n - 1);
    return from.map((a, c) => (periodic[c] ? wrap(a + t * wrap(to[c] - a)) : a + t * (to[c] - a)));
  });
}
