/**
 * Statistical inefficiency and subsampling against pymbar.timeseries on committed AR(1) series
 * (scripts/reference/mbar_fixtures.py), and against the closed form g = (1 + phi) / (1 - phi).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decorrelateColumns, statisticalInefficiency, subsampleIndices } from '../../src-main/engine/estimators/autocorr';
import { Rng } from '../../src-main/engine/random';
import { EngineInputError } from '../../src-main/engine/errors';

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/mbar/timeseries.json'), 'utf8')) as {
  cases: { phi: number; fast: boolean; series: number[]; g: number; indices: number[] }[];
};

describe('statistical inefficiency', () => {
  for (const c of fixture.cases) {
    it(`matches pymbar on AR(1) phi=${c.phi}${c.fast ? ' (fast)' : ''}, and the subsampled indices`, () => {
      const g = statisticalInefficiency(c.series, { fast: c.fast });
      // Same sums in a different order: agreement to rounding (~1e-13 relative for N ~ 3000).
      expect(Math.abs(g - c.g)).toBeLessThan(1e-10 * c.g);
      expect(subsampleIndices(c.series.length, c.g)).toEqual(c.indices);
    });
  }

  it('recovers g = (1 + phi)/(1 - phi) of a long AR(1) series', () => {
    const rng = new Rng(3, 0);
    const phi = 0.8;
    const n = 100_000;
    const a = new Float64Array(n);
    for (let t = 1; t < n; t++) a[t] = phi * a[t - 1] + rng.normal();
    // Exact g = 9. The truncated estimator's relative s.e. is ~ sqrt(2 (2T+1)/N) with a cut-off
    // T of a few tau (tau ~ 4.5): about 0.03; 0.15 relative is ~5 s.e.
    expect(Math.abs(statisticalInefficiency(a) / 9 - 1)).toBeLessThan(0.15);
  });

  it('decorrelates windows and reports how much', () => {
    const rng = new Rng(4, 0);
    const a = new Float64Array(5000);
    for (let t = 1; t < a.length; t++) a[t] = 0.9 * a[t - 1] + rng.normal();
    const b = Float64Array.from({ length: 3000 }, () => rng.normal());
    const { columns, summary } = decorrelateColumns([[a], [b], [new Float64Array(10).fill(2)]]);
    expect(summary.samplesBefore).toEqual([5000, 3000, 10]);
    expect(summary.statisticalInefficiency[2]).toBe(1); // constant: nothing to decorrelate
    expect(summary.statisticalInefficiency[0]).toBeGreaterThan(10); // exact 19
    expect(summary.samplesAfter[0]).toBe(columns[0][0].length);
    expect(summary.samplesAfter[0]).toBeLessThan(500);
    expect(summary.keptFraction).toBeCloseTo(summary.samplesAfter.reduce((x, y) => x + y) / 8010, 12);
  });

  it('rejects series it cannot analyse', () => {
    expect(() => statisticalInefficiency([1])).toThrow(EngineInputError);
    expect(() => statisticalInefficiency([2, 2, 2])).toThrow(/constant/);
    expect(() => subsampleIndices(10, 0.5)).toThrow(/>= 1/);
  });
});
