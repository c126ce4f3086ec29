/** Shared helpers for the tensor-integrator tests: backends, quadrature, sample statistics. */
import { initTensorflowBackend } from '../../src-main/store/tf-backend';

/** Switches tfjs to `name` ('cpu' or 'wasm': the backends every machine has) and checks it took. */
export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  const choice = await initTensorflowBackend(name);
  if (choice.backend !== name) throw new Error(`backend ${name} did not start (got ${choice.backend})`);
}

/** Midpoint rule; integrands here are smooth and decay to ~0 at the ends. */
export function integrate(f: (x: number) => number, lo: number, hi: number, n = 20000): number {
  const h = (hi - lo) / n;
  let s = 0;
  for (let i = 0; i < n; i++) s += f(lo + (i + 0.5) * h);
  return s * h;
}

export interface Moments {
  mean: number;
  variance: number;
  /** Standard error of the mean (independent samples). */
  seMean: number;
  /** Standard error of the variance: sqrt((m4 - var^2) / n). */
  seVariance: number;
}

/** Moments of independent samples (one per walker: walkers are independent). */
export function moments(values: ArrayLike<number>): Moments {
  const n = values.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += values[i];
  m /= n;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] - m) ** 2;
    m2 += d;
    m4 += d * d;
  }
  const variance = m2 / (n - 1);
  m4 /= n;
  return { mean: m, variance, seMean: Math.sqrt(variance / n), seVariance: Math.sqrt(Math.max(m4 - variance * variance, 0) / n) };
}

/** Coordinate `c` of walker-major positions with `dim` coordinates. */
export function column(positions: Float64Array, dim: number, c: number): Float64Array {
  const out = new Float64Array(positions.length / dim);
  for (let w = 0; w < out.length; w++) out[w] = positions[w * dim + c];
  return out;
}
