// Pure logic of the 3D molecule viewer (src-renderer/src/lib/viewer): element tables, bond
// perception, Kabsch superposition, measurements, frame streaming cache, playback, picking and
// instance matrices. Alanine dipeptide reference data (bonds, MDTraj measurements) come from
// test/fixtures/viewer/ala2.json (see its README for provenance).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atomRadius, elementInfo, resolveElement, UNKNOWN_ELEMENT } from '../../src-renderer/src/features/viewer/elements';
import { perceiveBonds, validateBonds } from '../../src-renderer/src/features/viewer/bonds';
import { applySuperposition, rmsd, superpose } from '../../src-renderer/src/features/viewer/kabsch';
import { angle, dihedral, distance, formatMeasurement, measure } from '../../src-renderer/src/features/viewer/geometry';
import { FrameCache, type FrameSource } from '../../src-renderer/src/features/viewer/frames';
import { advanceFrame, PlaybackClock } from '../../src-renderer/src/features/viewer/playback';
import { pickSphere } from '../../src-renderer/src/features/viewer/picking';
import { boundingSphere, writeCylinder, writeHalfBonds, writeSphere } from '../../src-renderer/src/features/viewer/instances';
import { atomLabel, buildTopology, defaultFitAtoms, type ViewerAtom } from '../../src-renderer/src/features/viewer/topology';

interface Ala2Fixture {
  atoms: ViewerAtom[];
  bonds: [number, number][];
  frames: number[][];
  dihedrals: { atoms: number[][]; degrees: number[][] };
  angles: { atoms: number[][]; degrees: number[][] };
  distances: { atoms: number[][]; nm: number[][] };
}
const ala2: Ala2Fixture = JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/viewer/ala2.json'), 'utf8'));
const elements = ala2.atoms.map((a) => a.element);

/** Deterministic pseudo-random numbers (mulberry32) so failures reproduce. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rotation matrix (row-major) from axis-angle. */
function rotation(ax: number, ay: number, az: number, deg: number): number[] {
  const l = Math.hypot(ax, ay, az);
  const [x, y, z] = [ax / l, ay / l, az / l];
  const t = (deg * Math.PI) / 180, c = Math.cos(t), s = Math.sin(t), C = 1 - c;
  return [c + x * x * C, x * y * C - z * s, x * z * C + y * s, y * x * C + z * s, c + y * y * C, y * z * C - x * s, z * x * C - y * s, z * y * C + x * s, c + z * z * C];
}
function transform(p: ArrayLike<number>, R: number[], t: [number, number, number]): Float64Array {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i += 3) {
    for (let r = 0; r < 3; r++) out[i + r] = R[3 * r] * p[i] + R[3 * r + 1] * p[i + 1] + R[3 * r + 2] * p[i + 2] + t[r];
  }
  return out;
}

describe('element table', () => {
  it('has Jmol colours and Bondi / Cordero radii in nm', () => {
    const close = (sym: string, color: number, vdw: number, cov: number) => {
      const e = elementInfo(sym);
      expect(e.color).toBe(color);
      expect(e.vdw).toBeCloseTo(vdw, 12); // stored as Angstrom / 10
      expect(e.covalent).toBeCloseTo(cov, 12);
    };
    close('C', 0x909090, 0.17, 0.076);
    close('o', 0xff0d0d, 0.152, 0.066);
    close('H', 0xffffff, 0.12, 0.031);
    expect(elementInfo('N').color).toBe(0x3050f8);
    expect(elementInfo('S').color).toBe(0xffff30);
    expect(elementInfo('Xx')).toBe(UNKNOWN_ELEMENT);
  });
  it('guesses elements from PDB atom names when the element is missing', () => {
    expect(resolveElement('', 'CA').symbol).toBe('C');
    expect(resolveElement(undefined, '1HB2').symbol).toBe('H');
    expect(resolveElement('', 'CL').symbol).toBe('Cl');
    expect(resolveElement('', 'ZN').symbol).toBe('Zn');
    expect(resolveElement('FE', 'X1').symbol).toBe('Fe');
  });
  it('draws spheres at the vdW radius and ball-and-stick at a quarter of it', () => {
    expect(atomRadius(elementInfo('C'), 'spheres')).toBeCloseTo(0.17, 12);
    expect(atomRadius(elementInfo('C'), 'ball-and-stick')).toBeCloseTo(0.0425, 12);
  });
});

