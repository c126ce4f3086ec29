/**
 * Toy systems with known answers (SCIENCE.md section 7) and a UI-renderable catalogue.
 */
import { EngineInputError } from '../errors';
import { DoubleWell } from './double-well';
import { FastSlow, fastSlowF } from './fast-slow';
import { MullerBrown } from './muller-brown';
import { FastSlowMulti, MAX_FAST_VARIABLES, validateFastList } from './fast-slow-multi';
import { Embedded } from './embedded';
import { ExpressionSystem, validateExpressionSpec } from './expression';
import { TwoMode } from './two-mode';
import type { AnySystemKind, AnySystemSpec, SystemKind, SystemSpec, ToySystem } from './types';

export type { FastSlowShape, SystemKind, SystemSpec, ToySystem } from './types';
export { DoubleWell } from './double-well';
export { FastSlow, fastSlowF } from './fast-slow';
export { MullerBrown, MB_A, MB_a, MB_b, MB_c, MB_x0, MB_y0 } from './muller-brown';
export type { AnySystemKind, AnySystemSpec, MoreSystemSpec } from './types';
export { FastSlowMulti, fastVariables, MAX_FAST_VARIABLES } from './fast-slow-multi';
export type { FastSlowMultiSpec, FastVariableSpec } from './fast-slow-multi';
export { Embedded, sampleEmbedded, embeddingRotation, OBSERVED_DIM } from './embedded';
export type { EmbeddedSpec, EmbeddedSample } from './embedded';
export { ExpressionSystem, validateExpressionSpec, EXPRESSION_MAX_LENGTH } from './expression';
export type { ExpressionSpec } from './expression';
export { TwoMode } from './two-mode';
export type { TwoModeSpec } from './two-mode';
export { twoModeConditional, twoModeFreeEnergy } from './two-mode-law';
export type { TwoModeConditional } from './two-mode-law';
export { gaussianLaw, sampleLaw, wasserstein1ToLaw, wasserstein1NoiseFloor } from './conditional-law';
export type { ConditionalLaw1D } from './conditional-law';
export { exactConditionalLaw } from './exact-law';

export interface NumberParamInfo {
  name: string;
  label: string;
  type: 'number';
  default: number;
  /** Inclusive lower bound unless exclusiveMin. */
  min?: number;
  exclusiveMin?: boolean;
  max?: number;
  /** Suggested UI slider range (not enforced). */
  softMin?: number;
  softMax?: number;
  unit?: string;
  description: string;
}
export interface ChoiceParamInfo {
  name: string;
  label: string;
  type: 'choice';
  default: string;
  choices: { value: string; label: string }[];
  description: string;
}
export type SystemParamInfo = NumberParamInfo | ChoiceParamInfo;
/** A free-text parameter (the expression of a user-defined potential). */
export interface TextParamInfo {
  name: string;
  label: string;
  type: 'text';
  default: string;
  maxLength: number;
  description: string;
}

export interface SystemKindInfo {
  kind: SystemKind;
  label: string;
  description: string;
  formula: string;
  dim: number;
  coordinateNames: readonly string[];
  params: SystemParamInfo[];
  /** Known-answer facts a UI can show next to results. */
  knownAnswers: string[];
}

