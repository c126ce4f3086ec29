/**
 * The result of a finished molecular run for the API: CV and energy time series (thinned for
 * plotting), the FES the run saved (metadynamics) or, for umbrella windows, the WHAM analysis made
 * on the first request and cached in result.json (umbrella-result.ts).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ApiError, type MolecularResult } from '../schema';
import { decodeNpy } from '../engine/io/npy';
import { readBytes } from '../store/molecules';
import { projectWriteProblem } from '../store/write-access';
import { ENERGY_COLUMNS, molecularFiles } from '../runs/molecular/files';
import type { MolecularRunSummary } from '../runs/molecular/task';
import { umbrellaWindowFiles } from '../runs/molecular/umbrella-files';
import { metadWalkerFiles } from '../runs/molecular/walker-files';
import { analyseUmbrellaRun } from './umbrella-fes/molecular';
import type { MolecularRunFile } from '../runs/run-file';

async function readNpy(path: string): Promise<{ data: Float64Array; shape: number[] }> {
  const bytes = await readBytes(path);
  try {
    return decodeNpy(bytes, path);
  } catch (error) {
    throw new ApiError('bad-file', (error as Error).message, { path });
  }
}

/** Energy rows handed to the renderer (thinned evenly). */
const MAX_ENERGY_POINTS = 2000;

/** Reads a completed molecular run's result (the caller checks that the run is completed). */
export async function readMolecularResult(projectPath: string, file: MolecularRunFile): Promise<MolecularResult> {
  const runId = file.run.id;
  const job = file.job;
  const files = molecularFiles(projectPath, runId);
  let summary: MolecularRunSummary;
  // Umbrella runs: WHAM over the windows on the first request, cached in result.json.
  if (job.umbrella && !existsSync(files.result)) {
    // The analysis writes its merged tables next to the windows; where it cannot, say why instead of an I/O error.
    const writeProblem = await projectWriteProblem(projectPath);
    if (writeProblem) {
      throw new ApiError('conflict', `Read-only project: ${writeProblem} The umbrella windows of run "${file.run.name}" have not been analysed yet, and the analysis saves its result in the run folder; open the project where it can be written once to make it.`, { path: files.result });
    }
    try {
      analyseUmbrellaRun(projectPath, runId, job);
    } catch (error) {
      throw new ApiError('bad-file', `The umbrella windows of run "${file.run.name}" could not be analysed: ${(error as Error).message}`, { path: files.result });
    }
  }
  try {
    summary = JSON.parse(await readFile(files.result, 'utf8')) as MolecularRunSummary;
  } catch (error) {
    throw new ApiError('bad-file', `${files.result} is missing or damaged (${(error as Error).message}); resume the run to produce it.`, { path: files.result });
  }
  const cv = await readNpy(files.cvNpy);
  const nCv = job.cvs.length;
  const energies = await readNpy(files.energiesNpy);
  const width = ENERGY_COLUMNS.length;
  const rows = energies.data.length / width;
  const cvValues: number[][] = [];
  for (let r = 0; r < rows; r++) cvValues.push(Array.from(cv.data.subarray(r * nCv, (r + 1) * nCv)));
  const times = Array.from({ length: rows }, (_, r) => energies.data[r * width]);
  const stride = Math.max(1, Math.ceil(rows / MAX_ENERGY_POINTS));
  const thinned: MolecularResult['energies'] = [];
  for (let r = 0; r < rows; r += stride) {
    const e = energies.data.subarray(r * width, (r + 1) * width);
    thinned.push({ time: e[0], potential: e[1], kinetic: e[2], temperature: e[3], bias: e[4] });
  }
  const result: MolecularResult = {
    runId,
    cvNames: job.cvs.map((c) => c.name),
    cvPeriodic: job.cvs.map((c) => c.periodic),
    times,
    cvValues,
    energies: thinned,
    frames: summary.frames,
    temperature: job.temperature,
    files: { trajectory: files.trajectory, colvar: files.colvarText, cv: files.cvNpy, energies: files.energiesNpy },
  };
  if (summary.fes) {
    const fes = await readNpy(files.fesNpy);
    result.fes = {
      cvNames: summary.fes.cvNames,
      axes: summary.fes.axes,
      fes: Array.from(fes.data, (v) => (Number.isFinite(v) ? v : null)),
      source: summary.fes.source,
    };
    result.files.fes = files.fesNpy;
  }
  if (summary.basins) result.basins = summary.basins;
  if (summary.hills !== null) {
    result.hills = summary.hills;
    result.files.hills = files.hillsText;
  }
  // Multiple walkers: walker 0's trajectory here; getTrajectoryFrames reads every walker's, in order.
  if ((summary.walkers ?? 1) > 1) {
    result.walkers = summary.walkers;
    result.files.trajectory = metadWalkerFiles(projectPath, runId, 0).trajectory;
  }
  if (summary.umbrella) {
    result.umbrella = summary.umbrella;
    result.files.trajectory = umbrellaWindowFiles(projectPath, runId, 0).trajectory;
  }
  return result;
}
