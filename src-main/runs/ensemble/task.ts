/**
 * Runs a walker-ensemble job in a worker thread: 10^4-10^6 independent overdamped walkers,
 * integrated by the executor engine/integrators/executor.ts picks (the typed-array CPU kernel,
 * or the batched tensor integrator on the tfjs backend this thread starts), with every walker
 * histogrammed every `stride` steps after equilibration (memory flat: no per-sample storage).
 *
 * The decision is made here, in the thread that integrates, because it depends on the tfjs
 * backend this thread can start; tfjs is started only when the answer can depend on it (as
 * `liftwell sample` does). The decision and its reason go to the run record (onRecord).
 *
 * Checkpoints (ensemble-checkpoint.ts) hold positions, step, histograms and, for the CPU
 * kernel, every walker's RNG state: a resumed CPU run is bit-identical to an uninterrupted one.
 * The tensor path's noise is a function of (seed, step) (engine/tensor/overdamped.ts), so
 * positions + step resume it deterministically on the same backend; a resume keeps the
 * checkpoint's executor and asks for the checkpoint's backend explicitly.
 */
import { existsSync, unlinkSync } from 'node:fs';
import { createSystem } from '../../engine/systems';
import { Rng } from '../../engine/random';
import { OverdampedSimulation } from '../../engine/integrators/overdamped';
import { decideExecutor, TENSOR_MIN_WALKERS, type Executor } from '../../engine/integrators/executor';
import { TensorOverdamped, tensorUnsupportedReason } from '../../engine/tensor';
import { encodeNpy } from '../../engine/io/npy';
import { atomicWriteSync } from '../../store/atomic';
import { initTensorflowBackend } from '../../store/tf-backend';
import type { EnsembleJob } from '../run-file';
import { cycledStarts } from '../seeding';
import { ensembleFiles, type EnsembleSummary } from './files';
import { ensembleRestraint } from './restraint';
import { EnsembleHistograms } from './histogram';
import { readEnsembleCheckpoint, writeEnsembleCheckpoint, type EnsembleCheckpoint } from './checkpoint';
import { TaskClock } from '../runtime/task-clock';
import { ClockReporter } from '../runtime/reporters/clock';
import { runSteps, stepsUntilScheduled, type StepReporter } from '../../engine/integrators/simulation';
import type { TaskRunOptions } from '../run-kind';

export interface EnsembleDecisionFields {
  executor: Executor;
  executorReason: string;
  backend: string | null;
}

export interface EnsembleTaskOptions extends TaskRunOptions<EnsembleJob> {
  /** The executor decision, once made (the manager merges it into the run record). */
  onRecord?: (fields: EnsembleDecisionFields) => void;
}

/** Walker-steps between clock checks (a few ms of CPU kernel work). */
const CHUNK_WALKER_STEPS = 200_000;
/** RNG stream of the start-position draws: far above any walker's stream (walker w uses stream w). */
const START_STREAM = 2 ** 40;
const RNG_WIDTH = 6;

/** Seeded configurations (cycled), else all at job.start, else uniformly in the system's box (one seeded stream for all). */
export function startPositions(job: EnsembleJob, domain: readonly (readonly [number, number])[]): Float64Array {
  const dim = domain.length;
  const out = new Float64Array(job.walkers * dim);
  if (job.starts) return cycledStarts(job.starts, dim, job.walkers);
  if (job.start) {
    for (let w = 0; w < job.walkers; w++) out.set(job.start, w * dim);
    return out;
  }
  const rng = new Rng(job.seed, START_STREAM);
  for (let i = 0; i < out.length; i++) {
    const [lo, hi] = domain[i % dim];
    out[i] = lo + (hi - lo) * rng.uniform();
  }
  return out;
}

/** Decides the executor; starts tfjs only when the answer can depend on it. */
async function decide(job: EnsembleJob, resumeFrom: EnsembleCheckpoint | null): Promise<EnsembleDecisionFields> {
  if (resumeFrom) {
    const { executor, executorReason, backend } = resumeFrom.header;
    // Same executor (and for tensor, the same backend, asked for by name) as before the stop.
    if (executor === 'tensor') await initTensorflowBackend(backend ?? job.backend);
    return { executor, executorReason, backend };
  }
  const tensorUnsupported = tensorUnsupportedReason(job.system);
  let backend: string | null = null;
  if (job.executor === 'tensor' || (job.executor === 'auto' && job.walkers >= TENSOR_MIN_WALKERS && !tensorUnsupported)) {
    backend = (await initTensorflowBackend(job.backend)).backend;
  }
  const d = decideExecutor({ backendName: backend, walkers: job.walkers, override: job.executor, tensorUnsupported });
  return { executor: d.executor, executorReason: d.reason, backend };
}

