/**
 * Turns validated metadynamics parameters into the job description stored in run.json before
 * the run starts: CV names, the bias grid (the system's plotting box widened by 10% so walkers
 * near its edge stay on the grid), and the starting point of the walkers.
 */
import { ApiError, type MetadParams, type SystemSpec } from '../../schema';
import { createSystem, type ToySystem } from '../../engine/systems';
import type { MetadJob } from '../run-file';
import { seededStartBlocks } from '../seeding';

/**
 * Lowest point of V on a uniform grid over the system's domain (201 points per axis): walkers
 * start in the deepest basin, which is deterministic and avoids starting on a wall.
 * Above 2 dimensions a full grid would have 201^dim points: a coarse grid (21 per axis, up to
 * 4 dimensions) or the domain centre, then line minimisations along each axis (201 points).
 */
export function lowestGridPoint(system: ToySystem): number[] {
  if (system.dim <= 2) return gridMinimum(system, 201);
  const start = system.dim <= 4 ? gridMinimum(system, 21) : system.domain.map(([lo, hi]) => (lo + hi) / 2);
  return coordinateDescent(system, start, 201, 8);
}

/** Sweeps of line minimisation along each axis on `n` domain points, until no coordinate moves. */
function coordinateDescent(system: ToySystem, start: number[], n: number, sweeps: number): number[] {
  const probe = Float64Array.from(start);
  for (let sweep = 0; sweep < sweeps; sweep++) {
    let moved = false;
    for (let d = 0; d < system.dim; d++) {
      const [lo, hi] = system.domain[d];
      const current = probe[d];
      let best = system.energy(probe, 0);
      let bestV = current;
      for (let i = 0; i < n; i++) {
        probe[d] = lo + ((hi - lo) * i) / (n - 1);
        const v = system.energy(probe, 0);
        if (v < best) {
          best = v;
          bestV = probe[d];
        }
      }
      probe[d] = bestV;
      if (bestV !== current) moved = true;
    }
    if (!moved) break;
  }
  return Array.from(probe);
}

function gridMinimum(system: ToySystem, n: number): number[] {
  const probe = new Float64Array(system.dim);
  let best = Infinity;
  let bestPoint = system.domain.map(([lo, hi]) => (lo + hi) / 2);
  const total = n ** system.dim;
  for (let k = 0; k < total; k++) {
    let rest = k;
    for (let d = 0; d < system.dim; d++) {
      const [lo, hi] = system.domain[d];
      probe[d] = lo + ((hi - lo) * (rest % n)) / (n - 1);
      rest = Math.floor(rest / n);
    }
    const v = system.energy(probe, 0);
    if (v < best) {
      best = v;
      bestPoint = Array.from(probe);
    }
  }
  return bestPoint;
}

export function planMetadJob(spec: SystemSpec, p: MetadParams): MetadJob {
  const system = createSystem(spec);
  for (const index of p.cvIndices) {
    if (index >= system.dim) {
      throw new ApiError(
        'invalid-input',
        `params.cvIndices: the ${spec.kind} system has ${system.dim} coordinate${system.dim === 1 ? '' : 's'} (${system.coordinateNames.join(', ')}).`,
      );
    }
  }
  const min: number[] = [];
  const max: number[] = [];
  const bins: number[] = [];
  p.cvIndices.forEach((index, i) => {
    const [lo, hi] = system.domain[index];
    const pad = 0.1 * (hi - lo);
    min.push(lo - pad);
    max.push(hi + pad);
    bins.push(p.gridBins?.[i] ?? Math.max(8, Math.ceil((hi - lo + 2 * pad) / (p.sigma[i] / 2))));
  });
  const cells = bins.reduce((a, b) => a * b, 1);
  if (cells > 4_000_000) {
    throw new ApiError('invalid-input', `params.gridBins: the bias grid would have ${cells} nodes; use wider hills or fewer bins (limit 4,000,000).`);
  }
  return {
    kind: 'metad',
    system: spec,
    cvIndices: [...p.cvIndices],
    cvNames: p.cvIndices.map((i) => system.coordinateNames[i]),
    sigma: [...p.sigma],
    height: p.height,
    pace: p.pace,
    biasFactor: p.biasFactor,
    kT: p.kT,
    dt: p.dt,
    steps: p.steps,
    walkers: p.walkers,
    integrator: p.integrator,
    friction: p.friction,
    mass: p.mass,
    grid: { min, max, bins },
    colvarStride: p.colvarStride ?? p.pace,
    start: lowestGridPoint(system),
    ...(p.seeding ? { starts: seededStartBlocks(p.seeding, { tasks: 1, walkers: p.walkers, dim: system.dim, taskWord: 'run' })[0] } : {}),
    seed: p.seed,
  };
}
