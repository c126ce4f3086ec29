/**
 * API calls of compute providers (the GPU compute page, docs/webgpu-training.md): register,
 * long-poll for a training task, report progress / checkpoints, hand back the model or a failure.
 * The broker (runs/runtime/compute-broker.ts) matches them with the worker-thread tasks that own the runs.
 */
import type { CallOutputs, CallParsedInput, ComputeProviderInfo } from './contract';
import type { ComputeBroker, ProviderRecord } from '../runs/runtime/compute-broker';
import type { ComputeProgress, WireArtifacts, WireCheckpoint } from '../runs/runtime/compute-protocol';

type ComputeCalls = 'registerComputeProvider' | 'listComputeProviders' | 'claimComputeTask' | 'reportComputeProgress' | 'completeComputeTask' | 'failComputeTask';

const info = (p: ProviderRecord): ComputeProviderInfo => ({
  providerId: p.providerId,
  kind: p.kind,
  adapter: { ...p.adapter },
  software: p.software,
  usable: p.usable,
  reason: p.reason,
});

export function createComputeHandlers(broker: ComputeBroker): { [K in ComputeCalls]: (input: CallParsedInput<K>) => Promise<CallOutputs[K]> } {
  return {
    async registerComputeProvider({ kind, adapterInfo, selfTest }) {
      return info(broker.register(kind, adapterInfo, selfTest));
    },
    async listComputeProviders() {
      return broker.list().map(info);
    },
    async claimComputeTask({ providerId, waitMs }) {
      return broker.claim(providerId, waitMs);
    },
    async reportComputeProgress({ taskId, progress, checkpoint }) {
      return broker.progress(taskId, progress as ComputeProgress, (checkpoint as WireCheckpoint | undefined) ?? null);
    },
    async completeComputeTask({ taskId, progress, artifacts }) {
      broker.complete(taskId, progress as ComputeProgress, artifacts as unknown as WireArtifacts);
      return { ok: true };
    },
    async failComputeTask({ taskId, message }) {
      broker.fail(taskId, message);
      return { ok: true };
    },
  };
}
