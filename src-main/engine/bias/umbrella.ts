/**
 * Harmonic umbrella bias on one coordinate: W = 0.5 k d^2 with d = x[cv] - center,
 * wrapped to the minimum image d in [-period/2, period/2] when `period` is set.
 */
import { EngineInputError } from '../errors';

export interface HarmonicBias {
  cvIndex: number;
  center: number;
  spring: number;
  period?: number;
}

/** Minimum-image displacement (identity when period is undefined). */
export function biasDisplacement(b: HarmonicBias, value: number): number {
  let d = value - b.center;
  const p = b.period;
  if (p !== undefined) d -= p * Math.round(d / p);
  return d;
}

export function harmonicBiasEnergy(b: HarmonicBias, x: Float64Array, offset: number): number {
  const d = biasDisplacement(b, x[offset + b.cvIndex]);
  return 0.5 * b.spring * d * d;
}

/** Adds -dW/dx to out[outOffset + cvIndex]; returns W. */
export function addHarmonicBiasForce(
  b: HarmonicBias,
  x: Float64Array,
  offset: number,
  out: Float64Array,
  outOffset: number,
): number {
  const d = biasDisplacement(b, x[offset + b.cvIndex]);
  out[outOffset + b.cvIndex] -= b.spring * d;
  return 0.5 * b.spring * d * d;
}

/** Problems with a bias for a system of dimension `dim` ([] if fine). */
export function validateHarmonicBias(b: HarmonicBias, dim: number): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(b.cvIndex) || b.cvIndex < 0 || b.cvIndex >= dim) {
    problems.push(`bias.cvIndex must be an integer in [0, ${dim - 1}] (got ${String(b.cvIndex)})`);
  }
  if (typeof b.center !== 'number' || !Number.isFinite(b.center)) problems.push(`bias.center must be finite (got ${String(b.center)})`);
  if (typeof b.spring !== 'number' || !Number.isFinite(b.spring) || !(b.spring > 0)) {
    problems.push(`bias.spring must be a finite number > 0 (got ${String(b.spring)})`);
  }
  if (b.period !== undefined && (typeof b.period !== 'number' || !Number.isFinite(b.period) || !(b.period > 0))) {
    problems.push(`bias.period must be a finite number > 0 when set (got ${String(b.period)})`);
  }
  return problems;
}

export function assertHarmonicBias(b: HarmonicBias, dim: number): void {
  const p = validateHarmonicBias(b, dim);
  if (p.length) throw new EngineInputError(p);
}
