// Pure helpers of user-drawn regions (src-renderer/src/features/regions/regions.ts): pixel <-> data mapping
// (incl. the reversed y range of every Plot figure), drags into intervals/rectangles with
// unbounded ends and periodic wraps across the seam, polygon building, numeric entry checks,
// display -> API units, and the pieces drawn for wrapped regions.
// Tolerances: mappings are a few float operations on O(100) numbers, so 1e-9 is ~1e5 ulps of room;
// dragged values go through `tidy` (a step of 10^(floor(log10 span) - 3)), so drag tests expect
// exactly that rounding.
import { describe, expect, it } from 'vitest';
import {
  addPolygonVertex,
  buildPolygon,
  clientToSvg,
  dragInterval,
  dragRegion,
  figureScale,
  intervalPieces,
  nextRegionName,
  parseBound,
  regionFromEntry,
  regionProblems,
  regionRects,
  toApiRegion,
  toData,
  toPixel,
  wrapInto,
  type RegionAxis,
} from '../../src-renderer/src/features/regions/regions';

const X: RegionAxis = { name: 'x', min: -2, max: 2, periodic: false };
const PHI: RegionAxis = { name: 'phi', min: -180, max: 180, periodic: true, factor: Math.PI / 180, unit: '°' };
const PSI: RegionAxis = { ...PHI, name: 'psi' };

describe('pixel <-> data', () => {
  const sx = { domain: [-2, 2] as [number, number], range: [40, 440] as [number, number] };
  // Plot's y scales map the domain's low end to the bottom of the frame: a reversed range.
  const sy = { domain: [0, 10] as [number, number], range: [300, 20] as [number, number] };

  it('maps the domain ends onto the range ends and inverts exactly', () => {
    expect(toPixel(sx, -2)).toBe(40);
    expect(toPixel(sx, 2)).toBe(440);
    expect(toPixel(sx, 0)).toBe(240);
    for (const v of [-1.7, 0.3, 1.99]) expect(toData(sx, toPixel(sx, v))).toBeCloseTo(v, 9);
  });

  it('handles the reversed y range: larger data, smaller pixel', () => {
    expect(toPixel(sy, 0)).toBe(300);
    expect(toPixel(sy, 10)).toBe(20);
    expect(toPixel(sy, 2.5)).toBe(230);
    expect(toData(sy, 20)).toBe(10);
    expect(toData(sy, 160)).toBeCloseTo(5, 9);
    // Beyond the frame (pointer dragged out): extrapolated, not clamped.
    expect(toData(sy, 330)).toBeCloseTo(-30 / 28, 9);
  });

  it('reads a Plot-like figure.scale() and refuses non-linear or missing scales', () => {
    const fig = { scale: (n: string) => (n === 'x' ? { type: 'linear', domain: [-2, 2], range: [40, 440] } : n === 'y' ? { type: 'log', domain: [1, 10], range: [300, 20] } : undefined) };
    expect(figureScale(fig, 'x')).toEqual(sx);
    expect(figureScale(fig, 'y')).toBeNull();
    expect(figureScale({}, 'x')).toBeNull();
    expect(figureScale({ scale: () => ({ domain: [1, 1], range: [0, 10] }) }, 'x')).toBeNull();
  });

  it('client pixels -> SVG units when CSS draws the SVG scaled', () => {
    // An SVG of width 800 drawn 400 px wide at (100, 50): factor 2.
    expect(clientToSvg(300, 150, { left: 100, top: 50, width: 400, height: 200 }, 800, 400)).toEqual([400, 200]);
    expect(clientToSvg(100, 50, { left: 100, top: 50, width: 800, height: 400 }, 800, 400)).toEqual([0, 0]);
  });
});

