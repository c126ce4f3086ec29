/**
 * One interface over the two executions of the overdamped integrator, so callers (CLI, jobs)
 * run an ensemble without caring which one engine/integrators/executor.ts picked.
 */
import { EngineInputError } from '../errors';
import { OverdampedSimulation, type OverdampedOptions } from '../integrators/overdamped';
import type { Executor } from '../integrators/executor';
import { TensorOverdamped } from './overdamped';
import { tensorUnsupportedReason } from './forces';

export interface WalkerEnsemble {
  readonly executor: Executor;
  readonly nWalkers: number;
  readonly dim: number;
  readonly step: number;
  run(nSteps: number): void;
  /** Walker-major positions (a copy). */
  readPositions(): Float64Array;
  dispose(): void;
}

/** Why the tensor path cannot run these options (unsupported system or a general bias), or null. */
export function tensorUnsupportedForOptions(opts: Pick<OverdampedOptions, 'system' | 'generalBias'>): string | null {
  if (opts.generalBias) return 'a general bias (e.g. metadynamics) runs only on the CPU kernel';
  return tensorUnsupportedReason(opts.system.spec);
}

export function createEnsemble(executor: Executor, opts: OverdampedOptions): WalkerEnsemble {
  if (executor === 'tensor') {
    const reason = tensorUnsupportedForOptions(opts);
    if (reason) throw new EngineInputError(`executor tensor cannot run this job: ${reason}`);
    const sim = new TensorOverdamped(opts);
    return {
      executor,
      nWalkers: sim.nWalkers,
      dim: sim.dim,
      get step() {
        return sim.step;
      },
      run: (n) => sim.run(n),
      readPositions: () => sim.readPositions(),
      dispose: () => sim.dispose(),
    };
  }
  const sim = new OverdampedSimulation(opts);
  return {
    executor,
    nWalkers: sim.nWalkers,
    dim: sim.dim,
    get step() {
      return sim.step;
    },
    run: (n) => sim.run(n),
    readPositions: () => Float64Array.from(sim.positions),
    dispose: () => {},
  };
}
