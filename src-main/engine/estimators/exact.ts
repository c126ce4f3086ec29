/**
 * Exact (quadrature) reference answers for the toy systems.
 *
 * Method: every integral is computed as a trapezoidal sum in log space (log-sum-exp, so
 * exp(-V/kT) never overflows, e.g. Muller-Brown with scale 10 at kT 1). The integration
 * interval starts at system.domain and is widened until the log-integrand at both ends is
 * at least TAIL = 40 below its maximum (relative tail mass < ~1e-17 for the confining
 * potentials here), then the grid is halved repeatedly until the log-integral changes by less
 * than the requested tolerance (1e-12 for inner integrals, 1e-11 for window free energies).
 * For smooth integrands that decay to ~0 at both ends the trapezoidal rule converges
 * geometrically (Euler-Maclaurin: all endpoint corrections vanish; Trefethen & Weideman,
 * SIAM Rev. 2014), so the doubling check is a reliable error estimate; results are accurate
 * to ~1e-10 kT, far below any statistical error they are compared with.
 *
 * For 2D systems the non-CV coordinate is integrated out this way at every CV point:
 *   F(xi) = -kT ln integral exp(-V(xi, y) / kT) dy     (min over the grid shifted to 0).
 */
import { EngineInputError } from '../errors';
import type { ToySystem } from '../systems/types';

const TAIL = 40;
const MIN_POINTS = 129;
const MAX_POINTS = (1 << 20) + 1;

interface Grid {
  lo: number;
  hi: number;
  u: Float64Array; // log-integrand at lo + i (hi - lo) / (n - 1)
}

function sample(fn: (t: number) => number, lo: number, hi: number, n: number): Grid {
  const u = new Float64Array(n);
  const h = (hi - lo) / (n - 1);
  for (let i = 0; i < n; i++) u[i] = fn(lo + i * h);
  return { lo, hi, u };
}

/** Halves the spacing, reusing the existing values. */
function refine(fn: (t: number) => number, g: Grid): Grid {
  const n = g.u.length;
  const m = 2 * n - 1;
  const u = new Float64Array(m);
  const h = (g.hi - g.lo) / (m - 1);
  for (let i = 0; i < n; i++) u[2 * i] = g.u[i];
  for (let i = 1; i < m; i += 2) u[i] = fn(g.lo + i * h);
  return { lo: g.lo, hi: g.hi, u };
}

function maxOf(u: Float64Array): number {
  let m = -Infinity;
  for (let i = 0; i < u.length; i++) if (u[i] > m) m = u[i];
  return m;
}

/**
 * Samples fn on [lo, hi], widened until, for fn and for each fn + extra_j, both ends are TAIL
 * below the maximum over the grid.
 */
function sampleWithTails(
  fn: (t: number) => number,
  lo: number,
  hi: number,
  n: number,
  what: string,
  extras: ((t: number) => number)[] = [],
): Grid {
  const checks: (((t: number) => number) | null)[] = [null, ...extras];
  for (let iter = 0; iter < 60; iter++) {
    const g = sample(fn, lo, hi, n);
    const w = hi - lo;
    const h = w / (n - 1);
    let left = false;
    let right = false;
    let empty = false;
    for (const ex of checks) {
      let m = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = ex ? g.u[i] + ex(lo + i * h) : g.u[i];
        if (v > m || Number.isNaN(v)) m = v;
      }
      if (m === Infinity || Number.isNaN(m)) throw new EngineInputError(`${what}: integrand is not finite`);
      if (m === -Infinity) {
        empty = true;
        continue;
      }
      if ((ex ? g.u[0] + ex(lo) : g.u[0]) > m - TAIL) left = true;
      if ((ex ? g.u[n - 1] + ex(hi) : g.u[n - 1]) > m - TAIL) right = true;
    }
    if (!left && !right && !empty) return g;
    if (left || empty) lo -= w / 2;
    if (right || empty) hi += w / 2;
  }
  throw new EngineInputError(`${what}: the Boltzmann weight does not decay (is the potential confining at this kT?)`);
}

/** ln( trapezoid sum of exp(u[i] + extra(t_i)) ). */
function logTrapz(g: Grid, extra?: (t: number) => number, buf?: Float64Array): number {
  const n = g.u.length;
  const h = (g.hi - g.lo) / (n - 1);
  const v = buf && buf.length >= n ? buf : new Float64Array(n);
  let m = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = extra ? g.u[i] + extra(g.lo + i * h) : g.u[i];
    v[i] = x;
    if (x > m) m = x;
  }
  if (m === -Infinity) return -Infinity;
  let s = 0.5 * (Math.exp(v[0] - m) + Math.exp(v[n - 1] - m));
  for (let i = 1; i < n - 1; i++) s += Math.exp(v[i] - m);
  return m + Math.log(s * h);
}

