/**
 * API calls. WebGPU compute providers (a browser page that trains models for the app).
 * Each call is a zod input schema; its output type is in the interface below. index.ts joins them.
 */
import { z } from 'zod';

// WebGPU compute providers (docs/webgpu-training.md; shapes in runs/runtime/compute-protocol.ts). Payloads are
// checked for shape here; the engine checks the numbers when the model is rebuilt.
const computeProgress = z.object({
  step: z.number().int().min(0), totalSteps: z.number().int().min(0), epoch: z.number().int().min(0),
  history: z.array(z.object({ epoch: z.number().int(), trainLoss: z.number(), validationLoss: z.number().nullable(), learningRate: z.number() })).max(100_000),
  bestEpoch: z.number().int().min(0), stoppedEarly: z.boolean(), stepsPerSecond: z.number().nullable(), backend: z.string().max(40),
});
const weightSpecs = z.array(z.object({ name: z.string(), shape: z.array(z.number().int().min(0)), dtype: z.literal('float32') }));
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64');
export const computeCalls = {
  registerComputeProvider: {
    input: z.object({
      kind: z.literal('webgpu'),
      adapterInfo: z.object({ vendor: z.string().max(200), architecture: z.string().max(200), description: z.string().max(500), isFallbackAdapter: z.boolean() }),
      /** The page's own check that the backend computes correctly (see docs/webgpu-training.md). */
      selfTest: z.object({ ok: z.boolean(), message: z.string().max(2000).optional() }),
    }),
  },
  listComputeProviders: { input: z.object({}) },
  claimComputeTask: { input: z.object({ providerId: z.string().min(1).max(80), waitMs: z.number().int().min(0).max(25_000).default(10_000) }) },
  reportComputeProgress: {
    input: z.object({ taskId: z.string().min(1).max(200), progress: computeProgress, checkpoint: z.object({ json: z.record(z.string(), z.unknown()), specs: weightSpecs, data: base64 }).optional() }),
  },
  completeComputeTask: {
    input: z.object({ taskId: z.string().min(1).max(200), progress: computeProgress, artifacts: z.object({ spec: z.record(z.string(), z.unknown()), weightSpecs, weightData: base64 }) }),
  },
  failComputeTask: { input: z.object({ taskId: z.string().min(1).max(200), message: z.string().max(4000) }) },
  /** Which TensorFlow.js backend this process loads, and the GPU status (cached; refresh: probe again). */
  getComputeBackend: { input: z.object({ refresh: z.boolean().default(false) }) },
} as const;

/** What getComputeBackend found (api/backend-probe.ts). */
export interface ComputeBackendInfo {
  /** The backend in use: 'node-gpu' | 'node' | 'wasm' | 'cpu'. */
  backend: string;
  /** The package behind it, e.g. '@tensorflow/tfjs-node-gpu'. */
  package: string;
  /** Version of @tensorflow/tfjs-core. */
  tfjsVersion: string;
  /** Whether tfjs computes on a GPU here, and why not when it does not. */
  gpu: { available: boolean; detail: string };
  /** Backends tried first and skipped, with the reason. */
  skipped: { backend: string; reason: string }[];
  /** LIFTWELL_TF_BACKEND, or 'auto'. */
  preference: string;
  probedAt: string;
  /** How long the probe took (ms). */
  probeMs: number;
}

export interface ComputeProviderInfo {
  providerId: string;
  kind: 'webgpu';
  adapter: { vendor: string; architecture: string; description: string; isFallbackAdapter: boolean };
  software: boolean;
  usable: boolean;
  reason: string | null;
}

/** Output type of each call above. */
export interface ComputeCallOutputs {
  registerComputeProvider: ComputeProviderInfo;
  listComputeProviders: ComputeProviderInfo[];
  /** A training task (runs/runtime/compute-protocol.ts ComputeTaskPayload) or null when none came within waitMs. */
  claimComputeTask: import('../../runs/runtime/compute-protocol').ComputeTaskPayload | null;
  reportComputeProgress: { cancel: boolean };
  completeComputeTask: { ok: true };
  failComputeTask: { ok: true };
  getComputeBackend: ComputeBackendInfo;
}
