/**
 * Diffusion maps, the eigen-solvers under them, automatic epsilon, landmarks + Nystrom and
 * geometric harmonics, against known answers:
 * - tridiagonal Toeplitz matrices (closed-form spectrum) for the dense and Lanczos solvers;
 * - equispaced points on a circle: the Markov matrix is circulant, so its eigenvectors are
 *   exactly cos(m theta), sin(m theta) and its eigenvalues are discrete sums that converge
 *   exponentially fast (trapezoid rule on a periodic analytic integrand) to the Bessel ratio
 *   I_m(2/eps) / I_0(2/eps);
 * - a segment: Neumann Laplacian eigenfunctions cos(k pi x), eigenvalues ~ exp(-eps k^2 pi^2 / 4);
 * - a NumPy/SciPy implementation of the same recipe (test/fixtures/dmap, made by
 *   scripts/reference/dmap_reference.py);
 * - the embedded fast/slow system: psi_1 must rank-order the hidden slow variable x.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  chooseEpsilon,
  denseMatVec,
  diffusionMap,
  extendDiffusionMap,
  extendGeometricHarmonics,
  fitGeometricHarmonics,
  lanczosTop,
  selectLandmarks,
  symmetricEigen,
} from '../../src-main/engine/cv';
import { EngineInputError } from '../../src-main/engine/errors';
import { sampleEmbedded, type EmbeddedSpec } from '../../src-main/engine/systems';
import { spearman } from '../../src-main/engine/stats/rank-correlation';

const fixtures = join(import.meta.dirname, '../fixtures/dmap');
const loadFixture = (name: string) => JSON.parse(readFileSync(join(fixtures, name), 'utf8'));

const column = (flat: Float64Array, cols: number, c: number) => Float64Array.from({ length: flat.length / cols }, (_, i) => flat[i * cols + c]);

/** Modified Bessel I_m(x) by its power series (converges for all x; x <= 10 here). */
function besselI(m: number, x: number): number {
  let term = 1;
  for (let k = 1; k <= m; k++) term *= x / 2 / k;
  let sum = term;
  for (let k = 1; k < 200; k++) {
    term *= (x * x) / 4 / (k * (k + m));
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

/** Least-squares fit of v on [cos(m t), sin(m t)]: coefficients and max residual. */
function fitHarmonic(v: Float64Array, theta: Float64Array, m: number): { a: number; b: number; residual: number } {
  let cc = 0;
  let ss = 0;
  let cs = 0;
  let vc = 0;
  let vs = 0;
  for (let i = 0; i < v.length; i++) {
    const c = Math.cos(m * theta[i]);
    const s = Math.sin(m * theta[i]);
    cc += c * c;
    ss += s * s;
    cs += c * s;
    vc += v[i] * c;
    vs += v[i] * s;
  }
  const det = cc * ss - cs * cs;
  const a = (vc * ss - vs * cs) / det;
  const b = (vs * cc - vc * cs) / det;
  let residual = 0;
  for (let i = 0; i < v.length; i++) residual = Math.max(residual, Math.abs(v[i] - a * Math.cos(m * theta[i]) - b * Math.sin(m * theta[i])));
  return { a, b, residual };
}

function circle(n: number, phase = 0): { points: Float64Array; theta: Float64Array } {
  const theta = Float64Array.from({ length: n }, (_, i) => (2 * Math.PI * (i + phase)) / n);
  const points = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    points[2 * i] = Math.cos(theta[i]);
    points[2 * i + 1] = Math.sin(theta[i]);
  }
  return { points, theta };
}

describe('symmetric eigen-solvers', () => {
  // T = tridiag(-1, 2, -1) of size n: lambda_k = 2 - 2 cos(k pi / (n + 1)), k = 1..n.
  const toeplitz = (n: number) => {
    const T = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      T[i * n + i] = 2;
      if (i + 1 < n) T[i * n + i + 1] = T[(i + 1) * n + i] = -1;
    }
    return T;
  };
  const exact = (n: number, k: number) => 2 - 2 * Math.cos(((n - k) * Math.PI) / (n + 1)); // k-th largest, k = 0..

  it('dense Householder + QL: closed-form spectrum, orthonormal eigenvectors (1e-12: rounding of O(n) flops)', () => {
    const n = 60;
    const T = toeplitz(n);
    const { values, vectors } = symmetricEigen(T, n);
    for (let k = 0; k < n; k++) expect(Math.abs(values[k] - exact(n, k))).toBeLessThan(1e-12);
    const y = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const v = vectors.subarray(k * n, k * n + n);
      denseMatVec(T, n, v, y);
      for (let i = 0; i < n; i++) expect(Math.abs(y[i] - values[k] * v[i])).toBeLessThan(1e-12);
      for (let l = 0; l <= k; l++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += v[i] * vectors[l * n + i];
        expect(Math.abs(dot - (l === k ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
  });

  it('thick-restart Lanczos: leading eigenvalues of a 400 x 400 Toeplitz matrix (restarts needed)', () => {
    const n = 400;
    const T = toeplitz(n);
    const res = lanczosTop((x, y) => denseMatVec(T, n, x, y), n, { k: 4, scale: 4, tolerance: 1e-10, maxBasis: 40 });
    expect(res.converged).toBe(true);
    expect(res.restarts).toBeGreaterThan(0);
    // Residual r gives eigenvalue error <= r^2 / gap (gap ~ 1e-3 here): 4e-10 -> well below 1e-9.
    for (let k = 0; k < 4; k++) {
      expect(Math.abs(res.values[k] - exact(n, k))).toBeLessThan(1e-9);
      expect(res.residuals[k]).toBeLessThan(1e-8);
    }
  });
});

describe('diffusion maps: known answers', () => {
  it('equispaced circle: eigenvalues are the circulant sums (Bessel ratios), eigenvectors cos/sin; dense and Lanczos agree', () => {
    const n = 256;
    const eps = 0.5;
    const { points, theta } = circle(n);
    // The Markov matrix is circulant: lambda_m = sum_j k_j cos(m t_j) / sum_j k_j exactly.
    let s0 = 0;
    const sm = [0, 0, 0];
    for (let j = 0; j < n; j++) {
      const k = Math.exp(-(2 - 2 * Math.cos(theta[j])) / eps);
      s0 += k;
      for (let m = 1; m <= 2; m++) sm[m] += k * Math.cos(m * theta[j]);
    }
    for (const solver of ['dense', 'lanczos'] as const) {
      const dm = diffusionMap(points, n, 2, { components: 4, epsilon: eps, solver });
      expect(dm.solver).toBe(solver);
      for (let k = 0; k < 4; k++) {
        const m = k < 2 ? 1 : 2;
        // Discrete answer to rounding (1e-12); the continuum Bessel ratio to trapezoid-rule accuracy,
        // which for a periodic analytic integrand with 256 nodes is far below 1e-12.
        expect(Math.abs(dm.eigenvalues[k] - sm[m] / s0)).toBeLessThan(1e-12);
        expect(Math.abs(dm.eigenvalues[k] - besselI(m, 2 / eps) / besselI(0, 2 / eps))).toBeLessThan(1e-12);
        // Eigenvector in span{cos m t, sin m t}, normalised so that mean(psi^2) = 1 (pi uniform).
        const psi = column(dm.coordinates, 4, k).map((v) => v / dm.eigenvalues[k]);
        const fit = fitHarmonic(psi, theta, m);
        expect(fit.residual).toBeLessThan(1e-9);
        expect(Math.hypot(fit.a, fit.b)).toBeCloseTo(Math.SQRT2, 9);
      }
    }
  });

  it('Nystrom extension reproduces the exact eigenfunctions at held-out points of the circle', () => {
    const n = 200;
    const { points, theta } = circle(n);
    const dm = diffusionMap(points, n, 2, { components: 2, epsilon: 0.3 });
    const held = circle(n, 0.5); // midpoints between training angles
    const ext = extendDiffusionMap(dm.model, held.points, n);
    for (let k = 0; k < 2; k++) {
      const train = fitHarmonic(column(dm.coordinates, 2, k), theta, 1);
      const test = fitHarmonic(column(ext, 2, k), held.theta, 1);
      // Same harmonic with the same coefficients: the extension is (1/lambda) P psi, and the
      // circulant sums over 200 nodes are exact to rounding for this analytic kernel.
      expect(test.residual).toBeLessThan(1e-9);
      expect(Math.abs(test.a - train.a)).toBeLessThan(1e-9);
      expect(Math.abs(test.b - train.b)).toBeLessThan(1e-9);
    }
    // At the training points themselves the extension is the identity (P psi = lambda psi).
    const self = extendDiffusionMap(dm.model, points, n);
    for (let i = 0; i < self.length; i++) expect(Math.abs(self[i] - dm.coordinates[i])).toBeLessThan(1e-12);
  });

  it('segment [0, 1]: Neumann eigenfunctions cos(k pi x) and eigenvalue ratios k^2', () => {
    const n = 400;
    const eps = 5e-4;
    const x = Float64Array.from({ length: n }, (_, i) => i / (n - 1));
    const dm = diffusionMap(x, n, 1, { components: 3, epsilon: eps });
    const l = dm.eigenvalues;
    for (let k = 1; k <= 3; k++) {
      // Generator (P - I)/eps -> Laplacian/4: -ln lambda_k ~ eps k^2 pi^2 / 4. The boundary layer
      // (width ~ sqrt(eps) = 0.022) biases each eigenvalue by a relative O(sqrt(eps)): allow 6%.
      expect(Math.abs((-4 * Math.log(l[k - 1])) / (eps * (k * Math.PI) ** 2) - 1)).toBeLessThan(0.06);
      // The bias is nearly common to all k, so ratios are much sharper: 1% (observed 0.1-0.3%).
      expect(Math.abs(Math.log(l[k - 1]) / Math.log(l[0]) / (k * k) - 1)).toBeLessThan(0.01);
      // Eigenvector vs sqrt(2) cos(k pi x) (unit mean square): RMS error dominated by the
      // O(sqrt(eps)) boundary layer, allow 0.03 k.
      const psi = column(dm.coordinates, 3, k - 1).map((v) => v / l[k - 1]);
      let sign = 0;
      for (let i = 0; i < n; i++) sign += psi[i] * Math.cos(k * Math.PI * x[i]);
      let mse = 0;
      for (let i = 0; i < n; i++) mse += (psi[i] - Math.sign(sign) * Math.SQRT2 * Math.cos(k * Math.PI * x[i])) ** 2;
      expect(Math.sqrt(mse / n)).toBeLessThan(0.03 * k);
    }
  });

  it('automatic epsilon: maximum log-log slope ~ d/2 for points filling a line and a square', () => {
    const line = Float64Array.from({ length: 500 }, (_, i) => i / 499);
    // S(eps) ~ eps^(d/2) between the point spacing and the extent; finite size and the
    // boundary lower the peak by a few percent.
    expect(Math.abs(chooseEpsilon(line, 500, 1).maxSlope - 0.5)).toBeLessThan(0.05);
    const g = 30;
    const square = new Float64Array(g * g * 2);
    for (let i = 0; i < g; i++) for (let j = 0; j < g; j++) square.set([i / g, j / g], 2 * (i * g + j));
    expect(Math.abs(chooseEpsilon(square, g * g, 2).maxSlope - 1)).toBeLessThan(0.1);
  });
});

describe('diffusion maps vs NumPy/SciPy reference (test/fixtures/dmap)', () => {
  function compare(result: { eigenvalues: Float64Array; coordinates: Float64Array }, ref: { eigenvalues: number[]; coordinates: number[][] }, K: number) {
    // Same algorithm in double precision on a ~1e-2-conditioned eigenproblem: eigenvalues to 1e-10.
    for (let k = 0; k < K; k++) expect(Math.abs(result.eigenvalues[k] - ref.eigenvalues[k])).toBeLessThan(1e-10);
    // Eigenvectors up to sign; error ~ rounding / eigen-gap (gaps >= 1e-3 here): 1e-8.
    for (let k = 0; k < K; k++) {
      let dot = 0;
      for (let i = 0; i < ref.coordinates.length; i++) dot += result.coordinates[i * K + k] * ref.coordinates[i][k];
      const sign = Math.sign(dot);
      for (let i = 0; i < ref.coordinates.length; i++) {
        expect(Math.abs(result.coordinates[i * K + k] - sign * ref.coordinates[i][k])).toBeLessThan(1e-8);
      }
    }
  }

  it('embedded fast/slow, 200 points, alpha 1, automatic epsilon', () => {
    const ref = loadFixture('embedded_200_auto.json');
    const n = ref.points.length;
    const dm = diffusionMap(Float64Array.from(ref.points.flat()), n, 3, { components: ref.components });
    // Same grid, same parabola, same floor: equal to rounding of 64 exp-sums.
    expect(Math.abs(dm.epsilonScan!.maxSlopeEpsilon / ref.maxSlopeEpsilon - 1)).toBeLessThan(1e-10);
    expect(Math.abs(dm.epsilonScan!.nearestNeighbourFloor / ref.nearestNeighbourFloor - 1)).toBeLessThan(1e-12);
    expect(Math.abs(dm.epsilon / ref.epsilon - 1)).toBeLessThan(1e-10);
    compare(dm, ref, ref.components);
  });

  it('noisy annulus, alpha 0.5, t = 2: dense and Lanczos both match scipy.linalg.eigh', () => {
    const ref = loadFixture('annulus_400_alpha05.json');
    const n = ref.points.length;
    for (const solver of ['dense', 'lanczos'] as const) {
      const dm = diffusionMap(Float64Array.from(ref.points.flat()), n, 2, { components: ref.components, epsilon: ref.epsilon, alpha: ref.alpha, t: ref.t, solver });
      compare(dm, ref, ref.components);
    }
  });
});

describe('diffusion maps learn the slow variable of the embedded fast/slow system', () => {
  const spec: EmbeddedSpec = { kind: 'embedded', a: 1, s: 0.1, epsilon: 0.01, f: 'sin', c: 0.5, curvature: 1, angle: 0.7 };

  it('all points (Lanczos path): |Spearman(psi_1, x)| > 0.99', () => {
    const n = 1200;
    const data = sampleEmbedded(spec, n, 1, 11);
    const dm = diffusionMap(data.observed, n, 3, { components: 2 });
    expect(dm.solver).toBe('lanczos');
    expect(dm.maxResidual).toBeLessThan(1e-9);
    // x is the only coordinate with extent >> the fast spread s sqrt(kT) = 0.1, so the
    // slowest diffusion mode is a monotone function of x (Neumann cos along the slow direction).
    expect(Math.abs(spearman(column(dm.coordinates, 2, 0), data.x))).toBeGreaterThan(0.99);
    // The fast variable's direction is not the first mode.
    expect(Math.abs(spearman(column(dm.coordinates, 2, 0), data.y))).toBeLessThan(Math.abs(spearman(column(dm.coordinates, 2, 0), data.x)));
  });

  it('landmarks + Nystrom: the non-landmark points are ordered as well, memory O(landmarks^2)', () => {
    const n = 3000;
    const data = sampleEmbedded(spec, n, 1, 12);
    const dm = diffusionMap(data.observed, n, 3, { components: 2, landmarks: 500, seed: 3 });
    expect(dm.model.landmarkCount).toBe(500);
    expect(dm.model.landmarks.length).toBe(500 * 3);
    const isLandmark = new Uint8Array(n);
    for (const i of dm.landmarkIndices) isLandmark[i] = 1;
    const psi = column(dm.coordinates, 2, 0);
    const others = Array.from({ length: n }, (_, i) => i).filter((i) => !isLandmark[i]);
    expect(others.length).toBe(2500);
    expect(Math.abs(spearman(others.map((i) => psi[i]), others.map((i) => data.x[i])))).toBeGreaterThan(0.99);
  });
});

describe('landmarks', () => {
  it('farthest-point sampling covers the data: covering radius at most twice the best (checked on a grid)', () => {
    // 21 x 21 grid in [0,1]^2; choose 25 landmarks. The optimal covering radius of 25 centres is
    // >= 0.1 (a 5x5 arrangement), FPS is a 2-approximation: radius <= 2 * optimum, and on a grid
    // its radius is at most the radius of the best 5x5 lattice with spacing 0.25: 0.177.
    const g = 21;
    const pts = new Float64Array(g * g * 2);
    for (let i = 0; i < g; i++) for (let j = 0; j < g; j++) pts.set([i / (g - 1), j / (g - 1)], 2 * (i * g + j));
    const idx = selectLandmarks(pts, g * g, 2, 25, 'farthest', 1);
    expect(new Set(idx).size).toBe(25);
    let radius = 0;
    for (let p = 0; p < g * g; p++) {
      let best = Infinity;
      for (const l of idx) best = Math.min(best, Math.hypot(pts[2 * p] - pts[2 * l], pts[2 * p + 1] - pts[2 * l + 1]));
      radius = Math.max(radius, best);
    }
    expect(radius).toBeLessThanOrEqual(0.25 * Math.SQRT2 + 1e-12);
    // Seeded: same seed, same set.
    expect(Array.from(selectLandmarks(pts, g * g, 2, 25, 'farthest', 1))).toEqual(Array.from(idx));
    const r = selectLandmarks(pts, g * g, 2, 25, 'random', 4);
    expect(new Set(r).size).toBe(25);
  });
});

describe('geometric harmonics', () => {
  it('extends a smooth function to held-out points (sin on a curve) and is exact-ish at training points', () => {
    const m = 300;
    const t = Float64Array.from({ length: m }, (_, i) => (3 * i) / (m - 1));
    const pts = new Float64Array(2 * m);
    const f = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      pts.set([t[i], 0.3 * t[i] * t[i]], 2 * i);
      f[i] = Math.sin(2 * t[i]);
    }
    const model = fitGeometricHarmonics(pts, m, 2, f, 1, { epsilon: 0.05, delta: 1e-10 });
    expect(model.modesKept).toBeGreaterThan(5);
    const hm = 150;
    const th = Float64Array.from({ length: hm }, (_, i) => 0.2 + (2.6 * (i + 0.5)) / hm);
    const hp = new Float64Array(2 * hm);
    for (let i = 0; i < hm; i++) hp.set([th[i], 0.3 * th[i] * th[i]], 2 * i);
    const ext = extendGeometricHarmonics(model, hp, hm);
    // A band-limited fit of an analytic function sampled at spacing 0.01 with kernel width
    // sqrt(0.05) = 0.22: interior extension error is set by the eigenvalue cut-off (1e-10 relative),
    // observed ~1e-6; allow 1e-4.
    for (let i = 0; i < hm; i++) expect(Math.abs(ext[i] - Math.sin(2 * th[i]))).toBeLessThan(1e-4);
  });

  it('extends diffusion coordinates to held-out embedded points, agreeing with the Nystrom extension', () => {
    const spec: EmbeddedSpec = { kind: 'embedded', a: 1, s: 0.1, epsilon: 0.01, f: 'sin', c: 0.5, curvature: 1, angle: 0.7 };
    const train = sampleEmbedded(spec, 500, 1, 21);
    const held = sampleEmbedded(spec, 200, 1, 22);
    const dm = diffusionMap(train.observed, 500, 3, { components: 1 });
    const gh = fitGeometricHarmonics(train.observed, 500, 3, column(dm.coordinates, 1, 0), 1, { epsilon: dm.epsilon, delta: 1e-6 });
    const ghHeld = extendGeometricHarmonics(gh, held.observed, 200);
    const ny = extendDiffusionMap(dm.model, held.observed, 200);
    // Both are extensions of the same smooth function of x: they must order held-out x alike,
    // and agree to a small fraction of psi_1's range (the regularised fit vs the operator's own
    // extension differ mostly at the sparse tails; observed RMS 0.06% of the range: allow 1%).
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of dm.coordinates) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    let rms = 0;
    for (let i = 0; i < 200; i++) rms += (ghHeld[i] - ny[i]) ** 2;
    expect(Math.sqrt(rms / 200)).toBeLessThan(0.01 * (hi - lo));
    expect(Math.abs(spearman(ghHeld, held.x))).toBeGreaterThan(0.99);
  });
});

describe('diffusion maps: bad input', () => {
  it('names the problem', () => {
    const pts = new Float64Array([0, 1, 2, NaN, 4, 5]);
    expect(() => diffusionMap(pts, 3, 2)).toThrow(/row 1, column 1 is not a finite number/);
    const ok = Float64Array.from({ length: 20 }, (_, i) => i);
    expect(() => diffusionMap(ok, 10, 2, { components: 9 })).toThrow(EngineInputError);
    expect(() => diffusionMap(ok, 10, 2, { components: 9 })).toThrow(/components must be an integer in \[1, 8\]/);
    expect(() => diffusionMap(ok, 10, 2, { alpha: 2 })).toThrow(/alpha must be in \[0, 1\]/);
    expect(() => diffusionMap(ok, 10, 2, { epsilon: -1 })).toThrow(/epsilon must be 'auto' or a finite number > 0/);
    expect(() => diffusionMap(ok, 7, 2)).toThrow(/expected 7 x 2/);
  });
});
