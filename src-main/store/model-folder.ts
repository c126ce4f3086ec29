/**
 * Model folders on disk. A folder holds
 *
 *   model.json            TensorFlow.js artifacts: { format, generatedBy, convertedBy, modelTopology,
 *                         weightsManifest: [{ paths: ['weights.bin'], weights: [{name, shape, dtype}] }] }
 *                         (modelTopology = { liftwell: <network role> -> {inputs, hidden, output} })
 *   weights.bin           float32 little-endian weights in weightsManifest order
 *   liftwell-model.json   ModelSpec (format 'liftwell-generative-model', formatVersion, kind, dims,
 *                         feature encoders = normaliser, hyper-parameters, condition range, training
 *                         record incl. backend, seed, loss history) + files: { weights: { bytes, sha256 } }
 *   checkpoint.json/.bin  (optional, while training) TrainerCheckpoint: JSON state + arrays in the same
 *                         weights format
 *
 * Writes are atomic per file (temp + fsync + rename); liftwell-model.json is written last and records
 * the SHA-256 of weights.bin, so a folder left half-written by a crash, or edited by hand, is detected
 * on load rather than producing garbage samples. Problems loading give ApiError('bad-file' | 'not-found')
 * naming the file; the engine never sees fs.
 */
import { mkdir, readFile, readdir, unlink } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ApiError } from '../schema/errors';
import { atomicWrite, ioError } from './atomic';
import { GenerativeModel, MODEL_FORMAT, MODEL_FORMAT_VERSION, packArrays, unpackArrays, type ModelArtifacts, type TrainerCheckpoint } from '../engine/generative';
import { EngineInputError } from '../engine/errors';

export const MODEL_SPEC_FILE = 'liftwell-model.json';
export const MODEL_JSON_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const CHECKPOINT_JSON_FILE = 'checkpoint.json';
export const CHECKPOINT_BIN_FILE = 'checkpoint.bin';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Writes the three files of a model folder (creating the folder). `generatedBy`: e.g. 'Liftwell 0.1.0'. */
export async function saveModelFolder(dir: string, model: GenerativeModel, generatedBy = 'Liftwell'): Promise<void> {
  const artifacts = model.toArtifacts();
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw ioError(error, dir, 'create');
  }
  await atomicWrite(join(dir, WEIGHTS_FILE), artifacts.weightData);
  const modelJson = {
    format: 'liftwell-mlp',
    generatedBy,
    convertedBy: null,
    modelTopology: { liftwell: artifacts.topology },
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
  };
  await atomicWrite(join(dir, MODEL_JSON_FILE), JSON.stringify(modelJson, null, 1) + '\n');
  const specFile = { ...artifacts.spec, files: { weights: { bytes: artifacts.weightData.byteLength, sha256: sha256(artifacts.weightData) } } };
  await atomicWrite(join(dir, MODEL_SPEC_FILE), JSON.stringify(specFile, null, 1) + '\n');
}

async function readBytes(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError('not-found', `${path}: ${what} not found`, { path });
    throw ioError(error, path, 'read');
  }
}

async function readJson(path: string, what: string): Promise<unknown> {
  const bytes = await readBytes(path, what);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new ApiError('bad-file', `${path}: not valid JSON (${(error as Error).message})`, { path });
  }
}

