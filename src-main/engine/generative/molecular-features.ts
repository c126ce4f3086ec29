/**
 * Molecular features for generative models: INTERNAL COORDINATES on a Z-matrix built from the
 * bond graph, with the exact inverse map (NeRF: natural extension reference frame, Parsons et al.
 * J. Comput. Chem. 26, 1063 (2005)) back to Cartesians.
 *
 * Why internal coordinates rather than Kabsch-aligned Cartesians:
 *  - they are invariant to rigid motion by construction (no reference structure, no alignment
 *    noise leaking into the data, no 6 redundant directions for the network to learn);
 *  - bond lengths and angles are nearly constant and independent of the CV, so the model only has
 *    to get the (few) soft torsions right to produce chemically sane structures, and a small
 *    error on a bond or angle stays local instead of distorting the whole molecule;
 *  - the Z-matrix is built so that every dihedral CV (phi, psi) IS one of its torsions: the CV of
 *    a reconstructed structure equals the generated torsion exactly (up to rounding), so the
 *    restriction error is a property of the model, not of the coordinate map;
 *  - torsions are angles and go through the periodic (cos, sin) encoding of features.ts.
 * The price: errors in early torsions move every atom placed after them (lever arm), which the
 * optional restrained relaxation of lifted structures (runs/train/lift-molecular.ts) cleans up.
 *
 * Coordinates, in Z-matrix row order: row 0 places the first atom at the origin; row 1 a bond;
 * row 2 a bond and an angle; every later row a bond r(i, j), an angle theta(i, j, k) and a torsion
 * dihedral(i, j, k, l) with the IUPAC sign of cv/geometry.ts. 3N - 6 numbers in all (nm, rad).
 * The inverse places atom 0 at the origin, atom 1 on +x and atom 2 in the xy plane.
 */
import { EngineInputError } from '../errors';
import { angleCv, dihedralCv, distanceCv } from '../molecules/cv/geometry';

/** One Z-matrix row: atom placed from bond / angle / torsion partners (-1 where absent). */
export interface ZMatrixRow { atom: number; bond: number; angle: number; torsion: number }

export type InternalKind = 'bond' | 'angle' | 'torsion';

export interface InternalCoordinateSpec {
  format: 'liftwell-internal-coordinates';
  version: 1;
  nAtoms: number;
  rows: ZMatrixRow[];
  /** Per internal coordinate: kind and a readable name ("torsion H1-C2-N3-C4" with atom names). */
  kinds: InternalKind[];
  names: string[];
  /**
   * Per requested dihedral (buildZMatrix's `dihedrals`): the internal coordinate that equals it,
   * or -1 when the four atoms are not a bonded chain the Z-matrix could use.
   */
  dihedralCoordinates: number[];
}

/**
 * Builds a Z-matrix over a connected bond graph. `dihedrals` (0-based atom quadruples, e.g. the
 * phi/psi CVs) are made Z-matrix torsions whenever they are bonded chains: the first one seeds the
 * order (its central bond first), and placements that complete one take precedence.
 */