describe('bond perception', () => {
  it('finds the 21 bonds of alanine dipeptide that MDTraj templates give', () => {
    expect(perceiveBonds(elements, ala2.frames[0])).toEqual(ala2.bonds);
    expect(ala2.bonds).toHaveLength(21);
  });
  it('keeps the same bonds under thermal-size perturbations of up to 0.005 nm per coordinate', () => {
    // Each coordinate moves by at most 0.005 nm, so a pair distance changes by at most
    // 2 * sqrt(3) * 0.005 = 0.0173 nm. Check that every pair of the geometry is further than that
    // from its cutoff (bonded below, non-bonded above); then the perceived bonds cannot change.
    const p0 = ala2.frames[0];
    const bonded = new Set(ala2.bonds.map(([i, j]) => `${i},${j}`));
    const cov = (i: number) => elementInfo(elements[i]).covalent;
    let margin = Infinity;
    for (let i = 0; i < 22; i++)
      for (let j = i + 1; j < 22; j++) {
        const gap = cov(i) + cov(j) + 0.045 - distance(p0, i, j);
        margin = Math.min(margin, bonded.has(`${i},${j}`) ? gap : -gap);
      }
    const maxChange = 2 * Math.sqrt(3) * 0.005;
    expect(margin).toBeGreaterThan(maxChange);
    const rand = rng(11);
    for (let k = 0; k < 20; k++) {
      const p = p0.map((v) => v + (2 * rand() - 1) * 0.005);
      expect(perceiveBonds(elements, p)).toEqual(ala2.bonds);
    }
  });
  it('bonds a hydrogen to its closest partner only', () => {
    // H between two carbons: both within cutoff (0.11 and 0.12 nm < 0.152), keep the 0.11 one.
    const bonds = perceiveBonds(['C', 'H', 'C'], [0, 0, 0, 0.11, 0, 0, 0.23, 0, 0]);
    expect(bonds).toEqual([[0, 1]]);
  });
  it('scales to a sparse 10^4-atom lattice without a huge grid', () => {
    const n = 10_000;
    const p = new Float64Array(n * 3);
    // A line of carbons 0.15 nm apart (all bonded in sequence) spread over 1500 nm.
    for (let i = 0; i < n; i++) p[3 * i] = i * 0.15;
    const bonds = perceiveBonds(new Array(n).fill('C'), p);
    expect(bonds).toHaveLength(n - 1);
    expect(bonds[123]).toEqual([123, 124]);
  });
  it('rejects bad input with a message naming the problem', () => {
    expect(() => perceiveBonds(['C', 'C'], [0, 0, 0])).toThrow(/2 atoms need 6 coordinates/);
    expect(() => perceiveBonds(['C', 'C'], [0, 0, 0, NaN, 0, 0])).toThrow(/atom 2 has a non-finite/);
    expect(validateBonds([[0, 5]], 3)).toMatch(/bond 1 \(0, 5\) refers to an atom outside 0..2/);
    expect(validateBonds([[1, 1]], 3)).toMatch(/joins atom 1 to itself/);
    expect(validateBonds(ala2.bonds, 22)).toBeNull();
  });
});

