/**
 * One-dimensional WHAM (Kumar et al. 1992; the formulation of Grossfield's `wham`).
 *
 * With bin centres x_b, counts n_kb of window k, N_k = sum_b n_kb (samples inside the range),
 * n_b = sum_k n_kb and reduced biases w_kb = W_k(x_b) / kT, the self-consistent equations are
 *   ln P_b = ln n_b - logsumexp_k( ln N_k + g_k - w_kb ),
 *   g_k    = -logsumexp_b( ln P_b - w_kb ),               (g_k = f_k / kT)
 * iterated (gauge g_0 = 0) in log space until max_k |g_k^new - g_k^old| < tolerance.
 * `tolerance` is therefore dimensionless, in units of kT (default 1e-10 kT: far below any
 * statistical error, and still ~6 orders of magnitude above double rounding of g ~ O(10)).
 * Bins with n_b = 0 take no part (P_b = 0, pmf NaN).
 *
 * Periodic CVs (opts.periodic): period = max - min, samples are wrapped into [min, max),
 * bias distances use the minimum image, and histograms wrap. Non-periodic: samples outside
 * [min, max] are dropped and counted in samplesOutsideRange (x == max goes to the last bin).
 */
import { EngineInputError } from '../errors';
import { solveBinnedWham } from './wham-core';
import { overlapMatrix } from './overlap';

export interface UmbrellaWindow {
  center: number;
  spring: number;
  samples: Float64Array;
  label?: string;
}
export interface WhamOptions {
  bins: number;
  min: number;
  max: number;
  kT: number;
  periodic?: boolean;
  tolerance?: number;
  maxIterations?: number;
  /**
   * 'auto' (default): log-sum-exp with the shifts factored out (K + A exponentials per iteration),
   * falling back to plain log-sum-exp if a sum could underflow; 'log': plain log-sum-exp throughout.
   * Both give the same answer to rounding.
   */
  method?: 'auto' | 'log';
}
export interface WhamResult {
  edges: Float64Array;
  centers: Float64Array;
  pmf: Float64Array;
  probability: Float64Array;
  windowFreeEnergies: Float64Array;
  histograms: Float64Array[];
  overlap: Float64Array[];
  iterations: number;
  converged: boolean;
  tolerance: number;
  samplesOutsideRange: number[];
  warnings: string[];
}

export const WHAM_DEFAULT_TOLERANCE = 1e-10;
export const WHAM_DEFAULT_MAX_ITERATIONS = 100_000;
/** Adjacent windows whose histogram overlap sum_b min(p_i, p_j) is below this get a warning. */
export const WHAM_MIN_OVERLAP = 0.03;

function fmt(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 0.1 && a < 1e4) return x.toFixed(2);
  return x.toPrecision(3);
}

function windowName(w: UmbrellaWindow, k: number): string {
  return w.label ? `${k} [${w.label}]` : `${k}`;
}

/** Validates everything; returns the options with defaults filled in. */
function checkInput(windows: UmbrellaWindow[], opts: WhamOptions): Required<WhamOptions> {
  const problems: string[] = [];
  if (!Array.isArray(windows) || windows.length === 0) throw new EngineInputError('at least one umbrella window is required');
  if (!opts || typeof opts !== 'object') throw new EngineInputError('WHAM options are required');
  const { bins, min, max, kT } = opts;
  if (!Number.isSafeInteger(bins) || bins < 1) problems.push(`bins must be an integer >= 1 (got ${String(bins)})`);
  if (typeof min !== 'number' || !Number.isFinite(min)) problems.push(`min must be finite (got ${String(min)})`);
  if (typeof max !== 'number' || !Number.isFinite(max)) problems.push(`max must be finite (got ${String(max)})`);
  if (Number.isFinite(min) && Number.isFinite(max) && !(min < max)) problems.push(`min must be < max (got min ${min}, max ${max})`);
  if (typeof kT !== 'number' || !Number.isFinite(kT) || !(kT > 0)) problems.push(`kT must be a finite number > 0 (got ${String(kT)})`);
  const tolerance = opts.tolerance ?? WHAM_DEFAULT_TOLERANCE;
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || !(tolerance > 0)) {
    problems.push(`tolerance must be a finite number > 0 (got ${String(tolerance)})`);
  }
  const maxIterations = opts.maxIterations ?? WHAM_DEFAULT_MAX_ITERATIONS;
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 1) {
    problems.push(`maxIterations must be an integer >= 1 (got ${String(maxIterations)})`);
  }
  windows.forEach((w, k) => {
    const name = `window ${windowName(w, k)}`;
    if (!w || typeof w !== 'object') {
      problems.push(`${name} is not an object`);
      return;
    }
    if (typeof w.center !== 'number' || !Number.isFinite(w.center)) problems.push(`${name}: center must be finite (got ${String(w.center)})`);
    if (typeof w.spring !== 'number' || !Number.isFinite(w.spring) || !(w.spring > 0)) {
      problems.push(`${name}: spring must be a finite number > 0 (got ${String(w.spring)})`);
    }
    const s = w.samples;
    if (!s || typeof s.length !== 'number') {
      problems.push(`${name}: samples must be an array of numbers`);
      return;
    }
    if (s.length === 0) {
      problems.push(`${name}: has no samples`);
      return;
    }
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        problems.push(`${name}: sample ${i} is not a finite number (${String(v)})`);
        break;
      }
    }
  });
  if (problems.length) throw new EngineInputError(problems);
  const method = opts.method ?? 'auto';
  if (method !== 'auto' && method !== 'log') problems.push(`method must be 'auto' or 'log' (got ${String(method)})`);
  if (problems.length) throw new EngineInputError(problems);
  return { bins, min, max, kT, periodic: !!opts.periodic, tolerance, maxIterations, method };
}

