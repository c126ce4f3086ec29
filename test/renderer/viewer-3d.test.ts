// The 3D viewer's representations, colour by source, per-project memory, CV read-out (against the
// engine's CVs), FES <-> frame linking, playlist playback and movie files (issue 12, 3D parts).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { crc32 as nodeCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { atomRadius, bondRadius, elementInfo, LICORICE_RADIUS, BOND_RADIUS, parseAtomStyle, ATOM_STYLES } from '../../src-renderer/src/features/viewer/elements';
import { buildTopology, type ViewerAtom } from '../../src-renderer/src/features/viewer/topology';
import { SOURCE_COLORS } from '../../src-renderer/src/features/viewer/sourcePalette';
import { rememberedRepresentation, rememberRepresentation, REPRESENTATION_KEY, type KeyValueStorage } from '../../src-renderer/src/features/viewer/representationMemory';
import { cvValue, formatCvValue, parseCvReadout, readCvs } from '../../src-renderer/src/features/viewer/cvReadout';
import { framesInRegion, inInterval, inPolygon, pointsOfFrames, regionContains } from '../../src-renderer/src/features/viewer/frameLinking';
import { advanceInPlaylist } from '../../src-renderer/src/features/viewer/playback';
import { crc32, encodeZip } from '../../src-renderer/src/features/viewer/zip';
import { movieFrames, pngName } from '../../src-renderer/src/features/viewer/movie';
import { parseAtomicCv } from '../../src-main/engine/molecules/cv';
import type { RegionAxis } from '../../src-renderer/src/features/regions/regions';

interface Ala2Fixture {
  atoms: ViewerAtom[];
  bonds: [number, number][];
  frames: number[][];
}
const ala2: Ala2Fixture = JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/viewer/ala2.json'), 'utf8'));

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('representations', () => {
  it('ball-and-stick: balls a quarter of the vdW radius, 0.15 Å sticks', () => {
    const t = buildTopology(ala2.atoms, ala2.bonds, 'ball-and-stick');
    expect(t.radii[8]).toBeCloseTo(0.17 * 0.25, 7); // CA, carbon vdW 1.70 Å (Bondi)
    expect(t.radii[0]).toBeCloseTo(0.12 * 0.25, 7); // H
    expect(t.bondRadius).toBe(BOND_RADIUS);
    expect(t.showBonds).toBe(true);
    expect(t.bonds.length).toBe(2 * ala2.bonds.length);
  });
  it('licorice: every atom and stick of one radius (round joints), 0.3 Å', () => {
    const t = buildTopology(ala2.atoms, ala2.bonds, 'licorice');
    expect(new Set(Array.from(t.radii))).toEqual(new Set([Math.fround(LICORICE_RADIUS)]));
    expect(t.bondRadius).toBe(LICORICE_RADIUS);
    expect(t.showBonds).toBe(true);
  });
  it('spheres: van der Waals radii and no bonds', () => {
    const t = buildTopology(ala2.atoms, ala2.bonds, 'spheres');
    expect(t.radii[8]).toBeCloseTo(0.17, 7);
    expect(t.radii[0]).toBeCloseTo(0.12, 7);
    expect(t.showBonds).toBe(false);
    expect(bondRadius('spheres')).toBe(0);
    expect(atomRadius(elementInfo('O'), 'spheres')).toBeCloseTo(0.152, 12);
  });
  it('reads stored names, the old ones included, and refuses others', () => {
    expect(ATOM_STYLES.map(parseAtomStyle)).toEqual([...ATOM_STYLES]);
    expect(parseAtomStyle('sticks')).toBe('licorice');
    expect(parseAtomStyle('spacefill')).toBe('spheres');
    expect(parseAtomStyle('cartoon')).toBeNull();
    expect(parseAtomStyle(3)).toBeNull();
  });
  it('colour by element uses Jmol colours; by source one palette colour for every atom', () => {
    const byElement = buildTopology(ala2.atoms, ala2.bonds, 'ball-and-stick');
    expect(byElement.colors[8]).toBe(0x909090);
    expect(byElement.colors[0]).toBe(0xffffff);
    const generated = buildTopology(ala2.atoms, ala2.bonds, 'ball-and-stick', 'source', 'generated');
    expect(new Set(Array.from(generated.colors))).toEqual(new Set([SOURCE_COLORS.generated]));
    const simulated = buildTopology(ala2.atoms, ala2.bonds, 'licorice', 'source', 'simulated');
    expect(new Set(Array.from(simulated.colors))).toEqual(new Set([SOURCE_COLORS.simulated]));
    expect(SOURCE_COLORS.simulated).not.toBe(SOURCE_COLORS.generated);
  });
});

