import type { Rng } from '../../src-main/engine/random';

/**
 * Exact samples of p(x) ~ exp(-(V(x) + 0.5 k (x - c)^2) / kT) for V >= 0, by rejection:
 * propose from the window Gaussian N(c, kT/k), accept with probability exp(-V(x)/kT).
 * With `period`, the proposal is the Gaussian of the minimum-image displacement restricted to
 * |d| <= period/2 (rejected otherwise), so the target is exp(-(V + W_minimage)/kT) on the circle;
 * the returned values are c + d, NOT wrapped (callers test that WHAM wraps them).
 */
export function sampleBiased(
  rng: Rng,
  V: (x: number) => number,
  kT: number,
  center: number,
  spring: number,
  n: number,
  period?: number,
): Float64Array {
  const out = new Float64Array(n);
  const sd = Math.sqrt(kT / spring);
  let i = 0;
  while (i < n) {
    const d = sd * rng.normal();
    if (period !== undefined && Math.abs(d) > period / 2) continue;
    const x = center + d;
    if (rng.uniform() < Math.exp(-V(x) / kT)) out[i++] = x;
  }
  return out;
}

export function linspace(a: number, b: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}
