/**
 * A molecular run's 2D free-energy surface as a display grid (degrees for dihedral CVs, the
 * header's energy unit), its local minima with Ramachandran names, and its CSV. The figures that
 * draw it are moleculesPlots.ts; this module has no plotting so the pure helpers stay light.
 */
import { DEG_PER_RAD } from '../../shared/angles';
import { shownEnergy, type ShownEnergy } from '../../shared/units';
import { basinLabel } from './molecules';

/** Molecular energies as the API gives them (kJ/mol): the default where no unit is passed. */
export const KJ: ShownEnergy = shownEnergy({ unit: 'kJ/mol', kT: 1 }, 'kJ/mol');

/** A 2D FES in display units: values[i * ny + j] at (x[i], y[j]), in `unit` (default kJ/mol), minimum 0. */
export interface FesGrid {
  /** Energy unit of `values` (shared/units.ts label), its CSV column suffix, and values per kJ/mol. */
  unit: string;
  column: string;
  perKJ: number;
  nx: number;
  ny: number;
  x: number[];
  y: number[];
  values: Float64Array;
  periodic: [boolean, boolean];
  xName: string;
  yName: string;
}

/** An axis in display units: a periodic CV in radians is shown in degrees. */
export function toDisplay(axis: number[], periodic: boolean): number[] {
  if (!periodic) return axis.slice();
  const span = Math.max(...axis.map(Math.abs));
  return span <= 2 * Math.PI + 1e-6 ? axis.map((v) => v * DEG_PER_RAD) : axis.slice();
}

/** The backend's row-major grid (first CV slowest) as a display grid; null unless 2D and consistent. */
export function fesGrid(axes: number[][], fes: (number | null)[], periodic: boolean[], names: string[], energy: ShownEnergy = KJ): FesGrid | null {
  if (axes.length !== 2) return null;
  const nx = axes[0].length;
  const ny = axes[1].length;
  if (nx < 2 || ny < 2 || fes.length !== nx * ny) return null;
  const values = new Float64Array(nx * ny);
  let min = Infinity;
  for (let k = 0; k < values.length; k++) {
    const v = fes[k];
    values[k] = v === null || v === undefined || !Number.isFinite(v) ? Infinity : v;
    if (values[k] < min) min = values[k];
  }
  if (Number.isFinite(min)) for (let k = 0; k < values.length; k++) values[k] = (values[k] - min) * energy.factor;
  const per: [boolean, boolean] = [!!periodic[0], !!periodic[1]];
  return { unit: energy.label, column: energy.column, perKJ: energy.factor, nx, ny, x: toDisplay(axes[0], per[0]), y: toDisplay(axes[1], per[1]), values, periodic: per, xName: names[0] ?? 'CV 1', yName: names[1] ?? 'CV 2' };
}

/** Colour ceiling: the sampled range, at most `limit` kJ/mol (unvisited corners would wash out the basins). */
export function fesCeiling(grid: FesGrid, limit = 50): number {
  let max = 0;
  for (const v of grid.values) if (Number.isFinite(v) && v > max) max = v;
  return Math.max(grid.perKJ, Math.min(limit * grid.perKJ, max));
}

export interface LabelledMinimum {
  /** CV values in display units (degrees for periodic CVs). */
  at: [number, number];
  /** Free energy at the minimum (kJ/mol, relative to the global minimum). */
  value: number;
  label: string | null;
}

/**
 * Local minima of a 2D FES grid (a node lower than every node within `radius` nodes, periodic
 * axes wrapped), lowest first, at most `max` and below `ceiling`. A fallback when the backend
 * returns no basins; it also places labels on the live preview.
 */
export function gridMinima(grid: FesGrid, radius = 3, ceiling = 30, max = 6): LabelledMinimum[] {
  const { nx, ny, values, x, y, periodic } = grid;
  const out: LabelledMinimum[] = [];
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const v = values[i * ny + j];
      if (!Number.isFinite(v) || v > ceiling * grid.perKJ) continue;
      let isMin = true;
      for (let di = -radius; di <= radius && isMin; di++) {
        for (let dj = -radius; dj <= radius; dj++) {
          if (di === 0 && dj === 0) continue;
          let a = i + di;
          let b = j + dj;
          if (periodic[0]) a = (a + nx) % nx;
          else if (a < 0 || a >= nx) continue;
          if (periodic[1]) b = (b + ny) % ny;
          else if (b < 0 || b >= ny) continue;
          const w = values[a * ny + b];
          // Ties broken by index so a flat bottom yields one minimum.
          if (w < v || (w === v && a * ny + b < i * ny + j)) {
            isMin = false;
            break;
          }
        }
      }
      if (isMin) out.push({ at: [x[i], y[j]], value: v, label: periodic[0] && periodic[1] ? basinLabel(x[i], y[j]) : null });
    }
  }
  out.sort((p, q) => p.value - q.value);
  // One name per conformer: the lowest minimum near it keeps the name.
  const used = new Set<string>();
  for (const m of out) {
    if (m.label && used.has(m.label)) m.label = null;
    else if (m.label) used.add(m.label);
  }
  return out.slice(0, max);
}

/** CSV of a 2D FES grid: one row per node. */
export function fesCsv(grid: FesGrid): string {
  const lines = [`${grid.xName},${grid.yName},free_energy_${grid.column}`];
  for (let i = 0; i < grid.nx; i++) for (let j = 0; j < grid.ny; j++) {
    const v = grid.values[i * grid.ny + j];
    lines.push(`${grid.x[i]},${grid.y[j]},${Number.isFinite(v) ? v : ''}`);
  }
  return lines.join('\n') + '\n';
}
