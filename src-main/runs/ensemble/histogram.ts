/**
 * Histograms of every walker of an ensemble, accumulated in place: one per coordinate and, for
 * 2D systems, one on the plane. Memory is fixed by the bin count whatever the number of walkers
 * or steps (no per-sample storage). Counts are float64 (exact integers up to 2^53).
 */
export class EnsembleHistograms {
  readonly dim: number;
  readonly bins: number;
  readonly lo: Float64Array;
  readonly invWidth: Float64Array;
  /** counts[d * bins + i]: samples of coordinate d in bin i. */
  readonly counts: Float64Array;
  /** 2D systems: counts2d[i * bins + j] (first coordinate slowest); null otherwise. */
  readonly counts2d: Float64Array | null;
  /** Samples of coordinate d outside its range. */
  readonly outside: Float64Array;
  /** Walker positions histogrammed (each counts once per coordinate). */
  samples = 0;

  constructor(ranges: readonly (readonly [number, number])[], bins: number) {
    this.dim = ranges.length;
    this.bins = bins;
    this.lo = Float64Array.from(ranges, ([lo]) => lo);
    this.invWidth = Float64Array.from(ranges, ([lo, hi]) => bins / (hi - lo));
    this.counts = new Float64Array(this.dim * bins);
    this.counts2d = this.dim === 2 ? new Float64Array(bins * bins) : null;
    this.outside = new Float64Array(this.dim);
  }

  /** Bin centres of coordinate d. */
  centers(d: number): number[] {
    const w = 1 / this.invWidth[d];
    return Array.from({ length: this.bins }, (_, i) => this.lo[d] + (i + 0.5) * w);
  }

  /** Adds every walker of walker-major `positions` (length walkers * dim). */
  add(positions: ArrayLike<number>): void {
    const { dim, bins, lo, invWidth, counts, counts2d, outside } = this;
    const walkers = positions.length / dim;
    for (let w = 0; w < walkers; w++) {
      const off = w * dim;
      let i0 = -1;
      let i1 = -1;
      for (let d = 0; d < dim; d++) {
        const i = Math.floor((positions[off + d] - lo[d]) * invWidth[d]);
        // NaN fails both comparisons and lands outside too.
        if (i >= 0 && i < bins) {
          counts[d * bins + i]++;
          if (d === 0) i0 = i;
          else if (d === 1) i1 = i;
        } else outside[d]++;
      }
      if (counts2d !== null && i0 >= 0 && i1 >= 0) counts2d[i0 * bins + i1]++;
    }
    this.samples += walkers;
  }
}
