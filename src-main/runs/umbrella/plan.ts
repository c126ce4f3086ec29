/**
 * Turns validated umbrella parameters into the job description stored in run.json before the
 * run starts (window centres, starting points, sample counts, RNG stream layout).
 */
import type { UmbrellaParams, WindowCentersSpec, SystemSpec } from '../../schema';
import { ApiError } from '../../schema/errors';
import { createSystem, type ToySystem } from '../../engine/systems';
import type { UmbrellaJob } from '../run-file';
import { seededStartBlocks } from '../seeding';

/** Walker w of window k uses RNG stream k * STREAM_STRIDE + w (walkersPerWindow <= 4096 < 65536). */
export const STREAM_STRIDE = 65536;

export function resolveCenters(spec: WindowCentersSpec): number[] {
  if (spec.mode === 'list') return [...spec.values];
  if (spec.count === 1) return [spec.min];
  const h = (spec.max - spec.min) / (spec.count - 1);
  return Array.from({ length: spec.count }, (_, i) => (i === spec.count - 1 ? spec.max : spec.min + i * h));
}

export function samplesPerWindow(p: UmbrellaParams): number {
  return Math.floor(p.stepsPerWindow / p.stride);
}

/** Most windows a 2D grid study may have (the product of the two centre lists). */
export const MAX_WINDOWS_2D = 2500;

/** Window centres of a study: one number per window (1D) or [c1, c2] per window (2D, i * n2 + j). */
export function resolveWindowGrid(p: UmbrellaParams): { centers: number[][]; shape: number[]; springs: number[]; cvIndices: number[] } {
  const first = resolveCenters(p.centers);
  if (!p.secondCv) return { centers: first.map((c) => [c]), shape: [first.length], springs: [...p.springs], cvIndices: [p.cvIndex] };
  const second = resolveCenters(p.secondCv.centers);
  const centers: number[][] = [];
  for (const a of first) for (const b of second) centers.push([a, b]);
  return { centers, shape: [first.length, second.length], springs: [...p.springs], cvIndices: [p.cvIndex, p.secondCv.cvIndex] };
}

/** Number of windows of a study (1D: centres; 2D: product of the two centre lists). */
export function windowCount(p: UmbrellaParams): number {
  return resolveCenters(p.centers).length * (p.secondCv ? resolveCenters(p.secondCv.centers).length : 1);
}

/**
 * Starting point of every walker of a window: the CV coordinate at the window centre; any other
 * coordinate at the minimum of V along the line CV = centre, found on a uniform grid of 2001
 * points over the system's domain for that coordinate (deterministic, no randomness, cheap, and
 * avoids starting 2D walkers on a high-energy wall). Equilibration steps then relax the walkers.
 */
export function windowStart(system: ToySystem, cvIndex: number, center: number): number[] {
  const start = new Array<number>(system.dim).fill(0);
  start[cvIndex] = center;
  return relaxOtherCoordinates(system, start, [cvIndex]);
}

/** Sets every coordinate not in `fixed` to the minimum of V along it (grid of 2001 points over the domain). */
function relaxOtherCoordinates(system: ToySystem, start: number[], fixed: number[]): number[] {
  const probe = new Float64Array(system.dim);
  for (let d = 0; d < system.dim; d++) {
    if (fixed.includes(d)) continue;
    const [lo, hi] = system.domain[d];
    const n = 2001;
    let best = Infinity;
    let bestV = (lo + hi) / 2;
    for (let i = 0; i < n; i++) {
      const v = lo + ((hi - lo) * i) / (n - 1);
      for (let e = 0; e < system.dim; e++) probe[e] = start[e];
      probe[d] = v;
      const energy = system.energy(probe, 0);
      if (energy < best) {
        best = energy;
        bestV = v;
      }
    }
    start[d] = bestV;
  }
  return start;
}

export function planUmbrellaJob(spec: SystemSpec, p: UmbrellaParams): UmbrellaJob {
  const system = createSystem(spec);
  if (p.cvIndex >= system.dim) {
    throw new ApiError(
      'invalid-input',
      `params.cvIndex: the ${spec.kind} system has ${system.dim} coordinate${system.dim === 1 ? '' : 's'} (${system.coordinateNames.join(', ')}); cvIndex must be below ${system.dim}.`,
    );
  }
  if (p.secondCv && p.secondCv.cvIndex >= system.dim) {
    throw new ApiError(
      'invalid-input',
      `params.secondCv.cvIndex: a 2D grid study needs two coordinates; the ${spec.kind} system has ${system.dim} (${system.coordinateNames.join(', ')}).`,
    );
  }
  const count = windowCount(p);
  if (p.secondCv && count > MAX_WINDOWS_2D) {
    throw new ApiError('invalid-input', `params.secondCv.centers: the grid would have ${count} windows; at most ${MAX_WINDOWS_2D} are allowed.`);
  }
  const grid = resolveWindowGrid(p);
  const nCv = grid.cvIndices.length;
  const S = samplesPerWindow(p);
  const bytesPerWindow = p.walkersPerWindow * S * 8 * nCv;
  if (bytesPerWindow > 512 * 1024 * 1024) {
    throw new ApiError(
      'invalid-input',
      `params.stride: each window would keep ${p.walkersPerWindow} x ${S} samples (${(bytesPerWindow / 2 ** 20).toFixed(0)} MiB); ` +
        'increase the stride or reduce walkers or steps (limit 512 MiB per window).',
    );
  }
  const windows: UmbrellaJob['windows'] = grid.centers.map((c, index) => ({
    index,
    centers: [...c],
    springs: [...grid.springs],
    // 2D: both CVs sit at the window centre; any further coordinate relaxes to its minimum.
    start: nCv === 1 ? windowStart(system, p.cvIndex, c[0]) : relaxOtherCoordinates(system, startAt(system.dim, grid.cvIndices, c), grid.cvIndices),
  }));
  if (p.seeding) {
    const blocks = seededStartBlocks(p.seeding, { tasks: windows.length, walkers: p.walkersPerWindow, dim: system.dim, taskWord: 'window' });
    windows.forEach((w, k) => (w.starts = blocks[k]));
  }
  return {
    kind: 'umbrella',
    system: spec,
    cvIndex: p.cvIndex,
    ...(nCv > 1 ? { cvIndices: grid.cvIndices, gridShape: grid.shape } : {}),
    windows,
    kT: p.kT,
    dt: p.dt,
    walkers: p.walkersPerWindow,
    equilibrationSteps: p.equilibrationSteps,
    stepsPerWindow: p.stepsPerWindow,
    stride: p.stride,
    samplesPerWindow: S,
    seed: p.seed,
    streamStride: STREAM_STRIDE,
  };
}

function startAt(dim: number, cvIndices: number[], values: number[]): number[] {
  const start = new Array<number>(dim).fill(0);
  cvIndices.forEach((cv, i) => (start[cv] = values[i]));
  return start;
}