export function buildZMatrix(nAtoms: number, bonds: Int32Array | readonly number[], atomNames: readonly string[] = [], dihedrals: readonly (readonly number[])[] = []): InternalCoordinateSpec {
  if (!Number.isInteger(nAtoms) || nAtoms < 3) throw new EngineInputError(`internal coordinates need a molecule of at least 3 atoms (got ${nAtoms})`);
  const adj: number[][] = Array.from({ length: nAtoms }, () => []);
  for (let b = 0; b + 1 < bonds.length; b += 2) {
    const i = bonds[b];
    const j = bonds[b + 1];
    if (!(i >= 0 && i < nAtoms && j >= 0 && j < nAtoms) || i === j) throw new EngineInputError(`bond ${b / 2}: atoms ${i}-${j} are not a bond of ${nAtoms} atoms`);
    if (!adj[i].includes(j)) adj[i].push(j);
    if (!adj[j].includes(i)) adj[j].push(i);
  }
  for (const a of adj) a.sort((x, y) => x - y);
  const bonded = (i: number, j: number) => adj[i].includes(j);
  const chains = dihedrals.filter((d) => d.length === 4 && bonded(d[0], d[1]) && bonded(d[1], d[2]) && bonded(d[2], d[3]) && new Set(d).size === 4);

  const placed = new Int32Array(nAtoms).fill(-1); // placement rank
  const rows: ZMatrixRow[] = [];
  const place = (atom: number, bond: number, angle: number, torsion: number) => {
    placed[atom] = rows.length;
    rows.push({ atom, bond, angle, torsion });
  };
  // Seed: the central bond of the first chain dihedral, else the first atom with >= 2 neighbours.
  let a0: number;
  let a1: number;
  let a2: number;
  if (chains.length > 0) {
    [a2, a0, a1] = chains[0];
  } else {
    a0 = adj.findIndex((a) => a.length >= 2);
    if (a0 < 0) throw new EngineInputError('internal coordinates need a bonded molecule (no atom has two bonds)');
    [a2, a1] = adj[a0];
  }
  place(a0, -1, -1, -1);
  place(a1, a0, -1, -1);
  place(a2, a0, a1, -1);

  /** Partners (j, k, l) for atom i, or null when it has no placed neighbour. */
  const partners = (i: number): [number, number, number, boolean] | null => {
    for (const d of chains) {
      for (const [p, q, r, s] of [d, [...d].reverse()]) {
        if (p === i && placed[q] >= 0 && placed[r] >= 0 && placed[s] >= 0) return [q, r, s, true];
      }
    }
    const j = adj[i].filter((n) => placed[n] >= 0).sort((x, y) => placed[x] - placed[y])[0];
    if (j === undefined) return null;
    const ks = adj[j].filter((n) => n !== i && placed[n] >= 0).sort((x, y) => placed[x] - placed[y]);
    const k = ks[0];
    const ls = adj[k].filter((n) => n !== j && n !== i && placed[n] >= 0).sort((x, y) => placed[x] - placed[y]);
    // A proper torsion when k has another placed neighbour, else an improper one around j.
    const l = ls[0] ?? ks[1];
    if (l === undefined) return null;
    return [j, k, l, false];
  };
  while (rows.length < nAtoms) {
    let best: { atom: number; p: [number, number, number, boolean] } | null = null;
    for (const r of rows) {
      for (const n of adj[r.atom]) {
        if (placed[n] >= 0) continue;
        const p = partners(n);
        if (p && (!best || (p[3] && !best.p[3]))) best = { atom: n, p };
        if (best?.p[3]) break;
      }
      if (best?.p[3]) break;
    }
    if (!best) {
      const missing = [...placed].filter((v) => v < 0).length;
      throw new EngineInputError(`internal coordinates need one connected molecule: ${missing} of ${nAtoms} atoms are not bonded to the rest`);
    }
    place(best.atom, best.p[0], best.p[1], best.p[2]);
  }

  const label = (i: number) => atomNames[i] || `#${i + 1}`;
  const kinds: InternalKind[] = [];
  const names: string[] = [];
  const index = new Map<string, number>();
  rows.forEach((r, k) => {
    if (k >= 1) {
      kinds.push('bond');
      names.push(`bond ${label(r.atom)}-${label(r.bond)}`);
    }
    if (k >= 2) {
      kinds.push('angle');
      names.push(`angle ${label(r.atom)}-${label(r.bond)}-${label(r.angle)}`);
    }
    if (k >= 3) {
      index.set([r.atom, r.bond, r.angle, r.torsion].join(','), kinds.length);
      kinds.push('torsion');
      names.push(`torsion ${label(r.atom)}-${label(r.bond)}-${label(r.angle)}-${label(r.torsion)}`);
    }
  });
  const dihedralCoordinates = dihedrals.map((d) => index.get(d.join(',')) ?? index.get([...d].reverse().join(',')) ?? -1);
  return { format: 'liftwell-internal-coordinates', version: 1, nAtoms, rows, kinds, names, dihedralCoordinates };
}

/** Checks a stored spec (model metadata) before use. */
export function validateInternalSpec(spec: unknown, what = 'internal coordinates'): InternalCoordinateSpec {
  const s = spec as InternalCoordinateSpec;
  if (!s || s.format !== 'liftwell-internal-coordinates' || s.version !== 1 || !Array.isArray(s.rows) || s.rows.length !== s.nAtoms || s.nAtoms < 3) {
    throw new EngineInputError(`${what}: not a Liftwell internal-coordinate description (format liftwell-internal-coordinates, version 1)`);
  }
  const seen = new Set<number>();
  s.rows.forEach((r, k) => {
    const refs = [r.bond, r.angle, r.torsion].slice(0, Math.min(k, 3));
    if (!(r.atom >= 0 && r.atom < s.nAtoms) || seen.has(r.atom) || refs.some((x) => !seen.has(x))) {
      throw new EngineInputError(`${what}: row ${k} (atom ${r.atom}) refers to atoms not placed before it`);
    }
    seen.add(r.atom);
  });
  if (s.kinds.length !== 3 * s.nAtoms - 6 || s.names.length !== s.kinds.length) throw new EngineInputError(`${what}: expected ${3 * s.nAtoms - 6} coordinates`);
  return s;
}

export const internalDim = (spec: InternalCoordinateSpec) => 3 * spec.nAtoms - 6;

/** Indices of the torsions (periodic features, period 2 pi). */
export function torsionIndices(spec: InternalCoordinateSpec): number[] {
  const out: number[] = [];
  spec.kinds.forEach((k, i) => {
    if (k === 'torsion') out.push(i);
  });
  return out;
}

/**
 * Cartesian frames (n x nAtoms x 3, nm) -> internal coordinates (n x (3N - 6)). `out` is reused
 * when given.
 */