export async function runEnsembleTask(o: EnsembleTaskOptions): Promise<void> {
  const { job } = o;
  const files = ensembleFiles(o.projectPath, o.runId);
  const system = createSystem(job.system);
  const dim = system.dim;
  const ck = existsSync(files.checkpoint) ? readEnsembleCheckpoint(files.checkpoint) : null;
  if (ck) {
    const h = ck.header;
    if (h.runId !== o.runId || h.walkers !== job.walkers || h.dim !== dim || h.bins !== job.bins) {
      throw new Error(`checkpoint ${files.checkpoint} does not belong to this run`);
    }
  }
  const decision = await decide(job, ck);
  o.onRecord?.(decision);

  const positions = ck ? ck.blocks.positions : startPositions(job, system.domain);
  const bias = job.umbrella ? ensembleRestraint(job.umbrella).asCoordinateBias(job.umbrella.cvIndices[0]) : null;
  const common = { system, kT: job.kT, dt: job.dt, bias, positions, seed: job.seed, streamBase: 0 };
  let cpu: OverdampedSimulation | null = null;
  let tensor: TensorOverdamped | null = null;
  if (decision.executor === 'tensor') {
    tensor = new TensorOverdamped(common);
    if (ck) tensor.step = ck.header.step;
  } else {
    cpu = new OverdampedSimulation(common);
    if (ck) {
      const rng = ck.blocks.rng;
      if (!rng || rng.length !== job.walkers * RNG_WIDTH) throw new Error(`checkpoint ${files.checkpoint} lacks the RNG states of the CPU kernel`);
      const rngStates = Array.from({ length: job.walkers }, (_, w) => Array.from(rng.subarray(w * RNG_WIDTH, (w + 1) * RNG_WIDTH)));
      cpu.setState({ step: ck.header.step, positions: Array.from(positions), rngStates });
    }
  }
  const stepper: OverdampedSimulation | TensorOverdamped = cpu ?? tensor!;
  const stepOf = () => stepper.step;
  const read = (): Float64Array => (cpu ? cpu.positions : tensor!.readPositions());

  const hist = new EnsembleHistograms(job.ranges, job.bins);
  if (ck) {
    hist.counts.set(ck.blocks.counts);
    if (hist.counts2d) hist.counts2d.set(ck.blocks.counts2d);
    hist.outside.set(ck.blocks.outside);
    hist.samples = ck.header.samples;
  }

  const now = o.now ?? (() => performance.now());
  const secondsBefore = ck?.header.seconds ?? 0;
  const began = now();
  const seconds = () => secondsBefore + (now() - began) / 1000;

  const writeCheckpoint = () => {
    const blocks: Record<string, Float64Array> = {
      positions: read(),
      counts: hist.counts,
      counts2d: hist.counts2d ?? new Float64Array(0),
      outside: hist.outside,
    };
    if (cpu) {
      const rng = new Float64Array(job.walkers * RNG_WIDTH);
      cpu.getState().rngStates.forEach((s, w) => rng.set(s, w * RNG_WIDTH));
      blocks.rng = rng;
    }
    writeEnsembleCheckpoint(
      files.checkpoint,
      { schemaVersion: 1, runId: o.runId, ...decision, step: stepOf(), samples: hist.samples, seconds: seconds(), walkers: job.walkers, dim, bins: job.bins },
      blocks,
    );
    o.onCheckpoint?.(stepOf());
  };

  const clock = new TaskClock(
    { progressIntervalMs: o.progressIntervalMs, checkpointIntervalMs: o.checkpointIntervalMs, now: o.now },
    { progress: () => o.onProgress?.(stepOf()), checkpoint: writeCheckpoint },
  );
  // Every walker is histogrammed every `stride` steps after equilibration; the clock last.
  const histogramReporter: StepReporter = {
    describeNextReport: (step) => stepsUntilScheduled(step, job.equilibrationSteps + job.stride, job.stride),
    report: () => hist.add(read()),
  };
  o.onProgress?.(stepOf());
  try {
    runSteps(stepper, Math.max(0, job.steps - stepOf()), [histogramReporter, new ClockReporter(clock, Math.max(1, Math.floor(CHUNK_WALKER_STEPS / job.walkers)))]);
  } finally {
    tensor?.dispose();
  }

  const total = seconds();
  atomicWriteSync(files.histogramsNpy, encodeNpy(hist.counts, [dim, job.bins]));
  if (hist.counts2d) atomicWriteSync(files.histogram2dNpy, encodeNpy(hist.counts2d, [job.bins, job.bins]));
  const summary: EnsembleSummary = {
    schemaVersion: 1,
    ...decision,
    seconds: total,
    walkerSteps: job.walkers * job.steps,
    samples: hist.samples,
    outside: Array.from(hist.outside),
  };
  // ensemble.json last: its existence marks the task done.
  atomicWriteSync(files.summary, JSON.stringify(summary));
  try {
    unlinkSync(files.checkpoint);
  } catch {
    /* not there */
  }
  o.onProgress?.(stepOf());
}
