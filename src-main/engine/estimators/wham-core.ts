/**
 * The binned WHAM iteration (Kumar et al. 1992) shared by the 1D and 2D estimators: given
 * per-window histograms over any set of bins and the reduced bias of every window in every bin,
 * iterate the self-consistent equations in log space until the window free energies change by
 * less than the tolerance. The fast path factors the shifts out of the log-sum-exps so that an
 * iteration needs only K + A exponentials; if a sum could underflow it falls back to plain
 * log-sum-exp for the rest of the run:
 *   logsumexp_k(ln N_k + g_k - w_ka) = G + ln sum_k alpha_k E_ak - c_a,
 *   alpha_k = exp(ln N_k + g_k - G), G = max_k(ln N_k + g_k), E_ak = exp(-(w_ka - c_a)), c_a = min_k w_ka,
 * and likewise for g_k with p_a = exp(lnP_a - max lnP), F_ka = exp(-(w_ka - d_k)), d_k = min_a w_ka.
 * Each sum contains a term with E = 1 (or F = 1); it can only underflow if the g_k (or lnP_a)
 * span more than ~575 kT. If a sum falls below SAFE the iteration is redone in plain log space
 * and the rest of the run stays there, so the result never depends on the shortcut beyond
 * rounding (tested against the log-space path in test/engine/wham.test.ts).
 */
/**
 * Binned WHAM core on any set of bins: counts[k][b] and reduced biases w[k][b] (kT units) of
 * the active bins. Returns g (gauge g_0 = 0) and ln P over the bins (unnormalised).
 */
export function solveBinnedWham(
  counts: Float64Array[],
  biasAt: (k: number, b: number) => number,
  nBins: number,
  tolerance: number,
  maxIterations: number,
  initialG?: ArrayLike<number>,
  /** 'log' skips the factored fast path (for testing it against plain log-sum-exp). */
  method: 'auto' | 'log' = 'auto',
): { g: Float64Array; lnP: Float64Array; active: number[]; iterations: number; converged: boolean } {
  const K = counts.length;
  const nb = new Float64Array(nBins);
  const Nk = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const h = counts[k];
    for (let b = 0; b < nBins; b++) {
      nb[b] += h[b];
      Nk[k] += h[b];
    }
  }
  const active: number[] = [];
  for (let b = 0; b < nBins; b++) if (nb[b] > 0) active.push(b);
  const A = active.length;
  const w = new Float64Array(K * A);
  for (let k = 0; k < K; k++) for (let a = 0; a < A; a++) w[k * A + a] = biasAt(k, active[a]);
  const logNk = Nk.map(Math.log);
  const logNb = Float64Array.from(active, (b) => Math.log(nb[b]));
  const g = new Float64Array(K);
  if (initialG) for (let k = 0; k < K; k++) g[k] = initialG[k] - initialG[0];
  const gNew = new Float64Array(K);
  const lnP = new Float64Array(A);
  // Factored exponentials (see the header): E[a][k] = exp(-(w_ka - c_a)), F[k][a] = exp(-(w_ka - d_k)).
  const ET = new Float64Array(A * K);
  const F = new Float64Array(K * A);
  const cA = new Float64Array(A);
  const dK = new Float64Array(K).fill(Infinity);
  for (let a = 0; a < A; a++) {
    let m = Infinity;
    for (let k = 0; k < K; k++) m = Math.min(m, w[k * A + a]);
    cA[a] = m;
    for (let k = 0; k < K; k++) ET[a * K + k] = Math.exp(-(w[k * A + a] - m));
  }
  for (let k = 0; k < K; k++) {
    for (let a = 0; a < A; a++) dK[k] = Math.min(dK[k], w[k * A + a]);
    for (let a = 0; a < A; a++) F[k * A + a] = Math.exp(-(w[k * A + a] - dK[k]));
  }
  const alpha = new Float64Array(K);
  const pA = new Float64Array(A);
  const SAFE = 1e-250;
  const tmp = new Float64Array(Math.max(K, A));
  const lse = (n: number): number => {
    let m = -Infinity;
    for (let i = 0; i < n; i++) if (tmp[i] > m) m = tmp[i];
    if (m === -Infinity) return m;
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.exp(tmp[i] - m);
    return m + Math.log(s);
  };
  const updatePLog = (): void => {
    for (let a = 0; a < A; a++) {
      for (let k = 0; k < K; k++) tmp[k] = logNk[k] + g[k] - w[k * A + a];
      lnP[a] = logNb[a] - lse(K);
    }
  };
  const iterateLog = (): void => {
    updatePLog();
    for (let k = 0; k < K; k++) {
      for (let a = 0; a < A; a++) tmp[a] = lnP[a] - w[k * A + a];
      gNew[k] = -lse(A);
    }
  };
  const iterateFast = (): boolean => {
    let G = -Infinity;
    for (let k = 0; k < K; k++) G = Math.max(G, logNk[k] + g[k]);
    for (let k = 0; k < K; k++) alpha[k] = Math.exp(logNk[k] + g[k] - G);
    let L = -Infinity;
    for (let a = 0; a < A; a++) {
      const row = a * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += alpha[k] * ET[row + k];
      if (!(s > SAFE)) return false;
      const v = logNb[a] - (G + Math.log(s) - cA[a]);
      lnP[a] = v;
      if (v > L) L = v;
    }
    for (let a = 0; a < A; a++) pA[a] = Math.exp(lnP[a] - L);
    for (let k = 0; k < K; k++) {
      const row = k * A;
      let s = 0;
      for (let a = 0; a < A; a++) s += pA[a] * F[row + a];
      if (!(s > SAFE)) return false;
      gNew[k] = -(L + Math.log(s) - dK[k]);
    }
    return true;
  };
  let fast = method !== 'log';
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    if (fast && !iterateFast()) fast = false;
    if (!fast) iterateLog();
    const g0 = gNew[0];
    let delta = 0;
    for (let k = 0; k < K; k++) {
      const v = gNew[k] - g0;
      const dv = Math.abs(v - g[k]);
      if (dv > delta || dv !== dv) delta = dv;
      g[k] = v;
    }
    if (delta !== delta) break;
    if (delta < tolerance) {
      converged = true;
      break;
    }
  }
  updatePLog();
  return { g, lnP, active, iterations, converged };
}