describe('drags', () => {
  it('an interval in either drag direction; rounded to 1e-3 on a span of 4', () => {
    expect(dragInterval(-1.23456789, 0.5, X)).toEqual({ min: -1.235, max: 0.5 });
    expect(dragInterval(0.5, -1.23456789, X)).toEqual({ min: -1.235, max: 0.5 });
  });

  it('past the edge of a non-periodic axis: unbounded on that side', () => {
    expect(dragInterval(-2.4, -0.2, X)).toEqual({ min: null, max: -0.2 });
    expect(dragInterval(0.3, 2.01, X)).toEqual({ min: 0.3, max: null });
    expect(dragInterval(-3, 3, X)).toEqual({ min: null, max: null });
  });

  it('across the seam of a periodic axis: wrapped ends with min > max', () => {
    // Dragging right from 150° past +180° to (what is drawn as) 210° = -150°.
    expect(dragInterval(150, 210, PHI)).toEqual({ min: 150, max: -150 });
    // Dragging left from -150° past -180° to -210° = 150°: the same region.
    expect(dragInterval(-150, -210, PHI)).toEqual({ min: 150, max: -150 });
    // Inside one period, nothing wraps, and an end exactly on the edge stays there.
    expect(dragInterval(-60, 180, PHI)).toEqual({ min: -60, max: 180 });
    // A drag over a whole period or more: the whole axis.
    expect(dragInterval(-200, 170, PHI)).toEqual({ min: -180, max: 180 });
  });

  it('wrapInto brings values into [min, max)', () => {
    expect(wrapInto(190, PHI)).toBeCloseTo(-170, 9);
    expect(wrapInto(-190, PHI)).toBeCloseTo(170, 9);
    expect(wrapInto(180, PHI)).toBeCloseTo(-180, 9);
    expect(wrapInto(540 + 10, PHI)).toBeCloseTo(-170, 9);
  });

  it('a 2D drag is a rectangle; each axis handled on its own', () => {
    expect(dragRegion('A', [-100, 170], [-40, 200], [PHI, PSI])).toEqual({ name: 'A', kind: 'rectangle', xMin: -100, xMax: -40, yMin: 170, yMax: -160 });
    expect(dragRegion('B', [-1, 0], [1, 0], [X])).toEqual({ name: 'B', kind: 'interval', min: -1, max: 1 });
  });
});

describe('polygons', () => {
  const pts: [number, number][] = [[0, 0], [1, 0], [1, 1]];
  const px: [number, number][] = [[100, 100], [200, 100], [200, 0]];

  it('clicks add vertices; a click on the first vertex closes (>= 3 vertices)', () => {
    let s = addPolygonVertex([], [], [0, 0], [100, 100]);
    expect(s).toEqual({ points: [[0, 0]], closed: false });
    // Near the first vertex with only 1 vertex: a duplicate click, not a close.
    s = addPolygonVertex(s.points, [[100, 100]], [0.01, 0], [103, 100]);
    expect(s.closed).toBe(false);
    expect(addPolygonVertex(pts, px, [0.02, 0.01], [104, 99])).toEqual({ points: pts, closed: true });
    expect(addPolygonVertex(pts, px, [0, 1], [100, 0])).toEqual({ points: [...pts, [0, 1]], closed: false });
  });

  it('a double-click (second click on the last vertex) closes without a duplicate vertex', () => {
    expect(addPolygonVertex(pts, px, [1, 1], [201, 1])).toEqual({ points: pts, closed: true });
  });

  it('buildPolygon refuses < 3 vertices and zero area', () => {
    const axes = [X, { ...X, name: 'y' }];
    expect(buildPolygon('P', pts, axes)).toEqual({ name: 'P', kind: 'polygon', points: pts });
    expect(buildPolygon('P', pts.slice(0, 2), axes)).toMatch(/at least 3/);
    expect(buildPolygon('P', [[0, 0], [1, 1], [2, 2]], axes)).toMatch(/zero area/);
  });
});

