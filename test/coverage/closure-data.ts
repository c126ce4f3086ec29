/**
 * Correlated fast/slow umbrella data with exact closures and mean force, for the coverage of the
 * closure and mean-force error bars (test/coverage/closure-coverage.test.ts).
 *
 * System: the app's fast/slow system V(x, y) = a (x^2 - 1)^2 + (y - c sin(pi x))^2 / (2 s^2)
 * (engine/systems/fast-slow.ts), kT = 1. Exactly: p(y | x) = N(c sin(pi x), s^2 kT), so
 * E[y | x] = c sin(pi x), E[y^2 | x] = c^2 sin^2(pi x) + s^2 kT, and the mean force
 * E[dV/dx | x] = U'(x) = 4 a x (x^2 - 1) (the fast normalisation does not depend on x).
 *
 * Each window is a random-walk Metropolis chain in V + k/2 (x - centre)^2: its stationary law is
 * exactly the biased Boltzmann law (no time-step bias), and small proposals make the stored
 * series as correlated as wanted (statistical inefficiency ~20-60) at two random draws per step.
 */
import { Rng } from '../../src-main/engine/random';
import type { SystemSpec } from '../../src-main/engine/systems/types';

export const FS_SPEC: Extract<SystemSpec, { kind: 'fast-slow' }> = { kind: 'fast-slow', a: 2, s: 0.5, epsilon: 0.01, f: 'sin', c: 1 };
export const FS_KT = 1;
export const FS_CENTERS = Array.from({ length: 9 }, (_, k) => -1.5 + (3 * k) / 8);
export const FS_SPRING = 20;

const fx = (x: number) => FS_SPEC.c * Math.sin(Math.PI * x);
const V = (x: number, y: number) => FS_SPEC.a * (x * x - 1) ** 2 + (y - fx(x)) ** 2 / (2 * FS_SPEC.s ** 2);

/** Exact E[y | x], E[y^2 | x] and the mean force E[dV/dx | x]. */
export const exactY = (x: number) => fx(x);
export const exactY2 = (x: number) => fx(x) ** 2 + FS_SPEC.s ** 2 * FS_KT;
export const exactMeanForce = (x: number) => 4 * FS_SPEC.a * x * (x * x - 1);
export const exactF = (x: number) => FS_SPEC.a * (x * x - 1) ** 2;

export interface FsSetOptions {
  walkers: number;
  samplesPerWalker: number;
  /** Metropolis proposal half-widths in x and y (smaller = more correlated). */
  stepX: number;
  stepY: number;
}

/** One Metropolis chain in window `centre`: samples x 2 rows (x, y) after `burn` discarded steps. */
function chain(rng: Rng, centre: number, o: FsSetOptions, burn: number): Float64Array {
  const u = (x: number, y: number) => (V(x, y) + 0.5 * FS_SPRING * (x - centre) ** 2) / FS_KT;
  let x = centre;
  let y = fx(centre);
  let ux = u(x, y);
  const out = new Float64Array(2 * o.samplesPerWalker);
  for (let i = -burn; i < o.samplesPerWalker; i++) {
    const nx = x + o.stepX * (2 * rng.uniform() - 1);
    const ny = y + o.stepY * (2 * rng.uniform() - 1);
    const un = u(nx, ny);
    if (un <= ux || rng.uniform() < Math.exp(ux - un)) {
      x = nx;
      y = ny;
      ux = un;
    }
    if (i >= 0) {
      out[2 * i] = x;
      out[2 * i + 1] = y;
    }
  }
  return out;
}

/** One data set: a row block per walker of each window, in time order (the study's Trajectories). */
export function fastSlowUmbrellaSet(seed: number, o: FsSetOptions): Float64Array[] {
  const out: Float64Array[] = [];
  FS_CENTERS.forEach((c, k) => {
    for (let w = 0; w < o.walkers; w++) out.push(chain(new Rng(seed, k * 64 + w), c, o, 2000));
  });
  return out;
}
