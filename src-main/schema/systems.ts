/**
 * The systems a study samples: one zod spec per kind of toy or expression system, and the facts the UI shows about each kind.
 * Part of the shared vocabulary (schema/): api/contract re-exports it; store and runs import it from here.
 */
import { z } from 'zod';
import { finite, positive } from './numbers';

export const doubleWellSpec = z.object({
  kind: z.literal('double-well'),
  /** Barrier height: V = a (x^2 - 1)^2 */
  a: positive(),
});
export const mullerBrownSpec = z.object({
  kind: z.literal('muller-brown'),
  /** Multiplies the standard Muller-Brown potential (1 = SCIENCE.md parameters). */
  scale: positive(),
});
export const fastSlowSpec = z.object({
  kind: z.literal('fast-slow'),
  a: positive(),
  s: positive(),
  epsilon: positive(),
  f: z.enum(['linear', 'sin', 'cubic']),
  c: finite(),
});
const fastSlowShape = z.enum(['linear', 'sin', 'cubic']);
/** Slow double well x with m fast variables y_i -> f_i(x) (engine/systems/fast-slow-multi.ts). */
export const fastSlowMultiSpec = z.object({
  kind: z.literal('fast-slow-multi'),
  a: positive(),
  epsilon: positive(),
  m: z.number().int().min(1).max(16),
  f: fastSlowShape,
  c: finite(),
  s: positive(),
  /** Per fast variable { f, c, s } (length m); absent = the scalars for all. */
  fast: z.array(z.object({ f: fastSlowShape, c: finite(), s: positive() })).min(1).max(16).optional(),
});
/** The fast/slow SDE observed through a curved, rotated map into R^3 (engine/systems/embedded.ts). */
export const embeddedSpec = z.object({
  kind: z.literal('embedded'),
  a: positive(),
  s: positive(),
  epsilon: positive(),
  f: fastSlowShape,
  c: finite(),
  curvature: finite(),
  angle: finite(),
});
/** Slow double well x, fast y with two modes whose weights move with x (engine/systems/two-mode.ts). */
export const twoModeSpec = z.object({
  kind: z.literal('two-mode'),
  a: positive(),
  d: positive(),
  h0: positive(),
  h2: finite().refine((v) => v >= 0, 'must be 0 or more'),
  b: finite(),
  c: finite(),
  epsilon: positive(),
});
/** A user-defined potential V(x) or V(x, y) (engine/systems/expression.ts; parsed, never eval'd). */
export const expressionSpec = z.object({
  kind: z.literal('expression'),
  expression: z.string().max(2000),
  dim: z.union([z.literal(1), z.literal(2)]),
  parameters: z.record(z.string(), finite()).optional(),
  domain: z.array(z.tuple([finite(), finite()])).min(1).max(2).optional(),
  mobility: z.array(positive()).min(1).max(2).optional(),
});
export const systemSpec = z.discriminatedUnion('kind', [doubleWellSpec, mullerBrownSpec, fastSlowSpec, fastSlowMultiSpec, embeddedSpec, expressionSpec, twoModeSpec]);
export type SystemSpec = z.infer<typeof systemSpec>;
export type SystemKind = SystemSpec['kind'];

export interface SystemParameterInfo {
  name: string;
  label: string;
  description: string;
  default: number | string;
  /** For numbers: lower bound, inclusive unless exclusiveMin. */
  min?: number;
  exclusiveMin?: boolean;
  max?: number;
  /** For choices. */
  choices?: string[];
  /** Absent = 'number' (or 'choice' when choices is set); 'text': a free-text field (an expression). */
  type?: 'number' | 'choice' | 'text';
  /** For text. */
  maxLength?: number;
}
export interface SystemKindInfo {
  kind: SystemKind;
  label: string;
  description: string;
  coordinateNames: string[];
  parameters: SystemParameterInfo[];
  /** Plotting / quadrature box per coordinate. */
  domain: [number, number][];
  /** True when Liftwell can compute the exact free-energy profile along a coordinate. */
  hasExactProfile: boolean;
  /** Defaults of non-scalar fields (expression: parameters). */
  extraDefaults?: Record<string, unknown>;
  /** Names of observed coordinates when they differ from the simulated ones (embedded: q1, q2, q3). */
  observedNames?: string[];
}
