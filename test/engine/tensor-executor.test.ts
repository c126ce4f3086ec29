import { describe, expect, it } from 'vitest';
import { chooseExecutor, decideExecutor, parseExecutorPreference, TENSOR_MIN_WALKERS } from '../../src-main/engine/integrators/executor';
import { EngineInputError } from '../../src-main/engine/errors';

describe('chooseExecutor', () => {
  const big = TENSOR_MIN_WALKERS;
  it('auto: tensor only on a GPU backend with enough walkers', () => {
    for (const gpu of ['node-gpu', 'webgpu', 'webgl']) {
      expect(chooseExecutor({ backendName: gpu, walkers: big })).toBe('tensor');
      expect(chooseExecutor({ backendName: gpu, walkers: big - 1 })).toBe('cpu');
    }
    for (const cpu of ['node', 'wasm', 'cpu', 'tensorflow', null]) {
      const d = decideExecutor({ backendName: cpu, walkers: 1_000_000 });
      expect(d.executor).toBe('cpu');
      expect(d.reason).toMatch(/not a GPU/);
    }
    expect(decideExecutor({ backendName: 'wasm', walkers: 10 }).reason).toMatch(/10 walkers < /);
  });

  it('auto falls back to cpu, with the reason, when the tensor path cannot run the job', () => {
    const d = decideExecutor({ backendName: 'node-gpu', walkers: big, tensorUnsupported: 'system "expression" has no tensor force formula' });
    expect(d).toEqual({ executor: 'cpu', reason: 'auto: system "expression" has no tensor force formula' });
  });

  it('overrides win; forcing tensor on an unsupported job is an input error', () => {
    expect(chooseExecutor({ backendName: 'node-gpu', walkers: big, override: 'cpu' })).toBe('cpu');
    expect(chooseExecutor({ backendName: 'cpu', walkers: 1, override: 'tensor' })).toBe('tensor');
    expect(() => decideExecutor({ backendName: 'cpu', walkers: 1, override: 'tensor', tensorUnsupported: 'no' })).toThrow(EngineInputError);
  });

  it('parses the preference and names bad values', () => {
    expect(parseExecutorPreference(undefined)).toBe('auto');
    expect(parseExecutorPreference(' Tensor ')).toBe('tensor');
    expect(() => parseExecutorPreference('gpu')).toThrow(/auto, cpu or tensor/);
  });
});
