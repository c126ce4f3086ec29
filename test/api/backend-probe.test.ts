/**
 * getComputeBackend (issue 12, About panel): the backend tfjs really starts with the loaders
 * given, the GPU status in words, cached until refresh.
 */
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { createBackendProbe, gpuStatus } from '../../src-main/api/backend-probe';

const tfjsCoreVersion = (createRequire(import.meta.url)('@tensorflow/tfjs-core/package.json') as { version: string }).version;

describe('gpuStatus', () => {
  it('names the reason there is no GPU', () => {
    expect(gpuStatus({ backend: 'node-gpu', skipped: [] }, 'auto')).toEqual({ available: true, detail: 'CUDA through @tensorflow/tfjs-node-gpu' });
    expect(gpuStatus({ backend: 'wasm', skipped: [{ backend: 'node-gpu', reason: "Cannot find package '@tensorflow/tfjs-node-gpu' imported from x" }] }, 'auto').detail).toBe(
      '@tensorflow/tfjs-node-gpu is not installed (it needs an NVIDIA GPU with CUDA and cuDNN)',
    );
    expect(gpuStatus({ backend: 'node', skipped: [{ backend: 'node-gpu', reason: 'libcudart.so.11.0: cannot open shared object file' }] }, 'auto').detail).toBe(
      '@tensorflow/tfjs-node-gpu did not start: libcudart.so.11.0: cannot open shared object file',
    );
    expect(gpuStatus({ backend: 'cpu', skipped: [] }, 'cpu')).toEqual({ available: false, detail: 'not tried: LIFTWELL_TF_BACKEND=cpu leaves out node-gpu' });
  });
});

describe('createBackendProbe', () => {
  it('falls through failing loaders to cpu, says why, caches until refresh', async () => {
    let loads = 0;
    const probe = createBackendProbe({
      preference: () => 'auto',
      loaders: async () => ({
        'node-gpu': async () => {
          loads++;
          throw new Error("Cannot find package '@tensorflow/tfjs-node-gpu'");
        },
        node: async () => {
          throw new Error("Cannot find package '@tensorflow/tfjs-node'");
        },
        wasm: async () => {
          throw new Error('no wasm here');
        },
        cpu: async () => {},
      }),
    });
    const first = await probe.probe();
    expect(first.backend).toBe('cpu');
    expect(first.package).toBe('@tensorflow/tfjs-backend-cpu');
    expect(first.tfjsVersion).toBe(tfjsCoreVersion);
    expect(first.gpu.available).toBe(false);
    expect(first.gpu.detail).toMatch(/not installed/);
    expect(first.skipped.map((s) => s.backend)).toEqual(['node-gpu', 'node', 'wasm']);
    expect(first.skipped[1].reason).toBe('@tensorflow/tfjs-node is not installed');
    expect(first.skipped[2].reason).toBe('no wasm here');
    expect(await probe.probe()).toBe(first);
    expect(loads).toBe(1);
    const again = await probe.probe(true);
    expect(again).not.toBe(first);
    expect(loads).toBe(2);
  });

  it('an explicit preference that cannot start is reported, not thrown', async () => {
    const probe = createBackendProbe({ preference: () => 'node', loaders: async () => ({ node: async () => { throw new Error('missing'); } }) });
    const info = await probe.probe();
    expect(info.backend).toBe('none');
    expect(info.package).toBe('none');
    expect(info.skipped[0].reason).toMatch(/no TensorFlow\.js backend could be started \(node: missing\)/);
    expect(info.gpu.detail).toBe('not tried: LIFTWELL_TF_BACKEND=node leaves out node-gpu');
  });
});
