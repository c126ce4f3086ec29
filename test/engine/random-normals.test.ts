/** Rng.normals (the kernel's inlined block draw) returns exactly the numbers of repeated normal() calls. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-main/engine/random';

describe('Rng.normals', () => {
  it('equals normal() call by call, across odd blocks and the cached spare', () => {
    const a = new Rng(42, 7);
    const b = new Rng(42, 7);
    const out = new Float64Array(64);
    for (const n of [1, 2, 3, 0, 17, 64, 5, 1]) {
      a.normals(out, n);
      const expected = Array.from({ length: n }, () => b.normal());
      expect(Array.from(out.subarray(0, n))).toEqual(expected);
      expect(a.getState()).toEqual(b.getState());
    }
  });
});
