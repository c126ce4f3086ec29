/**
 * Histograms of umbrella windows and their overlap matrix O_ij = sum_b min(p_i(b), p_j(b)) of the
 * normalised histograms (the same measure wham1d reports): 1 for identical distributions, 0 for
 * windows that share no bin. WHAM and MBAR cannot tie together the free energies of windows that
 * do not overlap, so the analyses warn below a threshold.
 */
import { binIndex, type GridAxis } from './histogram';

/** Counts of `samples` per bin of `axis` (samples outside the range are left out). */
export function binCounts(samples: Float64Array, axis: GridAxis): number[] {
  const h = new Array<number>(axis.bins).fill(0);
  for (let i = 0; i < samples.length; i++) {
    const b = binIndex(axis, samples[i]);
    if (b >= 0) h[b]++;
  }
  return h;
}

/** O_ij = sum_b min(p_i(b), p_j(b)) of histograms already normalised to 1; 1 on the diagonal. */
export function overlapMatrix(norm: readonly ArrayLike<number>[]): Float64Array[] {
  const K = norm.length;
  const out = Array.from({ length: K }, () => new Float64Array(K));
  for (let i = 0; i < K; i++) {
    out[i][i] = 1;
    for (let j = i + 1; j < K; j++) {
      let s = 0;
      const a = norm[i];
      const b = norm[j];
      for (let t = 0; t < a.length; t++) s += a[t] < b[t] ? a[t] : b[t];
      out[i][j] = out[j][i] = s;
    }
  }
  return out;
}

function sum(a: number[]): number {
  return a.reduce((s, v) => s + v, 0);
}

/** Overlap matrix of 1D histograms (counts; each is normalised to 1 first, an empty one to 0). */
export function histogramOverlap(histograms: number[][]): number[][] {
  const norm = histograms.map((h) => {
    const n = sum(h);
    return h.map((v) => (n > 0 ? v / n : 0));
  });
  return overlapMatrix(norm).map((row) => Array.from(row));
}

/**
 * Overlap matrix of 2D windows (columns[k] = [x, y] samples) on the grid axes x (slow index) and
 * y, and the total counts per cell (index ix * ny + iy) over all windows.
 */
export function overlap2d(columns: Float64Array[][], axes: GridAxis[]): { overlap: number[][]; counts: Float64Array } {
  const [xa, ya] = axes;
  const B = xa.bins * ya.bins;
  const counts = new Float64Array(B);
  const norm: Float64Array[] = columns.map(([x, y]) => {
    const h = new Float64Array(B);
    let n = 0;
    for (let i = 0; i < x.length; i++) {
      const bx = binIndex(xa, x[i]);
      const by = binIndex(ya, y[i]);
      if (bx < 0 || by < 0) continue;
      h[bx * ya.bins + by]++;
      n++;
    }
    for (let b = 0; b < B; b++) {
      counts[b] += h[b];
      h[b] = n > 0 ? h[b] / n : 0;
    }
    return h;
  });
  const overlap = overlapMatrix(norm).map((row) => Array.from(row));
  return { overlap, counts };
}
