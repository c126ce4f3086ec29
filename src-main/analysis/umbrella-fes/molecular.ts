/**
 * Analysis of a completed molecular umbrella run (main process, on the first getMolecularResult;
 * then cached in result.json): WHAM on the window samples of the restrained CVs (1D: wham1d;
 * 2D: wham2d; periodic axes for dihedrals, 60 bins of 6 degrees on [-pi, pi); other CVs 50 bins
 * over the sampled range), the FES in kJ/mol with basins labelled as for metadynamics
 * (runs/molecular/fes.ts), window free energies and mean deviations. It also writes the windows'
 * samples concatenated (cv.npy, energies.npy, COLVAR with a `window` column) so the result has
 * the shape of any molecular run: window k's times are offset by k x steps x dt.
 * The estimate is the shared umbrella-FES one (estimate.ts); the frames are read by
 * runs/molecular/umbrella-frames.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { decodeNpy, encodeNpy } from '../../engine/io/npy';
import { formatPlumedTable } from '../../engine/io/plumed';
import { binIndex, type GridAxis } from '../../engine/estimators/histogram';
import { WHAM_MIN_OVERLAP } from '../../engine/estimators/wham';
import { BOLTZMANN_KJ_PER_MOL_K } from '../../engine/molecules/dynamics/langevin';
import { periodicDifference, DIHEDRAL_PERIODICITY } from '../../engine/molecules/cv';
import { atomicWriteSync } from '../../store/atomic';
import type { MolecularJob } from '../../runs/run-file';
import { ENERGY_COLUMNS, molecularFiles } from '../../runs/molecular/files';
import { fesBasins, NONPERIODIC_BINS, PERIODIC_BINS, type GridFes } from '../../runs/molecular/fes';
import type { MolecularRunSummary } from '../../runs/molecular/task';
import { umbrellaWindowFiles } from '../../runs/molecular/umbrella-files';
import { estimateUmbrella } from './estimate';
import type { WindowRestraint } from './windows';

/** WHAM stops when no window free energy moves by more than this (kT) in an iteration. */
const WHAM_TOLERANCE = 1e-8;

type Umbrella = NonNullable<MolecularJob['umbrella']>;

function readWindowNpy(path: string): { data: Float64Array; shape: number[] } {
  if (!existsSync(path)) throw new Error(`${path} is missing; resume the run to produce it`);
  return decodeNpy(new Uint8Array(readFileSync(path)), path);
}

/** Histogram axis of a restrained CV: periodic on [-pi, pi), else the sampled range (padded if flat). */
function axisFor(periodic: boolean, samples: Float64Array[]): GridAxis {
  if (periodic) return { bins: PERIODIC_BINS, min: DIHEDRAL_PERIODICITY.min, max: DIHEDRAL_PERIODICITY.max, periodic: true };
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of samples) for (const v of s) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  return { bins: NONPERIODIC_BINS, min: lo, max: hi, periodic: false };
}

