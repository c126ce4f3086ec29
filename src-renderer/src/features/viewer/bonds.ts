/**
 * Bond perception from covalent radii, for topologies that come without a bond list: atoms i and
 * j are bonded when MIN_DISTANCE < d_ij < r_i + r_j + TOLERANCE (OpenBabel's rule, with its
 * 0.45 Å tolerance). A hydrogen keeps only its closest partner. Neighbour search uses a uniform
 * grid, so the cost is O(atoms) for condensed systems.
 */
import { elementInfo } from './elements';

/** Extra distance allowed beyond the sum of covalent radii, nm (0.45 Å, as OpenBabel). */
export const BOND_TOLERANCE = 0.045;
/** Closer pairs are overlapping atoms (bad input), not bonds, nm. */
export const MIN_BOND_DISTANCE = 0.04;

/**
 * @param elements element symbols, one per atom
 * @param positions atoms x 3 coordinates, nm
 * @returns bonds as [i, j] with i < j, sorted
 */
export function perceiveBonds(elements: readonly string[], positions: ArrayLike<number>): [number, number][] {
  const n = elements.length;
  if (positions.length < n * 3) {
    throw new Error(`perceiveBonds: ${n} atoms need ${n * 3} coordinates, got ${positions.length}`);
  }
  if (n < 2) return [];
  const radius = new Float64Array(n);
  const isH = new Uint8Array(n);
  let maxRadius = 0;
  for (let i = 0; i < n; i++) {
    const info = elementInfo(elements[i]);
    radius[i] = info.covalent;
    isH[i] = info.symbol === 'H' ? 1 : 0;
    if (radius[i] > maxRadius) maxRadius = radius[i];
  }

  // Grid over the bounding box with cells no smaller than the longest possible bond.
  let minX = Infinity, minY = Infinity, minZ = Infinity, maxX = -Infinity, maxY = -Infinity, maxZ = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = positions[3 * i], y = positions[3 * i + 1], z = positions[3 * i + 2];
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) {
      throw new Error(`perceiveBonds: atom ${i + 1} has a non-finite coordinate`);
    }
    if (x < minX) minX = x; if (x > maxX) maxX = x;
    if (y < minY) minY = y; if (y > maxY) maxY = y;
    if (z < minZ) minZ = z; if (z > maxZ) maxZ = z;
  }
  let cell = 2 * maxRadius + BOND_TOLERANCE;
  // A sparse system (a gas, a bad frame) must not allocate a huge grid: cap cells at ~8 per atom.
  const volumeCells = () => Math.ceil((maxX - minX) / cell + 1) * Math.ceil((maxY - minY) / cell + 1) * Math.ceil((maxZ - minZ) / cell + 1);
  while (volumeCells() > 8 * n + 64) cell *= 1.5;
  const nx = Math.ceil((maxX - minX) / cell + 1), ny = Math.ceil((maxY - minY) / cell + 1), nz = Math.ceil((maxZ - minZ) / cell + 1);
  const cellOf = new Int32Array(n);
  const start = new Int32Array(nx * ny * nz + 1);
  for (let i = 0; i < n; i++) {
    const cx = Math.floor((positions[3 * i] - minX) / cell);
    const cy = Math.floor((positions[3 * i + 1] - minY) / cell);
    const cz = Math.floor((positions[3 * i + 2] - minZ) / cell);
    cellOf[i] = (cz * ny + cy) * nx + cx;
    start[cellOf[i] + 1]++;
  }
  for (let c = 0; c < nx * ny * nz; c++) start[c + 1] += start[c];
  const fill = start.slice(0, nx * ny * nz);
  const members = new Int32Array(n);
  for (let i = 0; i < n; i++) members[fill[cellOf[i]]++] = i;

  const candidates: { i: number; j: number; d: number }[] = [];
  for (let i = 0; i < n; i++) {
    const c = cellOf[i];
    const cx = c % nx, cy = Math.floor(c / nx) % ny, cz = Math.floor(c / (nx * ny));
    const xi = positions[3 * i], yi = positions[3 * i + 1], zi = positions[3 * i + 2];
    for (let dz = -1; dz <= 1; dz++) {
      const z = cz + dz;
      if (z < 0 || z >= nz) continue;
      for (let dy = -1; dy <= 1; dy++) {
        const y = cy + dy;
        if (y < 0 || y >= ny) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const x = cx + dx;
          if (x < 0 || x >= nx) continue;
          const cc = (z * ny + y) * nx + x;
          for (let m = start[cc]; m < start[cc + 1]; m++) {
            const j = members[m];
            if (j <= i) continue;
            const ddx = positions[3 * j] - xi, ddy = positions[3 * j + 1] - yi, ddz = positions[3 * j + 2] - zi;
            const d2 = ddx * ddx + ddy * ddy + ddz * ddz;
            const cut = radius[i] + radius[j] + BOND_TOLERANCE;
            if (d2 < cut * cut && d2 > MIN_BOND_DISTANCE * MIN_BOND_DISTANCE) candidates.push({ i, j, d: Math.sqrt(d2) });
          }
        }
      }
    }
  }

  // Hydrogens are monovalent: keep each H's shortest bond only.
  const best = new Float64Array(n).fill(Infinity);
  for (const b of candidates) {
    if (isH[b.i] && b.d < best[b.i]) best[b.i] = b.d;
    if (isH[b.j] && b.d < best[b.j]) best[b.j] = b.d;
  }
  const bonds: [number, number][] = [];
  for (const b of candidates) {
    if (isH[b.i] && b.d > best[b.i]) continue;
    if (isH[b.j] && b.d > best[b.j]) continue;
    bonds.push([b.i, b.j]);
  }
  bonds.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return bonds;
}

/** Checks a bond list against the atom count; returns a message naming the bad bond, or null. */
export function validateBonds(bonds: readonly (readonly [number, number])[], atomCount: number): string | null {
  for (let k = 0; k < bonds.length; k++) {
    const [i, j] = bonds[k];
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0 || i >= atomCount || j >= atomCount) {
      return `bond ${k + 1} (${i}, ${j}) refers to an atom outside 0..${atomCount - 1} (bond atoms are 0-based indices)`;
    }
    if (i === j) return `bond ${k + 1} joins atom ${i} to itself`;
  }
  return null;
}
