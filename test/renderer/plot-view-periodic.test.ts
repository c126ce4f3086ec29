// Periodic pan wrap (shared/ui/plotView.ts): on a dihedral axis (full domain = one turn, -180..180)
// a pan runs on across the seam instead of stopping, the window is renormalised by whole turns,
// figures get the turns to draw (periodicShifts), points move into a wrapped window (intoWindow),
// and the nearest bin of a point a turn away is found. A non-periodic axis still stops at its end.
// Exact: a few additions of multiples of 360 on small integers (all exactly representable).
import { describe, expect, it } from 'vitest';
import { intoWindow, nearestBin, panBy, periodicShifts, wrapInterval, zoomAt, type ZoomView } from '../../src-renderer/src/shared/ui/plotView';

const FULL: ZoomView = { x: [-180, 180], y: [-180, 180] };
const BOTH = [true, true] as const;

describe('pan across ±180° on a periodic axis', () => {
  it('runs on past the seam instead of stopping (a plain axis stops)', () => {
    const v: ZoomView = { x: [60, 160], y: [-50, 50] };
    expect(panBy(v, FULL, 60, 0, BOTH).x).toEqual([120, 220]);
    expect(panBy(v, FULL, 60, 0).x).toEqual([80, 180]);
  });
  it('renormalises by whole turns so the middle stays in the domain', () => {
    // middle 240 -> -120: the window [190, 290] is the same place one turn earlier
    expect(wrapInterval([190, 290], [-180, 180])).toEqual([-170, -70]);
    expect(panBy({ x: [-170, -120], y: [0, 10] }, FULL, -30, 0, BOTH).x).toEqual([-200, -150]);
  });
  it('a whole turn can be shifted; wider than a turn is the full domain', () => {
    expect(wrapInterval([-90, 270], [-180, 180])).toEqual([-90, 270]);
    expect(wrapInterval([-200, 200], [-180, 180])).toEqual([-180, 180]);
  });
  it('zooming about a point beyond the seam keeps it in the window (not clamped back to 180)', () => {
    // [160, 220] about 200; its middle 190 lies a turn on, so it is shown as [-200, -140]: the same place.
    const z = zoomAt({ x: [120, 240], y: [-180, 180] }, FULL, [200, 0], 0.5, false, BOTH);
    expect(z.x).toEqual([-200, -140]);
    expect(zoomAt({ x: [120, 240], y: [-180, 180] }, FULL, [200, 0], 0.5).x).toEqual([120, 180]);
  });
});

describe('what a wrapped figure draws and reads', () => {
  it('the turns in sight', () => {
    expect(periodicShifts([-180, 180], [120, 240], true)).toEqual([0, 360]);
    expect(periodicShifts([-180, 180], [-250, -100], true)).toEqual([-360, 0]);
    expect(periodicShifts([-180, 180], [-100, 100], true)).toEqual([0]);
    expect(periodicShifts([-180, 180], [120, 240], false)).toEqual([0]);
    expect(periodicShifts([-180, 180], undefined, true)).toEqual([0]);
  });
  it('a point moved into the window by whole turns', () => {
    expect(intoWindow(-160, [120, 240], [-180, 180], true)).toBe(200);
    expect(intoWindow(150, [120, 240], [-180, 180], true)).toBe(150);
    expect(intoWindow(-160, [120, 240], [-180, 180], false)).toBe(-160);
    expect(intoWindow(0, [120, 240], [-180, 180], true)).toBe(0); // not in sight either way
  });
  it('the nearest bin of a point a turn away (200° is -160°)', () => {
    const centers = [-170, -160, -150, 0, 170];
    expect(nearestBin(centers, 200, 360)).toBe(1);
    expect(nearestBin(centers, -190, 360)).toBe(4);
  });
});