/** Runs the analysis and writes cv.npy, energies.npy, COLVAR, fes.npy and result.json (last). */
export function analyseUmbrellaRun(projectPath: string, runId: string, job: MolecularJob): MolecularRunSummary {
  const u: Umbrella = job.umbrella!;
  const files = molecularFiles(projectPath, runId);
  const kT = BOLTZMANN_KJ_PER_MOL_K * job.temperature;
  const nCv = job.cvs.length;
  const K = u.windows.length;
  const d = u.cvIndices.length;
  const periodic = u.cvIndices.map((i) => job.cvs[i].periodic);
  const sampleTime = job.steps * job.dt;
  const equilTime = u.equilibrationSteps * job.dt;

  // Per window: samples of each restrained CV; all CVs and energies concatenated.
  const restrained: Float64Array[][] = [];
  const cvParts: Float64Array[] = [];
  const energyParts: Float64Array[] = [];
  const samples: number[] = [];
  const meanDeviation: number[][] = [];
  for (let k = 0; k < K; k++) {
    const wf = umbrellaWindowFiles(projectPath, runId, k);
    const cv = readWindowNpy(wf.cvNpy);
    const en = readWindowNpy(wf.energiesNpy);
    const rows = cv.shape[0] ?? 0;
    if (cv.data.length !== rows * nCv || en.data.length !== rows * ENERGY_COLUMNS.length) {
      throw new Error(`${wf.cvNpy}: ${rows} samples do not match ${en.data.length / ENERGY_COLUMNS.length} energy rows`);
    }
    samples.push(rows);
    cvParts.push(cv.data);
    const e = en.data.slice();
    for (let r = 0; r < rows; r++) e[r * ENERGY_COLUMNS.length] += k * sampleTime - equilTime;
    energyParts.push(e);
    const per = u.cvIndices.map((ci) => Float64Array.from({ length: rows }, (_, r) => cv.data[r * nCv + ci]));
    restrained.push(per);
    meanDeviation.push(
      per.map((s, i) => {
        let sum = 0;
        for (const v of s) sum += periodicDifference(v - u.windows[k][i], periodic[i] ? DIHEDRAL_PERIODICITY : null);
        return rows ? sum / rows : NaN;
      }),
    );
  }
  const concat = (parts: Float64Array[]) => {
    const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const cvAll = concat(cvParts);
  const energies = concat(energyParts);
  const frames = samples.reduce((a, b) => a + b, 0);
  atomicWriteSync(files.cvNpy, encodeNpy(cvAll, [frames, nCv]));
  atomicWriteSync(files.energiesNpy, encodeNpy(energies, [frames, ENERGY_COLUMNS.length]));
  const windowOfRow = new Float64Array(frames);
  {
    let r = 0;
    samples.forEach((n, k) => windowOfRow.fill(k, r, (r += n)));
  }
  const ew = ENERGY_COLUMNS.length;
  const fields = ['time', ...job.cvs.map((c) => c.name), 'restraint.bias', 'window'];
  const columns = [
    Float64Array.from({ length: frames }, (_, r) => energies[r * ew]),
    ...job.cvs.map((_, c) => Float64Array.from({ length: frames }, (_, r) => cvAll[r * nCv + c])),
    Float64Array.from({ length: frames }, (_, r) => energies[r * ew + 4]),
    windowOfRow,
  ];
  atomicWriteSync(files.colvarText, formatPlumedTable(fields, columns));

  // WHAM on the restrained CVs.
  const names = u.cvIndices.map((i) => job.cvs[i].name);
  const restraints: WindowRestraint[] = u.windows.map((c, k) => ({ centers: [...c], springs: [...u.springs], label: `window ${k}` }));
  const axes: GridAxis[] = Array.from({ length: d }, (_, i) => axisFor(periodic[i], restrained.map((w) => w[i])));
  const r = estimateUmbrella({ restraints, axes, kT, estimator: 'wham' }, restrained, { tolerance: WHAM_TOLERANCE });
  const grid: GridFes = d === 1
    ? { axes: [r.wham1d!.centers], fes: r.pmf, periodic: [periodic[0]] }
    : { axes: [r.wham2d!.xCenters, r.wham2d!.yCenters], fes: r.pmf, periodic: [periodic[0], periodic[1]] };
  const windowFreeEnergies = r.windowFreeEnergies;
  let warnings = r.warnings;
  warnings = [...warnings, ...overlapWarnings(u, restrained, axes)];
  const shape = grid.axes.map((a) => a.length);
  atomicWriteSync(files.fesNpy, encodeNpy(grid.fes, shape));
  const summary: MolecularRunSummary = {
    schemaVersion: 1,
    frames,
    hills: null,
    minimization: null,
    fes: { cvNames: names, axes: grid.axes.map((a) => Array.from(a)), shape, source: 'umbrella' },
    basins: fesBasins(grid, names, kT),
    umbrella: {
      cvNames: names,
      centers: u.windows.map((c) => [...c]),
      springs: [...u.springs],
      windowFreeEnergies: Array.from(windowFreeEnergies),
      samples,
      meanDeviation,
      warnings,
    },
  };
  atomicWriteSync(files.result, JSON.stringify(summary, null, 2) + '\n');
  return summary;
}

/**
 * Neighbouring windows on the grid (next centre along one CV, wrapping on periodic CVs) whose
 * sample histograms on the WHAM bins overlap by less than WHAM_MIN_OVERLAP (sum_b min(p_i, p_j)):
 * WHAM cannot tie their free energies together, so differences across that gap are undetermined.
 */
function overlapWarnings(u: Umbrella, restrained: Float64Array[][], axes: GridAxis[]): string[] {
  const hist = restrained.map((per) => {
    const h = new Map<number, number>();
    const n = per[0].length;
    for (let r = 0; r < n; r++) {
      let b = 0;
      for (let i = 0; i < axes.length; i++) b = b * axes[i].bins + binIndex(axes[i], per[i][r]);
      h.set(b, (h.get(b) ?? 0) + 1 / n);
    }
    return h;
  });
  const overlap = (i: number, j: number) => {
    let o = 0;
    for (const [b, p] of hist[i]) o += Math.min(p, hist[j].get(b) ?? 0);
    return o;
  };
  const gaps: string[] = [];
  const [n0, n1 = 1] = u.shape;
  const index = (a: number, b: number) => a * n1 + b;
  const pairs: [number, number][] = [];
  for (let a = 0; a < n0; a++) for (let b = 0; b < n1; b++) {
    if (a + 1 < n0) pairs.push([index(a, b), index(a + 1, b)]);
    if (b + 1 < n1) pairs.push([index(a, b), index(a, b + 1)]);
  }
  for (const [i, j] of pairs) if (overlap(i, j) < WHAM_MIN_OVERLAP) gaps.push(`${i}-${j}`);
  if (!gaps.length) return [];
  const shown = gaps.slice(0, 8).join(', ') + (gaps.length > 8 ? `, ... (${gaps.length} pairs)` : '');
  return [
    `neighbouring windows ${shown} barely overlap (< ${WHAM_MIN_OVERLAP * 100}% shared histogram): free energies across those gaps are undetermined; add windows in between or use softer springs`,
  ];
}
