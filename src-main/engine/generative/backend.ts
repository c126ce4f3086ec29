/**
 * TensorFlow.js backend selection, best first: tfjs-node-gpu (CUDA) -> tfjs-node -> wasm -> cpu.
 *
 * The engine cannot import optional native packages or read the environment, so the host passes
 * one loader per backend (store/tf-backend.ts does the dynamic imports and the wasm file paths for
 * Node) and the user's preference (env LIFTWELL_TF_BACKEND or an option). A loader that throws
 * (package not installed, no CUDA libraries) is skipped and its reason kept for the UI/log.
 */
import { EngineInputError } from '../errors';
import { tf } from './tf';

export type BackendName = 'node-gpu' | 'node' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['node-gpu', 'node', 'wasm', 'cpu'];

/** Name tfjs registers each backend under (tfjs-node and tfjs-node-gpu both register 'tensorflow'). */
export const TFJS_BACKEND_NAME: Record<BackendName, string> = { 'node-gpu': 'tensorflow', node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

/** Makes backend `name` available to tfjs (imports/registers it); throws when it cannot. */
export type BackendLoader = () => Promise<void>;
export type BackendLoaders = Partial<Record<BackendName, BackendLoader>>;

export interface BackendChoice {
  backend: BackendName;
  /** Backends tried before the one in use, with why each was skipped. */
  skipped: { backend: BackendName; reason: string }[];
}

/**
 * 'auto' / '' / undefined -> the full order; a name -> that backend only (an explicit choice
 * must not fall back silently); a comma list -> that order. Unknown names: EngineInputError.
 */
export function parseBackendPreference(text: string | undefined | null): BackendName[] {
  const trimmed = (text ?? '').trim().toLowerCase();
  if (trimmed === '' || trimmed === 'auto') return [...BACKEND_ORDER];
  const names = trimmed.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const name of names) {
    if (!(BACKEND_ORDER as readonly string[]).includes(name)) {
      throw new EngineInputError(`unknown TensorFlow.js backend "${name}" (choose from auto, ${BACKEND_ORDER.join(', ')})`);
    }
  }
  return names as BackendName[];
}

let current: BackendName | null = null;

/** Tries the preferred backends in order; the first that loads and initialises is made current. */
export async function selectBackend(loaders: BackendLoaders, preference?: string | null): Promise<BackendChoice> {
  const order = parseBackendPreference(preference);
  const skipped: BackendChoice['skipped'] = [];
  for (const name of order) {
    const load = name === 'cpu' && !loaders.cpu ? async () => {} : loaders[name];
    if (!load) {
      skipped.push({ backend: name, reason: 'no loader on this platform' });
      continue;
    }
    try {
      await load();
      const ok = await tf.setBackend(TFJS_BACKEND_NAME[name]);
      if (!ok) throw new Error('initialisation failed');
      await tf.ready();
      current = name;
      return { backend: name, skipped };
    } catch (error) {
      skipped.push({ backend: name, reason: error instanceof Error ? error.message.split('\n')[0] : String(error) });
    }
  }
  throw new EngineInputError(
    `no TensorFlow.js backend could be started (${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')})`,
  );
}

/** The backend selectBackend chose, or tfjs's own current one (named in our terms) when none was chosen. */
export function currentBackend(): BackendName | string {
  const active = tf.getBackend();
  if (current && TFJS_BACKEND_NAME[current] === active) return current;
  return active === 'tensorflow' ? 'node' : active ?? 'none';
}
