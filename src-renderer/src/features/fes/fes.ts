/**
 * Derived quantities for the free-energy view: exact profile on the PMF's bins, the constant
 * that aligns the two (free energies are defined up to one), deviations over well-sampled
 * bins, and CSV tables of every plot.
 */
import type { FesResult } from '../../../../src-main/api/contract';
import { toCsv } from '../../shared/exporters';

/** Linear interpolation of (xs, ys) at x; null outside [xs[0], xs[n-1]]. xs ascending. */
export function interpolate(xs: number[], ys: number[], x: number): number | null {
  const n = xs.length;
  if (n === 0 || x < xs[0] || x > xs[n - 1] || !Number.isFinite(x)) return null;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  if (xs[hi] === xs[lo]) return ys[lo];
  const t = (x - xs[lo]) / (xs[hi] - xs[lo]);
  return ys[lo] + t * (ys[hi] - ys[lo]);
}

/** Samples per bin summed over windows. */
export function binCounts(fes: FesResult): number[] {
  const counts = new Array<number>(fes.centers.length).fill(0);
  for (const h of fes.histograms) for (let b = 0; b < counts.length; b++) counts[b] += h[b] ?? 0;
  return counts;
}

/**
 * A bin is "well sampled" when it lies between the outermost window centres (beyond them only
 * one window's tail reaches) and holds at least this fraction of the fullest bin's samples.
 */
export const WELL_SAMPLED_FRACTION = 0.01;

export interface Comparison {
  /** Exact PMF interpolated at the bin centres (unshifted); null where undefined. */
  exactAtBins: (number | null)[];
  /** Constant added to the exact profile to align it with the estimate (least squares). */
  offset: number;
  wellSampled: boolean[];
  maxAbs: number | null;
  rms: number | null;
  nCompared: number;
  /** Exact window free energies shifted by their own least-squares offset. */
  windowOffset: number;
}

export function compare(fes: FesResult): Comparison | null {
  if (!fes.exact) return null;
  const ex = fes.exact;
  const exactAtBins = fes.centers.map((x) => interpolate(ex.centers, ex.pmf, x));
  const counts = binCounts(fes);
  const maxCount = Math.max(0, ...counts);
  const lo = Math.min(...fes.windowCenters);
  const hi = Math.max(...fes.windowCenters);
  const wellSampled = fes.centers.map(
    (x, b) =>
      x >= lo &&
      x <= hi &&
      fes.pmf[b] !== null &&
      exactAtBins[b] !== null &&
      maxCount > 0 &&
      counts[b] >= WELL_SAMPLED_FRACTION * maxCount,
  );
  let sum = 0;
  let n = 0;
  for (let b = 0; b < fes.centers.length; b++) {
    if (!wellSampled[b]) continue;
    sum += (fes.pmf[b] as number) - (exactAtBins[b] as number);
    n++;
  }
  const offset = n ? sum / n : 0;
  let maxAbs = 0;
  let ss = 0;
  for (let b = 0; b < fes.centers.length; b++) {
    if (!wellSampled[b]) continue;
    const d = (fes.pmf[b] as number) - (exactAtBins[b] as number) - offset;
    maxAbs = Math.max(maxAbs, Math.abs(d));
    ss += d * d;
  }
  let wsum = 0;
  const nw = Math.min(fes.windowFreeEnergies.length, ex.windowFreeEnergies.length);
  for (let k = 0; k < nw; k++) wsum += fes.windowFreeEnergies[k] - ex.windowFreeEnergies[k];
  return {
    exactAtBins,
    offset,
    wellSampled,
    maxAbs: n ? maxAbs : null,
    rms: n ? Math.sqrt(ss / n) : null,
    nCompared: n,
    windowOffset: nw ? wsum / nw : 0,
  };
}

/** Adjacent-window overlaps O[k][k+1] in the order of the window centres. */
export function adjacentOverlaps(fes: FesResult): { pair: string; a: number; b: number; mid: number; overlap: number }[] {
  const order = fes.windowCenters.map((c, k) => ({ c, k })).sort((p, q) => p.c - q.c);
  const out = [];
  for (let i = 0; i + 1 < order.length; i++) {
    const { k: a, c: ca } = order[i];
    const { k: b, c: cb } = order[i + 1];
    out.push({ pair: `${a}–${b}`, a, b, mid: (ca + cb) / 2, overlap: fes.overlap[a]?.[b] ?? 0 });
  }
  return out;
}

/**
 * CSV exports take the result already in the shown unit (fesUnits.ts) and `col`, that
 * unit as a column suffix (kT, kJ_per_mol, V_units: shared/units.ts), so every column says its unit.
 */
