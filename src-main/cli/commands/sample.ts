/** `liftwell sample`: overdamped Langevin walkers of a built-in system, final positions as JSON. */
import { createSystem, type SystemSpec } from '../../engine/systems';
import { decideExecutor, parseExecutorPreference, TENSOR_MIN_WALKERS } from '../../engine/integrators/executor';
// tfjs-free import (the tensor executor and the tfjs backend are imported only when used).
import { tensorUnsupportedReason } from '../../engine/tensor/forces';
import { CliUsageError, integerOption, numberListOption, numberOption, parseCommandArgs, positiveOption, requireString, type OptionSpec } from '../args';
import { printJson, toRows } from '../output';
import { runWalkerSlices, sliceThreadCount } from '../../runs/runtime/walker-slices';
import { walkersScriptUrl } from '../../runs/runtime/bundle-paths';
import { LIMITS } from '../../schema/limits';
import { checkAtMost, checkMemory, float64Bytes } from '../../api/limit-checks';

export const systemOptionsHelp = `System options:
  --system double-well   V = a (x^2-1)^2                               [--a 1]
  --system muller-brown  standard Muller-Brown (SCIENCE.md) x scale    [--scale 1]
  --system fast-slow     V = a(x^2-1)^2 + (y-f(x))^2/(2 s^2), mobility (1, 1/epsilon)
                         [--a 1 --s 0.1 --epsilon 0.01 --f linear|sin|cubic --c 1]`;

export const sampleHelp = `liftwell sample --system NAME --walkers N --steps S --dt DT --kT KT [--start=X[,Y]] --seed K --json

Overdamped Langevin (Euler-Maruyama): dx = m(-grad V) dt + sqrt(2 kT m dt) N(0,1), mobility m.
  --walkers N     independent walkers (each its own random stream of --seed)
  --steps S       steps per walker
  --dt DT         time step
  --kT KT         thermal energy (units of V)
  --start=X,Y     start of every walker (default: the system's first minimum region)
  --seed K        non-negative integer; same seed, same numbers
  --executor E    auto | cpu | tensor (default auto). auto runs the batched tensor integrator
                  only on a GPU tfjs backend (tfjs-node-gpu) with >= ${TENSOR_MIN_WALKERS} walkers, else the
                  CPU kernel; tensor forces it on any backend (float32, its own random stream)
  --threads N     worker threads for the CPU kernel (default: one per core when the run is
                  long enough to gain); the results are identical for any N
  --json          prints positions (N x dim, final), walkerSteps, meanEnergy, seconds,
                  executor, executorReason, backend (tfjs backend, null when not consulted),
                  threads (CPU threads used)
${systemOptionsHelp}`;

export const systemOptions: OptionSpec = {
  system: { type: 'string' },
  a: { type: 'string' },
  scale: { type: 'string' },
  s: { type: 'string' },
  epsilon: { type: 'string' },
  f: { type: 'string' },
  c: { type: 'string' },
};

export function systemSpecFromOptions(values: Record<string, unknown>): SystemSpec {
  const kind = requireString(values, 'system');
  switch (kind) {
    case 'double-well':
      return { kind, a: numberOption(values, 'a', 1) };
    case 'muller-brown':
      return { kind, scale: numberOption(values, 'scale', 1) };
    case 'fast-slow': {
      const f = (values.f as string | undefined) ?? 'linear';
      if (f !== 'linear' && f !== 'sin' && f !== 'cubic') throw new CliUsageError(`--f must be linear, sin or cubic (got ${f})`);
      return { kind, a: numberOption(values, 'a', 1), s: numberOption(values, 's', 0.1), epsilon: numberOption(values, 'epsilon', 0.01), f, c: numberOption(values, 'c', 1) };
    }
    default:
      throw new CliUsageError(`--system must be double-well, muller-brown or fast-slow (got ${kind})`);
  }
}

const defaultStarts: Record<SystemSpec['kind'], number[]> = {
  'double-well': [-1],
  'muller-brown': [-0.558, 1.442],
  'fast-slow': [-1, 0],
};

