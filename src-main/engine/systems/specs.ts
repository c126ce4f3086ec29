/**
 * The spec (parameters) of every toy system, in one leaf module: types.ts (ToySystem) and each
 * system's module import from here, and this module imports nothing.
 */
export type FastSlowShape = 'linear' | 'sin' | 'cubic';

export type SystemSpec =
  | { kind: 'double-well'; a: number } // V = a (x^2-1)^2
  | { kind: 'muller-brown'; scale: number } // V = scale * standard MB
  | { kind: 'fast-slow'; a: number; s: number; epsilon: number; f: FastSlowShape; c: number };

export type SystemKind = SystemSpec['kind'];

/**
 * Kinds added by the learned-CV / more-systems work (issue 4). Kept out of `SystemSpec` (the
 * union the API contract mirrors) until src-main/schema/systems.ts validates them; the engine
 * accepts either everywhere (createSystem, validateSystemSpec, defaultSystemSpec).
 */
export type MoreSystemSpec = FastSlowMultiSpec | EmbeddedSpec | ExpressionSpec | TwoModeSpec;
export type AnySystemSpec = SystemSpec | MoreSystemSpec;
export type AnySystemKind = AnySystemSpec['kind'];

export interface EmbeddedSpec {
  kind: 'embedded';
  a: number;
  s: number;
  epsilon: number;
  f: FastSlowShape;
  c: number;
  /** kappa: the slow direction is bent into z = kappa x^2. */
  curvature: number;
  /** Rotation angle (radians) about the (1, 1, 1) axis. */
  angle: number;
}

export interface ExpressionSpec {
  kind: 'expression';
  /** The potential, in the variables x (and y when dim = 2). */
  expression: string;
  dim: 1 | 2;
  parameters?: Record<string, number>;
  /** Plot / quadrature box per coordinate; default [-2, 2]. */
  domain?: [number, number][];
  /** Per-coordinate mobility; default 1. */
  mobility?: number[];
}

export interface FastVariableSpec {
  f: FastSlowShape;
  c: number;
  s: number;
}

export interface FastSlowMultiSpec {
  kind: 'fast-slow-multi';
  a: number;
  epsilon: number;
  /** Number of fast variables (1..16). */
  m: number;
  /** Defaults for every fast variable (overridden per variable by `fast`). */
  f: FastSlowShape;
  c: number;
  s: number;
  fast?: FastVariableSpec[];
}

export interface TwoModeSpec {
  kind: 'two-mode';
  /** Barrier of the slow double well a (x^2 - 1)^2. */
  a: number;
  /** Half the distance between the modes of y (modes near y = c x -+ d). */
  d: number;
  /** Barrier between the modes at x = 0 (energy, > 0). */
  h0: number;
  /** Growth of that barrier with x: h(x) = h0 + h2 x^2 (>= 0). */
  h2: number;
  /** Tilt: the upper mode is lower in energy by about 2 b x. */
  b: number;
  /** Shear: both modes move along y = c x. */
  c: number;
  /** y relaxes 1/epsilon times faster than x. */
  epsilon: number;
}
