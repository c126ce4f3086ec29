/**
 * The free-energy surface of an imported PLUMED HILLS file: minus the sum of its Gaussian hills,
 * scaled by biasf/(biasf-1) for well-tempered metadynamics (what `plumed sum_hills` prints), on a
 * grid over the CVs' periodic range or, for a CV without one, the hill centres +- 3 sigma.
 * Pure (strings in, numbers out): the API stores the files, this computes what is shown.
 */
import { InputFileError } from '../../engine/io/errors';
import { parseHills, parsePlumedTable, type HillsData } from '../../engine/io/plumed';
import type { ImportedFes, ImportedHillsResult } from '../../schema/imports';

/** Grid points per axis: fine enough for hills of width >= 1/50 of the range (each hill spans >= 6 points). */
export const HILLS_BINS_1D = 200;
export const HILLS_BINS_2D = 80;

interface Axis { name: string; min: number; max: number; bins: number; periodic: boolean }

function hillsAxes(h: HillsData): Axis[] {
  const d = h.cvNames.length;
  const bins = d === 1 ? HILLS_BINS_1D : HILLS_BINS_2D;
  return h.cvNames.map((name, i) => {
    const p = h.periodic[i];
    if (p) return { name, min: p.min, max: p.max, bins, periodic: true };
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < h.heights.length; k++) {
      const c = h.centers[k * d + i];
      const s = h.sigmas[k * d + i];
      lo = Math.min(lo, c - 3 * s);
      hi = Math.max(hi, c + 3 * s);
    }
    return { name, min: lo, max: hi, bins, periodic: false };
  });
}

/** Bin centres: a periodic axis is cut in `bins` equal cells; a plain one includes both ends. */
function axisCenters(a: Axis): number[] {
  const w = a.periodic ? (a.max - a.min) / a.bins : (a.max - a.min) / Math.max(1, a.bins - 1);
  return Array.from({ length: a.bins }, (_, i) => a.min + (a.periodic ? (i + 0.5) * w : i * w));
}

/** Distance from the hill centre, the minimum image on a periodic axis. */
function delta(x: number, c: number, a: Axis): number {
  let dx = x - c;
  if (a.periodic) {
    const L = a.max - a.min;
    dx -= L * Math.round(dx / L);
  }
  return dx;
}

/** F(s) = -(biasf/(biasf-1)) * V(s) (-V(s) when biasf <= 1), shifted so its minimum is 0. */
export function fesFromHills(h: HillsData, energyUnit: string): ImportedFes {
  const axes = hillsAxes(h);
  const centers = axes.map(axisCenters);
  const d = axes.length;
  const n = h.heights.length;
  const nx = centers[0].length;
  const ny = d === 2 ? centers[1].length : 1;
  const bias = new Float64Array(nx * ny);
  for (let k = 0; k < n; k++) {
    const hk = h.heights[k];
    // Per axis: the Gaussian factor at every grid centre (the 2D hill is their product).
    const gx = centers[0].map((x) => {
      const z = delta(x, h.centers[k * d], axes[0]) / h.sigmas[k * d];
      return Math.exp(-0.5 * z * z);
    });
    const gy = d === 2 ? centers[1].map((y) => {
      const z = delta(y, h.centers[k * d + 1], axes[1]) / h.sigmas[k * d + 1];
      return Math.exp(-0.5 * z * z);
    }) : [1];
    for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) bias[i * ny + j] += hk * gx[i] * gy[j];
  }
  const bf = n ? h.biasFactor[n - 1] : 1;
  const scale = bf > 1 ? bf / (bf - 1) : 1;
  const fes = Array.from(bias, (v) => -scale * v);
  const lowest = Math.min(...fes);
  return { axes, centers, values: fes.map((v) => v - lowest), energyUnit };
}

/** The whole HILLS (+ COLVAR) import result; bad input throws InputFileError naming file and line. */
export function importedHillsResult(
  record: ImportedHillsResult['record'],
  hills: { fileName: string; text: string },
  colvar: { fileName: string; text: string } | null,
): ImportedHillsResult {
  const data = parseHills(hills.text, hills.fileName);
  if (data.heights.length === 0) throw new InputFileError(hills.fileName, null, 'no hills (only a header)');
  const table = colvar ? parsePlumedTable(colvar.text, colvar.fileName) : null;
  return {
    kind: 'hills',
    record,
    // PLUMED writes heights in its energy unit, kJ/mol unless the input set UNITS.
    fes: fesFromHills(data, 'kJ/mol (PLUMED default unit of the HILLS heights)'),
    hills: data.heights.length,
    biasFactor: data.biasFactor[data.heights.length - 1],
    colvar: table && colvar ? { fileName: colvar.fileName, fields: table.fields, columns: table.columns.map((c) => Array.from(c)) } : null,
  };
}