export async function runSample(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    ...systemOptions,
    walkers: { type: 'string' },
    steps: { type: 'string' },
    dt: { type: 'string' },
    kT: { type: 'string' },
    start: { type: 'string' },
    seed: { type: 'string' },
    executor: { type: 'string' },
    threads: { type: 'string' },
  });
  if (values.help) {
    console.log(sampleHelp);
    return 0;
  }
  const spec = systemSpecFromOptions(values);
  const system = createSystem(spec);
  const walkers = integerOption(values, 'walkers', 1, 1);
  const steps = integerOption(values, 'steps', undefined, 0);
  const dt = positiveOption(values, 'dt');
  const kT = positiveOption(values, 'kT', 1);
  const seed = integerOption(values, 'seed', 0, 0);
  const start = numberListOption(values, 'start', system.dim) ?? defaultStarts[spec.kind];
  checkAtMost(walkers, LIMITS.ensembleWalkers, '--walkers', 'the number of walkers');
  checkAtMost(steps, LIMITS.steps, '--steps', 'the number of steps');
  // Positions, forces, noise and the returned rows: a handful of float64 per coordinate.
  checkMemory(float64Bytes(walkers * system.dim * 6) + walkers * 64, '--walkers', `${walkers} walkers`);

  const positions = new Float64Array(walkers * system.dim);
  for (let w = 0; w < walkers; w++) positions.set(start, w * system.dim);
  let preference;
  try {
    preference = parseExecutorPreference(values.executor as string | undefined);
  } catch (error) {
    throw new CliUsageError(`--${(error as Error).message}`);
  }
  // tfjs is consulted only when its answer can matter (it takes a moment to start).
  const tensorUnsupported = tensorUnsupportedReason(spec);
  let backend: string | null = null;
  if (preference === 'tensor' || (preference === 'auto' && walkers >= TENSOR_MIN_WALKERS && !tensorUnsupported)) {
    const { initTensorflowBackend } = await import('../../store/tf-backend');
    backend = (await initTensorflowBackend()).backend;
  }
  const decision = decideExecutor({ backendName: backend, walkers, override: preference, tensorUnsupported });
  const began = performance.now();
  let finalPositions: Float64Array;
  let threads = 1;
  if (decision.executor === 'tensor') {
    const { createEnsemble } = await import('../../engine/tensor/ensemble');
    const simulation = createEnsemble(decision.executor, { system, kT, dt, positions, seed, streamBase: 0 });
    simulation.run(steps);
    finalPositions = simulation.readPositions();
    simulation.dispose();
  } else {
    // CPU kernel, walkers split across threads: the same bits for any thread count.
    threads = sliceThreadCount(walkers, steps, values.threads === undefined ? undefined : integerOption(values, 'threads', undefined, 1));
    finalPositions = await runWalkerSlices({ spec, kT, dt, seed, streamBase: 0, steps, positions }, threads, walkersScriptUrl());
  }
  const seconds = (performance.now() - began) / 1000;

  let energySum = 0;
  for (let w = 0; w < walkers; w++) energySum += system.energy(finalPositions, w * system.dim);
  const result = {
    system: spec,
    coordinateNames: system.coordinateNames,
    positions: toRows(finalPositions, system.dim),
    walkerSteps: walkers * steps,
    meanEnergy: energySum / walkers,
    seconds,
    walkerStepsPerSecond: seconds > 0 ? (walkers * steps) / seconds : null,
    executor: decision.executor,
    executorReason: decision.reason,
    backend,
    threads,
  };
  if (values.json) printJson(result);
  else {
    console.log(`# ${walkers} walkers x ${steps} steps of ${spec.kind} in ${seconds.toFixed(3)} s; mean energy ${result.meanEnergy}`);
    console.log(`# executor ${decision.executor} (${decision.reason})`);
    for (const row of result.positions) console.log(row.join('\t'));
  }
  return 0;
}
