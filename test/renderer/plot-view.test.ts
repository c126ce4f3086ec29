// The pure part of PlotFigure's zoom / pan / hover / keyboard layer (shared/ui/plotView.ts and the
// read-outs of shared/ui/plotExplore.ts): pixel <-> data under zoom, box and wheel zoom, pan
// clamped to the data, bin stepping (Shift = 10) with periodic wrap, nearest bins across the
// seam of a periodic axis, and the options a builder draws a zoomed window with.
// Answers are exact: each mapping is a few float operations on O(100) numbers, so 1e-9 leaves
// ~1e5 ulps of room; bin indices are integers and compared exactly.
import { describe, expect, it } from 'vitest';
import {
  arrowStep,
  clampInterval,
  isFullView,
  nearestBin,
  panBy,
  stepBin,
  toData,
  toPixel,
  visiblePart,
  withView,
  zoomAt,
  zoomToBox,
  type LinearScale,
  type ZoomView,
} from '../../src-renderer/src/shared/ui/plotView';
import { binPoint, profileExplorer, surfaceExplorer } from '../../src-renderer/src/shared/ui/plotExplore';

const FULL: ZoomView = { x: [-2, 2], y: [0, 10] };
const close = (a: readonly number[], b: readonly number[]) => a.forEach((v, k) => expect(v).toBeCloseTo(b[k], 9));

describe('pixel <-> data under zoom', () => {
  it('maps a zoomed window onto the same pixels and back (y range reversed, as Plot draws it)', () => {
    const view = zoomToBox(FULL, FULL, [-1, 2], [0.5, 6])!;
    close(view.x, [-1, 0.5]);
    close(view.y, [2, 6]);
    const sx: LinearScale = { domain: view.x, range: [40, 440] };
    const sy: LinearScale = { domain: view.y, range: [300, 20] };
    // The window's corners land on the frame's corners ...
    expect(toPixel(sx, -1)).toBeCloseTo(40, 9);
    expect(toPixel(sx, 0.5)).toBeCloseTo(440, 9);
    expect(toPixel(sy, 2)).toBeCloseTo(300, 9);
    expect(toPixel(sy, 6)).toBeCloseTo(20, 9);
    // ... and the middle pixel is the middle of the window; round trips are exact.
    expect(toData(sx, 240)).toBeCloseTo(-0.25, 9);
    expect(toData(sy, 160)).toBeCloseTo(4, 9);
    for (const v of [-1, -0.3, 0.2, 0.5]) expect(toData(sx, toPixel(sx, v))).toBeCloseTo(v, 9);
  });

  it('takes the box corners in either order and refuses a box too thin to mean a zoom', () => {
    expect(zoomToBox(FULL, FULL, [0.5, 6], [-1, 2])).toEqual(zoomToBox(FULL, FULL, [-1, 2], [0.5, 6]));
    expect(zoomToBox(FULL, FULL, [0, 1], [0.001, 5])).toBeNull();
    // A 1D zoom keeps the current y window.
    expect(zoomToBox({ x: [-2, 2], y: [1, 3] }, FULL, [-1, 0], [1, 0], true)!.y).toEqual([1, 3]);
  });

  it('keeps the point under the wheel fixed and zooms back out no further than the whole domain', () => {
    const at: [number, number] = [1, 8];
    const inV = zoomAt(FULL, FULL, at, 0.5);
    close(inV.x, [-0.5, 1.5]);
    close(inV.y, [4, 9]);
    // The data point under the pointer keeps its fraction of the frame on both axes.
    expect((at[0] - inV.x[0]) / (inV.x[1] - inV.x[0])).toBeCloseTo((at[0] - FULL.x[0]) / 4, 9);
    let v = inV;
    for (let k = 0; k < 20; k++) v = zoomAt(v, FULL, at, 1.25);
    expect(isFullView(v, FULL)).toBe(true);
  });

  it('pans by data units and stops at the ends of the data', () => {
    const v: ZoomView = { x: [-1, 0], y: [2, 4] };
    close(panBy(v, FULL, 0.5, 1).x, [-0.5, 0.5]);
    close(panBy(v, FULL, 0.5, 1).y, [3, 5]);
    expect(panBy(v, FULL, -5, 0).x).toEqual([-2, -1]);
    expect(panBy(v, FULL, 0, 100).y).toEqual([8, 10]);
    expect(clampInterval([-9, 9], [-2, 2])).toEqual([-2, 2]);
  });

  it('draws a zoomed window with the view as domain, marks clipped, fixed tick lists dropped', () => {
    const opts = { x: { label: 'phi (°)', domain: [-180, 180], ticks: [-180, 0, 180] }, y: { label: 'psi', domain: [-180, 180], ticks: 5 } };
    expect(withView(opts, null)).toBe(opts);
    const z = withView(opts, { x: [-90, 0], y: [0, 45] });
    expect(z).toMatchObject({ clip: true, x: { label: 'phi (°)', domain: [-90, 0] }, y: { label: 'psi', domain: [0, 45], ticks: 5 } });
    expect((z.x as { ticks?: unknown }).ticks).toBeUndefined();
    expect(visiblePart([0, 10], [2, 30])).toEqual([2, 10]);
    expect(visiblePart([0, 10], undefined)).toEqual([0, 10]);
  });
});

