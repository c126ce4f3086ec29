/**
 * A user-defined potential V(x) or V(x, y) written as a math expression, e.g.
 *   "a*(x^2-1)^2 + 0.5*k*(y - x)^2"  with parameters { a: 2, k: 10 }.
 * Parsed by engine/expr (no eval); the force is -grad V from forward-mode automatic
 * differentiation of the same tape, so energy and force can never disagree.
 * Coordinates: 'x' (dim 1) or 'x', 'y' (dim 2). Domain defaults to [-2, 2] per coordinate,
 * mobility to 1 per coordinate.
 */
import { EngineInputError } from '../errors';
import { compileExpression, type CompiledExpression } from '../expr';
import type { ToySystem } from './types';
import type { ExpressionSpec } from './specs';
export type { ExpressionSpec } from './specs';

export const EXPRESSION_MAX_LENGTH = 2000;

function coordinateNamesFor(dim: number): string[] {
  return dim === 1 ? ['x'] : ['x', 'y'];
}

/** Problems with an expression spec (each names the field; parse errors carry the column). */
export function validateExpressionSpec(spec: ExpressionSpec): string[] {
  const problems: string[] = [];
  if (spec.dim !== 1 && spec.dim !== 2) problems.push(`expression.dim must be 1 or 2 (got ${JSON.stringify(spec.dim)})`);
  if (typeof spec.expression !== 'string' || spec.expression.trim() === '') problems.push('expression.expression must be a non-empty string');
  else if (spec.expression.length > EXPRESSION_MAX_LENGTH) problems.push(`expression.expression is longer than ${EXPRESSION_MAX_LENGTH} characters`);
  if (spec.parameters !== undefined && (spec.parameters === null || typeof spec.parameters !== 'object' || Array.isArray(spec.parameters))) {
    problems.push('expression.parameters must be an object of name: number');
  }
  const dim = spec.dim === 1 || spec.dim === 2 ? spec.dim : 2;
  if (spec.domain !== undefined) {
    if (!Array.isArray(spec.domain) || spec.domain.length !== dim) problems.push(`expression.domain must have ${dim} [min, max] pairs`);
    else
      spec.domain.forEach((r, i) => {
        if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === 'number' && Number.isFinite(v)) || !(r[1] > r[0])) {
          problems.push(`expression.domain[${i}] must be [min, max] with finite min < max (got ${JSON.stringify(r)})`);
        }
      });
  }
  if (spec.mobility !== undefined) {
    if (!Array.isArray(spec.mobility) || spec.mobility.length !== dim) problems.push(`expression.mobility must have ${dim} entries`);
    else
      spec.mobility.forEach((v, i) => {
        if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) problems.push(`expression.mobility[${i}] must be a finite number > 0 (got ${JSON.stringify(v)})`);
      });
  }
  if (problems.length) return problems;
  try {
    compileExpression(spec.expression, { variables: coordinateNamesFor(dim), parameters: spec.parameters ?? {} });
  } catch (error) {
    if (error instanceof EngineInputError) return error.problems.map((p) => `expression.expression: ${p}`);
    throw error;
  }
  return [];
}

export class ExpressionSystem implements ToySystem {
  readonly dim: number;
  readonly coordinateNames: readonly string[];
  readonly mobility: Float64Array;
  readonly domain: readonly (readonly [number, number])[];
  private readonly compiled: CompiledExpression;
  constructor(readonly spec: ExpressionSpec) {
    this.dim = spec.dim;
    this.coordinateNames = coordinateNamesFor(spec.dim);
    this.compiled = compileExpression(spec.expression, { variables: this.coordinateNames, parameters: spec.parameters ?? {} });
    this.mobility = spec.mobility ? Float64Array.from(spec.mobility) : new Float64Array(spec.dim).fill(1);
    this.domain = spec.domain ? spec.domain.map(([lo, hi]) => [lo, hi] as const) : this.coordinateNames.map(() => [-2, 2] as const);
  }
  energy(x: Float64Array, offset = 0): number {
    return this.compiled.evaluate(x, offset);
  }
  force(x: Float64Array, offset: number, out: Float64Array, outOffset: number): number {
    const v = this.compiled.evaluateWithGradient(x, offset, out, outOffset);
    for (let k = 0; k < this.dim; k++) out[outOffset + k] = -out[outOffset + k];
    return v;
  }
}