export function pmfCsv(fes: FesResult, cmp: Comparison | null, col: string): string {
  const counts = binCounts(fes);
  const header = ['bin_centre', `pmf_${col}`, `exact_${col}`, 'samples'];
  const rows = fes.centers.map((x, b) => [
    x,
    fes.pmf[b],
    cmp && cmp.exactAtBins[b] !== null ? (cmp.exactAtBins[b] as number) + cmp.offset : null,
    counts[b],
  ]);
  return toCsv(header, rows);
}

export function windowsCsv(fes: FesResult, cmp: Comparison | null, col: string): string {
  const header = ['window', 'centre', `f_${col}`, `exact_f_${col}`];
  const rows = fes.windowCenters.map((c, k) => [
    k,
    c,
    fes.windowFreeEnergies[k],
    fes.exact && cmp ? fes.exact.windowFreeEnergies[k] + cmp.windowOffset : null,
  ]);
  return toCsv(header, rows);
}

export function histogramsCsv(fes: FesResult): string {
  const header = ['bin_centre', ...fes.windowCenters.map((c, k) => `w${k}@${c}`)];
  const rows = fes.centers.map((x, b) => [x, ...fes.histograms.map((h) => h[b] ?? 0)]);
  return toCsv(header, rows);
}

export function overlapCsv(fes: FesResult): string {
  const header = ['window', ...fes.windowCenters.map((_, k) => `w${k}`)];
  const rows = fes.overlap.map((row, k) => [`w${k}`, ...row]);
  return toCsv(header, rows);
}

/** Basin letters A, B, C, ... in basin id order (ids are ordered by minimum value). */
export function basinName(id: number): string {
  return id < 26 ? String.fromCharCode(65 + id) : `B${id}`;
}

export function pmfWithErrorCsv(fes: FesResult, cmp: Comparison | null, col: string): string {
  const counts = binCounts(fes);
  // The first four columns are pmfCsv's, so scripts reading those keep working.
  const header = ['bin_centre', `pmf_${col}`, `exact_${col}`, 'samples', `pmf_error_${col}`, 'basin'];
  const rows = fes.centers.map((x, b) => [
    x,
    fes.pmf[b],
    cmp && cmp.exactAtBins[b] !== null ? (cmp.exactAtBins[b] as number) + cmp.offset : null,
    counts[b],
    fes.pmfError ? fes.pmfError[b] : null,
    fes.basinLabels ? (fes.basinLabels[b] >= 0 ? basinName(fes.basinLabels[b]) : '') : null,
  ]);
  return toCsv(header, rows);
}

export function windowsWithErrorCsv(fes: FesResult, cmp: Comparison | null, col: string): string {
  const header = ['window', 'centre', `f_${col}`, `f_error_${col}`, `exact_f_${col}`, 'statistical_inefficiency'];
  const rows = fes.windowCenters.map((c, k) => [
    k,
    c,
    fes.windowFreeEnergies[k],
    fes.windowFreeEnergiesError ? fes.windowFreeEnergiesError[k] : null,
    fes.exact && cmp ? fes.exact.windowFreeEnergies[k] + cmp.windowOffset : null,
    fes.statisticalInefficiency ? fes.statisticalInefficiency[k] : null,
  ]);
  return toCsv(header, rows);
}

export function inefficiencyCsv(fes: FesResult): string {
  const s = fes.subsampling;
  const header = ['window', 'centre_1', 'centre_2', 'statistical_inefficiency', 'samples', 'samples_used'];
  const rows = (fes.statisticalInefficiency ?? []).map((g, k) => [
    k,
    fes.grid ? fes.grid.windowCenters[k][0] : fes.windowCenters[k],
    fes.grid ? fes.grid.windowCenters[k][1] : null,
    g,
    s ? s.samplesBefore[k] : null,
    s ? s.samplesAfter[k] : null,
  ]);
  return toCsv(header, rows);
}

export function basinsCsv(fes: FesResult, col: string): string {
  const header = ['basin', ...(fes.dims === 2 ? ['min_x', 'min_y'] : ['min_x']), `free_energy_${col}`, `error_${col}`, `exact_${col}`];
  const rows = (fes.basins ?? []).map((b) => [basinName(b.id), ...b.minimum, b.freeEnergy, b.error, b.exactFreeEnergy ?? null]);
  return toCsv(header, rows);
}

/** 2D surface as long-format CSV: x, y, pmf, error, basin (+ exact and samples). */
export function grid2dCsv(fes: FesResult, col: string): string {
  const g = fes.grid!;
  const header = ['x', 'y', `pmf_${col}`, `error_${col}`, 'basin', `exact_${col}`, 'samples'];
  const rows: (number | string | null)[][] = [];
  g.xCenters.forEach((x, i) =>
    g.yCenters.forEach((y, j) => {
      const label = g.basinMap[i][j];
      rows.push([x, y, g.pmf[i][j], g.pmfError ? g.pmfError[i][j] : null, label >= 0 ? basinName(label) : '', g.exact ? g.exact.pmf[i][j] : null, g.counts[i][j]]);
    }),
  );
  return toCsv(header, rows);
}
