/**
 * Using a stored diffusion map (diffusion-map.ts, analyses/<runId>/dmap.json) as a CV:
 *  - learnedCvFes: the free energy along psi_k of the run's own frames by c(t) reweighting
 *    (Tiwary-Parrinello weights, first REWEIGHT_DISCARD_FRACTION of the rows left out as in
 *    analysis/metad-result.ts), with exact references where the system has them;
 *  - restrictToLearnedCv: psi of new points by the stored Nystrom extension (the restriction
 *    operator R from observations to the learned CV);
 *  - sampleEmbeddedCheck: R applied to fresh exact samples of the embedded system at fixed hidden
 *    x (y ~ p(y | x) = N(f(x), s^2 kT), then observed), against psi_1(x) of the map.
 * All three run in an analysis thread (analysis/thread.ts).
 *
 * Exact references for F(psi_k):
 *  - `exact`: when psi_k is a monotone function g of a coordinate z with an exact marginal F(z)
 *    (embedded system: psi_1 and the hidden slow x), p_psi is the push-forward of p_z through g,
 *    so F(psi) = F(z) + kT ln|g'(z)|: the profile is NOT F(z) relabelled. To avoid
 *    differentiating a noisy g, the bin probabilities are integrated instead:
 *    P(psi in bin b) = P(z in g^-1(bin b)) = integral of exp(-F(z)/kT) over the z with g(z) in b
 *    (fine quadrature grid, g linear between knots). g: the median of psi_k per z bin over the
 *    map's frames (the median is robust to the y-scatter of psi at fixed z), made monotone by
 *    pool-adjacent-violators in the direction of the rank correlation. The one approximation:
 *    psi also depends weakly on the fast y, which blurs p_psi by the spread of psi at fixed z
 *    (sampleEmbeddedCheck measures it).
 *  - `exactPushforward` (2D systems): no such approximation: the exact Boltzmann density of (x, y)
 *    on a quadrature grid, each node mapped through the learned CV itself (observe + Nystrom),
 *    histogrammed into the same bins. It is the exact distribution of the CV the frames were
 *    reweighted along.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../../schema/errors';
import {
  LEARNED_CV_MAX_POINTS,
  type LearnedCvFesOptions,
  type RestrictToLearnedCvOptions,
  type SampleEmbeddedCheckOptions,
  type LearnedCvFesOutput,
  type RestrictToLearnedCvOutput,
  type SampleEmbeddedCheckOutput,
} from '../../schema';
import { spearman } from '../../engine/stats/rank-correlation';
import { isotonic } from '../../engine/stats/isotonic';
import { REWEIGHT_DISCARD_FRACTION } from '../metad-result';
import { extendDiffusionMap, type DiffusionMapModel } from '../../engine/cv';
import { EngineInputError } from '../../engine/errors';
import { exactProfile } from '../../engine/estimators/exact';
import { ctLogWeights, reweightedProfile } from '../../engine/estimators/reweight';
import { Rng } from '../../engine/random';
import { createSystem, Embedded, type ToySystem } from '../../engine/systems';
import { colvarFields, metadFiles } from '../../runs/metad/files';
import { analysisDir } from '../../store/project';
import { type MetadRunFile } from '../../runs/run-file';
import { readNpyFile } from '../npy-file';

/** Kept for callers of the old place. */
export { isotonic } from '../../engine/stats/isotonic';

export type LearnedCvCall =
  | ({ op: 'fes' } & LearnedCvFesOptions)
  | ({ op: 'restrict' } & RestrictToLearnedCvOptions)
  | ({ op: 'sample-check' } & SampleEmbeddedCheckOptions);
export type LearnedCvResult = LearnedCvFesOutput | RestrictToLearnedCvOutput | SampleEmbeddedCheckOutput;

/** Relation psi(z): z bins over the map's frames, a bin's median kept when it holds this many frames. */
const RELATION_BINS = 40;
const RELATION_MIN_FRAMES = 10;
/** |Spearman| above which psi_k counts as a monotone function of z (the exact reference is then given). */
const MONOTONE_SPEARMAN = 0.95;
/** Quadrature nodes along z for the mapped exact profile. */
const MAPPED_QUADRATURE = 20_000;
/** (x, y) quadrature grid for the exact push-forward; nodes above Vmin + CUT kT are skipped (weight < e^-25). */
const PUSHFORWARD_GRID: [number, number] = [240, 120];
const PUSHFORWARD_CUT_KT = 25;

// ---------------------------------------------------------------- stored map and frames

