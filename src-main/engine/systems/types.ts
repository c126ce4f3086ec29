import type { AnySystemSpec } from './specs';

// The spec types live in specs.ts, a leaf module that both this file and the systems import (no circle).
export type { AnySystemKind, AnySystemSpec, FastSlowShape, MoreSystemSpec, SystemKind, SystemSpec } from './specs';

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
