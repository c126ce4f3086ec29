/** engine/stats: rank correlation, isotonic regression and log-sum-exp against hand-computed answers. */
import { expect, test } from 'vitest';
import { pearson, ranks, spearman } from '../../src-main/engine/stats/rank-correlation';
import { isotonic } from '../../src-main/engine/stats/isotonic';
import { logSumExp } from '../../src-main/engine/stats/log-sum-exp';

test('spearman: known answers (monotone maps, reversal, ties)', () => {
  expect(spearman([1, 2, 3, 4], [10, 100, 1000, 1e4])).toBeCloseTo(1, 14);
  expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 14);
  // Ties get average ranks: ranks (1.5, 1.5, 3) vs (1, 2, 3) -> r = 0.8660254 (= sqrt(3)/2).
  expect(spearman([0, 0, 1], [1, 2, 3])).toBeCloseTo(Math.sqrt(3) / 2, 12);
  expect(Array.from(ranks([3, 1, 3, 2]))).toEqual([3.5, 1, 3.5, 2]);
  // A constant input has no order: 0 by convention, not NaN.
  expect(pearson([1, 1, 1], [1, 2, 3])).toBe(0);
  expect(() => spearman([1, 2], [1])).toThrow(/lengths differ/);
});

test('pearson: exact value of a small sample (hand-computed: sum da db / sqrt(sum da^2 sum db^2))', () => {
  // a - mean = (-1, 0, 1), b - mean = (-2, 1, 1): r = 3 / sqrt(2 * 6) = sqrt(3)/2.
  expect(pearson([1, 2, 3], [0, 3, 3])).toBeCloseTo(Math.sqrt(3) / 2, 14);
});

test('isotonic: pool-adjacent-violators known answers', () => {
  expect(Array.from(isotonic([1, 3, 2, 4], [1, 1, 1, 1]))).toEqual([1, 2.5, 2.5, 4]);
  // Weighted pooling: (3*1 + 1*3) / 4 = 1.5 for the first two.
  expect(Array.from(isotonic([3, 1, 5], [1, 3, 1]))).toEqual([1.5, 1.5, 5]);
  expect(Array.from(isotonic([1, 2, 3], [1, 1, 1]))).toEqual([1, 2, 3]);
  // A fully decreasing input pools into its weighted mean.
  expect(Array.from(isotonic([3, 2, 1], [1, 1, 2]))).toEqual([1.75, 1.75, 1.75]);
});

test('logSumExp: exact where the naive sum overflows', () => {
  expect(logSumExp([Math.log(2), Math.log(3)])).toBeCloseTo(Math.log(5), 14);
  // exp(1000) overflows; ln(2 e^1000) = 1000 + ln 2.
  expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.log(2), 10);
  expect(logSumExp([])).toBe(-Infinity);
  expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
});
