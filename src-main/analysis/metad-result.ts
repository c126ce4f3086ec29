/**
 * The result of a finished metadynamics run: the FES on the bias grid (with the exact surface
 * where the system has one), hill heights against time (the well-tempered decay shows
 * convergence), and c(t)-reweighted profiles along every coordinate of the system.
 * The reweighting constants here are shared by regions and learned-CV analyses of metadynamics runs.
 */
import { readFile } from 'node:fs/promises';
import { ApiError } from '../schema/errors';
import type { MetadResult } from '../schema';
import { createSystem } from '../engine/systems';
import { parseHills } from '../engine/io/plumed';
import { exactProfile } from '../engine/estimators/exact';
import { ctLogWeights, reweightedProfile } from '../engine/estimators/reweight';
import { colvarFields, metadFiles } from '../runs/metad/files';
import { createMetadBias } from '../runs/metad/task';
import type { MetadJob, MetadRunFile } from '../runs/run-file';
import { readNpyFile as readNpy } from './npy-file';

/** Frames from the first part of a run, while the bias still grows fast, are left out of reweighting. */
export const REWEIGHT_DISCARD_FRACTION = 0.2;
const REWEIGHT_BINS = 100;

/** Hill heights are plotted, not analysed: at most this many points cross to the renderer. */
const MAX_PLOT_POINTS = 2000;

function thin(time: Float64Array, height: Float64Array, max: number): { time: number[]; height: number[] } {
  const stride = Math.max(1, Math.ceil(time.length / max));
  const out = { time: [] as number[], height: [] as number[] };
  for (let i = 0; i < time.length; i += stride) {
    out.time.push(time[i]);
    out.height.push(height[i]);
  }
  return out;
}

const nullIfNaN = (v: number) => (Number.isFinite(v) ? v : null);

/** Exact FES on the metadynamics grid, min 0: -kT ln of the Boltzmann marginal along the CVs. */
export function exactOnGrid(job: MetadJob, axes: Float64Array[]): number[] | undefined {
  const system = createSystem(job.system);
  // Quadrature (and F = V on two CVs) holds for 1D and 2D systems only.
  if (system.dim > 2) return undefined;
  if (axes.length === 1) return Array.from(exactProfile(system, job.cvIndices[0], job.kT, axes[0]));
  // Both coordinates of a 2D system are CVs: F = V up to a constant.
  const probe = new Float64Array(system.dim);
  const out: number[] = [];
  for (const a of axes[0]) {
    for (const b of axes[1]) {
      probe[job.cvIndices[0]] = a;
      probe[job.cvIndices[1]] = b;
      out.push(system.energy(probe, 0));
    }
  }
  const min = Math.min(...out);
  return out.map((v) => v - min);
}

export async function computeMetadResult(projectPath: string, file: MetadRunFile): Promise<MetadResult> {
  const job = file.job;
  const files = metadFiles(projectPath, file.run.id);
  const system = createSystem(job.system);
  const axes = createMetadBias(job).axes();
  const fes = await readNpy(files.fesNpy);
  const nodes = axes.reduce((n, a) => n * a.length, 1);
  if (fes.data.length !== nodes) {
    throw new ApiError('bad-file', `${files.fesNpy} holds ${fes.data.length} values; the run's grid has ${nodes}.`, { path: files.fesNpy });
  }

  let hillsText: string;
  try {
    hillsText = await readFile(files.hillsText, 'utf8');
  } catch {
    throw new ApiError('not-found', `${files.hillsText} is missing; resume the run to produce it.`, { path: files.hillsText });
  }
  const hills = parseHills(hillsText, files.hillsText);

  const fields = colvarFields(system.coordinateNames);
  const colvar = await readNpy(files.colvarNpy);
  if (colvar.shape.length !== 2 || colvar.shape[1] !== fields.length) {
    throw new ApiError('bad-file', `${files.colvarNpy} has shape [${colvar.shape.join(', ')}]; expected [rows, ${fields.length}].`, { path: files.colvarNpy });
  }
  const rows = colvar.shape[0];
  const first = Math.floor(rows * REWEIGHT_DISCARD_FRACTION);
  const column = (j: number) => {
    const out = new Float64Array(rows - first);
    for (let r = first; r < rows; r++) out[r - first] = colvar.data[r * fields.length + j];
    return out;
  };
  const biasColumn = fields.indexOf('metad.bias');
  const rctColumn = fields.indexOf('metad.rct');
  const reweighted: MetadResult['reweighted'] = [];
  if (rows - first > 0) {
    const logWeights = ctLogWeights(column(biasColumn), column(rctColumn), job.kT);
    system.coordinateNames.forEach((name, d) => {
      const [lo, hi] = system.domain[d];
      const profile = reweightedProfile(column(2 + d), logWeights, { bins: REWEIGHT_BINS, min: lo, max: hi, kT: job.kT });
      reweighted.push({
        coordinate: name,
        centers: Array.from(profile.centers),
        pmf: Array.from(profile.fes, nullIfNaN),
        ...(system.dim <= 2 ? { exact: Array.from(exactProfile(system, d, job.kT, profile.centers)) } : {}),
        effectiveSamples: profile.effectiveSampleSize,
      });
    });
  }

  const exactGrid = exactOnGrid(job, axes);
  return {
    runId: file.run.id,
    cvNames: job.cvNames,
    kT: job.kT,
    biasFactor: job.biasFactor,
    axes: axes.map((a) => Array.from(a)),
    fes: Array.from(fes.data),
    ...(exactGrid ? { exact: exactGrid } : {}),
    hills: hills.time.length,
    hillHeights: thin(hills.time, hills.heights, MAX_PLOT_POINTS),
    reweighted,
    files: { hills: files.hillsText, colvar: files.colvarText, fes: files.fesNpy },
  };
}