/** ln integral exp(fn(t)) dt over the real line (fn -> -inf in the tails), rel. accuracy ~tol. */
function logIntegral(fn: (t: number) => number, lo: number, hi: number, tol: number, what: string): number {
  let g = sampleWithTails(fn, lo, hi, 33, what);
  let prev = logTrapz(g);
  for (;;) {
    g = refine(fn, g);
    const cur = logTrapz(g);
    if (g.u.length >= MIN_POINTS && Math.abs(cur - prev) < tol) return cur;
    if (g.u.length >= MAX_POINTS) return cur;
    prev = cur;
  }
}

function checkCommon(system: ToySystem, cvIndex: number, kT: number): void {
  if (!system || typeof system.energy !== 'function') throw new EngineInputError('system must be a ToySystem');
  if (!Number.isInteger(cvIndex) || cvIndex < 0 || cvIndex >= system.dim) {
    throw new EngineInputError(`cvIndex must be an integer in [0, ${system.dim - 1}] (got ${String(cvIndex)})`);
  }
  if (typeof kT !== 'number' || !Number.isFinite(kT) || !(kT > 0)) throw new EngineInputError(`kT must be a finite number > 0 (got ${String(kT)})`);
  if (system.dim > 2) throw new EngineInputError(`exact quadrature supports systems of dimension 1 or 2 (got ${system.dim})`);
}

/**
 * ln of the unnormalised marginal Boltzmann density along cvIndex at `xi`:
 * -V(xi)/kT in 1D, ln integral exp(-V/kT) d(other) in 2D.
 */
export function logMarginalDensity(system: ToySystem, cvIndex: number, kT: number): (xi: number) => number {
  checkCommon(system, cvIndex, kT);
  const beta = 1 / kT;
  const p = new Float64Array(system.dim);
  if (system.dim === 1) {
    return (xi) => {
      p[0] = xi;
      return -beta * system.energy(p, 0);
    };
  }
  const other = 1 - cvIndex;
  const [lo, hi] = system.domain[other];
  return (xi) => {
    const fn = (y: number): number => {
      p[cvIndex] = xi;
      p[other] = y;
      return -beta * system.energy(p, 0);
    };
    return logIntegral(fn, lo, hi, 1e-12, `integrating out ${system.coordinateNames[other]} at ${system.coordinateNames[cvIndex]} = ${xi}`);
  };
}

/** Exact free-energy profile along coordinate cvIndex (other coordinates integrated out numerically), min 0. */
export function exactProfile(system: ToySystem, cvIndex: number, kT: number, grid: Float64Array): Float64Array {
  const logp = logMarginalDensity(system, cvIndex, kT);
  const out = new Float64Array(grid.length);
  let min = Infinity;
  for (let i = 0; i < grid.length; i++) {
    if (!Number.isFinite(grid[i])) throw new EngineInputError(`grid[${i}] is not finite`);
    out[i] = -kT * logp(grid[i]);
    if (out[i] < min) min = out[i];
  }
  for (let i = 0; i < grid.length; i++) out[i] -= min;
  return out;
}

/**
 * Exact umbrella window free energies f_k - f_0 (energy units) by quadrature over the system domain:
 * f_k = -kT ln integral exp(-(V(x) + 0.5 k_k (x_cv - c_k)^2) / kT) dx.
 */
export function exactWindowFreeEnergies(
  system: ToySystem,
  cvIndex: number,
  kT: number,
  windows: { center: number; spring: number }[],
): Float64Array {
  checkCommon(system, cvIndex, kT);
  if (!Array.isArray(windows) || windows.length === 0) throw new EngineInputError('at least one window is required');
  windows.forEach((w, k) => {
    if (!Number.isFinite(w.center)) throw new EngineInputError(`window ${k}: center must be finite`);
    if (!(w.spring > 0) || !Number.isFinite(w.spring)) throw new EngineInputError(`window ${k}: spring must be a finite number > 0`);
  });
  const logp = logMarginalDensity(system, cvIndex, kT);
  const beta = 1 / kT;
  const [lo, hi] = system.domain[cvIndex];
  const K = windows.length;
  const biases = windows.map(({ center, spring }) => (t: number) => -0.5 * beta * spring * (t - center) * (t - center));
  let g = sampleWithTails(logp, lo, hi, 65, `integrating along ${system.coordinateNames[cvIndex]}`, biases);
  const logZ = (grid: Grid, buf: Float64Array): Float64Array => {
    const out = new Float64Array(K);
    for (let k = 0; k < K; k++) out[k] = logTrapz(grid, biases[k], buf);
    return out;
  };
  let buf = new Float64Array(g.u.length);
  let prev = logZ(g, buf);
  for (;;) {
    g = refine(logp, g);
    buf = new Float64Array(g.u.length);
    const cur = logZ(g, buf);
    let diff = 0;
    for (let k = 0; k < K; k++) diff = Math.max(diff, Math.abs(cur[k] - prev[k]));
    prev = cur;
    if ((g.u.length >= MIN_POINTS && diff < 1e-11) || g.u.length >= MAX_POINTS) break;
  }
  const out = new Float64Array(K);
  for (let k = 1; k < K; k++) out[k] = -kT * (prev[k] - prev[0]);
  return out;
}
