/** engine/estimators/overlap.ts: histogram counts and the overlap sum_b min(p_i, p_j), by hand. */
import { expect, test } from 'vitest';
import { binCounts, histogramOverlap, overlap2d } from '../../src-main/engine/estimators/overlap';

const axis = { bins: 4, min: 0, max: 4, periodic: false };

test('binCounts: samples per bin, outside the range left out', () => {
  expect(binCounts(Float64Array.from([0.5, 0.7, 1.5, 3.9, -1, 4.5]), axis)).toEqual([2, 1, 0, 1]);
});

test('histogramOverlap: 1 on the diagonal and for equal shapes, 0 for disjoint windows, by hand otherwise', () => {
  const o = histogramOverlap([
    [2, 2, 0, 0],
    [0, 2, 2, 0],
    [0, 0, 0, 5],
    [4, 4, 0, 0],
  ]);
  // p0 = (.5, .5, 0, 0), p1 = (0, .5, .5, 0): min summed = 0.5.
  expect(o[0][1]).toBeCloseTo(0.5, 15);
  expect(o[1][0]).toBe(o[0][1]);
  expect(o[0][2]).toBe(0);
  // Same shape, different counts: normalised first, so overlap 1.
  expect(o[0][3]).toBeCloseTo(1, 15);
  expect(o.map((r, i) => r[i])).toEqual([1, 1, 1, 1]);
  // An empty window overlaps nothing (and is not NaN).
  expect(histogramOverlap([[0, 0], [1, 1]])[0][1]).toBe(0);
});

test('overlap2d: cell counts over all windows and the 2D overlap by hand', () => {
  const ax = [{ bins: 2, min: 0, max: 2, periodic: false }, { bins: 2, min: 0, max: 2, periodic: false }];
  // Window 0: cells (0,0), (0,1); window 1: cells (0,1), (1,1), plus one sample outside.
  const w0 = [Float64Array.from([0.5, 0.5]), Float64Array.from([0.5, 1.5])];
  const w1 = [Float64Array.from([0.5, 1.5, 9]), Float64Array.from([1.5, 1.5, 0.5])];
  const { overlap, counts } = overlap2d([w0, w1], ax);
  expect(Array.from(counts)).toEqual([1, 2, 0, 1]);
  // p0 = (.5, .5, 0, 0), p1 = (0, .5, 0, .5) over the cells inside: overlap 0.5.
  expect(overlap[0][1]).toBeCloseTo(0.5, 15);
  expect(overlap[0][0]).toBe(1);
});