describe('numeric entry', () => {
  it('parses bounds: empty/inf = unbounded, numbers incl. exponents and a Unicode minus', () => {
    expect(parseBound('')).toEqual({ value: null, error: null });
    expect(parseBound(' -inf ')).toEqual({ value: null, error: null });
    expect(parseBound('∞')).toEqual({ value: null, error: null });
    expect(parseBound('−1.5')).toEqual({ value: -1.5, error: null });
    expect(parseBound('2e-1').value).toBe(0.2);
    expect(parseBound('1,5').error).toMatch(/not a number/);
    expect(parseBound('0x10').error).toMatch(/not a number/);
    expect(parseBound('1e999').error).toMatch(/too large/);
  });

  it('builds an interval or a rectangle, with the engine rules on min > max', () => {
    expect(regionFromEntry('A', ['-1.5', '-0.2'], [X])).toEqual({ region: { name: 'A', kind: 'interval', min: -1.5, max: -0.2 }, errors: [] });
    expect(regionFromEntry('A', ['', '0'], [X]).region).toEqual({ name: 'A', kind: 'interval', min: null, max: 0 });
    expect(regionFromEntry('A', ['1', '-1'], [X]).errors.join()).toMatch(/only periodic axes wrap/);
    expect(regionFromEntry('A', ['1', '1'], [X]).errors.join()).toMatch(/empty/);
    expect(regionFromEntry('A', ['', ''], [X]).errors.join()).toMatch(/at least one bound/);
    expect(regionFromEntry('A', ['abc', '1'], [X]).errors.join()).toMatch(/not a number/);
    // Periodic: min > max is a wrap, accepted.
    const r = regionFromEntry('W', ['150', '-150', '-90', '0'], [PHI, PSI]);
    expect(r.errors).toEqual([]);
    expect(r.region).toEqual({ name: 'W', kind: 'rectangle', xMin: 150, xMax: -150, yMin: -90, yMax: 0 });
  });

  it('names: must be present and unique', () => {
    const a = { name: 'A', kind: 'interval' as const, min: 0, max: 1 };
    expect(regionProblems({ ...a, name: ' ' }, [X])).toContain('needs a name');
    expect(regionProblems({ ...a }, [X], [a, { ...a }]).join()).toMatch(/used twice/);
    expect(regionProblems(a, [X], [a])).toEqual([]);
    expect(regionProblems(a, [PHI, PSI]).join()).toMatch(/1D/);
    // Never a single letter (the basin labels A, B, ... of the same figures).
    expect(nextRegionName([])).toBe('R1');
    expect(nextRegionName([{ ...a, name: 'R1' }, { ...a, name: 'R3' }])).toBe('R2');
  });
});

describe('units and drawn pieces', () => {
  it('display degrees -> API radians, unbounded kept null', () => {
    const api = toApiRegion({ name: ' A ', kind: 'rectangle', xMin: -180, xMax: 90, yMin: null, yMax: 45 }, [PHI, PSI]);
    expect(api.name).toBe('A');
    expect(api).toMatchObject({ kind: 'rectangle', yMin: null });
    if (api.kind !== 'rectangle') throw new Error('kind');
    expect(api.xMin).toBeCloseTo(-Math.PI, 12);
    expect(api.xMax).toBeCloseTo(Math.PI / 2, 12);
    expect(api.yMax).toBeCloseTo(Math.PI / 4, 12);
    expect(toApiRegion({ name: 'B', kind: 'interval', min: -1, max: 1 }, [X])).toEqual({ name: 'B', kind: 'interval', min: -1, max: 1 });
  });

  it('a wrapped interval is drawn as two pieces meeting the frame edges', () => {
    expect(intervalPieces(150, -150, PHI)).toEqual([[-180, -150], [150, 180]]);
    expect(intervalPieces(-60, 60, PHI)).toEqual([[-60, 60]]);
    // Past the period boundary without wrapping ([170, 200] = [170, 180] U [-180, -160]).
    expect(intervalPieces(170, 200, PHI)).toEqual([[-180, -160], [170, 180]]);
    expect(intervalPieces(null, 0.5, X)).toEqual([[-2, 0.5]]);
    expect(intervalPieces(3, 4, X)).toEqual([]);
  });

  it('a rectangle wrapped on both axes is four pieces', () => {
    const rects = regionRects({ name: 'C', kind: 'rectangle', xMin: 170, xMax: -170, yMin: 160, yMax: -160 }, [PHI, PSI]);
    expect(rects).toHaveLength(4);
    const area = rects.reduce((s, r) => s + (r.x2 - r.x1) * (r.y2 - r.y1), 0);
    expect(area).toBeCloseTo(20 * 40, 9);
  });
});
