import { describe, expect, it } from 'vitest';
import { Rng, seedWords } from '../../src-main/engine/random';
import { EngineInputError } from '../../src-main/engine/errors';

describe('Rng', () => {
  it('matches the reference xoshiro128** and SplitMix64 seeding', () => {
    // Known answers from Vigna's reference C code (xoshiro128starstar.c, splitmix64.c), compiled
    // locally: state {1,2,3,4} -> first six outputs; seed 42, stream 7 -> state words.
    const r = Rng.fromState([1, 2, 3, 4, 0, 0]);
    expect(Array.from({ length: 6 }, () => r.nextUint32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
    expect(seedWords(42, 7)).toEqual([2814887452, 222589399, 4230006118, 4179508931]);
  });

  it('has correct uniform and normal moments', () => {
    // n = 4e5. Tolerances are 5 standard errors of each estimator for the exact distribution:
    // uniform mean sd = sqrt(1/12/n) = 4.6e-4, var sd = sqrt(1/180/n) = 1.2e-4;
    // normal mean sd = 1/sqrt(n) = 1.6e-3, var sd = sqrt(2/n) = 2.2e-3, skew sd = sqrt(6/n) = 3.9e-3,
    // raw 4th moment sd = sqrt(E z^8 - 9) / sqrt(n) = sqrt(96/n) = 1.5e-2.
    const n = 400_000;
    const r = new Rng(12345, 0);
    let s1 = 0;
    let s2 = 0;
    let umin = 1;
    let umax = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      s1 += u;
      s2 += u * u;
      if (u < umin) umin = u;
      if (u > umax) umax = u;
    }
    expect(umin).toBeGreaterThanOrEqual(0);
    expect(umax).toBeLessThan(1);
    const um = s1 / n;
    expect(Math.abs(um - 0.5)).toBeLessThan(5 * 4.6e-4);
    expect(Math.abs(s2 / n - um * um - 1 / 12)).toBeLessThan(5 * 1.2e-4);
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      m1 += z;
      m2 += z * z;
      m3 += z * z * z;
      m4 += z * z * z * z;
    }
    expect(Math.abs(m1 / n)).toBeLessThan(5 * 1.6e-3);
    expect(Math.abs(m2 / n - 1)).toBeLessThan(5 * 2.2e-3);
    expect(Math.abs(m3 / n)).toBeLessThan(5 * 3.9e-3);
    expect(Math.abs(m4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
  });

  it('uses all 53 bits of the uniform', () => {
    const r = new Rng(1, 2);
    let lowBitsSeen = 0;
    for (let i = 0; i < 1000; i++) {
      const u = r.uniform() * 2 ** 53;
      expect(Number.isInteger(u)).toBe(true);
      if (u % 2 === 1) lowBitsSeen++;
    }
    expect(lowBitsSeen).toBeGreaterThan(400); // Binomial(1000, 1/2): 400 is 6.3 sd below the mean
  });

  it('round-trips its state exactly, including the cached normal spare', () => {
    const r = new Rng(7, 3);
    for (let i = 0; i < 11; i++) r.normal(); // odd count: a spare is cached
    const state = JSON.parse(JSON.stringify(r.getState())) as number[];
    expect(state[4]).toBe(1);
    const r2 = Rng.fromState(state);
    for (let i = 0; i < 1000; i++) expect(r2.normal()).toBe(r.normal());
    for (let i = 0; i < 100; i++) expect(r2.uniform()).toBe(r.uniform());
    expect(r2.getState()).toEqual(r.getState());
  });

  it('writeState writes the numbers of getState, with and without a cached spare', () => {
    const r = new Rng(7, 3);
    const out = new Float64Array(8).fill(-1);
    for (const draws of [11, 1]) {
      for (let i = 0; i < draws; i++) r.normal();
      r.writeState(out, 1);
      expect(Array.from(out.subarray(1, 7))).toEqual(r.getState());
      expect(out[0]).toBe(-1);
      expect(out[7]).toBe(-1);
    }
    expect(out[5]).toBe(0); // 12 draws: no spare left
  });

  it('gives independent streams for different (seed, stream)', () => {
    // Pearson correlation of n paired normals has sd 1/sqrt(n); 5 sd tolerance.
    const n = 100_000;
    const streams = [new Rng(99, 0), new Rng(99, 1), new Rng(99, 65536), new Rng(100, 0)];
    const xs = streams.map((r) => r.fillNormal(new Float64Array(n)));
    for (let i = 0; i < xs.length; i++) {
      for (let j = i + 1; j < xs.length; j++) {
        let c = 0;
        let a2 = 0;
        let b2 = 0;
        for (let t = 0; t < n; t++) {
          c += xs[i][t] * xs[j][t];
          a2 += xs[i][t] ** 2;
          b2 += xs[j][t] ** 2;
        }
        expect(Math.abs(c / Math.sqrt(a2 * b2))).toBeLessThan(5 / Math.sqrt(n));
        // Lag-1 cross correlation too (a shifted copy of a stream would show up here).
        let lag = 0;
        for (let t = 0; t + 1 < n; t++) lag += xs[i][t] * xs[j][t + 1];
        expect(Math.abs(lag / Math.sqrt(a2 * b2))).toBeLessThan(5 / Math.sqrt(n));
      }
    }
    // Same (seed, stream) reproduces.
    expect(new Rng(99, 1).nextUint32()).toBe(new Rng(99, 1).nextUint32());
  });

  it('rejects bad seeds and states', () => {
    expect(() => new Rng(1.5)).toThrow(EngineInputError);
    expect(() => new Rng(Number.NaN)).toThrow(/seed/);
    expect(() => new Rng(1, -0.5)).toThrow(/stream/);
    expect(() => Rng.fromState([0, 0, 0, 0, 0, 0])).toThrow(EngineInputError);
    expect(() => Rng.fromState([1, 2, 3])).toThrow(EngineInputError);
    expect(() => Rng.fromState([1, 2, 3, 2 ** 32, 0, 0])).toThrow(/word 3/);
  });
});