interface StoredMap {
  model: DiffusionMapModel;
  colvarRows: Int32Array;
  inputCoordinates: string[];
  /** frames x K diffusion coordinates of the map's frames. */
  coordinates: Float64Array;
}

async function readBytes(path: string, missing: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError('not-found', missing, { path });
    throw new ApiError('io', `Cannot read ${path}: ${(error as Error).message}`, { path });
  }
}

async function loadStoredMap(projectPath: string, file: MetadRunFile): Promise<StoredMap> {
  const dir = analysisDir(projectPath, file.run.id);
  const jsonPath = join(dir, 'dmap.json');
  const noMap = `The run "${file.run.name}" has no diffusion map yet; compute one first (Learned CVs, computeDiffusionMap).`;
  const text = (await readBytes(jsonPath, noMap)).toString('utf8');
  let stored: { kind?: string; colvarRows?: number[]; result?: { inputCoordinates?: string[] }; model?: Record<string, unknown> };
  try {
    stored = JSON.parse(text);
  } catch (error) {
    throw new ApiError('bad-file', `${jsonPath} is not valid JSON: ${(error as Error).message}`, { path: jsonPath });
  }
  const m = stored.model as Record<string, number & number[]> | undefined;
  if (stored.kind !== 'dmap' || !m || !Array.isArray(stored.colvarRows) || !Array.isArray(stored.result?.inputCoordinates)) {
    throw new ApiError('bad-file', `${jsonPath} is not a stored diffusion map (recompute it).`, { path: jsonPath });
  }
  const model: DiffusionMapModel = {
    dim: m.dim, epsilon: m.epsilon, alpha: m.alpha, t: m.t, components: m.components, landmarkCount: m.landmarkCount,
    landmarks: Float64Array.from(m.landmarks), qAlpha: Float64Array.from(m.qAlpha), eigenvalues: Float64Array.from(m.eigenvalues), psi: Float64Array.from(m.psi),
  };
  if (model.landmarks.length !== model.landmarkCount * model.dim || model.psi.length !== model.landmarkCount * model.components || model.dim !== stored.result!.inputCoordinates!.length) {
    throw new ApiError('bad-file', `${jsonPath}: the stored model's arrays do not match its sizes (recompute the map).`, { path: jsonPath });
  }
  const coordPath = join(dir, 'dmap-coordinates.npy');
  const coords = await readNpyFile(coordPath, `${coordPath} is missing; recompute the diffusion map.`);
  if (coords.shape.length !== 2 || coords.shape[0] !== stored.colvarRows.length || coords.shape[1] !== model.components) {
    throw new ApiError('bad-file', `${coordPath} has shape [${coords.shape.join(', ')}]; dmap.json expects [${stored.colvarRows.length}, ${model.components}] (recompute the map).`, { path: coordPath });
  }
  return { model, colvarRows: Int32Array.from(stored.colvarRows), inputCoordinates: stored.result!.inputCoordinates!, coordinates: coords.data };
}

async function loadColvar(projectPath: string, file: MetadRunFile, system: ToySystem): Promise<{ data: Float64Array; rows: number; fields: string[] }> {
  const path = metadFiles(projectPath, file.run.id).colvarNpy;
  const colvar = await readNpyFile(path);
  const fields = colvarFields(system.coordinateNames);
  if (colvar.shape.length !== 2 || colvar.shape[1] !== fields.length) {
    throw new ApiError('bad-file', `${path} has shape [${colvar.shape.join(', ')}]; expected [rows, ${fields.length}] (${fields.join(', ')}).`, { path });
  }
  return { data: colvar.data, rows: colvar.shape[0], fields };
}

/** The map's input vectors (n x dim) of n hidden (x, y) states: system coordinates or observed ones. */
function inputPoints(system: ToySystem, names: string[], states: Float64Array, n: number): Float64Array {
  const sd = system.dim;
  const observed = system instanceof Embedded ? system.observe(states, n) : null;
  const dim = names.length;
  const out = new Float64Array(n * dim);
  names.forEach((name, c) => {
    const s = (system.coordinateNames as readonly string[]).indexOf(name);
    const o = system instanceof Embedded ? (system.observedNames as readonly string[]).indexOf(name) : -1;
    if (s < 0 && (o < 0 || !observed)) throw new ApiError('bad-file', `The stored map uses '${name}', which the ${system.constructor.name} system does not have (recompute the map).`);
    for (let i = 0; i < n; i++) out[i * dim + c] = s >= 0 ? states[i * sd + s] : observed![i * 3 + o];
  });
  return out;
}

