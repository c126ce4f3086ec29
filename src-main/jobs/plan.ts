/**
 * Turns validated umbrella parameters into the job description stored in run.json before the
 * run starts (window centres, starting points, sample counts, RNG stream layout).
 */
import type { UmbrellaParams, WindowCentersSpec, SystemSpec } from '../api/contract';
import { ApiError } from '../api/contract';
import { createSystem, type ToySystem } from '../engine/systems';
import type { UmbrellaJob } from '../store/project';

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

/**
 * Starting point of every walker of a window: the CV coordinate at the window centre; any other
 * coordinate at the minimum of V along the line CV = centre, found on a uniform grid of 2001
 * points over the system's domain for that coordinate (deterministic, no randomness, cheap, and
 * avoids starting 2D walkers on a high-energy wall). Equilibration steps then relax the walkers.
 */
export function windowStart(system: ToySystem, cvIndex: number, center: number): number[] {
  const start = new Array<number>(system.dim).fill(0);
  start[cvIndex] = center;
  const probe = new Float64Array(system.dim);
  for (let d = 0; d < system.dim; d++) {
    if (d === cvIndex) continue;
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
  const centers = resolveCenters(p.centers);
  const S = samplesPerWindow(p);
  const bytesPerWindow = p.walkersPerWindow * S * 8;
  if (bytesPerWindow > 512 * 1024 * 1024) {
    throw new ApiError(
      'invalid-input',
      `params.stride: each window would keep ${p.walkersPerWindow} x ${S} samples (${(bytesPerWindow / 2 ** 20).toFixed(0)} MiB); ` +
        'increase the stride or reduce walkers or steps (limit 512 MiB per window).',
    );
  }
  return {
    kind: 'umbrella',
    system: spec,
    cvIndex: p.cvIndex,
    windows: centers.map((center, index) => ({ index, center, spring: p.spring, start: windowStart(system, p.cvIndex, center) })),
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
