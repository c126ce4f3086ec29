/**
 * Learned collective variables: a diffusion map (engine/cv) of the frames of a completed
 * metadynamics run. The call is answered by an analysis thread (analysis/thread.ts), so
 * the eigenproblem never blocks the main process; the result is stored under
 * analyses/<runId>/dmap.json + dmap-coordinates.npy (frames x K float64, reusable as a CV).
 *
 * Frames: every row of runs/<id>/colvar.npy (every walker, every colvarStride steps), at most
 * MAX_FRAMES of them evenly strided. Distances are taken in the chosen coordinates; for the
 * embedded system the default is the observed q1..q3 (the engine's observe() of the hidden
 * x, y), which is the point of that system: the slow x must be learned from them.
 * alpha = 1 removes the sampling density, so the metadynamics bias does not distort psi.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../../schema/errors';
import type { DiffusionMapOptions, DiffusionMapOutput } from '../../schema';
import { diffusionMap } from '../../engine/cv';
import { EngineInputError } from '../../engine/errors';
import { encodeNpy } from '../../engine/io/npy';
import { createSystem, Embedded, type ToySystem } from '../../engine/systems';
import { spearman } from '../../engine/stats/rank-correlation';
import { colvarFields, metadFiles } from '../../runs/metad/files';
import { atomicWrite, ioError } from '../../store/atomic';
import { analysisDir, nowIso } from '../../store/project';
import { type MetadRunFile } from '../../runs/run-file';
import { readNpyFile } from '../npy-file';

/** Frames beyond this are strided away (Nystrom costs frames x landmarks kernel evaluations). */
export const MAX_FRAMES = 50_000;
/** Default landmark count: dense eigen-solver up to 800, Lanczos on an m x m kernel above. */
export const DEFAULT_LANDMARKS = 1500;

export type { DiffusionMapOptions };

// ---------------------------------------------------------------- frames

interface Frames {
  /** colvar rows used. */
  rows: Int32Array;
  framesInRun: number;
  /** name -> per-frame values (system coordinates, observed coordinates, bias, time). */
  variables: Map<string, Float64Array>;
  systemCoordinates: string[];
  observedCoordinates: string[];
}

async function loadFrames(projectPath: string, file: MetadRunFile, system: ToySystem): Promise<Frames> {
  const path = metadFiles(projectPath, file.run.id).colvarNpy;
  const colvar = await readNpyFile(path);
  const fields = colvarFields(system.coordinateNames);
  if (colvar.shape.length !== 2 || colvar.shape[1] !== fields.length) {
    throw new ApiError('bad-file', `${path} has shape [${colvar.shape.join(', ')}]; expected [rows, ${fields.length}] (${fields.join(', ')}).`, { path });
  }
  const total = colvar.shape[0];
  const stride = Math.max(1, Math.ceil(total / MAX_FRAMES));
  const n = Math.ceil(total / stride);
  const rows = Int32Array.from({ length: n }, (_, i) => i * stride);
  const column = (j: number) => Float64Array.from(rows, (r) => colvar.data[r * fields.length + j]);
  const variables = new Map<string, Float64Array>();
  system.coordinateNames.forEach((name, d) => variables.set(name, column(2 + d)));
  const observedCoordinates: string[] = [];
  if (system instanceof Embedded) {
    const xy = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      xy[2 * i] = variables.get('x')![i];
      xy[2 * i + 1] = variables.get('y')![i];
    }
    const q = system.observe(xy, n);
    system.observedNames.forEach((name, k) => {
      observedCoordinates.push(name);
      variables.set(name, Float64Array.from({ length: n }, (_, i) => q[3 * i + k]));
    });
  }
  variables.set('metad.bias', column(fields.indexOf('metad.bias')));
  variables.set('time', column(0));
  return { rows, framesInRun: total, variables, systemCoordinates: [...system.coordinateNames], observedCoordinates };
}

// ---------------------------------------------------------------- the analysis