describe('representation remembered per project', () => {
  const memory = (): KeyValueStorage & { map: Map<string, string> } => {
    const map = new Map<string, string>();
    return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
  };
  it('keeps one choice per project path', () => {
    const s = memory();
    expect(rememberedRepresentation('/p/one', s)).toBeNull();
    rememberRepresentation('/p/one', 'licorice', s);
    rememberRepresentation('/p/two', 'spheres', s);
    expect(rememberedRepresentation('/p/one', s)).toBe('licorice');
    expect(rememberedRepresentation('/p/two', s)).toBe('spheres');
    rememberRepresentation('/p/one', 'ball-and-stick', s);
    expect(rememberedRepresentation('/p/one', s)).toBe('ball-and-stick');
    expect(rememberedRepresentation(null, s)).toBeNull();
  });
  it('forgets junk and survives a storage that refuses writes', () => {
    const s = memory();
    s.map.set(REPRESENTATION_KEY, '{not json');
    expect(rememberedRepresentation('/p', s)).toBeNull();
    s.map.set(REPRESENTATION_KEY, JSON.stringify({ '/p': 'cartoon' }));
    expect(rememberedRepresentation('/p', s)).toBeNull();
    const refusing: KeyValueStorage = { getItem: () => null, setItem: () => { throw new Error('quota'); } };
    expect(() => rememberRepresentation('/p', 'spheres', refusing)).not.toThrow();
  });
});

describe('CV read-out of the shown frame', () => {
  // The definitions molecular runs store for alanine dipeptide (1-based atoms) and a few more kinds.
  const DEFS = [
    'phi=dihedral(5,7,9,15)',
    'psi=torsion(7,9,15,17)',
    'd=distance(1,22)',
    'a=angle(5,7,9)',
    's=0.5*distance(1,2)-0.25*dihedral(5,7,9,15)+angle(7,9,15)',
  ];
  // Frames: the fixture's four, and random perturbations of them (positions Float32, as decoded).
  const frames: Float32Array[] = ala2.frames.map((f) => Float32Array.from(f));
  const r = rng(12);
  for (let k = 0; k < 40; k++) frames.push(Float32Array.from(ala2.frames[k % 4], (v) => v + (r() - 0.5) * 0.1));

  it('equals the engine’s CV values on the same frames (to 1e-12: rounding of two formulas)', () => {
    // Both evaluate the same float32 positions in float64; only the order of operations differs
    // (the engine works in radians, geometry.ts in degrees), so agreement is to ~1e-15 rad; a wrong
    // atom or sign convention would be off by > 1e-3.
    for (const def of DEFS) {
      const engine = parseAtomicCv(def, { nAtoms: 22 });
      const ours = parseCvReadout(def, 22);
      expect(ours.name).toBe(engine.name);
      expect(ours.periodic).toBe(engine.periodic !== null);
      for (const f of frames) {
        const want = engine.value(Float64Array.from(f));
        const got = cvValue(ours, f)!;
        expect(Math.abs(got - want), `${def}`).toBeLessThan(1e-12);
      }
    }
  });
  it('shows degrees for angles, nm for distances; rmsd and bad definitions by name with no value', () => {
    const [phi, d] = readCvs([parseCvReadout('phi=dihedral(5,7,9,15)', 22), parseCvReadout('d=distance(1,22)', 22)], frames[0]);
    expect(phi.text).toBe(`${((phi.value! * 180) / Math.PI).toFixed(1)}°`);
    expect(d.text).toMatch(/^\d\.\d{4} nm$/);
    const rmsd = parseCvReadout('r=rmsd(1-22)', 22);
    expect(rmsd.terms).toBeNull();
    expect(formatCvValue(rmsd, cvValue(rmsd, frames[0]))).toBe('—');
    expect(parseCvReadout('x=dihedral(1,2,3,99)', 22).terms).toBeNull();
    expect(parseCvReadout('nonsense', 22).terms).toBeNull();
  });
});

