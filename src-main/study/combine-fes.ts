/**
 * Folding a first round sampled by metadynamics or plain MD with seeded umbrella windows
 * (docs/generation-assisted.md, "Rounds after metadynamics or MD").
 *
 * Why not one WHAM/MBAR over everything: WHAM and MBAR need every data set to come from a fixed,
 * known bias. Well-tempered metadynamics frames were drawn under a bias that grew while they were
 * drawn; treating them as one extra "window" with the final bias would be wrong (early frames saw
 * a smaller bias), and the c(t) reweighting that makes them usable is not a WHAM window. So the
 * two estimates are made separately (the first round's own estimator with its block errors; WHAM
 * with bootstrap errors over the seeded windows) and combined bin by bin:
 *
 *   1. align the constant: F_w is defined up to an additive constant c; on the bins where both
 *      estimates exist, c = sum_k w_k (F1_k - F2_k) / sum_k w_k with w_k = 1 / (dF1_k^2 + dF2_k^2)
 *      (the least-squares offset), var(c) = 1 / sum_k w_k;
 *   2. inverse-variance weighting per bin: F = (F1 / s1^2 + F2' / s2^2) / (1/s1^2 + 1/s2^2) with
 *      F2' = F2 + c and s2^2 = dF2^2 + var(c), dF = (1/s1^2 + 1/s2^2)^(-1/2);
 *   3. where only one estimate has the bin, it is kept with its error (F2' and s2 for the windows).
 *
 * The seeded windows need not form one chain: windows chosen by rule can sit apart (an unexplored
 * end, a poor condition in the middle), and WHAM cannot tie the constants of windows that do not
 * overlap. So the windows are folded in groups of overlapping neighbours (rounds.ts) and each
 * group is aligned to the first round on its own (step 1 per group; the first round ties them).
 *
 * Assumptions: the two estimates come from independent simulations (true: separate runs and
 * seeds), each is unbiased with Gaussian errors as stated (block errors of decorrelated blocks,
 * bootstrap of decorrelated frames), and they share the bins. var(c) is common to every window
 * bin, so the combined errors are slightly correlated across bins; we report per-bin errors.
 * A bin whose error is missing or not positive carries no weight in the alignment and is taken
 * from the other estimate when that one has a usable error.
 */

export interface BinnedFes {
  /** kT; null where the estimate has no data. */
  F: readonly (number | null)[];
  dF: readonly (number | null)[] | null;
}

export interface CombinedFes {
  /** kT, 0 at the minimum; null where neither estimate has the bin. */
  F: (number | null)[];
  dF: (number | null)[];
  /** Per other estimate: the constant added to it (kT), its standard error, and the bins it used. */
  offsets: { offset: number; error: number; bins: number }[];
}

const usable = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);
const usableError = (v: number | null | undefined): v is number => usable(v) && v > 0;

/**
 * Combines `first` (the reference) with one or more `others` on the same bins. Each other
 * estimate gets its own constant, aligned to `first` alone (so the order does not matter), then
 * every bin is the inverse-variance mean of the estimates that have it. Refuses an estimate that
 * shares no bin with finite errors with `first`: nothing would tie its constant.
 */
export function combineByInverseVariance(first: BinnedFes, others: readonly BinnedFes[]): CombinedFes {
  const n = first.F.length;
  const errorAt = (e: BinnedFes, k: number) => e.dF?.[k] ?? null;
  const aligned = others.map((other, g) => {
    if (other.F.length !== n) throw new Error(`combineByInverseVariance: ${n} bins against ${other.F.length}`);
    let sw = 0;
    let swd = 0;
    let bins = 0;
    for (let k = 0; k < n; k++) {
      const a = first.F[k], b = other.F[k], ea = errorAt(first, k), eb = errorAt(other, k);
      if (!usable(a) || !usable(b) || !usableError(ea) || !usableError(eb)) continue;
      const w = 1 / (ea * ea + eb * eb);
      sw += w;
      swd += w * (a - b);
      bins++;
    }
    if (!bins) throw new Error(`the first round and seeded group ${g + 1} share no bin with finite errors: nothing ties their constants together`);
    return { other, offset: swd / sw, offsetVar: 1 / sw, bins };
  });
  const F: (number | null)[] = new Array(n).fill(null);
  const dF: (number | null)[] = new Array(n).fill(null);
  for (let k = 0; k < n; k++) {
    // Every estimate of bin k with its variance (the others' include their offset's variance).
    const parts: { f: number; v: number | null }[] = [];
    const a = first.F[k], ea = errorAt(first, k);
    if (usable(a)) parts.push({ f: a, v: usableError(ea) ? ea * ea : null });
    for (const { other, offset, offsetVar } of aligned) {
      const b = other.F[k], eb = errorAt(other, k);
      if (usable(b)) parts.push({ f: b + offset, v: usableError(eb) ? eb * eb + offsetVar : null });
    }
    const weighted = parts.filter((p): p is { f: number; v: number } => p.v !== null);
    if (weighted.length) {
      const w = weighted.map((p) => 1 / p.v);
      const sw = w.reduce((s, x) => s + x, 0);
      F[k] = weighted.reduce((s, p, i) => s + w[i] * p.f, 0) / sw;
      dF[k] = 1 / Math.sqrt(sw);
    } else if (parts.length) {
      F[k] = parts[0].f; // no estimate has an error here: the first one's value, error unknown
    }
  }
  const lowest = Math.min(...F.filter(usable));
  return {
    F: F.map((v) => (v === null ? null : v - lowest)), dF,
    offsets: aligned.map((a) => ({ offset: a.offset, error: Math.sqrt(a.offsetVar), bins: a.bins })),
  };
}
