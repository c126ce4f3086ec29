/**
 * Internal coordinates with analytic gradients, on atom-major positions (nm). Each function
 * returns the value and, when `grad` is given, ADDS scale * d(value)/d(positions) into it (so a
 * bias can accumulate forces over several CVs without temporaries).
 *
 * dihedral: IUPAC sign convention (looking along j->k, positive when i->j turns clockwise onto
 * k->l), value in (-pi, pi] from atan2 (accurate at every angle, unlike acos). Gradient by
 * Blondel & Karplus, J. Comput. Chem. 17, 1132 (1996), Eq. 27: no division by sin(phi), finite
 * for every non-collinear geometry. It is undefined where i,j,k or j,k,l are collinear; there
 * the gradient is set to 0 (the CV itself is then undefined too).
 */

/** |r_i - r_j| (nm). */
export function distanceCv(x: Float64Array, i: number, j: number, grad?: Float64Array, scale = 1): number {
  const dx = x[3 * i] - x[3 * j], dy = x[3 * i + 1] - x[3 * j + 1], dz = x[3 * i + 2] - x[3 * j + 2];
  const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
  if (grad && r > 0) {
    const s = scale / r;
    grad[3 * i] += s * dx; grad[3 * i + 1] += s * dy; grad[3 * i + 2] += s * dz;
    grad[3 * j] -= s * dx; grad[3 * j + 1] -= s * dy; grad[3 * j + 2] -= s * dz;
  }
  return r;
}

/** Angle i-j-k at j (rad, [0, pi]). */
export function angleCv(x: Float64Array, i: number, j: number, k: number, grad?: Float64Array, scale = 1): number {
  const ux = x[3 * i] - x[3 * j], uy = x[3 * i + 1] - x[3 * j + 1], uz = x[3 * i + 2] - x[3 * j + 2];
  const vx = x[3 * k] - x[3 * j], vy = x[3 * k + 1] - x[3 * j + 1], vz = x[3 * k + 2] - x[3 * j + 2];
  const cx = uy * vz - uz * vy, cy = uz * vx - ux * vz, cz = ux * vy - uy * vx;
  const cross = Math.sqrt(cx * cx + cy * cy + cz * cz);
  const dot = ux * vx + uy * vy + uz * vz;
  const theta = Math.atan2(cross, dot);
  if (grad) {
    const u = Math.sqrt(ux * ux + uy * uy + uz * uz);
    const v = Math.sqrt(vx * vx + vy * vy + vz * vz);
    const sin = cross / (u * v);
    if (sin > 1e-12) {
      const cos = dot / (u * v);
      // d theta / d u = (cos * u_hat - v_hat) / (|u| sin), and symmetrically for v.
      const a = scale / (u * sin), b = scale / (v * sin);
      const gix = a * ((cos * ux) / u - vx / v), giy = a * ((cos * uy) / u - vy / v), giz = a * ((cos * uz) / u - vz / v);
      const gkx = b * ((cos * vx) / v - ux / u), gky = b * ((cos * vy) / v - uy / u), gkz = b * ((cos * vz) / v - uz / u);
      grad[3 * i] += gix; grad[3 * i + 1] += giy; grad[3 * i + 2] += giz;
      grad[3 * k] += gkx; grad[3 * k + 1] += gky; grad[3 * k + 2] += gkz;
      grad[3 * j] -= gix + gkx; grad[3 * j + 1] -= giy + gky; grad[3 * j + 2] -= giz + gkz;
    }
  }
  return theta;
}

/** Dihedral i-j-k-l (rad, (-pi, pi], IUPAC sign). */
export function dihedralCv(x: Float64Array, i: number, j: number, k: number, l: number, grad?: Float64Array, scale = 1): number {
  // F = r_i - r_j, G = r_j - r_k, H = r_l - r_k (Blondel-Karplus notation).
  const fx = x[3 * i] - x[3 * j], fy = x[3 * i + 1] - x[3 * j + 1], fz = x[3 * i + 2] - x[3 * j + 2];
  const gx = x[3 * j] - x[3 * k], gy = x[3 * j + 1] - x[3 * k + 1], gz = x[3 * j + 2] - x[3 * k + 2];
  const hx = x[3 * l] - x[3 * k], hy = x[3 * l + 1] - x[3 * k + 1], hz = x[3 * l + 2] - x[3 * k + 2];
  // A = F x G, B = H x G.
  const ax = fy * gz - fz * gy, ay = fz * gx - fx * gz, az = fx * gy - fy * gx;
  const bx = hy * gz - hz * gy, by = hz * gx - hx * gz, bz = hx * gy - hy * gx;
  const g = Math.sqrt(gx * gx + gy * gy + gz * gz);
  // cos ~ A.B, sin ~ (B x A).G / |G|, both with the common factor 1/(|A||B|) dropped.
  const cosTerm = ax * bx + ay * by + az * bz;
  const cx = by * az - bz * ay, cy = bz * ax - bx * az, cz = bx * ay - by * ax;
  const sinTerm = g > 0 ? (cx * gx + cy * gy + cz * gz) / g : 0;
  let phi = Math.atan2(sinTerm, cosTerm);
  if (phi === -Math.PI) phi = Math.PI; // atan2(-0, -1): keep the range (-pi, pi]
  if (grad) {
    const a2 = ax * ax + ay * ay + az * az;
    const b2 = bx * bx + by * by + bz * bz;
    if (a2 > 0 && b2 > 0 && g > 0) {
      const fg = fx * gx + fy * gy + fz * gz;
      const hg = hx * gx + hy * gy + hz * gz;
      const ca = (scale * g) / a2; // dphi/dr_i = -|G|/A^2 A
      const cb = (scale * g) / b2; // dphi/dr_l = +|G|/B^2 B
      const pa = (scale * fg) / (a2 * g);
      const pb = (scale * hg) / (b2 * g);
      addDihedralAtom(grad, i, j, k, l, 0, ca, cb, pa, pb, ax, bx);
      addDihedralAtom(grad, i, j, k, l, 1, ca, cb, pa, pb, ay, by);
      addDihedralAtom(grad, i, j, k, l, 2, ca, cb, pa, pb, az, bz);
    }
  }
  return phi;
}

/** One Cartesian component d of the dihedral gradient (keeps the hot path free of temporaries). */
function addDihedralAtom(grad: Float64Array, i: number, j: number, k: number, l: number, d: number,
  ca: number, cb: number, pa: number, pb: number, a: number, b: number): void {
  const gi = -ca * a;
  const gl = cb * b;
  const gj = ca * a + pa * a - pb * b;
  grad[3 * i + d] += gi;
  grad[3 * j + d] += gj;
  grad[3 * l + d] += gl;
  grad[3 * k + d] -= gi + gj + gl; // translation invariance
}
