/**
 * getComputeBackend: which TensorFlow.js backend this process loads (the same loaders, order and
 * LIFTWELL_TF_BACKEND preference the training and ensemble workers use: store/tf-backend.ts), and
 * whether that means a GPU, with the reason when it does not. The About panel asks when it opens.
 *
 * The probe really loads the backend (a native package that imports but finds no CUDA fails here
 * as it would in training), so it is cached; `refresh` probes again (a package installed since,
 * a changed environment). tfjs is imported on first use only: a process that never asks never
 * loads it.
 */
import { performance } from 'node:perf_hooks';
import type { BackendChoice, BackendLoaders } from '../engine/generative/backend';
import type { ComputeBackendInfo } from './contract';

const PACKAGE_OF: Record<string, string> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

const MISSING_PACKAGE = /cannot find (package|module)|ERR_MODULE_NOT_FOUND/i;

/** A loader's failure in words: a missing optional package is "not installed", not a bundler path. */
export function plainReason(backend: string, reason: string): string {
  return MISSING_PACKAGE.test(reason) ? `${PACKAGE_OF[backend] ?? backend} is not installed` : reason;
}

/** Why tfjs has no GPU here, in words a user can act on. */
export function gpuStatus(choice: Pick<BackendChoice, 'backend' | 'skipped'>, preference: string): ComputeBackendInfo['gpu'] {
  if (choice.backend === 'node-gpu') return { available: true, detail: 'CUDA through @tensorflow/tfjs-node-gpu' };
  const tried = choice.skipped.find((s) => s.backend === 'node-gpu');
  if (!tried) {
    return { available: false, detail: `not tried: LIFTWELL_TF_BACKEND=${preference} leaves out node-gpu` };
  }
  if (MISSING_PACKAGE.test(tried.reason)) {
    return { available: false, detail: '@tensorflow/tfjs-node-gpu is not installed (it needs an NVIDIA GPU with CUDA and cuDNN)' };
  }
  return { available: false, detail: `@tensorflow/tfjs-node-gpu did not start: ${tried.reason}` };
}

export interface BackendProbeDeps {
  /** Default: the Node loaders of store/tf-backend.ts. */
  loaders?: () => Promise<BackendLoaders>;
  /** Default: env LIFTWELL_TF_BACKEND, else 'auto'. */
  preference?: () => string;
}

/** A cached probe; `probe(true)` runs it again. */
export function createBackendProbe(deps: BackendProbeDeps = {}) {
  let cached: Promise<ComputeBackendInfo> | null = null;

  async function run(): Promise<ComputeBackendInfo> {
    const preference = (deps.preference?.() ?? process.env.LIFTWELL_TF_BACKEND ?? '').trim() || 'auto';
    const started = performance.now();
    const [{ selectBackend }, { tf }, loaders] = await Promise.all([
      import('../engine/generative/backend'),
      import('../engine/generative/tf'),
      deps.loaders ? deps.loaders() : import('../store/tf-backend').then((m) => m.nodeBackendLoaders),
    ]);
    let choice: BackendChoice;
    try {
      choice = await selectBackend(loaders, preference);
    } catch (error) {
      // Nothing loaded (an explicit preference that cannot start): say so instead of failing the panel.
      choice = { backend: 'none' as BackendChoice['backend'], skipped: [{ backend: preference as BackendChoice['backend'], reason: (error as Error).message }] };
    }
    return {
      backend: choice.backend,
      package: PACKAGE_OF[choice.backend] ?? 'none',
      tfjsVersion: tf.version_core,
      gpu: gpuStatus(choice, preference),
      skipped: choice.skipped.map((s) => ({ backend: s.backend, reason: plainReason(s.backend, s.reason) })),
      preference,
      probedAt: new Date().toISOString(),
      probeMs: Math.round(performance.now() - started),
    };
  }

  return {
    probe(refresh = false): Promise<ComputeBackendInfo> {
      if (!cached || refresh) {
        cached = run();
        cached.catch(() => (cached = null));
      }
      return cached;
    },
  };
}