describe('Kabsch superposition', () => {
  const ref = Float64Array.from(ala2.frames[0]);
  it('superposes a rotated, translated copy with RMSD 0 and recovers the rotation', () => {
    const R = rotation(0.3, -1, 0.7, 137);
    const mobile = transform(ref, R, [1.5, -2, 0.25]);
    const s = superpose(ref, mobile);
    // The reported RMSD is sqrt((G - 2 lambda) / N) with G ~ 2 * 22 * (0.5 nm)^2 ~ 10: double
    // rounding leaves G - 2 lambda ~ 1e-16 * G, i.e. RMSD ~ sqrt(1e-15 / 22) ~ 1e-8 nm. 1e-7 nm
    // (1e-6 Angstrom) is far below any real misfit. The applied fit itself is exact to ~1e-15.
    expect(s.rmsd).toBeLessThan(1e-7);
    const back = new Float64Array(ref.length);
    applySuperposition(s, mobile, back);
    expect(rmsd(back, ref)).toBeLessThan(1e-9);
    // The rotation found is the inverse (transpose) of the one applied.
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) expect(s.rotation[3 * r + c]).toBeCloseTo(R[3 * c + r], 9);
  });
  it('fits only the selected atoms', () => {
    const R = rotation(1, 1, 0, 60);
    const mobile = transform(ref, R, [0, 0, 1]);
    mobile[0] += 0.5; // move atom 0 away: it must not spoil a fit on the other atoms
    const others = Array.from({ length: 21 }, (_, i) => i + 1);
    const s = superpose(ref, mobile, others);
    expect(s.rmsd).toBeLessThan(1e-7); // as above
    const back = new Float64Array(ref.length);
    applySuperposition(s, mobile, back);
    expect(rmsd(back, ref, others)).toBeLessThan(1e-9);
  });
  it('minimises the RMSD: no other rotation about the centroid does better', () => {
    const rand = rng(7);
    const mobile = Float64Array.from(ref, (v) => v + (rand() - 0.5) * 0.05);
    const s = superpose(ref, mobile);
    const fitted = new Float64Array(ref.length);
    applySuperposition(s, mobile, fitted);
    // The RMSD reported equals the RMSD of the applied fit (to rounding).
    expect(rmsd(fitted, ref)).toBeCloseTo(s.rmsd, 10);
    for (let k = 0; k < 50; k++) {
      // Perturb the optimal fit by a small random rotation about the reference centroid.
      const c = s.referenceCentroid;
      const R = rotation(rand() - 0.5, rand() - 0.5, rand() - 0.5, 0.5 + 5 * rand());
      const centred = Float64Array.from(fitted, (v, i) => v - c[i % 3]);
      const perturbed = transform(centred, R, [c[0], c[1], c[2]]);
      expect(rmsd(perturbed, ref)).toBeGreaterThan(s.rmsd);
    }
  });
  it('never reflects: a mirror image keeps a large RMSD and det(R) = +1', () => {
    const mirror = Float64Array.from(ref, (v, i) => (i % 3 === 2 ? -v : v));
    // ala2's extended geometry is nearly planar (z = 0 except CB and H); perturb it out of plane.
    for (let i = 2; i < ref.length; i += 3) mirror[i] += 0.02 * Math.sin(i);
    const s = superpose(ref, mirror);
    const R = s.rotation;
    const det = R[0] * (R[4] * R[8] - R[5] * R[7]) - R[1] * (R[3] * R[8] - R[5] * R[6]) + R[2] * (R[3] * R[7] - R[4] * R[6]);
    expect(det).toBeCloseTo(1, 12);
    expect(s.rmsd).toBeGreaterThan(0.01);
  });
  it('rejects mismatched sizes and bad fit atoms', () => {
    expect(() => superpose([0, 0, 0], [0, 0, 0, 1, 1, 1])).toThrow(/reference has 1 atoms, mobile 2/);
    expect(() => superpose(ref, ref, [40])).toThrow(/fit atom 40 is outside 0..21/);
  });
});