function extend(model: DiffusionMapModel, points: Float64Array, n: number): Float64Array {
  try {
    return extendDiffusionMap(model, points, n);
  } catch (error) {
    if (error instanceof EngineInputError) throw new ApiError('invalid-input', error.message);
    throw error;
  }
}

// ---------------------------------------------------------------- the relation psi(z)

function median(sorted: number[]): number {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

interface Relation {
  z: Float64Array;
  psi: Float64Array;
}

/** Bin-wise median of psi per z bin (bins with >= RELATION_MIN_FRAMES frames), made monotone in the direction `sign`. */
function medianRelation(z: Float64Array, psi: Float64Array, sign: number): Relation {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of z) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const width = (hi - lo) / RELATION_BINS;
  const members: number[][] = Array.from({ length: RELATION_BINS }, () => []);
  for (let i = 0; i < z.length; i++) members[Math.min(RELATION_BINS - 1, Math.floor((z[i] - lo) / width))].push(psi[i]);
  const zc: number[] = [];
  const med: number[] = [];
  const w: number[] = [];
  members.forEach((m, b) => {
    if (m.length < RELATION_MIN_FRAMES) return;
    m.sort((a, c) => a - c);
    zc.push(lo + (b + 0.5) * width);
    med.push(sign * median(m));
    w.push(m.length);
  });
  const fit = isotonic(med, w);
  return { z: Float64Array.from(zc), psi: Float64Array.from(fit, (v) => sign * v) };
}

/** Linear interpolation of the relation; NaN outside its knots. */
function interpolate(rel: Relation, z: number): number {
  const n = rel.z.length;
  if (n === 0 || z < rel.z[0] || z > rel.z[n - 1]) return NaN;
  if (n === 1) return rel.psi[0];
  let j = Math.min(n - 2, Math.floor(((z - rel.z[0]) / (rel.z[n - 1] - rel.z[0])) * (n - 1)));
  while (j > 0 && rel.z[j] > z) j--;
  while (j < n - 2 && rel.z[j + 1] < z) j++;
  const t = (z - rel.z[j]) / (rel.z[j + 1] - rel.z[j]);
  return rel.psi[j] + t * (rel.psi[j + 1] - rel.psi[j]);
}

/** -kT ln(P_b / width), min 0, null where P_b = 0. */
function toFes(mass: Float64Array, width: number, kT: number): (number | null)[] {
  let total = 0;
  for (const m of mass) total += m;
  const f = Array.from(mass, (m) => (m > 0 && total > 0 ? -kT * Math.log(m / total / width) : null));
  const min = Math.min(...f.filter((v): v is number => v !== null));
  return f.map((v) => (v === null ? null : v - min));
}

// ---------------------------------------------------------------- learnedCvFes

