/**
 * The force -grad V of each toy system, written once over an Algebra (./algebra.ts) from the
 * system's spec. Evaluated on numbers it must equal the CPU kernel's system.force (float64, to
 * rounding: test/engine/tensor-forces.test.ts); evaluated on tensors it is the batched force of
 * the tensor integrator. The CPU kernels in engine/systems stay hand-unrolled for speed; this
 * file and those tests are what keeps the two executions from drifting apart.
 */
import { EngineInputError } from '../errors';
import type { HarmonicBias } from '../bias/umbrella';
import { MB_A, MB_a, MB_b, MB_c, MB_x0, MB_y0 } from '../systems/muller-brown';
import { fastVariables } from '../systems/fast-slow-multi';
import type { AnySystemSpec, FastSlowShape } from '../systems/types';
import type { TwoModeSpec } from '../systems/two-mode';
import type { Algebra } from './algebra';

/** Forces per coordinate (one value/column each) of the points whose coordinates are `q`. */
export type ForceFormula = <T>(alg: Algebra<T>, q: readonly T[]) => T[];

/** Kinds the tensor path can integrate (the expression system would need its AST compiled to tensors). */
export const TENSOR_SYSTEM_KINDS = ['double-well', 'muller-brown', 'fast-slow', 'fast-slow-multi', 'embedded', 'two-mode'] as const;

/** Why a system cannot run on the tensor path, or null when it can. */
export function tensorUnsupportedReason(spec: AnySystemSpec): string | null {
  return (TENSOR_SYSTEM_KINDS as readonly string[]).includes(spec.kind)
    ? null
    : `system "${spec.kind}" has no tensor force formula (tensor path supports ${TENSOR_SYSTEM_KINDS.join(', ')})`;
}

/** -4 a x (x^2 - 1): the slow double-well force shared by the fast/slow family. */
function doubleWellForce<T>(alg: Algebra<T>, x: T, a: number): T {
  return alg.mul(alg.scale(x, -4 * a), alg.shift(alg.mul(x, x), -1));
}

/** f(x) and f'(x) of a fast/slow closure shape (engine/systems/fast-slow.ts fastSlowF). */
function closure<T>(alg: Algebra<T>, x: T, shape: FastSlowShape, c: number): { f: T; df: T } {
  switch (shape) {
    case 'linear':
      return { f: alg.scale(x, c), df: alg.fill(x, c) };
    case 'sin': {
      const px = alg.scale(x, Math.PI);
      return { f: alg.scale(alg.sin(px), c), df: alg.scale(alg.cos(px), c * Math.PI) };
    }
    case 'cubic': {
      const x2 = alg.mul(x, x);
      return { f: alg.scale(alg.mul(x2, x), c), df: alg.scale(x2, 3 * c) };
    }
  }
}

/** V = a (x^2-1)^2 + sum_i (y_i - f_i(x))^2 / (2 s_i^2): forces (F_x, F_y1, ...). */
function fastSlowFamily<T>(alg: Algebra<T>, q: readonly T[], a: number, fast: { f: FastSlowShape; c: number; s: number }[]): T[] {
  const x = q[0];
  let fx = doubleWellForce(alg, x, a);
  const out: T[] = [fx];
  fast.forEach((v, i) => {
    const { f, df } = closure(alg, x, v.f, v.c);
    const g = alg.scale(alg.sub(q[1 + i], f), 1 / (v.s * v.s)); // dV/dy_i
    fx = alg.add(fx, alg.mul(g, df));
    out.push(alg.scale(g, -1));
  });
  out[0] = fx;
  return out;
}

