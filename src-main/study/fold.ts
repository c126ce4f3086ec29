/**
 * Folding windows from several umbrella runs (the rounds of generation-assisted sampling) into one
 * FES: every window's walkers are decorrelated by their CV's statistical inefficiency and pooled,
 * then WHAM with bootstrap errors (engine/estimators/wham.ts, bootstrap.ts). Legal because each
 * window, plain or seeded, samples its own biased ensemble at equilibrium (SCIENCE.md section 9);
 * windows diagnosed as trapped are not passed in (trapping.ts).
 */
import { readFileSync } from 'node:fs';
import { statisticalInefficiency, subsampleIndices, takeIndices } from '../engine/estimators/autocorr';
import { bootstrapWham1d } from '../engine/estimators/bootstrap';
import { wham1d, type UmbrellaWindow } from '../engine/estimators/wham';
import { decodeNpy } from '../engine/io/npy';
import { windowConfigurationsFilePath } from '../runs/umbrella/window-task';

/** Window k's walkers' frames (each samples x dim, row-major), from window-NNN-x.npy. */
export function readWindowWalkers(projectPath: string, runId: string, k: number): { walkers: Float64Array[]; dim: number } {
  const path = windowConfigurationsFilePath(projectPath, runId, k);
  const { data, shape } = decodeNpy(new Uint8Array(readFileSync(path)), path);
  const [walkers, samples, dim] = shape;
  return { walkers: Array.from({ length: walkers }, (_, w) => data.slice(w * samples * dim, (w + 1) * samples * dim)), dim };
}

/** Column `c` of rows of width `dim`. */
export function column(rows: Float64Array, dim: number, c: number): Float64Array {
  const out = new Float64Array(rows.length / dim);
  for (let i = 0; i < out.length; i++) out[i] = rows[i * dim + c];
  return out;
}

/** Each walker's CV series thinned to decorrelated frames, pooled. */
export function decorrelatedPool(series: readonly Float64Array[]): Float64Array {
  const parts = series.map((s) => {
    let g = 1;
    try {
      g = s.length >= 2 ? statisticalInefficiency(s) : 1;
    } catch {
      g = 1; // constant series: nothing to thin
    }
    return takeIndices(s, subsampleIndices(s.length, g));
  });
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface FoldedFes {
  centers: number[];
  /** kT, 0 at the minimum; null where no window sampled. */
  F: (number | null)[];
  dF: (number | null)[] | null;
  /** Overlap of adjacent windows sorted by centre (next-centres.ts). */
  adjacentOverlap: number[];
  warnings: string[];
}

/** WHAM over the windows (samples in CV units) on `axis`, F and dF in kT. */
export function foldFes(windows: UmbrellaWindow[], axis: { bins: number; min: number; max: number }, kT: number, bootstrap: number, seed: number): FoldedFes {
  const opts = { ...axis, kT };
  const full = wham1d(windows, opts);
  const boot = bootstrap >= 2 ? bootstrapWham1d(windows, opts, { replicates: bootstrap, seed }, full) : null;
  const order = windows.map((w, k) => ({ c: w.center, k })).sort((a, b) => a.c - b.c).map((o) => o.k);
  const adjacentOverlap = order.slice(1).map((k, i) => full.overlap[order[i]][k]);
  const finite = (v: number) => (Number.isFinite(v) ? v / kT : null);
  return {
    centers: Array.from(full.centers),
    F: Array.from(full.pmf, finite),
    dF: boot ? Array.from(boot.pmfError, finite) : null,
    adjacentOverlap,
    warnings: full.warnings,
  };
}