describe('FES <-> frames linking', () => {
  const phiPsi: RegionAxis[] = [
    { name: 'phi', min: -180, max: 180, periodic: true, factor: Math.PI / 180, unit: '°' },
    { name: 'psi', min: -180, max: 180, periodic: true, factor: Math.PI / 180, unit: '°' },
  ];
  // CV points of 8 frames (degrees), constructed so each region below has a known answer.
  const points = [
    [-80, 70], // 0 C7eq
    [-150, 160], // 1 C5
    [60, -60], // 2 C7ax
    [-75, 65], // 3 C7eq
    [170, 175], // 4 near the corner (wraps)
    [-175, -178], // 5 corner, other side of the seam
    [-60, -40], // 6 alpha_R
    [-80, 70], // 7 C7eq again
  ];
  it('a rectangle selects exactly the frames inside (bounds inclusive)', () => {
    const box = { name: 'A', kind: 'rectangle' as const, xMin: -100, xMax: -60, yMin: 50, yMax: 70 };
    expect(framesInRegion(points, box, phiPsi)).toEqual([0, 3, 7]);
  });
  it('a rectangle across the periodic seam wraps (min > max)', () => {
    const corner = { name: 'B', kind: 'rectangle' as const, xMin: 160, xMax: -170, yMin: 170, yMax: -170 };
    expect(framesInRegion(points, corner, phiPsi)).toEqual([4, 5]);
  });
  it('open bounds and polygons', () => {
    const lowerHalf = { name: 'C', kind: 'rectangle' as const, xMin: null, xMax: null, yMin: null, yMax: 0 };
    expect(framesInRegion(points, lowerHalf, phiPsi)).toEqual([2, 5, 6]);
    const tri = { name: 'D', kind: 'polygon' as const, points: [[-100, 0], [-40, 0], [-70, -80]] as [number, number][] };
    expect(framesInRegion(points, tri, phiPsi)).toEqual([6]);
    expect(inPolygon(0, 0, [[1, 1], [2, 1], [2, 2]])).toBe(false);
  });
  it('1D intervals, and rows mapped to frames when CV rows are thinned', () => {
    const axis: RegionAxis[] = [{ name: 'd', min: 0, max: 2, periodic: false }];
    const rows = [[0.1], [0.5], [0.9], [1.3], [1.7]];
    const band = { name: 'E', kind: 'interval' as const, min: 0.5, max: 1.3 };
    expect(framesInRegion(rows, band, axis)).toEqual([1, 2, 3]);
    // 5 rows over 9 frames: row r is frame 2r.
    expect(framesInRegion(rows, band, axis, (r) => 2 * r)).toEqual([2, 4, 6]);
    expect(inInterval(179, 170, -170, true)).toBe(true);
    expect(inInterval(0, 170, -170, true)).toBe(false);
    expect(inInterval(5, null, 4, false)).toBe(false);
    expect(regionContains({ name: 'F', kind: 'interval', min: null, max: null }, [123], axis)).toBe(true);
  });
  it('selected frames are drawn at their CV points; frames without a point are left out', () => {
    expect(pointsOfFrames([3, 9, 2], (f) => points[f] ?? null)).toEqual([
      { frame: 3, at: [-75, 65] },
      { frame: 2, at: [60, -60] },
    ]);
  });
  it('playback through a playlist steps over the frames in between, wrapping or stopping', () => {
    const list = [2, 7, 9];
    expect(advanceInPlaylist(2, 1, list, false)).toEqual({ frame: 7, ended: false });
    expect(advanceInPlaylist(5, 1, list, false)).toEqual({ frame: 7, ended: false });
    expect(advanceInPlaylist(5, -1, list, false)).toEqual({ frame: 2, ended: false });
    expect(advanceInPlaylist(9, 1, list, true)).toEqual({ frame: 2, ended: false });
    expect(advanceInPlaylist(9, 1, list, false)).toEqual({ frame: 9, ended: true });
    expect(advanceInPlaylist(0, 1, list, false)).toEqual({ frame: 2, ended: false });
  });
});