/** V = a (x^2-1)^2 + h(x) ((u/d)^2 - 1)^2 - b x u / d, u = y - c x, h = h0 + h2 x^2 (systems/two-mode.ts). */
function twoModeForces<T>(alg: Algebra<T>, q: readonly T[], spec: TwoModeSpec): T[] {
  const { a, d, h0, h2, b, c } = spec;
  const x = q[0];
  const u = alg.sub(q[1], alg.scale(x, c));
  const h = alg.shift(alg.scale(alg.mul(x, x), h2), h0);
  const m = alg.shift(alg.scale(alg.mul(u, u), 1 / (d * d)), -1); // (u/d)^2 - 1
  const dVdu = alg.sub(alg.scale(alg.mul(alg.mul(h, m), u), 4 / (d * d)), alg.scale(x, b / d));
  // dV/dx at fixed u, then the chain rule through u = y - c x.
  const dVdxAtU = alg.sub(alg.add(alg.scale(doubleWellForce(alg, x, a), -1), alg.scale(alg.mul(x, alg.mul(m, m)), 2 * h2)), alg.scale(u, b / d));
  return [alg.scale(alg.sub(dVdxAtU, alg.scale(dVdu, c)), -1), alg.scale(dVdu, -1)];
}

/** The force formula of a system spec; EngineInputError for kinds the tensor path lacks. */
export function forceFormula(spec: AnySystemSpec): ForceFormula {
  const reason = tensorUnsupportedReason(spec);
  if (reason) throw new EngineInputError(reason);
  switch (spec.kind) {
    case 'double-well':
      return (alg, q) => [doubleWellForce(alg, q[0], spec.a)];
    case 'muller-brown':
      return (alg, q) => {
        // V = sum_i A_i exp(a_i dx^2 + b_i dx dy + c_i dy^2): F = -V_i * grad(exponent).
        let fx: (typeof q)[number] | null = null;
        let fy: (typeof q)[number] | null = null;
        for (let i = 0; i < 4; i++) {
          const dx = alg.shift(q[0], -MB_x0[i]);
          const dy = alg.shift(q[1], -MB_y0[i]);
          let arg = alg.add(alg.scale(alg.mul(dx, dx), MB_a[i]), alg.scale(alg.mul(dy, dy), MB_c[i]));
          if (MB_b[i] !== 0) arg = alg.add(arg, alg.scale(alg.mul(dx, dy), MB_b[i]));
          const e = alg.scale(alg.exp(arg), -MB_A[i] * spec.scale);
          let gx = alg.scale(dx, 2 * MB_a[i]);
          let gy = alg.scale(dy, 2 * MB_c[i]);
          if (MB_b[i] !== 0) {
            gx = alg.add(gx, alg.scale(dy, MB_b[i]));
            gy = alg.add(gy, alg.scale(dx, MB_b[i]));
          }
          const tx = alg.mul(e, gx);
          const ty = alg.mul(e, gy);
          fx = fx === null ? tx : alg.add(fx, tx);
          fy = fy === null ? ty : alg.add(fy, ty);
        }
        return [fx!, fy!];
      };
    case 'fast-slow':
    case 'embedded':
      return (alg, q) => fastSlowFamily(alg, q, spec.a, [{ f: spec.f, c: spec.c, s: spec.s }]);
    case 'fast-slow-multi': {
      const fast = fastVariables(spec);
      return (alg, q) => fastSlowFamily(alg, q, spec.a, fast);
    }
    case 'two-mode':
      return (alg, q) => twoModeForces(alg, q, spec);
    default:
      throw new EngineInputError(`system "${(spec as { kind: string }).kind}" has no tensor force formula`);
  }
}

/** -dW/dx_cv of the umbrella W = 0.5 k d^2 (d minimum-image wrapped when periodic), for coordinate value xc. */
export function harmonicBiasForce<T>(alg: Algebra<T>, xc: T, bias: HarmonicBias): T {
  let d = alg.shift(xc, -bias.center);
  const p = bias.period;
  if (p !== undefined) d = alg.sub(d, alg.scale(alg.round(alg.scale(d, 1 / p)), p));
  return alg.scale(d, -bias.spring);
}

/** Forces including the optional umbrella, as the integrator applies them. */
export function biasedForceFormula(spec: AnySystemSpec, bias: HarmonicBias | null): ForceFormula {
  const base = forceFormula(spec);
  if (!bias) return base;
  return (alg, q) => {
    const f = base(alg, q);
    f[bias.cvIndex] = alg.add(f[bias.cvIndex], harmonicBiasForce(alg, q[bias.cvIndex], bias));
    return f;
  };
}
