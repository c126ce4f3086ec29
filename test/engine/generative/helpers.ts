/** Shared test data: the fast/slow system's exact conditional law, drawn without simulation. */
import { Rng } from '../../../src-main/engine/random';
import { initTensorflowBackend } from '../../../src-main/store/tf-backend';

/** wasm: the fastest backend available everywhere (the native ones are optional). */
export async function useBackend(name = 'wasm'): Promise<string> {
  return (await initTensorflowBackend(name)).backend;
}

/**
 * Fast/slow system V(x, y) = U(x) + (y - f(x))^2 / (2 s^2) at kT = 1 (SCIENCE.md section 7):
 * p(y | x) = N(f(x), s^2) exactly, whatever the distribution of x. x is drawn from Gaussian
 * "windows" (as pooled umbrella windows would give), y | x from the exact law. f(x) = c x.
 */
export interface FastSlowData {
  x: Float64Array;
  y: Float64Array;
  c: number;
  s: number;
}

export function fastSlowWindows(n: number, seed: number, centers: number[], windowSd: number, c: number, s: number): FastSlowData {
  const rng = new Rng(seed, 0);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = centers[i % centers.length] + windowSd * rng.normal();
    y[i] = c * x[i] + s * rng.normal();
  }
  return { x, y, c, s };
}

export function meanSd(a: Float64Array): { mean: number; sd: number } {
  let m = 0;
  for (const v of a) m += v;
  m /= a.length;
  let v2 = 0;
  for (const v of a) v2 += (v - m) ** 2;
  return { mean: m, sd: Math.sqrt(v2 / (a.length - 1)) };
}

/**
 * n rows in seven window-like groups of x (centres -1.5..1.5, spacing 0.5, s.d. 0.1), stored
 * window by window as pooled umbrella windows are; y | x from `drawY` (an exact law).
 */
export function pooledWindowRows(n: number, seed: number, drawY: (x: number, rng: Rng) => number) {
  const centers = [-1.5, -1, -0.5, 0, 0.5, 1, 1.5];
  const rng = new Rng(seed, 0);
  const per = n / centers.length;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = centers[Math.floor(i / per)] + 0.1 * rng.normal();
    y[i] = drawY(x[i], rng);
  }
  return { x, y, segments: centers.map(() => per) };
}
