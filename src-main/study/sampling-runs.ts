/**
 * The sampling stage's frames and FES for every method of a study along a coordinate:
 * umbrella windows (window-NNN-x.npy per window), metadynamics and plain MD (the COLVAR of a
 * metadynamics run: time, walker, every coordinate, bias, c(t); plain MD is a run whose pace lies
 * beyond its last step, so no hill is ever deposited and the bias is zero).
 *
 * Closures and the mean force are conditional averages E[f | xi]: a bias that depends on xi only
 * multiplies p(x) by a function of xi and leaves p(x | xi) unchanged, so metadynamics frames enter
 * them unweighted (the same argument as for umbrella windows).
 */
import { readFileSync } from 'node:fs';
import { decodeNpy } from '../engine/io/npy';
import { colvarFields, metadFiles } from '../runs/metad/files';
import { REWEIGHT_DISCARD_FRACTION } from '../analysis/metad-result';
import { readWindowWalkers } from './fold';
import type { Trajectories } from './analysis';

/** What the sampling stage keeps (study-state.json); `method` is absent in studies run before metad/md. */
export interface SamplingStageValue {
  runId: string;
  windowCenters: number[];
  steps: number;
  method?: 'umbrella' | 'metad' | 'md';
}

/** Every walker's frames of every window (samples x dim rows), from window-NNN-x.npy. */
export function readTrajectories(projectPath: string, runId: string, windows: number): Trajectories {
  return Array.from({ length: windows }, (_, k) => readWindowWalkers(projectPath, runId, k).walkers).flat();
}

/** One metadynamics run's COLVAR split by walker: frames (samples x dim), bias and c(t) per walker, in time order. */
export function readMetadWalkers(projectPath: string, runId: string, coordinateNames: readonly string[]): { frames: Float64Array[]; bias: Float64Array[]; rct: Float64Array[] } {
  const path = metadFiles(projectPath, runId).colvarNpy;
  const { data, shape } = decodeNpy(new Uint8Array(readFileSync(path)), path);
  const width = colvarFields(coordinateNames).length;
  const dim = coordinateNames.length;
  if (shape.length !== 2 || shape[1] !== width) throw new Error(`${path} has shape [${shape.join(', ')}]; expected [rows, ${width}] (time, walker, coordinates, metad.bias, metad.rct)`);
  const rows = shape[0];
  const perWalker = new Map<number, number[]>();
  for (let r = 0; r < rows; r++) {
    const w = data[r * width + 1];
    if (!perWalker.has(w)) perWalker.set(w, []);
    perWalker.get(w)!.push(r);
  }
  const walkers = [...perWalker.keys()].sort((a, b) => a - b);
  const frames: Float64Array[] = [];
  const bias: Float64Array[] = [];
  const rct: Float64Array[] = [];
  for (const w of walkers) {
    const idx = perWalker.get(w)!;
    const f = new Float64Array(idx.length * dim);
    idx.forEach((r, i) => f.set(data.subarray(r * width + 2, r * width + 2 + dim), i * dim));
    frames.push(f);
    bias.push(Float64Array.from(idx, (r) => data[r * width + 2 + dim]));
    rct.push(Float64Array.from(idx, (r) => data[r * width + 3 + dim]));
  }
  return { frames, bias, rct };
}

/** The sampling stage's frames, one block (samples x dim) per walker, whatever the method. */
export function readSamplingFrames(projectPath: string, value: SamplingStageValue, coordinateNames?: readonly string[]): Trajectories {
  if (!value.method || value.method === 'umbrella') return readTrajectories(projectPath, value.runId, value.windowCenters.length);
  if (!coordinateNames) throw new Error('readSamplingFrames: a metadynamics run needs the system\'s coordinate names');
  return readMetadWalkers(projectPath, value.runId, coordinateNames).frames;
}

export interface BlockFes {
  centers: number[];
  /** -kT ln p (energy units, min 0 over the filled bins); null where a bin is empty. */
  F: (number | null)[];
  /** Block standard error of F: kT sem(p)/p over the blocks (delta method); null where undefined. */
  dF: (number | null)[];
  blocks: number;
  /** Weighted frames that fell inside the axis. */
  frames: number;
}