async function learnedCvFes(projectPath: string, file: MetadRunFile, component: number, bins: number): Promise<LearnedCvFesOutput> {
  const job = file.job;
  const system = createSystem(job.system);
  const map = await loadStoredMap(projectPath, file);
  const K = map.model.components;
  if (component > K) throw new ApiError('invalid-input', `component: the stored map has ${K} component${K === 1 ? '' : 's'} (got ${component}); recompute it with more.`);
  const colvar = await loadColvar(projectPath, file, system);
  const nf = colvar.fields.length;
  const frames = map.colvarRows.length;
  if (map.colvarRows[frames - 1] >= colvar.rows) throw new ApiError('bad-file', `The stored map refers to colvar rows the run no longer has (${colvar.rows} rows); recompute it.`);
  const first = Math.floor(colvar.rows * REWEIGHT_DISCARD_FRACTION);
  const keep: number[] = [];
  for (let i = 0; i < frames; i++) if (map.colvarRows[i] >= first) keep.push(i);
  if (keep.length < 2) throw new ApiError('invalid-input', `Only ${keep.length} of the map's frames lie after the discarded first ${REWEIGHT_DISCARD_FRACTION * 100}% of the run.`);
  const col = (j: number, idx: ArrayLike<number>) => Float64Array.from({ length: idx.length }, (_, i) => colvar.data[map.colvarRows[idx[i]] * nf + j]);
  const psiOf = (idx: ArrayLike<number>) => Float64Array.from({ length: idx.length }, (_, i) => map.coordinates[idx[i] * K + component - 1]);
  const psi = psiOf(keep);
  let min = Infinity;
  let max = -Infinity;
  for (const v of psi) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  if (!(max > min)) throw new ApiError('invalid-input', `psi_${component} is constant over the frames; there is no profile to estimate.`);
  const logWeights = ctLogWeights(col(colvar.fields.indexOf('metad.bias'), keep), col(colvar.fields.indexOf('metad.rct'), keep), job.kT);
  const profile = reweightedProfile(psi, logWeights, { bins, min, max, kT: job.kT });
  const width = (max - min) / bins;
  const binOf = (v: number) => (v >= min && v <= max ? Math.min(bins - 1, Math.floor((v - min) / width)) : -1);
  const counts = new Array<number>(bins).fill(0);
  for (const v of psi) counts[binOf(v)]++;
  const warnings: string[] = [];
  const output: LearnedCvFesOutput = {
    runId: file.run.id,
    component,
    kT: job.kT,
    centers: Array.from(profile.centers),
    fes: Array.from(profile.fes, (v) => (Number.isFinite(v) ? v : null)),
    counts,
    framesUsed: keep.length,
    framesDiscarded: frames - keep.length,
    effectiveSamples: profile.effectiveSampleSize,
    warnings,
  };

  // Exact reference through a monotone relation psi = g(z), z the best-correlated coordinate.
  if (system.dim <= 2) {
    const all = Int32Array.from({ length: frames }, (_, i) => i);
    const psiAll = psiOf(all);
    let best = { d: -1, rho: 0 };
    system.coordinateNames.forEach((_, d) => {
      const rho = spearman(psiAll, col(2 + d, all));
      if (Math.abs(rho) > Math.abs(best.rho)) best = { d, rho };
    });
    if (best.d >= 0 && Math.abs(best.rho) >= MONOTONE_SPEARMAN) {
      const rel = medianRelation(col(2 + best.d, all), psiAll, Math.sign(best.rho));
      const nk = rel.z.length;
      if (nk >= 2) {
        const zq = Float64Array.from({ length: MAPPED_QUADRATURE }, (_, i) => rel.z[0] + ((i + 0.5) * (rel.z[nk - 1] - rel.z[0])) / MAPPED_QUADRATURE);
        const fz = exactProfile(system, best.d, job.kT, zq);
        const mass = new Float64Array(bins);
        for (let i = 0; i < zq.length; i++) {
          const b = binOf(interpolate(rel, zq[i]));
          if (b >= 0) mass[b] += Math.exp(-fz[i] / job.kT);
        }
        // Bins holding an end of the relation get only part of their z interval: left out.
        const ends = [binOf(rel.psi[0]), binOf(rel.psi[nk - 1])];
        for (const b of ends) if (b >= 0) mass[b] = 0;
        output.exact = {
          coordinate: system.coordinateNames[best.d],
          fes: toFes(mass, width, job.kT),
          relation: { x: Array.from(rel.z), psi: Array.from(rel.psi) },
          spearman: best.rho,
        };
      }
    } else warnings.push(`psi_${component} is not a monotone function of any coordinate of the system (largest |Spearman| ${Math.abs(best.rho).toFixed(3)} < ${MONOTONE_SPEARMAN}); no mapped exact profile.`);

    // Exact push-forward of the Boltzmann density through the learned CV.
    if (system.dim === 2) output.exactPushforward = pushforward(system, map, component, job.kT, { min, max, bins });
  }
  if (profile.framesOutsideRange > 0) warnings.push(`${profile.framesOutsideRange} frames fell outside the range.`);
  return output;
}

function pushforward(system: ToySystem, map: StoredMap, component: number, kT: number, range: { min: number; max: number; bins: number }): (number | null)[] {
  const [nx, ny] = PUSHFORWARD_GRID;
  const [[x0, x1], [y0, y1]] = system.domain;
  const states: number[] = [];
  const energies: number[] = [];
  const probe = new Float64Array(2);
  let vmin = Infinity;
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      probe[0] = x0 + ((i + 0.5) * (x1 - x0)) / nx;
      probe[1] = y0 + ((j + 0.5) * (y1 - y0)) / ny;
      const v = system.energy(probe, 0);
      states.push(probe[0], probe[1]);
      energies.push(v);
      vmin = Math.min(vmin, v);
    }
  }
  const kept: number[] = [];
  energies.forEach((v, i) => {
    if (v - vmin < PUSHFORWARD_CUT_KT * kT) kept.push(i);
  });
  const xy = new Float64Array(kept.length * 2);
  kept.forEach((i, r) => {
    xy[2 * r] = states[2 * i];
    xy[2 * r + 1] = states[2 * i + 1];
  });
  const psi = extend(map.model, inputPoints(system, map.inputCoordinates, xy, kept.length), kept.length);
  const K = map.model.components;
  const width = (range.max - range.min) / range.bins;
  const mass = new Float64Array(range.bins);
  kept.forEach((i, r) => {
    const v = psi[r * K + component - 1];
    if (v >= range.min && v <= range.max) mass[Math.min(range.bins - 1, Math.floor((v - range.min) / width))] += Math.exp(-(energies[i] - vmin) / kT);
  });
  return toFes(mass, width, kT);
}

