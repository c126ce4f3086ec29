/**
 * Exact conditional laws along a general CV xi(x, y) of a 2D system, by the co-area formula:
 *
 *   p_xi(c) = Z^-1 integral exp(-V/kT) delta(xi - c) dx dy
 *           = Z^-1 integral dy  sum_{x*: xi(x*, y) = c} exp(-V(x*, y)/kT) / |d xi/dx (x*, y)|,
 *   E[g | xi = c] = the same integral with g in the numerator, divided by the one without.
 *
 * At each y of a grid the roots x* are bracketed by a scan in x and refined by bisection; the
 * y-integral is the trapezoid rule. This is what "the exact answer mapped through the embedding"
 * means for a learned CV: the Boltzmann law of the hidden (x, y) restricted to the level sets of
 * the CV itself, with no assumption that xi is a function of x alone.
 */
import { EngineInputError } from '../errors';
import type { ToySystem } from '../systems/types';
import type { CoordinateFunction } from './observables';

export interface LevelSetGrid {
  /** Points of the x scan that brackets roots (default 240). */
  xScan?: number;
  /** Points of the y trapezoid rule (default 241). */
  yPoints?: number;
  /** Energy cut in kT: y rows whose minimum energy lies higher contribute < e^-cut (default 30). */
  cutKT?: number;
}

export interface LevelSetResult {
  /** -kT ln p_xi(c) up to a common constant (min 0 over the conditions given), NaN where no root. */
  F: Float64Array;
  /** E[g_i | xi = c] per observable, NaN where no root. */
  conditional: Float64Array[];
}

export function levelSetLaw(
  system: ToySystem,
  cv: CoordinateFunction,
  kT: number,
  conditions: readonly number[],
  observables: readonly ((p: Float64Array) => number)[],
  grid: LevelSetGrid = {},
): LevelSetResult {
  if (system.dim !== 2 || cv.dim !== 2) throw new EngineInputError('exact level-set laws need a 2D system and a CV of its 2 coordinates');
  if (!(kT > 0)) throw new EngineInputError(`kT must be > 0 (got ${kT})`);
  const nx = grid.xScan ?? 240;
  const ny = grid.yPoints ?? 241;
  const cut = grid.cutKT ?? 30;
  const [[x0, x1], [y0, y1]] = system.domain;
  const hy = (y1 - y0) / (ny - 1);
  const p = new Float64Array(2);
  const g = new Float64Array(2);
  const xs = Float64Array.from({ length: nx }, (_, i) => x0 + ((x1 - x0) * i) / (nx - 1));
  const C = conditions.length;
  const logMass = new Float64Array(C).fill(-Infinity);
  const num = observables.map(() => new Float64Array(C));
  const den = new Float64Array(C);
  // A global energy shift keeps exp() in range (the constant cancels in every ratio, and in F).
  let vmin = Infinity;
  for (let j = 0; j < ny; j++) {
    p[1] = y0 + j * hy;
    for (let i = 0; i < nx; i++) {
      p[0] = xs[i];
      vmin = Math.min(vmin, system.energy(p, 0));
    }
  }
  const xiRow = new Float64Array(nx);
  const vRow = new Float64Array(nx);
  for (let j = 0; j < ny; j++) {
    const y = y0 + j * hy;
    const wy = j === 0 || j === ny - 1 ? 0.5 * hy : hy;
    p[1] = y;
    let rowMin = Infinity;
    for (let i = 0; i < nx; i++) {
      p[0] = xs[i];
      xiRow[i] = cv.value(p, 0);
      vRow[i] = system.energy(p, 0);
      rowMin = Math.min(rowMin, vRow[i]);
    }
    if ((rowMin - vmin) / kT > cut + 10) continue;
    for (let k = 0; k < C; k++) {
      const c = conditions[k];
      for (let i = 0; i + 1 < nx; i++) {
        const a = xiRow[i] - c;
        const b = xiRow[i + 1] - c;
        if (a === 0 ? false : a * b > 0) continue;
        if (b === 0 && i + 2 < nx) continue; // counted as the left end of the next interval
        // Bisection on [xs[i], xs[i+1]]: 50 halvings reach the rounding floor of x.
        let lo = xs[i];
        let hi = xs[i + 1];
        let flo = a;
        for (let it = 0; it < 50; it++) {
          const mid = 0.5 * (lo + hi);
          p[0] = mid;
          const fm = cv.value(p, 0) - c;
          if (fm === 0) {
            lo = hi = mid;
            break;
          }
          if ((fm < 0) === (flo < 0)) {
            lo = mid;
            flo = fm;
          } else hi = mid;
        }
        p[0] = 0.5 * (lo + hi);
        cv.valueAndGradient(p, 0, g, 0);
        const slope = Math.abs(g[0]);
        if (!(slope > 0)) continue;
        const w = (wy * Math.exp(-(system.energy(p, 0) - vmin) / kT)) / slope;
        den[k] += w;
        observables.forEach((obs, o) => {
          num[o][k] += w * obs(p);
        });
      }
    }
  }
  for (let k = 0; k < C; k++) logMass[k] = den[k] > 0 ? Math.log(den[k]) : -Infinity;
  let fmin = Infinity;
  const F = Float64Array.from(logMass, (l) => (Number.isFinite(l) ? -kT * l : NaN));
  for (const f of F) if (Number.isFinite(f)) fmin = Math.min(fmin, f);
  for (let k = 0; k < C; k++) F[k] -= fmin;
  const conditional = num.map((row) => Float64Array.from(row, (v, k) => (den[k] > 0 ? v / den[k] : NaN)));
  return { F, conditional };
}