export const systemCatalog: readonly SystemKindInfo[] = [
  {
    kind: 'double-well',
    label: 'Double well (1D)',
    description: 'Symmetric quartic double well with minima at x = ±1 and a barrier of height a at x = 0.',
    formula: 'V(x) = a (x² − 1)²',
    dim: 1,
    coordinateNames: ['x'],
    params: [
      {
        name: 'a',
        label: 'Barrier height a',
        type: 'number',
        default: 2,
        min: 0,
        exclusiveMin: true,
        softMin: 0.1,
        softMax: 20,
        unit: 'energy',
        description: 'Barrier height at x = 0 (energy units; compare with kT).',
      },
    ],
    knownAnswers: ['F(x) = V(x) exactly', 'window free energies by 1D quadrature'],
  },
  {
    kind: 'muller-brown',
    label: 'Müller–Brown (2D)',
    description: 'The standard Müller–Brown potential with three minima, scaled by `scale`.',
    formula: 'V(x,y) = scale · Σᵢ Aᵢ exp(aᵢ(x−x₀ᵢ)² + bᵢ(x−x₀ᵢ)(y−y₀ᵢ) + cᵢ(y−y₀ᵢ)²)',
    dim: 2,
    coordinateNames: ['x', 'y'],
    params: [
      {
        name: 'scale',
        label: 'Energy scale',
        type: 'number',
        default: 1,
        min: 0,
        exclusiveMin: true,
        softMin: 0.01,
        softMax: 2,
        description: 'Multiplies the standard potential (scale 1: deepest minimum −146.70 at (−0.558, 1.442)).',
      },
    ],
    knownAnswers: [
      'minima (scale 1): −146.70 at (−0.558, 1.442), −108.17 at (0.623, 0.028), −80.77 at (−0.050, 0.467)',
      'F(x), F(y) by 2D quadrature',
    ],
  },
  {
    kind: 'fast-slow',
    label: 'Fast/slow SDE (2D)',
    description:
      'Slow double-well coordinate x coupled to a fast coordinate y relaxing to f(x); y has mobility 1/ε.',
    formula: 'V(x,y) = a (x² − 1)² + (y − f(x))² / (2 s²),  mobility (1, 1/ε)',
    dim: 2,
    coordinateNames: ['x', 'y'],
    params: [
      {
        name: 'a',
        label: 'Barrier height a',
        type: 'number',
        default: 2,
        min: 0,
        exclusiveMin: true,
        softMin: 0.1,
        softMax: 20,
        unit: 'energy',
        description: 'Barrier of the slow double well U(x) = a (x² − 1)².',
      },
      {
        name: 's',
        label: 'Fast width s',
        type: 'number',
        default: 0.5,
        min: 0,
        exclusiveMin: true,
        softMin: 0.05,
        softMax: 2,
        description: 'Conditional standard deviation of y given x is s·√kT.',
      },
      {
        name: 'epsilon',
        label: 'Time-scale ratio ε',
        type: 'number',
        default: 0.05,
        min: 0,
        exclusiveMin: true,
        softMin: 0.001,
        softMax: 1,
        description: 'y relaxes 1/ε times faster than x (mobility of y = 1/ε); keep dt ≪ ε s².',
      },
      {
        name: 'f',
        label: 'Slow manifold f(x)',
        type: 'choice',
        default: 'sin',
        choices: [
          { value: 'linear', label: 'c x' },
          { value: 'sin', label: 'c sin(π x)' },
          { value: 'cubic', label: 'c x³' },
        ],
        description: 'Shape of the slow manifold E[y | x] = f(x).',
      },
      {
        name: 'c',
        label: 'Coupling c',
        type: 'number',
        default: 1,
        softMin: -3,
        softMax: 3,
        description: 'Amplitude of f(x) (any finite value).',
      },
    ],
    knownAnswers: ['p(y | x) = N(f(x), s² kT)', 'F(x) = a (x² − 1)²', 'E[y | x] = f(x)'],
  },
];

/** Catalogue entry of the kinds in MoreSystemSpec (may carry text parameters and non-scalar defaults). */
export interface MoreSystemKindInfo {
  kind: AnySystemKind;
  label: string;
  description: string;
  formula: string;
  /** Dimension with the default parameters (fast-slow-multi: 1 + m; expression: dim). */
  dim: number;
  coordinateNames: readonly string[];
  params: (SystemParamInfo | TextParamInfo)[];
  /** Defaults of fields that are not scalar parameters (expression.parameters). */
  extraDefaults?: Record<string, unknown>;
  knownAnswers: string[];
}

