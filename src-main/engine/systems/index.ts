/**
 * Toy systems with known answers (SCIENCE.md section 7) and a UI-renderable catalogue.
 */
import { EngineInputError } from '../errors';
import { DoubleWell } from './double-well';
import { FastSlow, fastSlowF } from './fast-slow';
import { MullerBrown } from './muller-brown';
import type { SystemKind, SystemSpec, ToySystem } from './types';

export type { FastSlowShape, SystemKind, SystemSpec, ToySystem } from './types';
export { DoubleWell } from './double-well';
export { FastSlow, fastSlowF } from './fast-slow';
export { MullerBrown, MB_A, MB_a, MB_b, MB_c, MB_x0, MB_y0 } from './muller-brown';

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

/** A spec with every parameter at its catalogue default. */
export function defaultSystemSpec(kind: SystemKind): SystemSpec {
  const info = systemCatalog.find((k) => k.kind === kind);
  if (!info) throw new EngineInputError(`unknown system kind '${String(kind)}'`);
  const spec: Record<string, unknown> = { kind };
  for (const p of info.params) spec[p.name] = p.default;
  return spec as SystemSpec;
}

/** Human-readable problems with a spec (each names the parameter), [] if fine. */
export function validateSystemSpec(spec: SystemSpec): string[] {
  if (spec === null || typeof spec !== 'object') return ['system spec must be an object'];
  const info = systemCatalog.find((k) => k.kind === (spec as { kind?: unknown }).kind);
  if (!info) {
    return [
      `kind must be one of ${systemCatalog.map((k) => `'${k.kind}'`).join(', ')} (got ${JSON.stringify((spec as { kind?: unknown }).kind)})`,
    ];
  }
  const problems: string[] = [];
  const rec = spec as unknown as Record<string, unknown>;
  for (const p of info.params) {
    const v = rec[p.name];
    const name = `${info.kind}.${p.name}`;
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
  return problems;
}

/** Builds a system; throws EngineInputError naming every bad parameter. */
export function createSystem(spec: SystemSpec): ToySystem {
  const problems = validateSystemSpec(spec);
  if (problems.length) throw new EngineInputError(problems);
  switch (spec.kind) {
    case 'double-well':
      return new DoubleWell({ kind: spec.kind, a: spec.a });
    case 'muller-brown':
      return new MullerBrown({ kind: spec.kind, scale: spec.scale });
    case 'fast-slow':
      return new FastSlow({ kind: spec.kind, a: spec.a, s: spec.s, epsilon: spec.epsilon, f: spec.f, c: spec.c });
  }
}

/** The exact conditional mean E[y | x] = f(x) of a fast-slow spec (closure reference). */
export function fastSlowClosure(spec: Extract<SystemSpec, { kind: 'fast-slow' }>, x: number): number {
  return fastSlowF(spec.f, spec.c, x);
}
