/**
 * Runs one umbrella window: equilibrate, then keep the CV of every walker every `stride` steps.
 * Used by the worker thread; writes its checkpoint and result files itself (sync fs, atomic).
 *
 * Determinism: the window owns RNG streams seed/(k * streamStride + w) and is integrated in
 * fixed-size chunks, so its samples do not depend on which worker runs it, how many workers
 * exist, or where it was checkpointed and resumed (the checkpoint holds the exact simulation
 * state: positions, step and RNG states; and the samples so far as raw float64 bytes).
 */
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { OverdampedSimulation, type OverdampedState } from '../engine/integrators/overdamped';
import { createSystem } from '../engine/systems';
import { encodeNpy } from '../engine/io/npy';
import { atomicWriteSync } from '../store/atomic';
import { checkpointFilePath, windowFilePath, type UmbrellaJob } from '../store/project';

export interface WindowCheckpoint {
  schemaVersion: 1;
  runId: string;
  windowIndex: number;
  walkers: number;
  samplesPerWindow: number;
  samplesDone: number;
  state: OverdampedState;
  /** Float64 little-endian bytes of the (walkers x samples) buffer, base64. */
  samples: string;
}

export interface WindowRunOptions {
  projectPath: string;
  runId: string;
  job: UmbrellaJob;
  windowIndex: number;
  checkpointIntervalMs: number;
  progressIntervalMs: number;
  onProgress?: (stepsDone: number) => void;
  onCheckpoint?: (stepsDone: number) => void;
  now?: () => number;
}

/** Walker-steps per chunk between clock checks: a few milliseconds of work. */
const CHUNK_WALKER_STEPS = 50_000;

function toBase64(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function fromBase64(s: string, length: number): Float64Array {
  const bytes = Buffer.from(s, 'base64');
  if (bytes.byteLength !== length * 8) throw new Error(`checkpoint has ${bytes.byteLength / 8} samples, expected ${length}`);
  const out = new Float64Array(length);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function runWindow(o: WindowRunOptions): void {
  const { job, windowIndex: k } = o;
  const now = o.now ?? (() => performance.now());
  const system = createSystem(job.system);
  const win = job.windows[k];
  if (!win) throw new Error(`window ${k} is not part of the run`);
  const dim = system.dim;
  const W = job.walkers;
  const S = job.samplesPerWindow;
  const positions = new Float64Array(W * dim);
  for (let w = 0; w < W; w++) for (let d = 0; d < dim; d++) positions[w * dim + d] = win.start[d];
  const sim = new OverdampedSimulation({
    system,
    kT: job.kT,
    dt: job.dt,
    bias: { cvIndex: job.cvIndex, center: win.center, spring: win.spring },
    positions,
    seed: job.seed,
    streamBase: k * job.streamStride,
  });
  const samples = new Float64Array(W * S);
  let samplesDone = 0;

  const ckptPath = checkpointFilePath(o.projectPath, o.runId, k);
  const outPath = windowFilePath(o.projectPath, o.runId, k);
  if (existsSync(ckptPath)) {
    const ck = JSON.parse(readFileSync(ckptPath, 'utf8')) as WindowCheckpoint;
    if (ck.schemaVersion !== 1 || ck.windowIndex !== k || ck.walkers !== W || ck.samplesPerWindow !== S) {
      throw new Error(`checkpoint ${ckptPath} does not belong to this window`);
    }
    sim.setState(ck.state);
    samples.set(fromBase64(ck.samples, W * S));
    samplesDone = ck.samplesDone;
    if (sim.step !== Math.min(sim.step, job.equilibrationSteps) + samplesDone * job.stride) {
      throw new Error(`checkpoint ${ckptPath} is inconsistent (step ${sim.step}, ${samplesDone} samples)`);
    }
  }

  let lastCheckpoint = now();
  let lastProgress = -Infinity;
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
    };
    atomicWriteSync(ckptPath, JSON.stringify(ck));
    lastCheckpoint = now();
    o.onCheckpoint?.(sim.step);
  };
  const tick = () => {
    const t = now();
    if (t - lastProgress >= o.progressIntervalMs) {
      lastProgress = t;
      o.onProgress?.(sim.step);
    }
    if (t - lastCheckpoint >= o.checkpointIntervalMs) writeCheckpoint();
  };

  o.onProgress?.(sim.step);
  // Equilibration, discarded.
  const equilChunk = Math.max(1, Math.floor(CHUNK_WALKER_STEPS / W));
  while (sim.step < job.equilibrationSteps) {
    sim.run(Math.min(equilChunk, job.equilibrationSteps - sim.step));
    tick();
  }
  // Production: one CV value per walker every `stride` steps.
  const samplesPerChunk = Math.max(1, Math.floor(CHUNK_WALKER_STEPS / (W * job.stride)));
  const live = sim.positions;
  const cv = job.cvIndex;
  while (samplesDone < S) {
    const end = Math.min(S, samplesDone + samplesPerChunk);
    for (; samplesDone < end; samplesDone++) {
      sim.run(job.stride);
      for (let w = 0; w < W; w++) samples[w * S + samplesDone] = live[w * dim + cv];
    }
    tick();
  }
  atomicWriteSync(outPath, encodeNpy(samples, [W, S]));
  try {
    unlinkSync(ckptPath);
  } catch {
    /* no checkpoint written */
  }
  o.onProgress?.(sim.step);
}
