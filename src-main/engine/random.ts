/**
 * Seeded, splittable pseudo-random numbers.
 *
 * Generator: xoshiro128** 1.0 (Blackman & Vigna 2018), 128-bit state, period 2^128 - 1.
 * Seeding: the (seed, stream) pair is mixed with SplitMix64 (the seeding procedure the
 * xoshiro authors recommend): z = splitmix64(seed); then the SplitMix64 sequence is restarted
 * at z XOR (stream * 0xD1B54A32D192ED03) and its next two 64-bit outputs give the four 32-bit
 * state words. Different (seed, stream) pairs therefore start at unrelated points of the
 * sequence (the usual hashing approach of e.g. NumPy's SeedSequence); the probability that two
 * of a few million streams overlap within 2^40 draws is negligible (~ n^2 2^40 / 2^128).
 *
 * uniform(): 53-bit doubles in [0, 1) from two 32-bit outputs (27 + 26 high bits).
 * normal(): Marsaglia polar method; the spare variate is part of the state, so
 * getState()/fromState() round-trips exactly (state = 4 uint32 words, hasSpare, spare).
 * The bench's C kernel (bench/c/overdamped_mb.c) implements the identical algorithm.
 */
import { EngineInputError } from './errors';

export type RngState = readonly number[];

const MASK64 = (1n << 64n) - 1n;

function splitmix64Next(state: { s: bigint }): bigint {
  state.s = (state.s + 0x9e3779b97f4a7c15n) & MASK64;
  let z = state.s;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** The four 32-bit xoshiro128** state words for (seed, stream). Exported for cross-checks. */
export function seedWords(seed: number, stream = 0): [number, number, number, number] {
  if (!Number.isSafeInteger(seed)) throw new EngineInputError(`seed must be a safe integer (got ${String(seed)})`);
  if (!Number.isSafeInteger(stream)) throw new EngineInputError(`stream must be a safe integer (got ${String(stream)})`);
  const sm = { s: BigInt.asUintN(64, BigInt(seed)) };
  const z = splitmix64Next(sm);
  sm.s = z ^ ((BigInt.asUintN(64, BigInt(stream)) * 0xd1b54a32d192ed03n) & MASK64);
  const a = splitmix64Next(sm);
  const b = splitmix64Next(sm);
  const w: [number, number, number, number] = [
    Number(a & 0xffffffffn),
    Number(a >> 32n),
    Number(b & 0xffffffffn),
    Number(b >> 32n),
  ];
  if ((w[0] | w[1] | w[2] | w[3]) === 0) w[0] = 1; // the all-zero state is a fixed point
  return w;
}

const TWO_M53 = 1 / 9007199254740992;

export class Rng {
  // State words kept as int32 (| 0) so V8 keeps them as small integers.
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private hasSpare = false;
  private spare = 0;

  /** Independent stream per (seed, stream); convention: stream = window * 65536 + walker. */
  constructor(seed: number, stream = 0) {
    const w = seedWords(seed, stream);
    this.s0 = w[0] | 0;
    this.s1 = w[1] | 0;
    this.s2 = w[2] | 0;
    this.s3 = w[3] | 0;
  }

  /** Next raw output as an unsigned 32-bit integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const t = s1 << 9;
    let r = Math.imul(s1, 5);
    r = Math.imul((r << 7) | (r >>> 25), 9);
    let s2 = this.s2 ^ this.s0;
    let s3 = this.s3 ^ s1;
    this.s1 = s1 ^ s2;
    this.s0 ^= s3;
    s2 ^= t;
    this.s2 = s2;
    this.s3 = (s3 << 11) | (s3 >>> 21);
    return r >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) * TWO_M53;
  }

  /** Standard normal variate (Marsaglia polar method, spare cached in the state). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    this.hasSpare = true;
    return u * m;
  }

  /**
   * Writes the next n standard normals to out[from..from+n): exactly the numbers n calls of
   * normal() return, but with the state in local variables and the generator written out inline,
   * which lets V8 keep it in registers (the overdamped kernel's hot loop draws through this).
   */
  normals(out: Float64Array, n: number, from = 0): void {
    let i = from;
    n += from;
    if (n > from && this.hasSpare) {
      out[i++] = this.spare;
      this.hasSpare = false;
    }
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    let r = 0;
    let t = 0;
    // normal() stores every pair's second variate as `spare`, used or not; so does this (the
    // stale value is part of a checkpoint's state).
    let spare = this.spare;
    while (i < n) {
      let u: number, v: number, s: number;
      do {
        // Four xoshiro128** outputs (see nextUint32), two per 53-bit uniform.
        r = Math.imul(s1, 5); r = Math.imul((r << 7) | (r >>> 25), 9);
        t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
        const a = r >>> 5;
        r = Math.imul(s1, 5); r = Math.imul((r << 7) | (r >>> 25), 9);
        t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
        u = 2 * ((a * 67108864 + (r >>> 6)) * TWO_M53) - 1;
        r = Math.imul(s1, 5); r = Math.imul((r << 7) | (r >>> 25), 9);
        t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
        const c = r >>> 5;
        r = Math.imul(s1, 5); r = Math.imul((r << 7) | (r >>> 25), 9);
        t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
        v = 2 * ((c * 67108864 + (r >>> 6)) * TWO_M53) - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const m = Math.sqrt((-2 * Math.log(s)) / s);
      out[i++] = u * m;
      spare = v * m;
      if (i < n) out[i++] = spare;
      else this.hasSpare = true;
    }
    this.spare = spare;
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /** Fills `out` with standard normals. */
  fillNormal(out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }

  /** JSON-safe snapshot: [s0, s1, s2, s3 (uint32), hasSpare (0|1), spare]. */
  getState(): RngState {
    const state = new Float64Array(6);
    this.writeState(state, 0);
    return Array.from(state);
  }

  /** getState()'s six numbers written to out[at .. at + 6) without allocating (threads/md-helper-worker.ts: once per MD step). */
  writeState(out: Float64Array, at: number): void {
    out[at] = this.s0 >>> 0;
    out[at + 1] = this.s1 >>> 0;
    out[at + 2] = this.s2 >>> 0;
    out[at + 3] = this.s3 >>> 0;
    out[at + 4] = this.hasSpare ? 1 : 0;
    out[at + 5] = this.spare;
  }

  static fromState(state: RngState): Rng {
    if (!Array.isArray(state) || state.length !== 6) {
      throw new EngineInputError('RNG state must be an array of 6 numbers');
    }
    for (let i = 0; i < 4; i++) {
      const w = state[i];
      if (!Number.isInteger(w) || w < 0 || w > 0xffffffff) {
        throw new EngineInputError(`RNG state word ${i} must be a uint32 (got ${String(w)})`);
      }
    }
    if ((state[0] | state[1] | state[2] | state[3]) === 0) throw new EngineInputError('RNG state must not be all zero');
    if (state[4] !== 0 && state[4] !== 1) throw new EngineInputError('RNG state hasSpare flag must be 0 or 1');
    if (typeof state[5] !== 'number' || !Number.isFinite(state[5])) throw new EngineInputError('RNG state spare must be finite');
    const r = new Rng(1, 0); // same hidden class as any other Rng; words overwritten below
    r.s0 = state[0] | 0;
    r.s1 = state[1] | 0;
    r.s2 = state[2] | 0;
    r.s3 = state[3] | 0;
    r.hasSpare = state[4] === 1;
    r.spare = state[5];
    return r;
  }
}
