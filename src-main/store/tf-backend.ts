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

/**
 * The backends are CommonJS packages: require() them. Bundlers leave this `require` alone (the
 * native packages are optional and may be absent), and Node skips the CommonJS export lexer that
 * an import() runs over the whole package (0.2-0.3 s for tfjs-backend-wasm and the tfjs-core it
 * loads; scripts/build-node.mjs does the same for @tensorflow/tfjs itself).
 */
const requireBackend = (name: string): unknown => require(name);

export const nodeBackendLoaders: BackendLoaders = {
  // Each native package registers the 'tensorflow' backend when imported; it throws when the
  // package or its libtensorflow (CUDA for -gpu) is missing.
  'node-gpu': async () => {
    requireBackend('@tensorflow/tfjs-node-gpu');
  },
  node: async () => {
    requireBackend('@tensorflow/tfjs-node');
  },
  wasm: async () => {
    const wasm = requireBackend('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
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
