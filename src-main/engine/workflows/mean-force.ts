/**
 * Mean force and thermodynamic integration (SCIENCE.md section 9).
 *
 * For a coordinate CV xi = x_k, dF/dxi = E[dV/dx_k | xi]. For a general CV xi(x) the
 * instantaneous (generalised) force of thermodynamic integration / ABF is
 *   f(x) = grad V . G / |G|^2 - kT div(G / |G|^2),   G = grad xi,
 * and dF/dxi = E[f | xi] (den Otter, J. Chem. Phys. 112, 7283, 2000; Ciccotti, Kapral and
 * Vanden-Eijnden, ChemPhysChem 6, 1809, 2005; Darve and Pohorille, J. Chem. Phys. 115, 9169,
 * 2001). The divergence term is the Jacobian correction; it vanishes for coordinate CVs. We get
 * G by forward-mode AD (engine/expr) and its divergence by central differences of the field
 * G/|G|^2 with step h = 1e-4 (1 + |x_d|): truncation O(h^2) ~ 1e-8 relative, far below
 * sampling noise.
 */
import { EngineInputError } from '../errors';
import type { ToySystem } from '../systems/types';
import type { CoordinateFunction } from './observables';

/** dV/dx_k of every frame (n x dim rows). */
export function coordinateForceSeries(system: ToySystem, rows: Float64Array, k: number): Float64Array {
  const dim = system.dim;
  if (!Number.isInteger(k) || k < 0 || k >= dim) throw new EngineInputError(`mean force: coordinate index ${k} is outside 0..${dim - 1}`);
  const n = rows.length / dim;
  const force = new Float64Array(dim);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    system.force(rows, i * dim, force, 0);
    out[i] = -force[k];
  }
  return out;
}

/**
 * div(M G) / (G.G)^p-style fields by central differences: divergence at x of
 * v(x) = M grad xi(x) * scale(|grad xi|^2), where scale is 1/|G|^2 (generalised force) or 1
 * (Legoll-Lelievre Laplacian term, with the mobility M folded in).
 */
export function divergence(
  cv: CoordinateFunction,
  x: Float64Array,
  offset: number,
  field: (grad: Float64Array, d: number) => number,
): number {
  const dim = cv.dim;
  const p = Float64Array.from(x.subarray(offset, offset + dim));
  const g = new Float64Array(dim);
  let div = 0;
  for (let d = 0; d < dim; d++) {
    const x0 = p[d];
    const h = 1e-4 * (1 + Math.abs(x0));
    p[d] = x0 + h;
    cv.valueAndGradient(p, 0, g, 0);
    const plus = field(g, d);
    p[d] = x0 - h;
    cv.valueAndGradient(p, 0, g, 0);
    const minus = field(g, d);
    p[d] = x0;
    div += (plus - minus) / (2 * h);
  }
  return div;
}

/** Generalised force f(x) of every frame for the CV `cv` (see the module comment). */
export function generalizedForceSeries(system: ToySystem, cv: CoordinateFunction, rows: Float64Array, kT: number): Float64Array {
  const dim = system.dim;
  if (cv.dim !== dim) throw new EngineInputError(`mean force: CV has ${cv.dim} coordinates, system ${dim}`);
  if (!(kT > 0)) throw new EngineInputError(`mean force: kT must be > 0 (got ${kT})`);
  const n = rows.length / dim;
  const force = new Float64Array(dim);
  const g = new Float64Array(dim);
  const out = new Float64Array(n);
  const normalised = (grad: Float64Array, d: number): number => {
    let g2 = 0;
    for (let e = 0; e < dim; e++) g2 += grad[e] * grad[e];
    return grad[d] / g2;
  };
  for (let i = 0; i < n; i++) {
    system.force(rows, i * dim, force, 0);
    cv.valueAndGradient(rows, i * dim, g, 0);
    let g2 = 0;
    let dot = 0;
    for (let d = 0; d < dim; d++) {
      g2 += g[d] * g[d];
      dot -= force[d] * g[d];
    }
    if (!(g2 > 0)) throw new EngineInputError(`mean force: the CV gradient vanishes at frame ${i}`);
    out[i] = dot / g2 - kT * divergence(cv, rows, i * dim, normalised);
  }
  return out;
}

export interface IntegratedProfile {
  centers: Float64Array;
  /** F on the centres, 0 at its minimum; NaN outside the run of defined mean forces. */
  F: Float64Array;
  /** Standard error of F(xi) - F(xi_0) (first defined centre), from independent bin errors. */
  dF: Float64Array;
}

export const TOO_FEW_BINS = 'thermodynamic integration needs at least two neighbouring bins with a mean force';

/** The longest run of consecutive bins with a finite value (start -1 when there is none). */
function longestDefinedRun(values: Float64Array): { start: number; length: number } {
  let start = -1;
  let length = 0;
  for (let i = 0; i < values.length; ) {
    if (!Number.isFinite(values[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < values.length && Number.isFinite(values[j])) j++;
    if (j - i > length) {
      start = i;
      length = j - i;
    }
    i = j;
  }
  return { start, length };
}

/** Whether integrateMeanForce can integrate these bins (two neighbouring ones with a finite mean force). */
export const canIntegrateMeanForce = (meanForce: Float64Array): boolean => longestDefinedRun(meanForce).length >= 2;

/**
 * Trapezoidal thermodynamic integration of a binned mean force dF/dxi over the longest run of
 * consecutive bins where it is defined. F_j = sum_i c_ij m_i with trapezoid weights c, so with
 * independent bin errors Var F_j = sum_i c_ij^2 sem_i^2.
 */
export function integrateMeanForce(centers: Float64Array, meanForce: Float64Array, sem: Float64Array): IntegratedProfile {
  const B = centers.length;
  if (meanForce.length !== B || sem.length !== B) throw new EngineInputError('integrateMeanForce: centers, meanForce and sem must have the same length');
  const { start: bestStart, length: bestLength } = longestDefinedRun(meanForce);
  const F = new Float64Array(B).fill(NaN);
  const dF = new Float64Array(B).fill(NaN);
  if (bestLength < 2) throw new EngineInputError(TOO_FEW_BINS);
  const coef = new Float64Array(B);
  F[bestStart] = 0;
  dF[bestStart] = 0;
  let min = 0;
  for (let j = bestStart + 1; j < bestStart + bestLength; j++) {
    const h = centers[j] - centers[j - 1];
    F[j] = F[j - 1] + 0.5 * h * (meanForce[j - 1] + meanForce[j]);
    coef[j - 1] += 0.5 * h;
    coef[j] += 0.5 * h;
    let v = 0;
    for (let i = bestStart; i <= j; i++) v += coef[i] * coef[i] * (Number.isFinite(sem[i]) ? sem[i] * sem[i] : 0);
    dF[j] = Math.sqrt(v);
    if (F[j] < min) min = F[j];
  }
  for (let j = bestStart; j < bestStart + bestLength; j++) F[j] -= min;
  return { centers: Float64Array.from(centers), F, dF };
}
