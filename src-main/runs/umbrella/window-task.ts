/**
 * Runs one umbrella window: equilibrate, then keep the CV and the full configuration of every
 * walker every `stride` steps. Used by the worker thread; writes its checkpoint and result files
 * itself (sync fs, atomic): window-NNN-x.npy (walkers x samples x dim, every coordinate; the
 * training data of generative models, runs/train/data.ts) first, then window-NNN.npy (the CV
 * samples, unchanged format; its existence marks the window done).
 *
 * Determinism: the window owns RNG streams seed/(k * streamStride + w) and is integrated by the
 * shared step loop (engine/integrators/simulation.ts) in chunks between samples and clock checks;
 * the overdamped integrator gives the same bits for any chunking, so its samples do not depend on
 * which worker runs it, how many workers exist, or where it was checkpointed and resumed (the
 * checkpoint holds the exact simulation state: positions, step and RNG states; and the samples and
 * configurations so far as raw float64 bytes). A checkpoint written before configurations were kept resumes without them: that window
 * then gets no -x.npy file, like the runs of older versions.
 */
import { readCheckpointJson } from '../runtime/raw-files';
import { existsSync, unlinkSync } from 'node:fs';
import { OverdampedSimulation, type OverdampedState } from '../../engine/integrators/overdamped';
import { CoordinateRestraint } from '../../engine/bias/restraint';
import { createSystem } from '../../engine/systems';
import { encodeNpy } from '../../engine/io/npy';
import { atomicWriteSync } from '../../store/atomic';
import { TaskClock } from '../runtime/task-clock';
import { ClockReporter } from '../runtime/reporters/clock';
import { runSteps, stepsUntilScheduled, type StepReporter } from '../../engine/integrators/simulation';
import { checkpointFilePath, windowFilePath } from '../../store/paths';
import type { UmbrellaJob } from '../run-file';
import type { TaskRunOptions } from '../run-kind';

/** runs/<id>/window-NNN-x.npy: every coordinate of every sample (walkers x samples x dim). */
export const windowConfigurationsFilePath = (projectPath: string, runId: string, k: number) =>
  windowFilePath(projectPath, runId, k).replace(/\.npy$/, '-x.npy');

export interface WindowCheckpoint {
  schemaVersion: 1;
  runId: string;
  windowIndex: number;
  walkers: number;
  samplesPerWindow: number;
  samplesDone: number;
  state: OverdampedState;
  /** Float64 little-endian bytes of the (walkers x samples [x CVs]) buffer, base64. */
  samples: string;
  /** Float64 bytes of the (walkers x samples x dim) configurations, base64; absent in older checkpoints. */
  configurations?: string;
}

export interface WindowRunOptions extends TaskRunOptions<UmbrellaJob> {
  windowIndex: number;
}

/** Walker-steps per chunk between clock checks: a few milliseconds of work. */
const CHUNK_WALKER_STEPS = 50_000;

