/**
 * Fast/slow system with several fast variables (SCIENCE.md section 7, "variants"):
 *   V(x, y_1..y_m) = a (x^2 - 1)^2 + sum_i (y_i - f_i(x))^2 / (2 s_i^2),
 * mobility (1, 1/epsilon, ..., 1/epsilon). Each f_i(x) = c_i * shape_i(x) with shape_i one of
 * x | sin(pi x) | x^3 (fastSlowF). The y_i are independent given x, so exactly
 *   p(y_i | x) = N(f_i(x), s_i^2 kT),  E[y_i | x] = f_i(x),  F(x) = a (x^2 - 1)^2.
 * The spec gives one shape/c/s for all fast variables (UI-friendly scalars) or, with `fast`,
 * one { f, c, s } per variable (length m).
 */
import { fastSlowF } from './fast-slow';
import type { FastSlowShape, ToySystem } from './types';
import type { FastVariableSpec, FastSlowMultiSpec } from './specs';
export type { FastVariableSpec, FastSlowMultiSpec } from './specs';

export const MAX_FAST_VARIABLES = 16;

/** The per-variable { f, c, s } list a spec describes. */
export function fastVariables(spec: FastSlowMultiSpec): FastVariableSpec[] {
  if (spec.fast) return spec.fast.map((v) => ({ f: v.f, c: v.c, s: v.s }));
  return Array.from({ length: spec.m }, () => ({ f: spec.f, c: spec.c, s: spec.s }));
}

/** Problems with the per-variable list (the scalar parameters are checked by the catalogue). */
export function validateFastList(spec: FastSlowMultiSpec): string[] {
  if (spec.fast === undefined) return [];
  if (!Array.isArray(spec.fast)) return ['fast-slow-multi.fast must be a list of { f, c, s }'];
  const problems: string[] = [];
  if (spec.fast.length !== spec.m) problems.push(`fast-slow-multi.fast must have m = ${spec.m} entries (got ${spec.fast.length})`);
  spec.fast.forEach((v, i) => {
    const name = `fast-slow-multi.fast[${i}]`;
    if (!v || typeof v !== 'object') {
      problems.push(`${name} must be an object { f, c, s }`);
      return;
    }
    if (v.f !== 'linear' && v.f !== 'sin' && v.f !== 'cubic') problems.push(`${name}.f must be one of 'linear', 'sin', 'cubic' (got ${JSON.stringify(v.f)})`);
    if (typeof v.c !== 'number' || !Number.isFinite(v.c)) problems.push(`${name}.c must be a finite number (got ${JSON.stringify(v.c)})`);
    if (typeof v.s !== 'number' || !Number.isFinite(v.s) || !(v.s > 0)) problems.push(`${name}.s must be a finite number > 0 (got ${JSON.stringify(v.s)})`);
  });
  return problems;
}

const SHAPE_CODE: Record<FastSlowShape, number> = { linear: 0, sin: 1, cubic: 2 };

export class FastSlowMulti implements ToySystem {
  readonly dim: number;
  readonly coordinateNames: readonly string[];
  readonly mobility: Float64Array;
  readonly domain: readonly (readonly [number, number])[];
  private readonly a: number;
  private readonly m: number;
  private readonly shape: Int32Array;
  private readonly c: Float64Array;
  private readonly invs2: Float64Array;
  constructor(readonly spec: FastSlowMultiSpec) {
    const vars = fastVariables(spec);
    this.a = spec.a;
    this.m = vars.length;
    this.dim = 1 + this.m;
    this.coordinateNames = ['x', ...vars.map((_, i) => `y${i + 1}`)];
    this.mobility = new Float64Array(this.dim).fill(1 / spec.epsilon);
    this.mobility[0] = 1;
    this.shape = Int32Array.from(vars.map((v) => SHAPE_CODE[v.f]));
    this.c = Float64Array.from(vars.map((v) => v.c));
    this.invs2 = Float64Array.from(vars.map((v) => 1 / (v.s * v.s)));
    this.domain = [
      [-2, 2],
      ...vars.map((v) => {
        const fmax = Math.abs(v.c) * (v.f === 'linear' ? 2 : v.f === 'sin' ? 1 : 8);
        return [-fmax - 5 * v.s, fmax + 5 * v.s] as const;
      }),
    ];
  }
  /** f_i(x), i = 0..m-1: the exact closure E[y_{i+1} | x]. */
  f(i: number, x: number): number {
    const shape = this.shape[i] === 0 ? 'linear' : this.shape[i] === 1 ? 'sin' : 'cubic';
    return fastSlowF(shape, this.c[i], x);
  }
  energy(x: Float64Array, offset = 0): number {
    const px = x[offset];
    const q = px * px - 1;
    let v = this.a * q * q;
    for (let i = 0; i < this.m; i++) {
      const r = x[offset + 1 + i] - this.f(i, px);
      v += 0.5 * r * r * this.invs2[i];
    }
    return v;
  }
  force(x: Float64Array, offset: number, out: Float64Array, outOffset: number): number {
    const px = x[offset];
    const q = px * px - 1;
    let v = this.a * q * q;
    let fx = -4 * this.a * px * q;
    const sinPx = Math.sin(Math.PI * px);
    const cosPx = Math.cos(Math.PI * px);
    for (let i = 0; i < this.m; i++) {
      const c = this.c[i];
      const shape = this.shape[i];
      const f = shape === 0 ? c * px : shape === 1 ? c * sinPx : c * px * px * px;
      const df = shape === 0 ? c : shape === 1 ? c * Math.PI * cosPx : 3 * c * px * px;
      const r = x[offset + 1 + i] - f;
      const g = r * this.invs2[i]; // dV/dy_i
      v += 0.5 * r * g;
      fx += g * df;
      out[outOffset + 1 + i] = -g;
    }
    out[outOffset] = fx;
    return v;
  }
}