export function toInternal(spec: InternalCoordinateSpec, positions: Float64Array, out?: Float64Array): Float64Array {
  const n3 = 3 * spec.nAtoms;
  const d = internalDim(spec);
  const frames = positions.length / n3;
  if (!Number.isInteger(frames)) throw new EngineInputError(`positions hold ${positions.length} numbers, not a multiple of ${n3} (${spec.nAtoms} atoms x 3)`);
  const result = out ?? new Float64Array(frames * d);
  for (let f = 0; f < frames; f++) {
    const x = positions.subarray(f * n3, (f + 1) * n3);
    let k = f * d;
    for (let r = 1; r < spec.rows.length; r++) {
      const row = spec.rows[r];
      result[k++] = distanceCv(x, row.atom, row.bond);
      if (r >= 2) result[k++] = angleCv(x, row.atom, row.bond, row.angle);
      if (r >= 3) result[k++] = dihedralCv(x, row.atom, row.bond, row.angle, row.torsion);
    }
  }
  return result;
}

/**
 * Internal coordinates (n x (3N - 6)) -> Cartesian frames (n x nAtoms x 3, nm) by NeRF. Exact
 * inverse of toInternal up to a rigid motion: every bond, angle and torsion of the result equals
 * the input (to rounding, ~1e-15 relative).
 */
export function fromInternal(spec: InternalCoordinateSpec, internal: Float64Array | Float32Array, out?: Float64Array): Float64Array {
  const n3 = 3 * spec.nAtoms;
  const d = internalDim(spec);
  const frames = internal.length / d;
  if (!Number.isInteger(frames)) throw new EngineInputError(`internal coordinates hold ${internal.length} numbers, not a multiple of ${d}`);
  const result = out ?? new Float64Array(frames * n3);
  for (let f = 0; f < frames; f++) {
    const x = result.subarray(f * n3, (f + 1) * n3);
    let k = f * d;
    const [r0, r1, r2] = spec.rows;
    x[3 * r0.atom] = 0; x[3 * r0.atom + 1] = 0; x[3 * r0.atom + 2] = 0;
    const b1 = internal[k++];
    x[3 * r1.atom] = b1; x[3 * r1.atom + 1] = 0; x[3 * r1.atom + 2] = 0;
    // Row 2: bonded to j, angle (i, j, k) in the xy plane (y > 0).
    const b2 = internal[k++];
    const t2 = internal[k++];
    const jx = x[3 * r2.bond];
    const ux = x[3 * r2.angle] - jx; // +-x direction from j to k
    const sgn = ux >= 0 ? 1 : -1;
    x[3 * r2.atom] = jx + sgn * b2 * Math.cos(t2);
    x[3 * r2.atom + 1] = b2 * Math.sin(t2);
    x[3 * r2.atom + 2] = 0;
    for (let r = 3; r < spec.rows.length; r++) {
      const row = spec.rows[r];
      const bond = internal[k++];
      const theta = internal[k++];
      const phi = internal[k++];
      placeAtom(x, row.atom, row.bond, row.angle, row.torsion, bond, theta, phi);
    }
  }
  return result;
}

/** NeRF: atom i at distance r from j, angle theta(i, j, k), dihedral phi(i, j, k, l). */
function placeAtom(x: Float64Array, i: number, j: number, k: number, l: number, r: number, theta: number, phi: number): void {
  // Frame at j: e1 along k -> j, n normal to the plane (l, k, j), m = n x e1.
  const jx = x[3 * j], jy = x[3 * j + 1], jz = x[3 * j + 2];
  let e1x = jx - x[3 * k], e1y = jy - x[3 * k + 1], e1z = jz - x[3 * k + 2];
  const e1n = Math.hypot(e1x, e1y, e1z);
  e1x /= e1n; e1y /= e1n; e1z /= e1n;
  const ax = x[3 * k] - x[3 * l], ay = x[3 * k + 1] - x[3 * l + 1], az = x[3 * k + 2] - x[3 * l + 2];
  let nx = ay * e1z - az * e1y, ny = az * e1x - ax * e1z, nz = ax * e1y - ay * e1x;
  const nn = Math.hypot(nx, ny, nz);
  nx /= nn; ny /= nn; nz /= nn;
  const mx = ny * e1z - nz * e1y, my = nz * e1x - nx * e1z, mz = nx * e1y - ny * e1x;
  const d0 = -r * Math.cos(theta);
  const d1 = r * Math.sin(theta) * Math.cos(phi);
  const d2 = r * Math.sin(theta) * Math.sin(phi);
  x[3 * i] = jx + d0 * e1x + d1 * mx + d2 * nx;
  x[3 * i + 1] = jy + d0 * e1y + d1 * my + d2 * ny;
  x[3 * i + 2] = jz + d0 * e1z + d1 * mz + d2 * nz;
}