export function wham1d(windows: UmbrellaWindow[], opts: WhamOptions): WhamResult {
  const o = checkInput(windows, opts);
  const { bins: B, min, max, kT, periodic, tolerance, maxIterations } = o;
  const K = windows.length;
  const width = (max - min) / B;
  const period = max - min;
  const edges = new Float64Array(B + 1);
  const centers = new Float64Array(B);
  for (let b = 0; b <= B; b++) edges[b] = b === B ? max : min + b * width;
  for (let b = 0; b < B; b++) centers[b] = min + (b + 0.5) * width;

  // Histograms.
  const histograms: Float64Array[] = [];
  const samplesOutsideRange: number[] = [];
  const Nk = new Float64Array(K);
  const nb = new Float64Array(B);
  const emptyWindows: string[] = [];
  for (let k = 0; k < K; k++) {
    const h = new Float64Array(B);
    const s = windows[k].samples;
    let outside = 0;
    for (let i = 0; i < s.length; i++) {
      let x = s[i];
      if (periodic) {
        x -= period * Math.floor((x - min) / period);
      } else if (x < min || x > max) {
        outside++;
        continue;
      }
      let b = Math.floor((x - min) / width);
      if (b >= B) b = B - 1; // x == max, or rounding just below max after wrapping
      if (b < 0) b = 0;
      h[b]++;
    }
    histograms.push(h);
    samplesOutsideRange.push(outside);
    Nk[k] = s.length - outside;
    if (Nk[k] === 0) emptyWindows.push(`window ${windowName(windows[k], k)} (x=${fmt(windows[k].center)}) has no samples inside [${fmt(min)}, ${fmt(max)}]`);
    for (let b = 0; b < B; b++) nb[b] += h[b];
  }
  if (emptyWindows.length) throw new EngineInputError(emptyWindows);

  // The self-consistent iteration (wham-core.ts) on the bins, bias in kT units.
  const biasAt = (k: number, b: number): number => {
    let d = centers[b] - windows[k].center;
    if (periodic) d -= period * Math.round(d / period);
    return (0.5 * windows[k].spring * d * d) / kT;
  };
  const solution = solveBinnedWham(histograms, biasAt, B, tolerance, maxIterations, undefined, o.method);
  const { g, lnP, active, iterations, converged } = solution;
  const A = active.length;

  // Probability over bins, PMF (min 0, NaN in empty bins).
  const probability = new Float64Array(B);
  const pmf = new Float64Array(B).fill(NaN);
  let lnPmax = -Infinity;
  for (let a = 0; a < A; a++) if (lnP[a] > lnPmax) lnPmax = lnP[a];
  let total = 0;
  for (let a = 0; a < A; a++) total += Math.exp(lnP[a] - lnPmax);
  for (let a = 0; a < A; a++) {
    probability[active[a]] = Math.exp(lnP[a] - lnPmax) / total;
    pmf[active[a]] = kT * (lnPmax - lnP[a]);
  }
  const windowFreeEnergies = new Float64Array(K);
  for (let k = 0; k < K; k++) windowFreeEnergies[k] = kT * g[k];

  // Overlap of normalised histograms.
  const norm = histograms.map((h, k) => h.map((v) => v / Nk[k]));
  const overlap = overlapMatrix(norm);

  const warnings: string[] = [];
  if (!converged) {
    warnings.push(`WHAM did not converge to ${tolerance} kT in ${iterations} iterations; results are approximate`);
  }
  if (K > 1) {
    const wrapC = (c: number): number => (periodic ? c - period * Math.floor((c - min) / period) : c);
    const order = windows.map((_, k) => k).sort((i, j) => wrapC(windows[i].center) - wrapC(windows[j].center));
    const pairs: [number, number][] = [];
    for (let i = 0; i + 1 < K; i++) pairs.push([order[i], order[i + 1]]);
    if (periodic && K > 2) pairs.push([order[K - 1], order[0]]);
    for (const [i, j] of pairs) {
      if (overlap[i][j] < WHAM_MIN_OVERLAP) {
        warnings.push(
          `windows ${windowName(windows[i], i)} (x=${fmt(windows[i].center)}) and ${windowName(windows[j], j)} (x=${fmt(windows[j].center)}) ` +
            `do not overlap: histogram overlap ${overlap[i][j].toFixed(3)} < ${WHAM_MIN_OVERLAP}; ` +
            'the free energy between them is unreliable (add a window between them or use weaker springs)',
        );
      }
    }
  }
  for (let k = 0; k < K; k++) {
    const out = samplesOutsideRange[k];
    const n = windows[k].samples.length;
    if (out > 0 && out >= 0.05 * n) {
      warnings.push(
        `window ${windowName(windows[k], k)} (x=${fmt(windows[k].center)}): ${out} of ${n} samples (${((100 * out) / n).toFixed(1)}%) lie outside [${fmt(min)}, ${fmt(max)}] and were ignored`,
      );
    }
  }
  if (A > 0) {
    let interiorEmpty = 0;
    for (let b = active[0]; b <= active[A - 1]; b++) if (nb[b] === 0) interiorEmpty++;
    if (interiorEmpty > 0) {
      warnings.push(`${interiorEmpty} empty bin(s) between sampled bins: the PMF is NaN there (use fewer bins or more windows)`);
    }
  }

  return {
    edges,
    centers,
    pmf,
    probability,
    windowFreeEnergies,
    histograms,
    overlap,
    iterations,
    converged,
    tolerance,
    samplesOutsideRange,
    warnings,
  };
}
