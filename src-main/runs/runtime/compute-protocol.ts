/**
 * The WebGPU training path's shared vocabulary: what a compute provider (the GPU compute page,
 * src-renderer/src/compute) receives and sends through the API, and what the main-thread broker
 * (compute-broker.ts) and the worker-thread task that owns the run (compute-task.ts) say to each
 * other over a BroadcastChannel. No Node or DOM imports: the page bundles this file too.
 *
 * Binary payloads travel as base64 of little-endian arrays (float64 for training data, the tfjs
 * weights format for checkpoints and model weights), so JSON transports carry them unchanged.
 */
import type { EpochRecord, ModelSpec, TrainerCheckpointJson, TrainOptionsInput, WeightSpec } from '../../engine/generative';

/** BroadcastChannel name (node:worker_threads) between the broker and compute-task threads. */
export const COMPUTE_CHANNEL = 'liftwell-compute';

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  description: string;
  /** GPUAdapter.isFallbackAdapter (a software adapter the browser itself calls a fallback). */
  isFallbackAdapter: boolean;
}

/** A checkpoint on the wire: the trainer's JSON state plus its arrays in the tfjs weights format. */
export interface WireCheckpoint {
  json: TrainerCheckpointJson;
  specs: WeightSpec[];
  /** base64 of the packed float32 arrays. */
  data: string;
}

/** The trained model on the wire (GenerativeModel.toArtifacts without the topology, which the spec implies). */
export interface WireArtifacts {
  spec: ModelSpec;
  weightSpecs: WeightSpec[];
  weightData: string;
}

/** What claimComputeTask hands a provider: everything needed to train, nothing about files. */
export interface ComputeTaskPayload {
  taskId: string;
  runId: string;
  modelId: string;
  options: TrainOptionsInput;
  /** base64 float64 rows: x is rows x xDim, cond rows x condDim. */
  /** segments: training rows per time series (the validation split holds out blocks of each). */
  data: { x: string; xDim: number; cond: string; condDim: number; segments?: number[] };
  /** Continue from this checkpoint (a resumed run) or start fresh. */
  checkpoint: WireCheckpoint | null;
  checkpointIntervalMs: number;
  progressIntervalMs: number;
}

export interface ComputeProgress {
  step: number;
  totalSteps: number;
  epoch: number;
  /** The whole loss history so far (one point per epoch; small). */
  history: EpochRecord[];
  bestEpoch: number;
  stoppedEarly: boolean;
  stepsPerSecond: number | null;
  backend: string;
}

/** Worker thread -> broker. */
export type ToBroker =
  | { type: 'offer'; taskId: string; projectPath: string; runId: string; payload: ComputeTaskPayload }
  | { type: 'withdraw'; taskId: string };

/** Broker -> worker thread (each thread keeps only its own taskId's messages). */
export type FromBroker =
  | { type: 'claimed'; taskId: string; providerId: string; adapter: AdapterInfo }
  | { type: 'progress'; taskId: string; progress: ComputeProgress }
  | { type: 'checkpoint'; taskId: string; progress: ComputeProgress; checkpoint: WireCheckpoint }
  | { type: 'complete'; taskId: string; progress: ComputeProgress; artifacts: WireArtifacts }
  | { type: 'failed'; taskId: string; message: string }
  /** The provider went away (or none was there in time): the task falls back or fails. */
  | { type: 'lost'; taskId: string; message: string };

// ---------------------------------------------------------------- base64 (Node and browsers alike)

export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) s += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(s);
}

export function base64ToBytes(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Little-endian float64 (every platform tfjs and Liftwell run on is little-endian). */
export const float64ToBase64 = (a: Float64Array) => bytesToBase64(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

export function base64ToFloat64(text: string, what: string): Float64Array {
  const bytes = base64ToBytes(text);
  if (bytes.byteLength % 8 !== 0) throw new Error(`${what}: ${bytes.byteLength} bytes is not a whole number of float64 values`);
  return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
}

/**
 * Backend preference of a job that trains on a compute provider: 'webgpu' (only there) or
 * 'webgpu,<local preference>' (fall back to the worker thread with that preference).
 */
export function computeBackendOf(preference: string): { fallback: string | null } | null {
  const [first, ...rest] = preference.split(',').map((s) => s.trim());
  if (first !== 'webgpu') return null;
  return { fallback: rest.length ? rest.join(',') : null };
}

/** Software adapters (SwiftShader, llvmpipe/lavapipe, WARP) prove the path works but are no faster than wasm. */
export function isSoftwareAdapter(info: AdapterInfo): boolean {
  return info.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe|software|warp|basic render/i.test(`${info.vendor} ${info.architecture} ${info.description}`);
}
