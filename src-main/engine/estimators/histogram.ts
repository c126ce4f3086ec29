/**
 * Histogram axes shared by the 1D/2D estimators: bin edges/centres, bin index of a sample
 * (periodic axes wrap with period max - min; non-periodic samples outside [min, max] get -1,
 * x == max goes to the last bin, as in wham1d) and minimum-image displacements.
 */
import { EngineInputError } from '../errors';

export interface GridAxis {
  bins: number;
  min: number;
  max: number;
  periodic?: boolean;
}

export function checkAxis(a: GridAxis, name: string): void {
  const problems: string[] = [];
  if (!a || typeof a !== 'object') throw new EngineInputError(`${name} axis is required`);
  if (!Number.isSafeInteger(a.bins) || a.bins < 1) problems.push(`${name}: bins must be an integer >= 1 (got ${String(a.bins)})`);
  if (!Number.isFinite(a.min) || !Number.isFinite(a.max) || !(a.min < a.max)) {
    problems.push(`${name}: need finite min < max (got ${String(a.min)}, ${String(a.max)})`);
  }
  if (problems.length) throw new EngineInputError(problems);
}

export function axisCenters(a: GridAxis): Float64Array {
  const w = (a.max - a.min) / a.bins;
  return Float64Array.from({ length: a.bins }, (_, b) => a.min + (b + 0.5) * w);
}

export function axisEdges(a: GridAxis): Float64Array {
  const w = (a.max - a.min) / a.bins;
  return Float64Array.from({ length: a.bins + 1 }, (_, b) => (b === a.bins ? a.max : a.min + b * w));
}

/** Bin of x on the axis, or -1 if outside a non-periodic range. */
export function binIndex(a: GridAxis, x: number): number {
  const period = a.max - a.min;
  if (a.periodic) {
    x -= period * Math.floor((x - a.min) / period);
  } else if (x < a.min || x > a.max) {
    return -1;
  }
  let b = Math.floor(((x - a.min) / period) * a.bins);
  if (b >= a.bins) b = a.bins - 1;
  if (b < 0) b = 0;
  return b;
}

/** x - c, minimum image when the axis is periodic. */
export function displacement(a: GridAxis, x: number, c: number): number {
  let d = x - c;
  if (a.periodic) {
    const period = a.max - a.min;
    d -= period * Math.round(d / period);
  }
  return d;
}