describe('bin stepping', () => {
  it('moves one bin per arrow, ten with Shift; up is +y', () => {
    expect(arrowStep('ArrowRight', false)).toEqual({ dx: 1, dy: 0 });
    expect(arrowStep('ArrowLeft', true)).toEqual({ dx: -10, dy: 0 });
    expect(arrowStep('ArrowUp', false)).toEqual({ dx: 0, dy: 1 });
    expect(arrowStep('ArrowDown', true)).toEqual({ dx: 0, dy: -10 });
    expect(arrowStep('Enter', false)).toBeNull();
  });

  it('stops at the ends of a plain axis and wraps round a periodic one', () => {
    expect(stepBin(3, 10, 50, false)).toBe(13);
    expect(stepBin(45, 10, 50, false)).toBe(49);
    expect(stepBin(2, -10, 50, false)).toBe(0);
    expect(stepBin(45, 10, 50, true)).toBe(5);
    expect(stepBin(2, -10, 50, true)).toBe(42);
    expect(stepBin(0, -1, 36, true)).toBe(35);
    // 36 steps of one bin round a 36-bin dihedral axis come back where they started.
    let i = 7;
    for (let k = 0; k < 36; k++) i = stepBin(i, 1, 36, true);
    expect(i).toBe(7);
  });

  it('finds the nearest bin centre, across the seam of a periodic axis', () => {
    const phi = Array.from({ length: 36 }, (_, k) => -175 + 10 * k); // -175 .. 175
    expect(nearestBin(phi, -61)).toBe(11); // -65
    expect(nearestBin(phi, 179)).toBe(35); // 175
    expect(nearestBin(phi, -179.9, 360)).toBe(0);
    // 179° is 79° from 100° but only 11° from -170° once the turn wraps: the seam is no wall.
    expect(nearestBin([-170, 0, 100], 179, null)).toBe(2);
    expect(nearestBin([-170, 0, 100], 179, 360)).toBe(0);
    expect(nearestBin([-100, 0, 170], -179, 360)).toBe(2);
  });
});

describe('read-outs', () => {
  it('reads F ± error at a profile bin and places the cross-hair on the curve', () => {
    const ex = profileExplorer({ x: [-1, 0, 1], f: [0, 4.5, null], err: [0.1, 0.25, null], xName: 'x', unit: 'kJ/mol' });
    expect(ex.readout(1, -1)).toBe('x = 0, F = 4.5 ± 0.25 kJ/mol');
    expect(ex.readout(2, -1)).toBe('x = 1, F = no samples');
    expect(binPoint(ex, 1, -1)).toEqual([0, 4.5]);
    expect(binPoint(ex, 2, -1)).toBeNull();
  });

  it('reads (x, y) and F at a surface bin, in degrees on dihedral axes', () => {
    const values = [
      [0, 1],
      [2, null],
    ];
    const ex = surfaceExplorer({ xs: [-90, 90], ys: [-45, 45], value: (i, j) => values[i][j], xName: 'phi', yName: 'psi', xUnit: '°', yUnit: '°', unit: 'kcal/mol', periodic: [true, true] });
    expect(ex.readout(1, 0)).toBe('(phi, psi) = (90°, -45°), F = 2 kcal/mol');
    expect(ex.readout(1, 1)).toBe('(phi, psi) = (90°, 45°), F = no samples');
    expect(binPoint(ex, 0, 1)).toEqual([-90, 45]);
    expect(ex.x.periodic).toBe(true);
  });
});