describe('movie files', () => {
  /** Reads a ZIP back from its central directory (what unzip does) and checks each entry's CRC. */
  function unzip(zip: Uint8Array): { name: string; data: Uint8Array }[] {
    const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const end = zip.length - 22;
    expect(v.getUint32(end, true)).toBe(0x06054b50);
    const n = v.getUint16(end + 10, true);
    let p = v.getUint32(end + 16, true);
    const out: { name: string; data: Uint8Array }[] = [];
    for (let k = 0; k < n; k++) {
      expect(v.getUint32(p, true)).toBe(0x02014b50);
      const crc = v.getUint32(p + 16, true);
      const size = v.getUint32(p + 20, true);
      const nameLen = v.getUint16(p + 28, true);
      const local = v.getUint32(p + 42, true);
      const name = new TextDecoder().decode(zip.subarray(p + 46, p + 46 + nameLen));
      expect(v.getUint32(local, true)).toBe(0x04034b50);
      const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
      const data = zip.subarray(start, start + size);
      expect(nodeCrc32(data)).toBe(crc);
      out.push({ name, data });
      p += 46 + nameLen;
    }
    return out;
  }
  it('CRC-32 matches zlib’s, including the check value of "123456789"', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) & 0xff);
    expect(crc32(bytes)).toBe(nodeCrc32(bytes));
  });
  it('a ZIP of frames reads back entry by entry, byte for byte, in order', () => {
    const frames = Array.from({ length: 12 }, (_, k) => ({ name: pngName('ala2', k, 12), data: Uint8Array.from({ length: 100 + k }, (_, i) => (i + k) & 0xff) }));
    const back = unzip(encodeZip(frames));
    expect(back.map((e) => e.name)).toEqual(frames.map((f) => f.name));
    back.forEach((e, k) => expect(Array.from(e.data)).toEqual(Array.from(frames[k].data)));
    expect(back[0].name).toBe('ala2-0001.png');
  });
  it('frame lists: every nth frame of a trajectory or of a selection; names sort', () => {
    expect(movieFrames({ count: 10 }, 3)).toEqual([0, 3, 6, 9]);
    expect(movieFrames([4, 8, 15, 16, 23], 2)).toEqual([4, 15, 23]);
    expect(movieFrames({ count: 3 }, 0)).toEqual([0, 1, 2]);
    expect(pngName('m', 9999, 12000)).toBe('m-10000.png');
    expect(pngName('m', 0, 12000)).toBe('m-00001.png');
  });
});

describe('lifting along a CV path', () => {
  it('straight in CV space, ends included; dihedrals the short way round the ±180° seam', async () => {
    const { cvPath } = await import('../../src-renderer/src/features/models/molecular/liftPath');
    expect(cvPath([-80, 70], [60, -40], 3, [true, true])).toEqual([[-80, 70], [-10, 15], [60, -40]]);
    // 170 -> -170 is 20 degrees through 180, not 340 back through 0.
    const wrapped = cvPath([170], [-170], 5, [true]).map(([v]) => v);
    expect(wrapped).toEqual([170, 175, -180, -175, -170]);
    expect(cvPath([0.2], [0.4], 3, [false]).map(([v]) => v).map((v) => Number(v.toFixed(12)))).toEqual([0.2, 0.3, 0.4]);
    expect(cvPath([0], [1], 1, [false])).toHaveLength(2);
  });
});