function toBase64(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function fromBase64(s: string, length: number, what = 'samples'): Float64Array {
  const bytes = Buffer.from(s, 'base64');
  if (bytes.byteLength !== length * 8) throw new Error(`checkpoint has ${bytes.byteLength / 8} ${what}, expected ${length}`);
  const out = new Float64Array(length);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** The CV coordinates of a job: [cvIndex] (1D) or cvIndices (2D grid). */
export function jobCvIndices(job: UmbrellaJob): number[] {
  return job.cvIndices && job.cvIndices.length > 1 ? job.cvIndices : [job.cvIndex];
}

export function runWindow(o: WindowRunOptions): void {
  const { job, windowIndex: k } = o;
  const system = createSystem(job.system);
  const win = job.windows[k];
  if (!win) throw new Error(`window ${k} is not part of the run`);
  const dim = system.dim;
  const W = job.walkers;
  const S = job.samplesPerWindow;
  const positions = new Float64Array(W * dim);
  for (let w = 0; w < W; w++) for (let d = 0; d < dim; d++) positions[w * dim + d] = win.starts ? win.starts[w * dim + d] : win.start[d];
  const cvs = jobCvIndices(job);
  const nCv = cvs.length;
  if (win.centers.length !== nCv || win.springs.length !== nCv) {
    throw new Error(`window ${k} has no centre and spring for each of its ${nCv} CVs`);
  }
  // W = sum_c 0.5 k_c (x[cv_c] - centre_c)^2 (engine/bias/restraint.ts). One CV: the integrator's
  // inline one-coordinate spring: the same arithmetic without a call per step (10-20% faster in a
  // noisy measurement on a shared machine).
  const restraint = new CoordinateRestraint(cvs, { at: win.centers, kappa: win.springs });
  const sim = new OverdampedSimulation({
    system,
    kT: job.kT,
    dt: job.dt,
    bias: nCv === 1 ? restraint.restraint.asCoordinateBias(cvs[0]) : null,
    generalBias: nCv === 1 ? null : restraint,
    positions,
    seed: job.seed,
    streamBase: k * job.streamStride,
  });
  // 1D: (walkers x samples); 2D: (walkers x samples x CVs), C order.
  const samples = new Float64Array(W * S * nCv);
  // Every coordinate of every sample (walkers x samples x dim); null after resuming an old checkpoint.
  let configurations: Float64Array | null = new Float64Array(W * S * dim);
  let samplesDone = 0;

  const ckptPath = checkpointFilePath(o.projectPath, o.runId, k);
  const outPath = windowFilePath(o.projectPath, o.runId, k);
  const configurationsPath = windowConfigurationsFilePath(o.projectPath, o.runId, k);
  if (existsSync(ckptPath)) {
    const ck = readCheckpointJson<WindowCheckpoint>(ckptPath);
    if (ck.schemaVersion !== 1 || ck.windowIndex !== k || ck.walkers !== W || ck.samplesPerWindow !== S) {
      throw new Error(`checkpoint ${ckptPath} does not belong to this window`);
    }
    sim.setState(ck.state);
    samples.set(fromBase64(ck.samples, W * S * nCv));
    if (ck.configurations !== undefined) configurations!.set(fromBase64(ck.configurations, W * S * dim, 'configuration values'));
    else configurations = null;
    samplesDone = ck.samplesDone;
    // Checkpoints fall on clock checks, also between samples: the samples taken are those due by its step.
    const due = sim.step <= job.equilibrationSteps ? 0 : Math.floor((sim.step - job.equilibrationSteps) / job.stride);
    if (samplesDone !== due || samplesDone > S) {
      throw new Error(`checkpoint ${ckptPath} is inconsistent (step ${sim.step}, ${samplesDone} samples)`);
    }
  }

  const writeCheckpoint = () => {
    const ck: WindowCheckpoint = {
      schemaVersion: 1,
      runId: o.runId,
      windowIndex: k,
      walkers: W,
      samplesPerWindow: S,
      samplesDone,
      state: sim.getState(),
      samples: toBase64(samples),
      ...(configurations ? { configurations: toBase64(configurations) } : {}),
    };
    atomicWriteSync(ckptPath, JSON.stringify(ck));
    o.onCheckpoint?.(sim.step);
  };
  const clock = new TaskClock(
    { progressIntervalMs: o.progressIntervalMs, checkpointIntervalMs: o.checkpointIntervalMs, now: o.now },
    { progress: () => o.onProgress?.(sim.step), checkpoint: writeCheckpoint },
  );

  // Equilibration (discarded), then one CV value (and configuration) per walker every `stride` steps.
  const live = sim.positions;
  const cv = job.cvIndex;
  const samplesReporter: StepReporter<OverdampedSimulation> = {
    describeNextReport: (step) => stepsUntilScheduled(step, job.equilibrationSteps + job.stride, job.stride),
    report: () => {
      if (nCv === 1) {
        for (let w = 0; w < W; w++) samples[w * S + samplesDone] = live[w * dim + cv];
      } else {
        for (let w = 0; w < W; w++) {
          const at = (w * S + samplesDone) * nCv;
          for (let c = 0; c < nCv; c++) samples[at + c] = live[w * dim + cvs[c]];
        }
      }
      if (configurations) {
        for (let w = 0; w < W; w++) {
          const at = (w * S + samplesDone) * dim;
          for (let d = 0; d < dim; d++) configurations[at + d] = live[w * dim + d];
        }
      }
      samplesDone++;
    },
  };
  const total = job.equilibrationSteps + S * job.stride;
  o.onProgress?.(sim.step);
  // The clock last: a checkpoint at a sample step holds that sample.
  runSteps(sim, Math.max(0, total - sim.step), [samplesReporter, new ClockReporter(clock, Math.max(1, Math.floor(CHUNK_WALKER_STEPS / W)))]);
  // Configurations first: window-NNN.npy is the done marker, so a finished window always has both.
  if (configurations) atomicWriteSync(configurationsPath, encodeNpy(configurations, [W, S, dim]));
  atomicWriteSync(outPath, encodeNpy(samples, nCv === 1 ? [W, S] : [W, S, nCv]));
  try {
    unlinkSync(ckptPath);
  } catch {
    /* no checkpoint written */
  }
  o.onProgress?.(sim.step);
}
