/**
 * Which execution runs an overdamped walker ensemble: the typed-array CPU kernel
 * (./overdamped.ts) or the batched tensor integrator (engine/tensor/overdamped.ts). Both
 * integrate the same Euler-Maruyama update with the same force formula; they differ in where
 * the arithmetic happens (JS float64 vs tfjs float32) and in their random streams.
 *
 * Rule for 'auto' (override with 'cpu' or 'tensor'):
 *   tensor  iff  the active tfjs backend runs on a GPU  ('node-gpu' = tfjs-node-gpu with CUDA,
 *                'webgpu', 'webgl')
 *           and  walkers >= TENSOR_MIN_WALKERS
 *           and  the run needs nothing the tensor path lacks (a system with a tensor force
 *                formula; no general bias such as metadynamics, whose grid lives on the host).
 *   cpu     otherwise. On CPU tfjs backends ('cpu', 'wasm', 'node' = tfjs-node) the tensor path
 *           only adds per-op overhead to the same CPU arithmetic (bench/suites/tensor.mjs measures
 *           it), and below the threshold a GPU's launch latency per step exceeds the work.
 * The threshold is a conservative estimate (a step costs ~20 kernel launches, ~0.2 ms on a GPU,
 * which the CPU kernel spends on ~10^4 walker-steps); re-tune from the bench on a lent GPU.
 */
import { EngineInputError } from '../errors';

export type Executor = 'cpu' | 'tensor';
export type ExecutorPreference = 'auto' | Executor;

/** Backend names (engine/generative/backend.ts BackendName, plus the browser GPU ones) that run on a GPU. */
export const GPU_BACKENDS: readonly string[] = ['node-gpu', 'webgpu', 'webgl'];
export const TENSOR_MIN_WALKERS = 16_384;

export interface ExecutorRequest {
  /** Active tfjs backend in engine terms ('node-gpu', 'node', 'wasm', 'cpu', 'webgpu', 'webgl'), or null when tfjs was not consulted. */
  backendName: string | null;
  walkers: number;
  override?: ExecutorPreference;
  /** Why the tensor path cannot run this job (unsupported system, general bias), or null. */
  tensorUnsupported?: string | null;
}

export interface ExecutorDecision {
  executor: Executor;
  reason: string;
}

export function parseExecutorPreference(text: string | undefined | null): ExecutorPreference {
  const t = (text ?? 'auto').trim().toLowerCase();
  if (t === 'auto' || t === 'cpu' || t === 'tensor') return t;
  throw new EngineInputError(`executor must be auto, cpu or tensor (got "${text}")`);
}

export function isGpuBackend(backendName: string | null): boolean {
  return backendName !== null && GPU_BACKENDS.includes(backendName);
}

/** The executor and a one-line reason a user can be shown. */
export function decideExecutor(req: ExecutorRequest): ExecutorDecision {
  const override = req.override ?? 'auto';
  const unsupported = req.tensorUnsupported ?? null;
  if (override === 'cpu') return { executor: 'cpu', reason: 'requested (executor cpu)' };
  if (override === 'tensor') {
    if (unsupported) throw new EngineInputError(`executor tensor cannot run this job: ${unsupported}`);
    return { executor: 'tensor', reason: `requested (executor tensor) on tfjs backend ${req.backendName ?? 'unknown'}` };
  }
  if (unsupported) return { executor: 'cpu', reason: `auto: ${unsupported}` };
  if (req.walkers < TENSOR_MIN_WALKERS) {
    return { executor: 'cpu', reason: `auto: ${req.walkers} walkers < ${TENSOR_MIN_WALKERS}, too few for batched tensor steps to pay off` };
  }
  if (!isGpuBackend(req.backendName)) {
    return {
      executor: 'cpu',
      reason: `auto: tfjs backend ${req.backendName ?? 'none'} is not a GPU one (${GPU_BACKENDS.join(', ')}); the typed-array CPU kernel is faster on a CPU`,
    };
  }
  return { executor: 'tensor', reason: `auto: GPU backend ${req.backendName} and ${req.walkers} walkers >= ${TENSOR_MIN_WALKERS}` };
}

export function chooseExecutor(req: ExecutorRequest): Executor {
  return decideExecutor(req).executor;
}
