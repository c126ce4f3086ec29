/**
 * Writes instance transforms straight into an InstancedMesh's matrix buffer (column-major 4x4,
 * 16 floats per instance), so a new frame updates the GPU buffer in place with no allocation.
 * Spheres are unit spheres scaled by the radius; bond halves are unit cylinders (height 1 along
 * +y, centred at the origin) stretched between two points.
 */

/** Atom `k` of `positions` as a sphere of radius r, into instance `slot`. */
export function writeSphere(out: Float32Array, slot: number, x: number, y: number, z: number, r: number): void {
  const o = slot * 16;
  out[o] = r; out[o + 1] = 0; out[o + 2] = 0; out[o + 3] = 0;
  out[o + 4] = 0; out[o + 5] = r; out[o + 6] = 0; out[o + 7] = 0;
  out[o + 8] = 0; out[o + 9] = 0; out[o + 10] = r; out[o + 11] = 0;
  out[o + 12] = x; out[o + 13] = y; out[o + 14] = z; out[o + 15] = 1;
}

/**
 * A cylinder of radius r from a to b into instance `slot`. The basis (u, b-a, u x axis) is
 * right-handed so triangle winding (front faces) survives the transform.
 */
export function writeCylinder(out: Float32Array, slot: number, ax: number, ay: number, az: number, bx: number, by: number, bz: number, r: number): void {
  const o = slot * 16;
  const vx = bx - ax, vy = by - ay, vz = bz - az;
  const len = Math.hypot(vx, vy, vz);
  if (len < 1e-9) {
    out.fill(0, o, o + 16);
    out[o + 15] = 1;
    return;
  }
  const nx = vx / len, ny = vy / len, nz = vz / len;
  // u: unit vector perpendicular to the axis, from crossing with the least-aligned coordinate axis.
  let ux: number, uy: number, uz: number;
  if (Math.abs(nx) < 0.9) {
    // n x (1,0,0) = (0, nz, -ny)
    ux = 0; uy = nz; uz = -ny;
  } else {
    // n x (0,1,0) = (-nz, 0, nx)
    ux = -nz; uy = 0; uz = nx;
  }
  const ul = Math.hypot(ux, uy, uz);
  ux /= ul; uy /= ul; uz /= ul;
  // w = u x n completes a right-handed (u, n, w) frame.
  const wx = uy * nz - uz * ny, wy = uz * nx - ux * nz, wz = ux * ny - uy * nx;
  out[o] = ux * r; out[o + 1] = uy * r; out[o + 2] = uz * r; out[o + 3] = 0;
  out[o + 4] = vx; out[o + 5] = vy; out[o + 6] = vz; out[o + 7] = 0;
  out[o + 8] = wx * r; out[o + 9] = wy * r; out[o + 10] = wz * r; out[o + 11] = 0;
  out[o + 12] = (ax + bx) / 2; out[o + 13] = (ay + by) / 2; out[o + 14] = (az + bz) / 2; out[o + 15] = 1;
}

/**
 * Spheres for every atom of one frame, into slots [firstSlot, firstSlot + atoms).
 */
export function writeAtoms(out: Float32Array, positions: ArrayLike<number>, radii: ArrayLike<number>, firstSlot = 0): void {
  const n = radii.length;
  for (let i = 0; i < n; i++) writeSphere(out, firstSlot + i, positions[3 * i], positions[3 * i + 1], positions[3 * i + 2], radii[i]);
}

/**
 * Two half-cylinders per bond (atom i to the midpoint, midpoint to atom j), so each half takes its
 * atom's colour, into slots [firstSlot, firstSlot + 2 * bonds). `bonds` is flat: i0, j0, i1, j1, ...
 */
export function writeHalfBonds(out: Float32Array, positions: ArrayLike<number>, bonds: ArrayLike<number>, radius: number, firstSlot = 0): void {
  const nb = bonds.length >> 1;
  for (let b = 0; b < nb; b++) {
    const i = bonds[2 * b], j = bonds[2 * b + 1];
    const ax = positions[3 * i], ay = positions[3 * i + 1], az = positions[3 * i + 2];
    const bx = positions[3 * j], by = positions[3 * j + 1], bz = positions[3 * j + 2];
    const mx = (ax + bx) / 2, my = (ay + by) / 2, mz = (az + bz) / 2;
    writeCylinder(out, firstSlot + 2 * b, ax, ay, az, mx, my, mz, radius);
    writeCylinder(out, firstSlot + 2 * b + 1, mx, my, mz, bx, by, bz, radius);
  }
}

/** Centre and radius of the smallest axis-aligned box's circumsphere, padded by `pad`. */
export function boundingSphere(positions: ArrayLike<number>, pad = 0): { cx: number; cy: number; cz: number; r: number } {
  const n = Math.floor(positions.length / 3);
  if (n === 0) return { cx: 0, cy: 0, cz: 0, r: 1 };
  let minX = Infinity, minY = Infinity, minZ = Infinity, maxX = -Infinity, maxY = -Infinity, maxZ = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = positions[3 * i], y = positions[3 * i + 1], z = positions[3 * i + 2];
    if (x < minX) minX = x; if (x > maxX) maxX = x;
    if (y < minY) minY = y; if (y > maxY) maxY = y;
    if (z < minZ) minZ = z; if (z > maxZ) maxZ = z;
  }
  const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2, cz = (minZ + maxZ) / 2;
  let r2 = 0;
  for (let i = 0; i < n; i++) {
    const dx = positions[3 * i] - cx, dy = positions[3 * i + 1] - cy, dz = positions[3 * i + 2] - cz;
    const d2 = dx * dx + dy * dy + dz * dz;
    if (d2 > r2) r2 = d2;
  }
  return { cx, cy, cz, r: Math.max(Math.sqrt(r2) + pad, 0.1) };
}
