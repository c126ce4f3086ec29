/**
 * Ensemble-sampling view helpers: what executor 'auto' will do for a walker count (the same
 * rule the worker applies, engine/integrators/executor.ts), and the result's profiles in kT.
 */
import { GPU_BACKENDS, TENSOR_MIN_WALKERS } from '../../../../src-main/engine/integrators/executor';
import type { EnsembleProfile, EnsembleResult } from '../../../../src-main/api/contract';

export { TENSOR_MIN_WALKERS };

/** The decision 'auto' can reach before the worker has started tfjs, in words. */
export function autoExecutorPreview(walkers: number | null, executor: 'auto' | 'cpu' | 'tensor'): string {
  if (executor === 'cpu') return 'CPU kernel (float64 typed arrays), as requested.';
  if (executor === 'tensor') return 'Batched tensor integrator (float32) on whatever tfjs backend the worker starts, as requested.';
  if (walkers !== null && walkers < TENSOR_MIN_WALKERS) {
    return `CPU kernel: ${walkers.toLocaleString('en-US')} walkers < ${TENSOR_MIN_WALKERS.toLocaleString('en-US')}, too few for batched tensor steps to pay off.`;
  }
  return `The worker starts tfjs and uses the tensor integrator only on a GPU backend (${GPU_BACKENDS.join(', ')}); on a CPU backend (tfjs-node, wasm, cpu) it keeps the CPU kernel. The run records which and why.`;
}

/** A profile with the exact curve shifted onto the estimate (best constant over bins < 4 kT), both in kT. */
export function profileInKt(p: EnsembleProfile, kT: number): { x: number[]; est: (number | null)[]; exact: number[] | null } {
  const est = p.fes.map((f) => (f === null ? null : f / kT));
  if (!p.exact) return { x: p.centers, est, exact: null };
  const exactKt = p.exact.map((e) => e / kT);
  let sum = 0;
  let n = 0;
  est.forEach((f, i) => {
    if (f !== null && exactKt[i] < 4) {
      sum += f - exactKt[i];
      n++;
    }
  });
  const shift = n ? sum / n : 0;
  return { x: p.centers, est, exact: exactKt.map((e) => e + shift) };
}

export function executorLabel(r: Pick<EnsembleResult, 'executor' | 'backend'>): string {
  return r.executor === 'tensor' ? `tensor (tfjs ${r.backend ?? '?'})` : 'CPU kernel';
}
