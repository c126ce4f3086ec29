/**
 * The exact conditional law of one target coordinate given the slow coordinate x, for every toy
 * system that has one in closed form or by 1D quadrature (SCIENCE.md section 7):
 *   fast-slow        y   | x ~ N(f(x), s^2 kT)
 *   fast-slow-multi  y_i | x ~ N(f_i(x), s_i^2 kT)
 *   two-mode         y   | x ~ exp(-phi_x(y - c x)/kT) / Z(x)   (two-mode-law.ts)
 * Null where there is none (other systems, or a condition that is not x).
 */
import { fastSlowF } from './fast-slow';
import { fastVariables } from './fast-slow-multi';
import { gaussianLaw, type ConditionalLaw1D } from './conditional-law';
import { twoModeConditional } from './two-mode-law';
import type { AnySystemSpec } from './types';

/**
 * A function x -> p(coordinate `target` | x), when the system spec has an exact law for the
 * coordinate `target` (index among the system's coordinates, x = 0) given x.
 */
export function exactConditionalLaw(spec: AnySystemSpec, kT: number, target: number): ((x: number) => ConditionalLaw1D) | null {
  if (target < 1) return null;
  switch (spec.kind) {
    case 'fast-slow':
      if (target !== 1) return null;
      return (x) => gaussianLaw(fastSlowF(spec.f, spec.c, x), spec.s * Math.sqrt(kT));
    case 'fast-slow-multi': {
      const v = fastVariables(spec)[target - 1];
      if (!v) return null;
      return (x) => gaussianLaw(fastSlowF(v.f, v.c, x), v.s * Math.sqrt(kT));
    }
    case 'two-mode':
      if (target !== 1) return null;
      return (x) => twoModeConditional(spec, x, kT);
    default:
      return null;
  }
}