describe('measurements', () => {
  it('dihedral matches the closed form for a = (1,0,0), b = 0, c = (0,0,1), d = (cos t, sin t, 1)', () => {
    // Looking along b->c (+z), the c->d arm sits at angle t from the b<-a arm (+x). The IUPAC
    // convention (MDTraj, PLUMED) gives +t here; the MDTraj comparison below confirms the sign.
    for (const t of [-179, -120, -60.5, -1, 0, 1, 45, 90, 135, 179.5]) {
      const r = (t * Math.PI) / 180;
      const p = [1, 0, 0, 0, 0, 0, 0, 0, 1, Math.cos(r), Math.sin(r), 1];
      // Double-precision atan2 on unit vectors: 1e-9 degrees is many orders above rounding.
      expect(dihedral(p, 0, 1, 2, 3)).toBeCloseTo(t, 9);
    }
    expect(dihedral([1, 0, 0, 0, 0, 0, 0, 0, 1, -1, 0, 1], 0, 1, 2, 3)).toBe(180);
  });
  it('agrees with MDTraj on alanine dipeptide (phi, psi, omega, angles, distances)', () => {
    // The fixture coordinates are float32 rounded to 1e-6 nm; on ~0.1 nm arms that moves an
    // angle by ~1e-5 rad (~6e-4 degrees): 1e-2 degrees and 1e-6 nm leave a wide margin.
    ala2.frames.forEach((f, k) => {
      ala2.dihedrals.atoms.forEach(([i, j, l, m], q) => {
        const ours = dihedral(f, i, j, l, m);
        const theirs = ala2.dihedrals.degrees[k][q];
        const diff = ((ours - theirs + 540) % 360) - 180; // +-180 are the same angle
        expect(Math.abs(diff)).toBeLessThan(1e-2);
      });
      ala2.angles.atoms.forEach(([i, j, l], q) => expect(angle(f, i, j, l)).toBeCloseTo(ala2.angles.degrees[k][q], 2));
      ala2.distances.atoms.forEach(([i, j], q) => expect(Math.abs(distance(f, i, j) - ala2.distances.nm[k][q])).toBeLessThan(1e-6));
    });
  });
  it('angle is exact at 90 and 180 degrees; measure picks the kind from the atom count', () => {
    const p = [1, 0, 0, 0, 0, 0, 0, 2, 0, -3, 0, 0];
    expect(angle(p, 0, 1, 2)).toBe(90);
    expect(angle(p, 0, 1, 3)).toBe(180);
    expect(measure(p, [0])).toBeNull();
    expect(measure(p, [0, 3])).toEqual({ kind: 'distance', atoms: [0, 3], value: 4 });
    expect(measure(p, [0, 1, 2])?.kind).toBe('angle');
    expect(formatMeasurement({ kind: 'distance', atoms: [0, 1], value: 0.15234 })).toBe('0.1523 nm (1.523 Å)');
    expect(formatMeasurement({ kind: 'dihedral', atoms: [0, 1, 2, 3], value: -63.44 })).toBe('-63.4°');
  });
});