/** Runs in the analysis thread: reads the frames, computes the map, writes analyses/<runId>/. */
export async function computeDiffusionMapAnalysis(projectPath: string, file: MetadRunFile, options: DiffusionMapOptions): Promise<DiffusionMapOutput> {
  const began = performance.now();
  const system = createSystem(file.job.system);
  const frames = await loadFrames(projectPath, file, system);
  const n = frames.rows.length;
  const allowed = [...frames.systemCoordinates, ...frames.observedCoordinates];
  const inputCoordinates = options.coordinates ?? (frames.observedCoordinates.length ? frames.observedCoordinates : frames.systemCoordinates);
  const unknown = inputCoordinates.filter((c) => !allowed.includes(c));
  if (unknown.length) {
    throw new ApiError('invalid-input', `coordinates: ${unknown.map((c) => `'${c}'`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a coordinate of the ${file.job.system.kind} system (choose from ${allowed.join(', ')}).`);
  }
  if (new Set(inputCoordinates).size !== inputCoordinates.length) throw new ApiError('invalid-input', 'coordinates: each coordinate may be listed once.');
  const colorNames = [...frames.variables.keys()];
  const colorBy = options.colorBy ?? frames.systemCoordinates[0];
  if (!frames.variables.has(colorBy)) throw new ApiError('invalid-input', `colorBy: '${colorBy}' is not a variable of this run (choose from ${colorNames.join(', ')}).`);
  if (n < 10) throw new ApiError('invalid-input', `The run "${file.run.name}" has ${n} frames; a diffusion map needs at least 10.`);
  const landmarks = options.landmarks ?? Math.min(n, DEFAULT_LANDMARKS);
  if (landmarks > n) throw new ApiError('invalid-input', `landmarks: at most the number of frames, ${n} (got ${landmarks}).`);
  if (options.components > landmarks - 2) {
    throw new ApiError('invalid-input', `components: at most ${landmarks - 2} for ${landmarks} landmark points (got ${options.components}).`);
  }

  const dim = inputCoordinates.length;
  const points = new Float64Array(n * dim);
  inputCoordinates.forEach((name, d) => {
    const v = frames.variables.get(name)!;
    for (let i = 0; i < n; i++) points[i * dim + d] = v[i];
  });

  let result: ReturnType<typeof diffusionMap>;
  try {
    result = diffusionMap(points, n, dim, { components: options.components, epsilon: options.epsilon, alpha: options.alpha, landmarks, seed: options.seed });
  } catch (error) {
    if (error instanceof EngineInputError) throw new ApiError('invalid-input', error.message);
    throw error;
  }
  const K = options.components;
  const psi1 = Float64Array.from({ length: n }, (_, i) => result.coordinates[i * K]);

  const warnings: string[] = [];
  if (frames.framesInRun > n) warnings.push(`Used every ${Math.ceil(frames.framesInRun / n)}th of ${frames.framesInRun} frames (limit ${MAX_FRAMES}).`);
  if (result.eigenvalues[0] > 1 - 1e-8) {
    warnings.push(`lambda_1 = ${result.eigenvalues[0]} is 1 to 1e-8: the kernel graph is (nearly) disconnected at epsilon = ${result.epsilon}; try a larger epsilon.`);
  }

  // Display: at most maxPoints frames, evenly spaced in frame order.
  const shownStride = Math.max(1, Math.ceil(n / options.maxPoints));
  const shown: number[] = [];
  for (let i = 0; i < n; i += shownStride) shown.push(i);
  const display = {
    rows: shown.map((i) => frames.rows[i]),
    coordinates: Array.from({ length: K }, (_, k) => shown.map((i) => result.coordinates[i * K + k])),
    variables: colorNames.map((name) => ({ name, values: shown.map((i) => frames.variables.get(name)![i]) })),
  };
  const scan = result.epsilonScan;
  const dir = analysisDir(projectPath, file.run.id);
  const files = { json: join(dir, 'dmap.json'), coordinates: join(dir, 'dmap-coordinates.npy') };
  const output: DiffusionMapOutput = {
    runId: file.run.id,
    inputCoordinates: [...inputCoordinates],
    frames: n,
    framesInRun: frames.framesInRun,
    components: K,
    eigenvalues: Array.from(result.eigenvalues),
    epsilon: result.epsilon,
    epsilonMode: options.epsilon === 'auto' ? 'auto' : 'given',
    epsilonScan: scan
      ? {
          grid: Array.from(scan.grid),
          logSum: Array.from(scan.logSum),
          slope: Array.from(scan.slope, (v) => (Number.isFinite(v) ? v : null)),
          maxSlope: scan.maxSlope,
          maxSlopeEpsilon: scan.maxSlopeEpsilon,
          nearestNeighbourFloor: scan.nearestNeighbourFloor,
          pointsUsed: scan.pointsUsed,
        }
      : null,
    alpha: options.alpha,
    landmarks,
    solver: result.solver,
    seconds: 0,
    display,
    colorBy,
    correlations: frames.systemCoordinates.map((coordinate) => ({ coordinate, spearman: spearman(psi1, frames.variables.get(coordinate)!) })),
    warnings,
    files,
  };
  output.seconds = (performance.now() - began) / 1000;

  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw ioError(error, dir, 'create');
  }
  await atomicWrite(files.coordinates, encodeNpy(result.coordinates, [n, K]));
  // The JSON keeps what reuses the map as a CV: the model (landmarks, q^-alpha, psi) extends it to new points.
  const model = result.model;
  await atomicWrite(
    files.json,
    JSON.stringify({
      schemaVersion: 1,
      kind: 'dmap',
      created: nowIso(),
      runId: file.run.id,
      colvarRows: Array.from(frames.rows),
      result: { ...output, display: undefined },
      model: {
        dim: model.dim, epsilon: model.epsilon, alpha: model.alpha, t: model.t, components: model.components,
        landmarkCount: model.landmarkCount, landmarks: Array.from(model.landmarks), qAlpha: Array.from(model.qAlpha),
        eigenvalues: Array.from(model.eigenvalues), psi: Array.from(model.psi),
      },
    }) + '\n',
  );
  return output;
}