const shapeChoice: ChoiceParamInfo = {
  name: 'f',
  label: 'Slow manifold f(x)',
  type: 'choice',
  default: 'sin',
  choices: [
    { value: 'linear', label: 'c x' },
    { value: 'sin', label: 'c sin(π x)' },
    { value: 'cubic', label: 'c x³' },
  ],
  description: 'Shape of the slow manifold E[y | x] = f(x).',
};
const fastSlowParams = (): SystemParamInfo[] => systemCatalog.find((k) => k.kind === 'fast-slow')!.params.map((p) => ({ ...p }));

/**
 * Kinds not yet in the API contract (see types.ts MoreSystemSpec). `systemCatalog` stays the
 * contract's three kinds so the app never offers a kind its input validation would reject;
 * `allSystemCatalog` is what the engine and CLI accept.
 */
export const moreSystemCatalog: readonly MoreSystemKindInfo[] = [
  {
    kind: 'fast-slow-multi',
    label: 'Fast/slow SDE, several fast variables',
    description:
      'Slow double-well x with m fast variables y_i relaxing to f_i(x), each with mobility 1/ε. One shape/c/s for all, or per variable via `fast: [{ f, c, s }, ...]`.',
    formula: 'V = a (x² − 1)² + Σᵢ (yᵢ − fᵢ(x))² / (2 sᵢ²),  mobility (1, 1/ε, …, 1/ε)',
    dim: 3,
    coordinateNames: ['x', 'y1', 'y2'],
    params: [
      ...fastSlowParams().filter((p) => p.name === 'a' || p.name === 'epsilon'),
      {
        name: 'm',
        label: 'Fast variables m',
        type: 'number',
        default: 2,
        min: 1,
        max: MAX_FAST_VARIABLES,
        softMin: 1,
        softMax: 8,
        description: `Number of fast variables (integer, 1 to ${MAX_FAST_VARIABLES}).`,
      },
      shapeChoice,
      ...fastSlowParams().filter((p) => p.name === 'c' || p.name === 's'),
    ],
    knownAnswers: ['p(yᵢ | x) = N(fᵢ(x), sᵢ² kT), independent given x', 'F(x) = a (x² − 1)²', 'E[yᵢ | x] = fᵢ(x)'],
  },
  {
    kind: 'embedded',
    label: 'Embedded fast/slow (observed in 3D)',
    description:
      'The fast/slow SDE in hidden (x, y), observed through a fixed curved and rotated map into R³, so the slow variable must be learned (diffusion maps).',
    formula: 'dynamics: V(x,y) = a (x² − 1)² + (y − f(x))²/(2 s²);  observed q = R_θ (x, y, κ x²), R_θ: rotation by θ about (1,1,1)/√3',
    dim: 2,
    coordinateNames: ['x', 'y'],
    params: [
      ...fastSlowParams(),
      {
        name: 'curvature',
        label: 'Curvature κ',
        type: 'number',
        default: 1,
        softMin: -3,
        softMax: 3,
        description: 'The slow direction is bent into z = κ x² before the rotation (0: a flat, rotated plane).',
      },
      {
        name: 'angle',
        label: 'Rotation θ',
        type: 'number',
        default: 0.7,
        softMin: 0,
        softMax: Math.PI,
        unit: 'rad',
        description: 'Rotation angle about the (1, 1, 1) axis, radians.',
      },
    ],
    knownAnswers: ['hidden x, y follow the fast/slow system exactly', 'E[y | x] = f(x)', 'diffusion-map ψ₁ is monotone in x'],
  },
  {
    kind: 'two-mode',
    label: 'Two-mode fast variable (2D)',
    description:
      'Slow double-well x and a fast y with two modes (near y = c x ± d) whose weights move with x, separated by a barrier h(x) = h0 + h2 x² that can hide a slow process orthogonal to x.',
    formula: 'V(x,y) = a (x² − 1)² + h(x) ((u/d)² − 1)² − b x u / d,  u = y − c x,  h(x) = h0 + h2 x²,  mobility (1, 1/ε)',
    dim: 2,
    coordinateNames: ['x', 'y'],
    params: [
      ...fastSlowParams().filter((p) => p.name === 'a'),
      {
        name: 'd',
        label: 'Mode half-distance d',
        type: 'number',
        default: 1,
        min: 0,
        exclusiveMin: true,
        softMin: 0.2,
        softMax: 3,
        description: 'The modes of y sit near c x − d and c x + d.',
      },
      {
        name: 'h0',
        label: 'Mode barrier at x = 0, h0',
        type: 'number',
        default: 1,
        min: 0,
        exclusiveMin: true,
        softMin: 0.1,
        softMax: 20,
        unit: 'energy',
        description: 'Barrier between the two modes of y at x = 0 (compare with kT).',
      },
      {
        name: 'h2',
        label: 'Barrier growth h2',
        type: 'number',
        default: 2,
        min: 0,
        softMin: 0,
        softMax: 20,
        unit: 'energy',
        description: 'The barrier between the modes is h0 + h2 x² (several kT at the wells hides a slow process).',
      },
      {
        name: 'b',
        label: 'Tilt b',
        type: 'number',
        default: 1,
        softMin: -3,
        softMax: 3,
        unit: 'energy',
        description: 'The upper mode is lower by about 2 b x: its weight grows with x (any finite value).',
      },
      {
        name: 'c',
        label: 'Shear c',
        type: 'number',
        default: 0.5,
        softMin: -2,
        softMax: 2,
        description: 'Both modes move along y = c x (no effect on the weights or F).',
      },
      ...fastSlowParams().filter((p) => p.name === 'epsilon'),
    ],
    knownAnswers: [
      'p(y | x) ∝ exp(−φₓ(y − c x)/kT), φₓ(u) = h(x)((u/d)² − 1)² − b x u/d (1D quadrature)',
      'mode weights P(y ≷ c x | x) and conditional moments by quadrature',
      'F(x) = a (x² − 1)² − kT ln ∫ exp(−φₓ(u)/kT) du',
    ],
  },
  {
    kind: 'expression',
    label: 'User-defined potential',
    description: 'Any potential V(x) or V(x, y) written with + − * / ^, functions exp log sqrt sin cos tan tanh abs sinh cosh atan, constants pi e and named parameters.',
    formula: 'V = your expression;  force = −∇V by automatic differentiation',
    dim: 2,
    coordinateNames: ['x', 'y'],
    params: [
      {
        name: 'expression',
        label: 'V(x, y) =',
        type: 'text',
        default: 'a*(x^2 - 1)^2 + 0.5*k*(y - x)^2',
        maxLength: 2000,
        description: 'The potential in the coordinates x (and y when dim = 2).',
      },
      {
        name: 'dim',
        label: 'Dimension',
        type: 'number',
        default: 2,
        min: 1,
        max: 2,
        description: '1: V(x); 2: V(x, y).',
      },
    ],
    extraDefaults: { parameters: { a: 2, k: 10 } },
    knownAnswers: ['force = −∇V exactly (automatic differentiation)'],
  },
];