describe('frame cache', () => {
  function countingSource(count: number, asyncLoad = true) {
    const calls: number[] = [];
    const source: FrameSource = {
      count,
      get(i) {
        calls.push(i);
        const f = new Float32Array([i, 0, 0]);
        return asyncLoad ? Promise.resolve(f) : f;
      },
    };
    return { source, calls };
  }

  it('loads a frame once, shares concurrent requests and evicts the least recently used', async () => {
    const { source, calls } = countingSource(100);
    const cache = new FrameCache(source, { capacity: 3, frameLength: 3 });
    const [a, b] = await Promise.all([cache.request(5), cache.request(5)]);
    expect(a).toBe(b);
    expect(calls).toEqual([5]);
    await cache.request(6);
    await cache.request(7);
    cache.peek(5); // 5 is now the most recently used
    await cache.request(8); // evicts 6
    expect([cache.has(5), cache.has(6), cache.has(7), cache.has(8)]).toEqual([true, false, true, true]);
    expect(cache.size).toBe(3);
    expect(calls).toEqual([5, 6, 7, 8]);
  });
  it('prefetches ahead of the playhead, bounded by maxInFlight, wrapping when looping', async () => {
    const { source, calls } = countingSource(10);
    const cache = new FrameCache(source, { capacity: 20, maxInFlight: 3 });
    expect(cache.prefetch(8, 5, 1, true)).toBe(3);
    expect(calls).toEqual([9, 0, 1]);
    expect(cache.pending).toBe(3);
    await Promise.all([9, 0, 1].map((i) => cache.request(i)));
    expect(cache.pending).toBe(0);
    expect(calls).toHaveLength(3); // requests of prefetched frames load nothing again
    expect(cache.prefetch(8, 5, 1, false)).toBe(0); // 9 is cached, then the trajectory ends
    expect(cache.prefetch(4, 3, -1)).toBe(2); // 3 and 2; 1 is cached
    expect(calls.slice(3)).toEqual([3, 2]);
  });
  it('stores synchronous frames at once and streams 10^5 frames within capacity', () => {
    const { source } = countingSource(100_000, false);
    const cache = new FrameCache(source, { capacity: 64 });
    for (let i = 0; i < 100_000; i += 97) void cache.request(i);
    expect(cache.peek(99_910)?.[0]).toBe(99_910); // 97 x 1030, the last one requested
    expect(cache.size).toBe(64);
  });
  it('reports frames of the wrong length and out-of-range indices; failures are not cached', async () => {
    let fail = true;
    const source: FrameSource = {
      count: 4,
      get: (i) => (i === 1 ? new Float32Array(5) : fail ? Promise.reject(new Error('disk')) : Promise.resolve(new Float32Array(6))),
    };
    const cache = new FrameCache(source, { frameLength: 6 });
    await expect(cache.request(1)).rejects.toThrow(/frame 1 has 5 coordinates, expected 6/);
    expect(() => cache.request(4)).toThrow(/frame 4 is outside 0..3/);
    await expect(cache.request(2)).rejects.toThrow('disk');
    fail = false;
    await expect(cache.request(2)).resolves.toHaveLength(6);
  });
});

describe('playback', () => {
  it('turns elapsed time into whole frames and carries the remainder', () => {
    const clock = new PlaybackClock();
    // 10 fps: 16 ms frames -> 0.16 frame each; the 7th call crosses 1 frame (7 x 0.16 = 1.12).
    const steps = Array.from({ length: 7 }, () => clock.steps(16, 10));
    expect(steps).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(clock.steps(1e6, 25)).toBe(25); // a stall is capped at one second of frames
  });
  it('loops or stops at the ends', () => {
    expect(advanceFrame(98, 3, 100, true)).toEqual({ frame: 1, ended: false });
    expect(advanceFrame(98, 3, 100, false)).toEqual({ frame: 99, ended: true });
    expect(advanceFrame(0, -1, 100, true)).toEqual({ frame: 99, ended: false });
    expect(advanceFrame(5, -10, 100, false)).toEqual({ frame: 0, ended: true });
  });
});

describe('picking', () => {
  const positions = [0, 0, 0, 0, 0, -1, 0.5, 0, 0];
  const radii = [0.1, 0.3, 0.1];
  it('returns the nearest sphere along the ray and the entry distance', () => {
    // Ray from z = 10 down -z through the origin: hits sphere 0 at z = 0.1 (distance 9.9) before
    // sphere 1 (behind it at z = -1).
    expect(pickSphere([0, 0, 10], [0, 0, -1], positions, radii)).toEqual({ index: 0, distance: 9.9 });
    // Offset 0.2 in y misses sphere 0 (r 0.1) but hits sphere 1 (r 0.3): sqrt(0.09 - 0.04) deep.
    const hit = pickSphere([0, 0.2, 10], [0, 0, -1], positions, radii)!;
    expect(hit.index).toBe(1);
    expect(hit.distance).toBeCloseTo(11 - Math.sqrt(0.05), 12);
    expect(pickSphere([0.5, 0, 10], [0, 0, -1], positions, radii)?.index).toBe(2);
    expect(pickSphere([2, 2, 10], [0, 0, -1], positions, radii)).toBeNull();
    // Spheres behind the origin are not hit.
    expect(pickSphere([0, 0, -5], [0, 0, -1], positions, radii)).toBeNull();
  });
  it('a radius margin widens the target', () => {
    expect(pickSphere([0, 0.11, 10], [0, 0, -1], [0, 0, 0], [0.1])).toBeNull();
    expect(pickSphere([0, 0.11, 10], [0, 0, -1], [0, 0, 0], [0.1], 1.15)?.index).toBe(0);
  });
});

