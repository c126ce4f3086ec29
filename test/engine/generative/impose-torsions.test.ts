/**
 * Imposing dihedral CVs in internal coordinates (engine/generative/impose-torsions.ts): after
 * NeRF the structure sits at the target phi/psi to rounding, and the move is a rigid rotation of
 * one side of each central bond against the other (so every bond, angle, and every distance
 * within a side, is unchanged), checked on distorted alanine dipeptide structures.
 */
import { expect, test } from 'vitest';
import { dihedralCv } from '../../../src-main/engine/molecules/cv';
import { Rng } from '../../../src-main/engine/random';
import { buildZMatrix, fromInternal, internalDim, toInternal } from '../../../src-main/engine/generative/molecular-features';
import { PHI, PSI, spec, top, x0 } from './ala2';
import { imposeTorsions, torsionRotors } from '../../../src-main/engine/generative/impose-torsions';

const wrap = (d: number) => Math.atan2(Math.sin(d), Math.cos(d));

/** Atoms on the `from` side of bond from-to (breadth-first search without crossing it). */
function side(from: number, to: number): Set<number> {
  const adj: number[][] = Array.from({ length: top.nAtoms }, () => []);
  for (let b = 0; b < top.bonds.length; b += 2) {
    adj[top.bonds[b]].push(top.bonds[b + 1]);
    adj[top.bonds[b + 1]].push(top.bonds[b]);
  }
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length) for (const v of adj[queue.shift()!]) if (v !== to && !seen.has(v)) (seen.add(v), queue.push(v));
  return seen;
}
const dist = (x: Float64Array, a: number, b: number) => Math.hypot(x[3 * a] - x[3 * b], x[3 * a + 1] - x[3 * b + 1], x[3 * a + 2] - x[3 * b + 2]);

test('phi and psi land on the target to rounding; each side of the central bond moves rigidly', () => {
  const rotors = torsionRotors(spec, top.bonds);
  expect(rotors.every((r) => r !== null)).toBe(true);
  // N-CA carries phi plus the torsions of CB, HA (and of whatever the Z-matrix hangs on them).
  expect(rotors[0]!.shifted.length).toBeGreaterThanOrEqual(3);
  const rng = new Rng(11);
  const d = internalDim(spec);
  const count = 20;
  const frames = new Float64Array(count * x0.length);
  for (let i = 0; i < frames.length; i++) frames[i] = x0[i % x0.length] + 0.02 * rng.normal();
  const internal = toInternal(spec, frames);
  const before = fromInternal(spec, internal);
  const targets = [
    [-1.4, 1.2],
    [-2.9, 3.1],
    [1.1, -0.8],
    [3.14159, -3.14159],
  ];
  let worst = 0;
  for (const target of targets) {
    const moved = internal.slice();
    imposeTorsions(moved, d, rotors, target);
    const after = fromInternal(spec, moved);
    for (let f = 0; f < count; f++) {
      const x = after.subarray(f * x0.length, (f + 1) * x0.length);
      const x1 = before.subarray(f * x0.length, (f + 1) * x0.length);
      worst = Math.max(worst, Math.abs(wrap(dihedralCv(x, PHI[0], PHI[1], PHI[2], PHI[3]) - target[0])), Math.abs(wrap(dihedralCv(x, PSI[0], PSI[1], PSI[2], PSI[3]) - target[1])));
      // Rigid sides: distances within each of the three fragments cut by N-CA and CA-C are kept.
      const ace = side(PHI[1], PHI[2]); // N side of N-CA (ACE + N, H)
      const nme = side(PSI[2], PSI[1]); // C side of CA-C (C, O, NME)
      const middle = [...Array(top.nAtoms).keys()].filter((a) => !ace.has(a) && !nme.has(a));
      for (const group of [[...ace], [...nme], middle]) {
        for (const a of group) for (const b of group) expect(Math.abs(dist(x, a, b) - dist(x1, a, b))).toBeLessThan(1e-12);
      }
      // Bonded geometry untouched (bonds exactly; NeRF rounding ~1e-15 nm).
      for (let b = 0; b < top.bonds.length; b += 2) expect(Math.abs(dist(x, top.bonds[b], top.bonds[b + 1]) - dist(x1, top.bonds[b], top.bonds[b + 1]))).toBeLessThan(1e-12);
    }
  }
  // The bound: ~1e-12 rad (float64 NeRF + atan2 give ~1e-15).
  expect(worst).toBeLessThan(1e-12);
});

test('a central bond inside a ring cannot be imposed in closed form', () => {
  // Benzene-like ring of 6 atoms with one substituent on each of two ring atoms.
  const bonds = [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 0, 0, 6, 1, 7];
  const ring = buildZMatrix(8, bonds, [], [[6, 0, 1, 7]]);
  expect(ring.dihedralCoordinates[0]).toBeGreaterThanOrEqual(0);
  expect(torsionRotors(ring, bonds)).toEqual([null]);
  // Without the ring-closing bond the same dihedral is a rotor.
  const chain = [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 0, 6, 1, 7];
  expect(torsionRotors(buildZMatrix(8, chain, [], [[6, 0, 1, 7]]), chain)[0]).not.toBeNull();
});
