/**
 * Internal coordinates of molecules (engine/generative/molecular-features.ts): the Z-matrix of
 * alanine dipeptide makes phi/psi torsions, the NeRF inverse reproduces every structure up to a
 * rigid motion, and the CV of a reconstruction equals the torsion it was built from.
 */
import { expect, test } from 'vitest';
import { dihedralCv } from '../../../src-main/engine/molecules/cv';
import { kabschRmsd } from '../../../src-main/engine/molecules/align';
import { Rng } from '../../../src-main/engine/random';
import { buildZMatrix, fromInternal, internalDim, toInternal, torsionIndices, validateInternalSpec } from '../../../src-main/engine/generative/molecular-features';
import { PHI, PSI, spec, top, x0 } from './ala2';


/** Random distortions of the structure (0.02 nm per coordinate): generic, non-planar inputs. */
function jiggled(seed: number, count: number): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(count * x0.length);
  for (let f = 0; f < count; f++) for (let i = 0; i < x0.length; i++) out[f * x0.length + i] = x0[i] + 0.02 * rng.normal();
  return out;
}

test('the Z-matrix covers every atom once, 3N - 6 coordinates, phi and psi are torsions of it', () => {
  expect(validateInternalSpec(JSON.parse(JSON.stringify(spec)))).toBeTruthy();
  expect(new Set(spec.rows.map((r) => r.atom)).size).toBe(22);
  expect(internalDim(spec)).toBe(60);
  expect(torsionIndices(spec)).toHaveLength(19);
  expect(spec.dihedralCoordinates.every((i) => i >= 0)).toBe(true);
  expect(spec.kinds[spec.dihedralCoordinates[0]]).toBe('torsion');
  // Every bond partner of a row is a covalent bond of the topology (chemistry, not arbitrary pairs).
  const bonds = new Set<string>();
  for (let b = 0; b < top.bonds.length; b += 2) bonds.add(`${Math.min(top.bonds[b], top.bonds[b + 1])}-${Math.max(top.bonds[b], top.bonds[b + 1])}`);
  for (const r of spec.rows.slice(1)) expect(bonds.has(`${Math.min(r.atom, r.bond)}-${Math.max(r.atom, r.bond)}`)).toBe(true);
});

test('round trip Cartesian -> internal -> Cartesian is exact up to a rigid motion (1e-9 nm)', () => {
  const frames = jiggled(3, 20);
  const q = toInternal(spec, frames);
  const back = fromInternal(spec, q);
  const n3 = x0.length;
  let worst = 0;
  for (let f = 0; f < 20; f++) {
    // The inverse fixes the frame (atom 0 at the origin, ...): compare after optimal superposition.
    worst = Math.max(worst, kabschRmsd(back.subarray(f * n3, (f + 1) * n3), frames.subarray(f * n3, (f + 1) * n3)));
  }
  // Double-precision NeRF over a 22-atom chain: rounding ~1e-15 nm per placement; 1e-9 is the
  // issue's bar and leaves 6 orders of margin, while any wrong sign or partner gives > 0.01 nm.
  expect(worst).toBeLessThan(1e-9);
  // Internal coordinates of the reconstruction equal the input ones (torsions compared on the circle).
  const q2 = toInternal(spec, back);
  let dq = 0;
  for (let i = 0; i < q.length; i++) dq = Math.max(dq, Math.abs(Math.atan2(Math.sin(q2[i] - q[i]), Math.cos(q2[i] - q[i]))));
  expect(dq).toBeLessThan(1e-12);
});

test('the CV of a reconstruction equals the internal torsion it was built from, for any value', () => {
  const q = toInternal(spec, x0);
  const [iPhi, iPsi] = spec.dihedralCoordinates;
  const rng = new Rng(11);
  let worst = 0;
  for (let t = 0; t < 50; t++) {
    const phi = Math.PI * (2 * rng.uniform() - 1);
    const psi = Math.PI * (2 * rng.uniform() - 1);
    q[iPhi] = phi;
    q[iPsi] = psi;
    const x = fromInternal(spec, q);
    const dPhi = dihedralCv(x, PHI[0], PHI[1], PHI[2], PHI[3]) - phi;
    const dPsi = dihedralCv(x, PSI[0], PSI[1], PSI[2], PSI[3]) - psi;
    worst = Math.max(worst, Math.abs(Math.atan2(Math.sin(dPhi), Math.cos(dPhi))), Math.abs(Math.atan2(Math.sin(dPsi), Math.cos(dPsi))));
  }
  // Exact by construction (the dihedral IS a Z-matrix torsion); rounding only.
  expect(worst).toBeLessThan(1e-12);
});

test('a disconnected molecule and a bad stored spec are refused with a clear message', () => {
  expect(() => buildZMatrix(5, [0, 1, 1, 2, 3, 4])).toThrow(/connected/);
  expect(() => validateInternalSpec({ format: 'other' })).toThrow(/internal-coordinate/);
});
