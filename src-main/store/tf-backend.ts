/**
 * Node-side TensorFlow.js backend start-up: the loaders engine/generative/backend.ts tries in
 * order (tfjs-node-gpu -> tfjs-node -> wasm -> cpu). Lives outside the engine because it imports
 * optional native packages and resolves the wasm binaries' folder on disk (setWasmPaths needs a
 * path prefix in Node). Preference: the `preference` argument, else env LIFTWELL_TF_BACKEND,
 * else auto. Idempotent: later calls return the first choice.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { selectBackend, type BackendChoice, type BackendLoaders } from '../engine/generative/backend';

const require = createRequire(import.meta.url);

/** Dynamic import that bundlers leave alone (the native packages are optional and may be absent). */
const importOptional = (name: string): Promise<unknown> => import(/* @vite-ignore */ name);

export const nodeBackendLoaders: BackendLoaders = {
  // Each native package registers the 'tensorflow' backend when imported; it throws when the
  // package or its libtensorflow (CUDA for -gpu) is missing.
  'node-gpu': async () => {
    await importOptional('@tensorflow/tfjs-node-gpu');
  },
  node: async () => {
    await importOptional('@tensorflow/tfjs-node');
  },
  wasm: async () => {
    const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as typeof import('@tensorflow/tfjs-backend-wasm');
    const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    wasm.setWasmPaths(dist + '/');
  },
  cpu: async () => {},
};

let started: Promise<BackendChoice> | null = null;
let startedWith: string | undefined;

export function initTensorflowBackend(preference?: string): Promise<BackendChoice> {
  const wanted = preference ?? process.env.LIFTWELL_TF_BACKEND ?? 'auto';
  if (started && startedWith !== wanted) {
    // A different explicit choice later in the same process: switch (tfjs keeps both registered).
    started = null;
  }
  if (!started) {
    startedWith = wanted;
    started = selectBackend(nodeBackendLoaders, wanted);
    started.catch(() => {
      started = null;
    });
  }
  return started;
}