describe('instance matrices', () => {
  /** Applies column-major 4x4 instance `slot` to a point. */
  function apply(m: Float32Array, slot: number, x: number, y: number, z: number): number[] {
    const o = slot * 16;
    return [0, 1, 2].map((r) => m[o + r] * x + m[o + 4 + r] * y + m[o + 8 + r] * z + m[o + 12 + r]);
  }
  it('a sphere instance scales the unit sphere and moves it to the atom', () => {
    const m = new Float32Array(32);
    writeSphere(m, 1, 1, 2, 3, 0.5);
    expect(apply(m, 1, 1, 0, 0)).toEqual([1.5, 2, 3]);
  });
  it('a cylinder instance maps the unit cylinder onto the segment, right-handed, radius r', () => {
    const m = new Float32Array(16);
    for (const [a, b] of [
      [[0, 0, 0], [0, 0, 2]],
      [[1, 1, 1], [4, 1, 1]],
      [[0.1, -0.2, 0.3], [-0.5, 0.7, 0.2]],
    ]) {
      writeCylinder(m, 0, a[0], a[1], a[2], b[0], b[1], b[2], 0.05);
      // Float32 storage: 1e-6 relative.
      apply(m, 0, 0, -0.5, 0).forEach((v, k) => expect(v).toBeCloseTo(a[k], 6));
      apply(m, 0, 0, 0.5, 0).forEach((v, k) => expect(v).toBeCloseTo(b[k], 6));
      const u = [m[0], m[1], m[2]], v = [m[4], m[5], m[6]], w = [m[8], m[9], m[10]];
      expect(Math.hypot(...u)).toBeCloseTo(0.05, 6);
      expect(Math.hypot(...w)).toBeCloseTo(0.05, 6);
      expect(u[0] * v[0] + u[1] * v[1] + u[2] * v[2]).toBeCloseTo(0, 6);
      const det = u[0] * (v[1] * w[2] - v[2] * w[1]) - u[1] * (v[0] * w[2] - v[2] * w[0]) + u[2] * (v[0] * w[1] - v[1] * w[0]);
      expect(det).toBeGreaterThan(0);
    }
  });
  it('half-bonds meet at the midpoint', () => {
    const m = new Float32Array(32);
    writeHalfBonds(m, [0, 0, 0, 0.2, 0, 0], [0, 1], 0.01);
    expect(apply(m, 0, 0, 0.5, 0)[0]).toBeCloseTo(0.1, 6);
    expect(apply(m, 1, 0, -0.5, 0)[0]).toBeCloseTo(0.1, 6);
    expect(apply(m, 1, 0, 0.5, 0)[0]).toBeCloseTo(0.2, 6);
  });
  it('bounding sphere encloses every atom', () => {
    const s = boundingSphere(ala2.frames[0]);
    for (let i = 0; i < 22; i++) {
      const p = ala2.frames[0];
      expect(Math.hypot(p[3 * i] - s.cx, p[3 * i + 1] - s.cy, p[3 * i + 2] - s.cz)).toBeLessThanOrEqual(s.r + 1e-9);
    }
  });
});

describe('topology for drawing', () => {
  it('colours, radii, flat bonds, fit atoms and labels', () => {
    const t = buildTopology(ala2.atoms, ala2.bonds, 'ball-and-stick');
    expect(t.colors[8]).toBe(0x909090);
    expect(t.radii[0]).toBeCloseTo(0.03, 7);
    expect(Array.from(t.bonds.slice(0, 2))).toEqual(ala2.bonds[0]);
    expect(defaultFitAtoms(ala2.atoms)).toEqual([1, 4, 5, 6, 8, 10, 14, 15, 16, 18]);
    expect(atomLabel(ala2.atoms, 8)).toBe('CA 9 (C) · ALA 2');
    expect(buildTopology(ala2.atoms, ala2.bonds, 'spheres').showBonds).toBe(false);
  });
});
