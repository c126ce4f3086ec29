/**
 * Projection of a structure onto the level set {x : s(x) = s*} of atomic CVs, for CVs that cannot
 * be imposed in closed form (not a rotatable torsion: distances, angles, RMSD, ring torsions).
 * Gauss-Newton steps of minimal mass-weighted length (as SHAKE does for bond constraints):
 * dx = -M^-1 G^T (G M^-1 G^T)^-1 d, with G the CV gradients and d = s(x) - s* (minimum image),
 * repeated until |d| is below `tolerance` or `maxIterations` is reached. The residual |d| is
 * returned so the caller can report it (a CV at a stationary point or a target out of reach
 * leaves one). Minimal displacement: the structure moves as little as the CVs allow, which keeps
 * it a sample of p(x | s*) to first order rather than pushing it to a minimum.
 */
import { periodicDifference, type AtomicCv } from './cv/atomic';

export interface ProjectionResult { iterations: number; residual: number[] }

/** Solves the small symmetric system A y = b (d <= 8) by Gaussian elimination with pivoting. */
function solve(a: Float64Array, b: Float64Array, d: number): Float64Array | null {
  const m = a.slice();
  const y = b.slice();
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(m[r * d + c]) > Math.abs(m[p * d + c])) p = r;
    if (!(Math.abs(m[p * d + c]) > 1e-300)) return null;
    if (p !== c) {
      for (let k = 0; k < d; k++) [m[c * d + k], m[p * d + k]] = [m[p * d + k], m[c * d + k]];
      [y[c], y[p]] = [y[p], y[c]];
    }
    for (let r = c + 1; r < d; r++) {
      const f = m[r * d + c] / m[c * d + c];
      for (let k = c; k < d; k++) m[r * d + k] -= f * m[c * d + k];
      y[r] -= f * y[c];
    }
  }
  for (let c = d - 1; c >= 0; c--) {
    let s = y[c];
    for (let k = c + 1; k < d; k++) s -= m[c * d + k] * y[k];
    y[c] = s / m[c * d + c];
  }
  return y;
}

/** Moves `positions` (nm, modified in place) onto s(x) = targets; returns the residual per CV. */
export function projectOntoCvs(positions: Float64Array, cvs: readonly AtomicCv[], targets: readonly number[], masses: ArrayLike<number>, options: { tolerance?: number; maxIterations?: number } = {}): ProjectionResult {
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 50;
  const d = cvs.length;
  const n3 = positions.length;
  const grads = cvs.map(() => new Float64Array(n3));
  const dev = new Float64Array(d);
  const gram = new Float64Array(d * d);
  let iterations = 0;
  const measure = () => {
    for (let c = 0; c < d; c++) {
      grads[c].fill(0);
      dev[c] = periodicDifference(cvs[c].valueAndGradient(positions, grads[c], 1) - targets[c], cvs[c].periodic);
    }
    return Math.max(...Array.from(dev, Math.abs));
  };
  while (measure() > tolerance && iterations < maxIterations) {
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        let s = 0;
        for (let k = 0; k < n3; k++) s += (grads[a][k] * grads[b][k]) / masses[Math.floor(k / 3)];
        gram[a * d + b] = s;
      }
    }
    const y = solve(gram, dev, d);
    if (!y) break; // a CV at a stationary point: no direction moves it
    for (let k = 0; k < n3; k++) {
      let step = 0;
      for (let c = 0; c < d; c++) step += grads[c][k] * y[c];
      positions[k] -= step / masses[Math.floor(k / 3)];
    }
    iterations++;
  }
  return { iterations, residual: Array.from(dev, Math.abs) };
}
