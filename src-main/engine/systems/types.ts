import type { EmbeddedSpec } from './embedded';
import type { ExpressionSpec } from './expression';
import type { FastSlowMultiSpec } from './fast-slow-multi';
import type { TwoModeSpec } from './two-mode';

export type FastSlowShape = 'linear' | 'sin' | 'cubic';

export type SystemSpec =
  | { kind: 'double-well'; a: number } // V = a (x^2-1)^2
  | { kind: 'muller-brown'; scale: number } // V = scale * standard MB
  | { kind: 'fast-slow'; a: number; s: number; epsilon: number; f: FastSlowShape; c: number };

export type SystemKind = SystemSpec['kind'];

/**
 * Kinds added by the learned-CV / more-systems work (issue 4). Kept out of `SystemSpec` (the
 * union the API contract mirrors) until src-main/api/contract.ts validates them; the engine
 * accepts either everywhere (createSystem, validateSystemSpec, defaultSystemSpec).
 */
export type MoreSystemSpec = FastSlowMultiSpec | EmbeddedSpec | ExpressionSpec | TwoModeSpec;
export type AnySystemSpec = SystemSpec | MoreSystemSpec;
export type AnySystemKind = AnySystemSpec['kind'];

export interface ToySystem {
  readonly spec: AnySystemSpec;
  readonly dim: number;
  readonly coordinateNames: readonly string[];
  readonly mobility: Float64Array;
  energy(x: Float64Array, offset?: number): number;
  /** Writes -grad V of the point at x[offset..] into out[outOffset..]; returns V. */
  force(x: Float64Array, offset: number, out: Float64Array, outOffset: number): number;
  /** Sensible plotting / quadrature box per coordinate: [min, max]. */
  readonly domain: readonly (readonly [number, number])[];
}