/** Every kind the engine accepts. */
export const allSystemCatalog: readonly (SystemKindInfo | MoreSystemKindInfo)[] = [...systemCatalog, ...moreSystemCatalog];

/** A spec with every parameter at its catalogue default. */
export function defaultSystemSpec<K extends AnySystemKind>(kind: K): Extract<AnySystemSpec, { kind: K }> {
  const info = allSystemCatalog.find((k) => k.kind === kind);
  if (!info) throw new EngineInputError(`unknown system kind '${String(kind)}'`);
  const spec: Record<string, unknown> = { kind };
  for (const p of info.params) spec[p.name] = p.default;
  const extra = (info as MoreSystemKindInfo).extraDefaults;
  if (extra) for (const [k, v] of Object.entries(extra)) spec[k] = structuredClone(v);
  return spec as Extract<AnySystemSpec, { kind: K }>;
}

/** Human-readable problems with a spec (each names the parameter), [] if fine. */
export function validateSystemSpec(spec: AnySystemSpec): string[] {
  if (spec === null || typeof spec !== 'object') return ['system spec must be an object'];
  const info = allSystemCatalog.find((k) => k.kind === (spec as { kind?: unknown }).kind);
  if (!info) {
    return [
      `kind must be one of ${allSystemCatalog.map((k) => `'${k.kind}'`).join(', ')} (got ${JSON.stringify((spec as { kind?: unknown }).kind)})`,
    ];
  }
  if (spec.kind === 'expression') return validateExpressionSpec(spec);
  const problems: string[] = [];
  const rec = spec as unknown as Record<string, unknown>;
  for (const p of info.params) {
    const v = rec[p.name];
    const name = `${info.kind}.${p.name}`;
    if (p.type === 'text') {
      if (typeof v !== 'string') problems.push(`${name} must be a string`);
      continue;
    }
    if (p.type === 'choice') {
      if (!p.choices.some((c) => c.value === v)) {
        problems.push(`${name} must be one of ${p.choices.map((c) => `'${c.value}'`).join(', ')} (got ${JSON.stringify(v)})`);
      }
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      problems.push(`${name} must be a finite number (got ${v === undefined ? 'nothing' : JSON.stringify(v)})`);
      continue;
    }
    if (p.min !== undefined && (p.exclusiveMin ? !(v > p.min) : !(v >= p.min))) {
      problems.push(`${name} must be ${p.exclusiveMin ? '>' : '>='} ${p.min} (got ${v})`);
    }
    if (p.max !== undefined && !(v <= p.max)) problems.push(`${name} must be <= ${p.max} (got ${v})`);
  }
  if (spec.kind === 'fast-slow-multi') {
    if (typeof spec.m === 'number' && !Number.isInteger(spec.m)) problems.push(`fast-slow-multi.m must be an integer (got ${spec.m})`);
    if (!problems.length) problems.push(...validateFastList(spec));
  }
  return problems;
}

