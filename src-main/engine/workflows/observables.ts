/**
 * User observables and CVs of a toy system written as expressions of its coordinates
 * (e.g. "y", "x*y", "(y - sin(pi*x))^2"), compiled by the safe parser in engine/expr (no eval).
 * The optional `kT` parameter is available inside expressions.
 */
import { compileExpression, type CompiledExpression } from '../expr';
import { EngineInputError } from '../errors';

export interface CoordinateFunction {
  readonly text: string;
  readonly dim: number;
  /** f of the point x[offset..offset+dim). */
  value(x: ArrayLike<number>, offset?: number): number;
  /** f, writing grad f into grad[gradOffset..]. */
  valueAndGradient(x: ArrayLike<number>, offset: number, grad: Float64Array, gradOffset: number): number;
}

export function compileObservable(text: string, coordinateNames: readonly string[], parameters: Readonly<Record<string, number>> = {}): CoordinateFunction {
  if (typeof text !== 'string' || text.trim() === '') throw new EngineInputError('observable expression must be a non-empty string');
  const compiled: CompiledExpression = compileExpression(text, { variables: coordinateNames, parameters });
  return {
    text,
    dim: coordinateNames.length,
    value: (x, offset = 0) => compiled.evaluate(x, offset),
    valueAndGradient: (x, offset, grad, gradOffset) => compiled.evaluateWithGradient(x, offset, grad, gradOffset),
  };
}

/** The k-th coordinate as a CoordinateFunction (unit gradient), for coordinate CVs. */
export function coordinateFunction(k: number, coordinateNames: readonly string[]): CoordinateFunction {
  const dim = coordinateNames.length;
  if (!Number.isInteger(k) || k < 0 || k >= dim) throw new EngineInputError(`coordinate index ${k} is outside 0..${dim - 1}`);
  return {
    text: coordinateNames[k],
    dim,
    value: (x, offset = 0) => x[offset + k],
    valueAndGradient: (x, offset, grad, gradOffset) => {
      for (let d = 0; d < dim; d++) grad[gradOffset + d] = d === k ? 1 : 0;
      return x[offset + k];
    },
  };
}

/** f of every row of an n x dim row-major array. */
export function evaluateRows(f: CoordinateFunction, rows: Float64Array): Float64Array {
  const n = rows.length / f.dim;
  if (!Number.isInteger(n)) throw new EngineInputError(`rows have ${rows.length} numbers, not a multiple of the dimension ${f.dim}`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f.value(rows, i * f.dim);
  return out;
}
