/**
 * Free-energy surfaces and basins of a molecular run (pure functions, kJ/mol):
 * - histogramFes: -kT ln of a 1D/2D histogram of CV samples (unbiased runs);
 * - fesBasins: watershed basins of a grid FES with basin free energies -kT ln sum_basin exp(-F/kT)
 *   (min 0 over basins), labelled with alanine-dipeptide conformer names when the two CVs are
 *   the backbone dihedrals phi and psi (labelRamachandran).
 */
import { findBasins } from '../../engine/estimators/basins';

/** Periodic CVs are histogrammed on [-pi, pi) with this many bins (6 degrees). */
export const PERIODIC_BINS = 60;
export const NONPERIODIC_BINS = 50;
/** Basins shallower than this are merged into a neighbour (kJ/mol; ~0.8 kT at 300 K). */
export const BASIN_MIN_DEPTH = 2;

export interface GridFes {
  /** Grid nodes (metad) or bin centres (histogram) per CV. */
  axes: Float64Array[];
  /** Row-major, first CV slowest; NaN where empty; min 0. */
  fes: Float64Array;
  periodic: boolean[];
}

/**
 * samples: row-major rows of `width` numbers; columns: which columns are the CVs (1 or 2).
 * Periodic columns are binned on [-pi, pi); others on [min, max] of the data.
 */
export function histogramFes(samples: Float64Array, width: number, columns: number[], periodic: boolean[], kT: number): GridFes {
  const rows = Math.floor(samples.length / width);
  const axes: Float64Array[] = [];
  const lo: number[] = [];
  const h: number[] = [];
  const n: number[] = [];
  columns.forEach((c, i) => {
    let a = -Math.PI;
    let b = Math.PI;
    let bins = PERIODIC_BINS;
    if (!periodic[i]) {
      a = Infinity;
      b = -Infinity;
      for (let r = 0; r < rows; r++) {
        const v = samples[r * width + c];
        if (v < a) a = v;
        if (v > b) b = v;
      }
      if (!(b > a)) {
        a -= 0.5;
        b += 0.5;
      }
      bins = NONPERIODIC_BINS;
    }
    const width1 = (b - a) / bins;
    lo.push(a);
    h.push(width1);
    n.push(bins);
    axes.push(Float64Array.from({ length: bins }, (_, k) => a + (k + 0.5) * width1));
  });
  const ny = n.length > 1 ? n[1] : 1;
  const counts = new Float64Array(n[0] * ny);
  for (let r = 0; r < rows; r++) {
    let bin = 0;
    for (let i = 0; i < columns.length; i++) {
      const v = samples[r * width + columns[i]];
      let k = Math.floor((v - lo[i]) / h[i]);
      if (periodic[i]) k = ((k % n[i]) + n[i]) % n[i];
      else k = Math.min(n[i] - 1, Math.max(0, k));
      bin = i === 0 ? k : bin * ny + k;
    }
    counts[bin]++;
  }
  let max = 0;
  for (const c of counts) if (c > max) max = c;
  const fes = new Float64Array(counts.length);
  for (let k = 0; k < counts.length; k++) fes[k] = counts[k] > 0 ? -kT * Math.log(counts[k] / max) : NaN;
  return { axes, fes, periodic: [...periodic] };
}

/** Reference conformers of alanine dipeptide, (phi, psi) in degrees. */
export const RAMACHANDRAN_LABELS: readonly { label: string; phi: number; psi: number }[] = [
  { label: 'C7eq', phi: -80, psi: 70 },
  { label: 'C5', phi: -150, psi: 160 },
  { label: 'C7ax', phi: 70, psi: -70 },
  { label: 'alphaR', phi: -70, psi: -40 },
  { label: 'alphaL', phi: 60, psi: 40 },
];
/** A basin minimum further than this (degrees, on the torus) from every reference point gets no label. */
export const LABEL_RADIUS_DEG = 45;

/** Conformer name for a (phi, psi) point in radians, or null (nearest reference within LABEL_RADIUS_DEG). */
export function labelRamachandran(phi: number, psi: number): string | null {
  const deg = 180 / Math.PI;
  const wrap = (d: number) => d - 360 * Math.round(d / 360);
  let best: string | null = null;
  let bestDist = LABEL_RADIUS_DEG;
  for (const ref of RAMACHANDRAN_LABELS) {
    const dist = Math.hypot(wrap(phi * deg - ref.phi), wrap(psi * deg - ref.psi));
    if (dist <= bestDist) {
      bestDist = dist;
      best = ref.label;
    }
  }
  return best;
}

export interface MolecularBasin {
  id: number;
  label?: string;
  minimum: number[];
  /** kJ/mol, min 0 over basins. */
  freeEnergy: number;
}

/**
 * Basins of a grid FES. Labels (when cvNames are phi and psi, in either order, both periodic):
 * each basin takes the name of the nearest reference conformer within LABEL_RADIUS_DEG of its
 * minimum; when two basins claim one name, the one with the lower free energy keeps it.
 */
export function fesBasins(g: GridFes, cvNames: readonly string[], kT: number, minDepth = BASIN_MIN_DEPTH): MolecularBasin[] {
  const nx = g.axes[0].length;
  const ny = g.axes.length > 1 ? g.axes[1].length : 1;
  const { labels, basins } = findBasins(
    { values: g.fes, nx, ny, periodicX: g.periodic[0], periodicY: g.axes.length > 1 ? g.periodic[1] : false },
    { minDepth },
  );
  // Basin probabilities: sum of exp(-F/kT) over its bins (shifted by the global minimum, F >= 0).
  const weight = new Float64Array(basins.length);
  for (let b = 0; b < labels.length; b++) if (labels[b] >= 0) weight[labels[b]] += Math.exp(-g.fes[b] / kT);
  const free = Array.from(weight, (w) => -kT * Math.log(w));
  const lowest = Math.min(...free);
  const out: MolecularBasin[] = basins.map((b) => ({
    id: b.id,
    minimum: g.axes.length > 1 ? [g.axes[0][b.ix], g.axes[1][b.iy]] : [g.axes[0][b.ix]],
    freeEnergy: free[b.id] - lowest,
  }));
  const lower = cvNames.map((n) => n.toLowerCase());
  const phiAt = lower.indexOf('phi');
  const psiAt = lower.indexOf('psi');
  if (g.axes.length === 2 && phiAt >= 0 && psiAt >= 0 && g.periodic[0] && g.periodic[1]) {
    const byLabel = new Map<string, MolecularBasin>();
    for (const basin of [...out].sort((a, b) => a.freeEnergy - b.freeEnergy)) {
      const label = labelRamachandran(basin.minimum[phiAt], basin.minimum[psiAt]);
      if (label && !byLabel.has(label)) {
        byLabel.set(label, basin);
        basin.label = label;
      }
    }
  }
  return out;
}