/** Builds a system; throws EngineInputError naming every bad parameter. */
export function createSystem(spec: AnySystemSpec): ToySystem {
  const problems = validateSystemSpec(spec);
  if (problems.length) throw new EngineInputError(problems);
  switch (spec.kind) {
    case 'double-well':
      return new DoubleWell({ kind: spec.kind, a: spec.a });
    case 'muller-brown':
      return new MullerBrown({ kind: spec.kind, scale: spec.scale });
    case 'fast-slow':
      return new FastSlow({ kind: spec.kind, a: spec.a, s: spec.s, epsilon: spec.epsilon, f: spec.f, c: spec.c });
    case 'fast-slow-multi':
      return new FastSlowMulti({
        kind: spec.kind, a: spec.a, epsilon: spec.epsilon, m: spec.m, f: spec.f, c: spec.c, s: spec.s,
        ...(spec.fast ? { fast: spec.fast.map((v) => ({ f: v.f, c: v.c, s: v.s })) } : {}),
      });
    case 'embedded':
      return new Embedded({ kind: spec.kind, a: spec.a, s: spec.s, epsilon: spec.epsilon, f: spec.f, c: spec.c, curvature: spec.curvature, angle: spec.angle });
    case 'two-mode':
      return new TwoMode({ kind: spec.kind, a: spec.a, d: spec.d, h0: spec.h0, h2: spec.h2, b: spec.b, c: spec.c, epsilon: spec.epsilon });
    case 'expression':
      return new ExpressionSystem({
        kind: spec.kind, expression: spec.expression, dim: spec.dim,
        ...(spec.parameters ? { parameters: { ...spec.parameters } } : {}),
        ...(spec.domain ? { domain: spec.domain.map(([lo, hi]) => [lo, hi] as [number, number]) } : {}),
        ...(spec.mobility ? { mobility: [...spec.mobility] } : {}),
      });
  }
}

/** The exact conditional mean E[y | x] = f(x) of a fast-slow spec (closure reference). */
export function fastSlowClosure(spec: Extract<SystemSpec, { kind: 'fast-slow' }>, x: number): number {
  return fastSlowF(spec.f, spec.c, x);
}