/**
 * Histogram FES along a CV with block errors. Each walker's series (time order) is cut into
 * `blocks` contiguous pieces; block b pools piece b of every walker; each block's (weighted)
 * histogram is normalised, and F and its error come from the mean and the standard error of the
 * bin probabilities over blocks. Blocks longer than the CV's correlation time are independent, so
 * the error is honest when the data hold many such times (the standard block-averaging argument,
 * Flyvbjerg and Petersen 1989). `logWeights` (per walker, per frame) reweight biased frames;
 * null: unbiased frames, weight 1.
 */
export function blockHistogramFes(
  series: readonly Float64Array[], logWeights: readonly Float64Array[] | null,
  axis: { bins: number; min: number; max: number }, kT: number, blocks = 10,
): BlockFes {
  const { bins, min, max } = axis;
  const width = (max - min) / bins;
  let top = -Infinity;
  if (logWeights) for (const lw of logWeights) for (const v of lw) if (v > top) top = v;
  const hist = Array.from({ length: blocks }, () => new Float64Array(bins));
  const totals = new Float64Array(blocks);
  let frames = 0;
  series.forEach((s, w) => {
    for (let i = 0; i < s.length; i++) {
      const b = Math.min(blocks - 1, Math.floor((i * blocks) / s.length));
      const weight = logWeights ? Math.exp(logWeights[w][i] - top) : 1;
      totals[b] += weight;
      const k = Math.floor((s[i] - min) / width);
      if (k < 0 || k >= bins) continue;
      hist[b][k] += weight;
      frames++;
    }
  });
  const centers = Array.from({ length: bins }, (_, k) => min + (k + 0.5) * width);
  const used = [...totals.keys()].filter((b) => totals[b] > 0);
  const F: (number | null)[] = [];
  const dF: (number | null)[] = [];
  for (let k = 0; k < bins; k++) {
    const p = used.map((b) => hist[b][k] / totals[b]);
    const mean = p.reduce((a, v) => a + v, 0) / p.length;
    if (!(mean > 0)) {
      F.push(null);
      dF.push(null);
      continue;
    }
    const variance = p.length > 1 ? p.reduce((a, v) => a + (v - mean) ** 2, 0) / (p.length - 1) : NaN;
    F.push(-kT * Math.log(mean));
    dF.push(Number.isFinite(variance) ? (kT * Math.sqrt(variance / p.length)) / mean : null);
  }
  const lowest = Math.min(...F.filter((v): v is number => v !== null));
  return { centers, F: F.map((v) => (v === null ? null : v - lowest)), dF, blocks: used.length, frames };
}

/** c(t) log weights (bias - c(t)) / kT per walker, the first REWEIGHT_DISCARD_FRACTION of each walker's frames dropped (as the app's metad result). */
export function metadReweightingSeries(cv: readonly Float64Array[], bias: readonly Float64Array[], rct: readonly Float64Array[], kT: number): { series: Float64Array[]; logWeights: Float64Array[] } {
  const series: Float64Array[] = [];
  const logWeights: Float64Array[] = [];
  cv.forEach((s, w) => {
    const first = Math.floor(s.length * REWEIGHT_DISCARD_FRACTION);
    series.push(s.slice(first));
    logWeights.push(Float64Array.from(bias[w].subarray(first), (b, i) => (b - rct[w][first + i]) / kT));
  });
  return { series, logWeights };
}

/** Linear interpolation of (xs, ys) at x (xs increasing); null outside. */
export function interpolate(xs: readonly number[], ys: readonly number[], x: number): number | null {
  if (x < xs[0] || x > xs[xs.length - 1]) return null;
  let i = 0;
  while (i < xs.length - 2 && xs[i + 1] < x) i++;
  const t = (x - xs[i]) / (xs[i + 1] - xs[i]);
  return ys[i] + t * (ys[i + 1] - ys[i]);
}
