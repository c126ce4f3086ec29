/** Kabsch superposition (Horn quaternion) against closed forms. */
import { describe, expect, it } from 'vitest';
import { Aligner, kabschRmsd } from '../../../src-main/engine/molecules/align';
import { Rng } from '../../../src-main/engine/random';

/** Rotation matrix (row-major) from an axis and angle (Rodrigues). */
function rotation(axis: number[], angle: number): number[] {
  const n = Math.hypot(...axis);
  const [x, y, z] = axis.map((v) => v / n);
  const c = Math.cos(angle), s = Math.sin(angle), t = 1 - c;
  return [t * x * x + c, t * x * y - s * z, t * x * z + s * y, t * x * y + s * z, t * y * y + c, t * y * z - s * x, t * x * z - s * y, t * y * z + s * x, t * z * z + c];
}

function transform(x: Float64Array, R: number[], shift: number[]): Float64Array {
  const out = new Float64Array(x.length);
  for (let p = 0; p < x.length; p += 3) {
    for (let d = 0; d < 3; d++) out[p + d] = R[3 * d] * x[p] + R[3 * d + 1] * x[p + 1] + R[3 * d + 2] * x[p + 2] + shift[d];
  }
  return out;
}

const rng = new Rng(11);
const cloud = (n: number) => Float64Array.from({ length: 3 * n }, () => rng.normal() * 0.5);

describe('Kabsch / Horn superposition', () => {
  // Rounding only: coordinates O(1), ~100 flops per atom in double -> errors ~1e-14; 1e-10 is a wide margin.
  it('a rotated and translated copy has RMSD 0 and the fit recovers the rotation', () => {
    for (const [axis, angle] of [[[1, 2, 3], 2.1], [[0, 0, 1], Math.PI], [[1, -1, 0.2], 1e-4], [[0.3, 0.1, -1], -3.0]] as [number[], number][]) {
      const ref = cloud(17);
      const R = rotation(axis, angle);
      const moved = transform(ref, R, [1.5, -2, 0.3]);
      const al = new Aligner(ref);
      expect(al.fit(moved)).toBeLessThan(1e-10);
      // fit maps mobile onto reference: its rotation is R^T.
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(Math.abs(al.rotation[3 * a + b] - R[3 * b + a])).toBeLessThan(1e-10);
      const out = new Float64Array(moved.length);
      al.superpose(moved, out);
      for (let k = 0; k < out.length; k++) expect(Math.abs(out[k] - ref[k])).toBeLessThan(1e-10);
    }
  });

  it('a known displacement orthogonal to all rigid motions gives exactly that RMSD', () => {
    // Displacing atoms along +-z in a planar (z = 0) set with zero net force and zero net torque:
    // pairs symmetric about the centroid move +d and -d in a pattern whose first and in-plane
    // moments vanish, so no rotation or translation can reduce it. RMSD = d for every atom moved by d.
    const ref = Float64Array.of(1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0);
    const d = 0.37;
    // z-shifts (+d, +d, -d, -d): sum 0; torque-like moments sum x_i dz_i = d - d... = 0, sum y_i dz_i = -d + d = 0.
    const mobile = Float64Array.of(1, 0, d, -1, 0, d, 0, 1, -d, 0, -1, -d);
    expect(kabschRmsd(mobile, ref)).toBeCloseTo(d, 12);
    // Rotating and translating that copy changes nothing.
    expect(kabschRmsd(transform(mobile, rotation([2, -1, 0.5], 0.8), [3, 4, 5]), ref)).toBeCloseTo(d, 12);
  });

  it('a mirror image is not superposed by a reflection (proper rotations only)', () => {
    // A chiral tetrahedron and its mirror image: the best proper rotation leaves RMSD > 0.
    const ref = Float64Array.of(0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3);
    const mirror = Float64Array.from(ref, (v, k) => (k % 3 === 2 ? -v : v));
    expect(kabschRmsd(mirror, ref)).toBeGreaterThan(0.1);
  });

  it('agrees with a brute-force minimum over rotations for a random pair', () => {
    const ref = cloud(8);
    const mobile = Float64Array.from(ref, (v) => v + 0.2 * rng.normal());
    const best = kabschRmsd(mobile, ref);
    // No rotation does better than the optimum: sample 2000 random rotations of the centred mobile.
    const centred = (x: Float64Array) => {
      const c = [0, 1, 2].map((d) => x.filter((_, k) => k % 3 === d).reduce((a, b) => a + b, 0) / (x.length / 3));
      return Float64Array.from(x, (v, k) => v - c[k % 3]);
    };
    const y = centred(ref);
    const x0 = centred(mobile);
    let sampled = Infinity;
    for (let s = 0; s < 2000; s++) {
      const moved = transform(x0, rotation([rng.normal(), rng.normal(), rng.normal()], rng.uniform() * 2 * Math.PI), [0, 0, 0]);
      let sum = 0;
      for (let k = 0; k < y.length; k++) sum += (moved[k] - y[k]) ** 2;
      sampled = Math.min(sampled, Math.sqrt(sum / 8));
    }
    expect(best).toBeLessThanOrEqual(sampled + 1e-12);
    // Random sampling gets close to the optimum (within 10% here), so the optimum is not far off either.
    expect(sampled).toBeLessThan(best * 1.1);
  });

  it('uses only the selected atoms and their weights for the fit', () => {
    const ref = cloud(6);
    const R = rotation([1, 1, 0], 0.9);
    const moved = transform(ref, R, [0.5, 0.5, 0.5]);
    for (let d = 0; d < 3; d++) moved[15 + d] += 1; // atom 5 displaced: excluded from the fit
    expect(kabschRmsd(moved, ref, { atoms: [0, 1, 2, 3, 4] })).toBeLessThan(1e-10);
    expect(kabschRmsd(moved, ref, { atoms: [0, 1, 2, 3, 4, 5], weights: [1, 1, 1, 1, 1, 0] })).toBeLessThan(1e-10);
    expect(kabschRmsd(moved, ref)).toBeGreaterThan(0.1);
  });
});