/** Reads and checks a model folder's files; the returned artifacts are ready for GenerativeModel.fromArtifacts. */
export async function readModelArtifacts(dir: string): Promise<Pick<ModelArtifacts, 'spec' | 'weightSpecs' | 'weightData'>> {
  const specPath = join(dir, MODEL_SPEC_FILE);
  let specJson: unknown;
  try {
    specJson = await readJson(specPath, 'model description');
  } catch (error) {
    if (error instanceof ApiError && error.code === 'not-found') {
      throw new ApiError('bad-file', `${dir}: not a Liftwell model folder (no ${MODEL_SPEC_FILE})`, { path: dir });
    }
    throw error;
  }
  const spec = specJson as ModelArtifacts['spec'] & { files?: { weights?: { bytes?: number; sha256?: string } } };
  if (!spec || typeof spec !== 'object' || spec.format !== MODEL_FORMAT) {
    throw new ApiError('bad-file', `${specPath}: not a Liftwell generative model (format is ${JSON.stringify((spec as { format?: unknown })?.format)}, expected ${MODEL_FORMAT})`, { path: specPath });
  }
  if (!Number.isSafeInteger(spec.formatVersion) || spec.formatVersion > MODEL_FORMAT_VERSION || spec.formatVersion < 1) {
    throw new ApiError('bad-file', `${specPath}: written by a newer Liftwell (model format version ${String(spec.formatVersion)}; this version reads up to ${MODEL_FORMAT_VERSION}). Update Liftwell to use this model.`, { path: specPath });
  }
  const modelJsonPath = join(dir, MODEL_JSON_FILE);
  const modelJson = (await readJson(modelJsonPath, 'model.json')) as { weightsManifest?: { paths?: string[]; weights?: unknown }[] };
  const manifest = modelJson?.weightsManifest?.[0];
  if (!manifest || !Array.isArray(manifest.weights) || !Array.isArray(manifest.paths) || manifest.paths[0] !== WEIGHTS_FILE || modelJson.weightsManifest!.length !== 1) {
    throw new ApiError('bad-file', `${modelJsonPath}: weightsManifest must list ${WEIGHTS_FILE} once`, { path: modelJsonPath });
  }
  const weightsPath = join(dir, WEIGHTS_FILE);
  const weightData = await readBytes(weightsPath, 'weights');
  const expected = spec.files?.weights;
  if (!expected || expected.bytes !== weightData.byteLength || expected.sha256 !== sha256(weightData)) {
    throw new ApiError('bad-file', `${weightsPath}: does not match ${MODEL_SPEC_FILE} (size or SHA-256 differ): the folder is damaged or was changed by hand`, { path: weightsPath });
  }
  const { files: _files, ...cleanSpec } = spec;
  return { spec: cleanSpec, weightSpecs: manifest.weights as ModelArtifacts['weightSpecs'], weightData };
}

/** Loads a model folder. Damaged / foreign / newer folders: ApiError('bad-file') naming the file. */
export async function loadModelFolder(dir: string): Promise<GenerativeModel> {
  const artifacts = await readModelArtifacts(dir);
  try {
    return GenerativeModel.fromArtifacts(artifacts, join(dir, MODEL_SPEC_FILE));
  } catch (error) {
    if (error instanceof EngineInputError) throw new ApiError('bad-file', error.message, { path: dir });
    throw error;
  }
}

/** Writes a training checkpoint into `dir` (bin first, then json naming its hash: a torn pair is detected). */
/** Checkpoint data files: named by their content's hash (older checkpoints: checkpoint.bin). */
const CHECKPOINT_BIN_NAME = /^checkpoint(-[0-9a-f]{16})?\.bin$/;

/**
 * Writes a training checkpoint as one unit: the data goes to a new file named by its hash, then
 * checkpoint.json (the commit point) names it, then older data files are removed. A kill at any
 * moment leaves a json whose data file exists and matches (before: a kill between the two writes
 * left checkpoint.bin and checkpoint.json of different steps, and the run could not resume).
 */
export async function saveCheckpoint(dir: string, checkpoint: TrainerCheckpoint): Promise<void> {
  const { specs, data } = packArrays(checkpoint.arrays);
  await mkdir(dir, { recursive: true }).catch((error) => {
    throw ioError(error, dir, 'create');
  });
  const hash = sha256(data);
  const bin = `checkpoint-${hash.slice(0, 16)}.bin`;
  await atomicWrite(join(dir, bin), data);
  await atomicWrite(join(dir, CHECKPOINT_JSON_FILE), JSON.stringify({ state: checkpoint.json, arrays: specs, sha256: hash, bin }) + '\n');
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (name !== bin && CHECKPOINT_BIN_NAME.test(name)) await unlink(join(dir, name)).catch(() => {});
  }
}

/** The checkpoint in `dir`, or null when there is none. */
export async function loadCheckpoint(dir: string): Promise<TrainerCheckpoint | null> {
  const jsonPath = join(dir, CHECKPOINT_JSON_FILE);
  let parsed: { state?: TrainerCheckpoint['json']; arrays?: unknown; sha256?: string; bin?: unknown };
  try {
    parsed = (await readJson(jsonPath, 'checkpoint')) as typeof parsed;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'not-found') return null;
    throw error;
  }
  const binName = typeof parsed?.bin === 'string' && CHECKPOINT_BIN_NAME.test(parsed.bin) ? parsed.bin : CHECKPOINT_BIN_FILE;
  const binPath = join(dir, binName);
  const data = await readBytes(binPath, 'checkpoint data');
  if (!parsed?.state || parsed.sha256 !== sha256(data)) throw new ApiError('bad-file', `${binPath}: does not match ${CHECKPOINT_JSON_FILE} (damaged checkpoint)`, { path: binPath });
  try {
    const arrays = [...unpackArrays(parsed.arrays, data, binPath).values()];
    return { json: parsed.state, arrays };
  } catch (error) {
    throw new ApiError('bad-file', (error as Error).message, { path: binPath });
  }
}