// ---------------------------------------------------------------- restriction

function decodePoints(base64: string, dim: number, names: string[]): { points: Float64Array; n: number } {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.byteLength % 8 !== 0) throw new ApiError('invalid-input', `points: ${bytes.byteLength} bytes is not a whole number of float64 values.`);
  const values = bytes.byteLength / 8;
  if (values === 0 || values % dim !== 0) {
    throw new ApiError('invalid-input', `points: ${values} values is not a whole number of points of dimension ${dim} (the map's input coordinates ${names.join(', ')}).`);
  }
  const n = values / dim;
  if (n > LEARNED_CV_MAX_POINTS) throw new ApiError('invalid-input', `points: at most ${LEARNED_CV_MAX_POINTS} points per call (got ${n}).`);
  const points = new Float64Array(values);
  new Uint8Array(points.buffer).set(bytes);
  return { points, n };
}

async function restrict(projectPath: string, file: MetadRunFile, base64: string): Promise<RestrictToLearnedCvOutput> {
  const map = await loadStoredMap(projectPath, file);
  const { points, n } = decodePoints(base64, map.model.dim, map.inputCoordinates);
  const out = extend(map.model, points, n);
  const K = map.model.components;
  return {
    runId: file.run.id,
    inputCoordinates: map.inputCoordinates,
    components: K,
    points: n,
    coordinates: Array.from({ length: K }, (_, k) => Array.from({ length: n }, (_, i) => out[i * K + k])),
  };
}

async function sampleCheck(projectPath: string, file: MetadRunFile, xs: number[], n: number, seed: number): Promise<SampleEmbeddedCheckOutput> {
  const spec = file.job.system;
  if (spec.kind !== 'embedded') throw new ApiError('invalid-input', `runId: the run "${file.run.name}" simulates the ${spec.kind} system; the restriction check draws exact samples of the embedded system.`);
  const system = new Embedded(spec);
  const map = await loadStoredMap(projectPath, file);
  const [lo, hi] = system.domain[0];
  const outside = xs.filter((x) => x < lo || x > hi);
  if (outside.length) throw new ApiError('invalid-input', `xs: ${outside.join(', ')} outside the system's x domain [${lo}, ${hi}].`);
  const colvar = await loadColvar(projectPath, file, system);
  const K = map.model.components;
  const frames = map.colvarRows.length;
  const zAll = Float64Array.from({ length: frames }, (_, i) => colvar.data[map.colvarRows[i] * colvar.fields.length + 2]);
  const psiAll = Float64Array.from({ length: frames }, (_, i) => map.coordinates[i * K]);
  const rel = medianRelation(zAll, psiAll, Math.sign(spearman(psiAll, zAll)) || 1);
  let pmin = Infinity;
  let pmax = -Infinity;
  for (const v of psiAll) {
    pmin = Math.min(pmin, v);
    pmax = Math.max(pmax, v);
  }
  const sd = spec.s * Math.sqrt(file.job.kT);
  const rows = xs.map((x, index) => {
    // Exact conditional law at fixed x: y = f(x) + s sqrt(kT) N(0, 1); plus the point (x, f(x)).
    const rng = new Rng(seed, index);
    const xy = new Float64Array(2 * (n + 1));
    for (let i = 0; i <= n; i++) {
      xy[2 * i] = x;
      xy[2 * i + 1] = system.f(x) + (i < n ? sd * rng.normal() : 0);
    }
    const psi = extend(map.model, inputPoints(system, map.inputCoordinates, xy, n + 1), n + 1);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += psi[i * K];
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (psi[i * K] - mean) ** 2;
    const mapped = interpolate(rel, x);
    return { x, mean, sd: Math.sqrt(ss / (n - 1)), mapped: Number.isFinite(mapped) ? mapped : null, atMeanY: psi[n * K] };
  });
  return { runId: file.run.id, inputCoordinates: map.inputCoordinates, samplesPerX: n, rows, psiRange: pmax - pmin };
}

// ---------------------------------------------------------------- entry (analysis thread)

export function answerLearnedCv(projectPath: string, file: MetadRunFile, call: LearnedCvCall): Promise<LearnedCvResult> {
  if (call.op === 'fes') return learnedCvFes(projectPath, file, call.component, call.bins);
  if (call.op === 'restrict') return restrict(projectPath, file, call.points);
  return sampleCheck(projectPath, file, call.xs, call.n, call.seed);
}
