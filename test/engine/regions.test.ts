/**
 * Region masks of user-drawn regions (engine/estimators/regions.ts): point-in-polygon with the
 * closed-boundary rule, wrapped intervals and polygons on periodic axes, region probabilities
 * from log-weights, and the refusals of bad regions. Known answers by construction (exact
 * geometry, uniform weights), so tolerances are rounding only.
 */
import { expect, test } from 'vitest';
import {
  checkRegions,
  gridMasks,
  inInterval,
  pointInPolygon,
  regionProbabilities,
  relativeFreeEnergies,
  type Region,
  type RegionAxis,
} from '../../src-main/engine/estimators/regions';

const square: [number, number][] = [[0, 0], [1, 0], [1, 1], [0, 1]];
const angle: RegionAxis = { min: -Math.PI, max: Math.PI, periodic: true, name: 'phi' };
const line: RegionAxis = { min: -2, max: 2, periodic: false, name: 'x' };

test('point in polygon: inside, outside, edges and vertices count as inside, concave shapes', () => {
  expect(pointInPolygon(0.5, 0.5, square)).toBe(true);
  expect(pointInPolygon(1.5, 0.5, square)).toBe(false);
  expect(pointInPolygon(-1e-9, 0.5, square)).toBe(false);
  for (const [x, y] of [[0, 0.5], [1, 0.3], [0.2, 1], [0.7, 0], [0, 0], [1, 1]]) expect(pointInPolygon(x, y, square)).toBe(true);
  // An L shape: the notch (0.75, 0.75) is outside, the arms inside.
  const L: [number, number][] = [[0, 0], [1, 0], [1, 0.5], [0.5, 0.5], [0.5, 1], [0, 1]];
  expect(pointInPolygon(0.75, 0.75, L)).toBe(false);
  expect(pointInPolygon(0.25, 0.75, L)).toBe(true);
  expect(pointInPolygon(0.75, 0.25, L)).toBe(true);
  expect(pointInPolygon(0.75, 0.5, L)).toBe(true); // on the inner edge
});

test('intervals: closed ends, wrap when min > max on a periodic axis, periodic images', () => {
  expect(inInterval(0, 0, 1, line)).toBe(true);
  expect(inInterval(1, 0, 1, line)).toBe(true);
  expect(inInterval(1.0001, 0, 1, line)).toBe(false);
  // [3, -3] wraps through +-pi: contains 3.1 and -3.1, not 0.
  expect(inInterval(3.1, 3, -3, angle)).toBe(true);
  expect(inInterval(-3.1, 3, -3, angle)).toBe(true);
  expect(inInterval(0, 3, -3, angle)).toBe(false);
  // [3, 3.5] runs past pi: -3 (image 3.28) is inside, -2.5 (image 3.78) is not.
  expect(inInterval(-3, 3, 3.5, angle)).toBe(true);
  expect(inInterval(-2.5, 3, 3.5, angle)).toBe(false);
});

test('grid masks on a periodic grid: the wrapped half and the other half hold equal probability', () => {
  // 60 bin centres on [-pi, pi) (6 degrees), flat F: probability is proportional to bin count.
  const centres = Float64Array.from({ length: 60 }, (_, i) => -Math.PI + (i + 0.5) * (2 * Math.PI) / 60);
  const regions: Region[] = [
    { name: 'back', kind: 'interval', min: Math.PI / 2, max: -Math.PI / 2 },
    { name: 'front', kind: 'interval', min: -Math.PI / 2, max: Math.PI / 2 },
  ];
  checkRegions(regions, [angle]);
  const masks = gridMasks(regions, [angle], [centres]);
  expect(masks.map((m) => m.reduce((s, v) => s + v, 0))).toEqual([30, 30]);
  const p = regionProbabilities(new Float64Array(60), masks);
  expect(p[0]).toBeCloseTo(0.5, 12);
  expect(relativeFreeEnergies(p, 2.5)[1]).toBeCloseTo(0, 12);
  // F = x^2 on the line grid: symmetric intervals give equal probability, an off-centre one less.
  const xs = Float64Array.from({ length: 41 }, (_, i) => -2 + i * 0.1);
  const lnw = xs.map((x) => -x * x);
  const m2 = gridMasks([{ name: 'L', kind: 'interval', min: null, max: -0.05 }, { name: 'R', kind: 'interval', min: 0.05 }], [line], [xs]);
  const p2 = regionProbabilities(lnw, m2);
  expect(p2[0]).toBeCloseTo(p2[1], 12);
});

test('2D: rectangles and polygons wrap across a periodic boundary', () => {
  const n = 12;
  const c = Float64Array.from({ length: n }, (_, i) => -Math.PI + (i + 0.5) * (2 * Math.PI) / n);
  const axes = [angle, { ...angle, name: 'psi' }];
  // Rectangle from 2.5 to -2.5 in phi (wraps), all psi: bins with |phi| > 2.5 -> the 2 outer columns of 12.
  const rect: Region = { name: 'r', kind: 'rectangle', xMin: 2.5, xMax: -2.5, yMin: null, yMax: null };
  // A polygon drawn past +pi in phi (3 .. 3.6): catches phi centres near -pi through their images.
  const poly: Region = { name: 'p', kind: 'polygon', points: [[3, -1], [3.6, -1], [3.6, 1], [3, 1]] };
  checkRegions([rect, poly], axes);
  const [mr, mp] = gridMasks([rect, poly], axes, [c, c]);
  expect(mr.reduce((s, v) => s + v, 0)).toBe(2 * n);
  // phi centres are +-2.88, +-2.36, ...: only -2.88 has an image (3.40) in [3, 3.6]; 2.88 itself
  // is outside. psi centres in [-1, 1]: -0.79, -0.26, 0.26, 0.79.
  expect(mp.reduce((s, v) => s + v, 0)).toBe(4);
  expect(mp[0 * n + 6]).toBe(1); // phi = -2.88, psi = 0.26
  expect(mp[(n - 1) * n + 6]).toBe(0); // phi = +2.88
});

test('bad regions are refused with messages that name them', () => {
  const bad = (regions: Region[], axes: RegionAxis[]) => {
    try {
      checkRegions(regions, axes);
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };
  expect(bad([{ name: 'tri', kind: 'polygon', points: [[0, 0], [1, 1]] }], [line, line])).toMatch(/"tri".*at least 3 points/);
  expect(bad([{ name: 'flat', kind: 'polygon', points: [[0, 0], [1, 1], [2, 2]] }], [line, line])).toMatch(/"flat".*zero area/);
  expect(bad([{ name: 'e', kind: 'interval', min: 1, max: 1 }], [line])).toMatch(/"e".*empty/);
  expect(bad([{ name: 'w', kind: 'interval', min: 1, max: 0 }], [line])).toMatch(/"w".*only periodic axes wrap/);
  expect(bad([{ name: 'w', kind: 'interval', min: 1, max: 0 }], [angle])).toBe('accepted');
  expect(bad([{ name: 'i', kind: 'interval', min: 0, max: 1 }], [line, line])).toMatch(/"i".*2D/);
  expect(bad([{ name: 'r', kind: 'rectangle', xMin: 0, xMax: 1, yMin: 0, yMax: 1 }], [line])).toMatch(/"r".*1D/);
  expect(bad([{ name: 'a', kind: 'interval', max: 0 }, { name: 'a', kind: 'interval', min: 0 }], [line])).toMatch(/used twice/);
});
