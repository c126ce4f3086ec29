/**
 * Free energy from a histogram of unbiased (or bias-corrected) samples, and its distance to an
 * exact profile up to the free additive constant.
 */

/** -kT ln(count / (samples * cell)) minus `bias` per bin, shifted to min 0; null for empty bins. */
export function histogramFes(counts: ArrayLike<number>, samples: number, cell: number, kT: number, bias: (i: number) => number): (number | null)[] {
  const out: (number | null)[] = [];
  let min = Infinity;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] > 0) {
      const f = -kT * Math.log(counts[i] / (samples * cell)) - bias(i);
      out.push(f);
      if (f < min) min = f;
    } else out.push(null);
  }
  return out.map((f) => (f === null ? null : f - min));
}

/** RMS of fes - exact after removing their mean difference, over bins with exact < cutoff; null when none. */
export function rmsAgainst(fes: (number | null)[], exact: ArrayLike<number>, cutoff: number): number | null {
  const pairs: [number, number][] = [];
  for (let i = 0; i < fes.length; i++) {
    const f = fes[i];
    if (f !== null && exact[i] < cutoff) pairs.push([f, exact[i]]);
  }
  if (pairs.length === 0) return null;
  const shift = pairs.reduce((s, [f, e]) => s + f - e, 0) / pairs.length;
  return Math.sqrt(pairs.reduce((s, [f, e]) => s + (f - e - shift) ** 2, 0) / pairs.length);
}
