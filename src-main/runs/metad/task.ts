/**
 * Runs a well-tempered metadynamics job in a worker thread: all walkers share one bias grid
 * (multiple-walker metadynamics), COLVAR rows and hills stream to raw files as the run goes
 * (memory stays flat however long it runs), a checkpoint holds the exact integrator and bias
 * state plus how many rows the raw files had, and a running FES preview is posted about once
 * a second.
 *
 * Resume: the raw files are cut back to the checkpoint's row counts and the state restored,
 * so a resumed run is bit-identical to an uninterrupted one.
 */
import { existsSync, unlinkSync } from 'node:fs';
import { appendRows, cutBackToCheckpoint, readCheckpointJson } from '../runtime/raw-files';
import { createSystem } from '../../engine/systems';
import { OverdampedSimulation, type OverdampedState } from '../../engine/integrators/overdamped';
import { BaoabSimulation, type BaoabState } from '../../engine/integrators/baoab';
import { WellTemperedMetad, type Hill, type MetadState } from '../../engine/bias/metad';
import { ColvarRecorder } from '../../engine/bias/metad-colvar';
import { encodeNpy } from '../../engine/io/npy';
import { atomicWriteSync } from '../../store/atomic';
import type { MetadJob } from '../run-file';
import { colvarFields, metadFiles } from './files';
import { writeHillsFromRaw, writeNpyFromRaw, writePlumedFromRaw } from '../runtime/stream-out';
import { TaskClock } from '../runtime/task-clock';
import { ClockReporter } from '../runtime/reporters/clock';
import { RawRowsFile } from '../runtime/reporters/rows';
import { fromIntervalReporter, runSteps, type StepReporter } from '../../engine/integrators/simulation';
import type { TaskRunOptions } from '../run-kind';

interface MetadCheckpoint {
  schemaVersion: 1;
  runId: string;
  sim: OverdampedState | BaoabState;
  metad: MetadState;
  colvarRows: number;
  hillRows: number;
}

export interface MetadTaskOptions extends TaskRunOptions<MetadJob> {
  onPreview?: (preview: { axes: number[][]; fes: number[]; hills: number }) => void;
}

const PREVIEW_INTERVAL_MS = 1000;
/** Walker-steps between clock checks. */
const CHUNK_WALKER_STEPS = 50_000;

export function createMetadBias(job: MetadJob): WellTemperedMetad {
  return new WellTemperedMetad({
    cvs: job.cvIndices.map((index) => ({ index })),
    sigma: job.sigma,
    height: job.height,
    pace: job.pace,
    biasFactor: job.biasFactor,
    kT: job.kT,
    grid: job.grid,
    // A walker that leaves the grid (the system's box + 10%) feels no bias there, as with
    // PLUMED's grid; the potential walls of the built-in systems bring it back. Failing the run
    // instead would stop well-tempered runs at high gamma * kT, which reach far up the walls.
    outside: 'flat',
    timeStep: job.dt,
    // Hills stream to hills.f64; keeping them in memory too would grow without bound.
    keepHills: false,
  });
}

function interleave(columns: Float64Array[]): Float64Array {
  const rows = columns[0]?.length ?? 0;
  const out = new Float64Array(rows * columns.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns.length; c++) out[r * columns.length + c] = columns[c][r];
  return out;
}

export function runMetadTask(o: MetadTaskOptions): void {
  const { job } = o;
  const files = metadFiles(o.projectPath, o.runId);
  const system = createSystem(job.system);
  const metad = createMetadBias(job);
  const positions = new Float64Array(job.walkers * system.dim);
  if (job.starts) positions.set(job.starts);
  else for (let w = 0; w < job.walkers; w++) positions.set(job.start, w * system.dim);
  const common = { system, kT: job.kT, dt: job.dt, positions, seed: job.seed, streamBase: 0, generalBias: metad };
  const sim =
    job.integrator === 'baoab'
      ? new BaoabSimulation({ ...common, friction: job.friction, mass: job.mass })
      : new OverdampedSimulation(common);

  const fields = colvarFields(system.coordinateNames);
  const hillWidth = 2 + 2 * job.cvIndices.length;
  const recorder = new ColvarRecorder(job.colvarStride, metad, system.coordinateNames, job.dt);

  let colvarRows = 0;
  let hillRows = 0;
  const hasCheckpoint = existsSync(files.checkpoint);
  if (hasCheckpoint) {
    const ck = readCheckpointJson<MetadCheckpoint>(files.checkpoint);
    if (ck.schemaVersion !== 1 || ck.runId !== o.runId) throw new Error(`checkpoint ${files.checkpoint} does not belong to this run`);
    (sim as OverdampedSimulation).setState(ck.sim as OverdampedState & BaoabState);
    metad.setState(ck.metad);
    colvarRows = ck.colvarRows;
    hillRows = ck.hillRows;
  }
  const hillFile = new RawRowsFile(files.hillsRaw, hillWidth, hillRows);
  metad.onHill = (hill: Hill) => hillFile.push([hill.time, ...hill.center, ...hill.sigma, hill.height]);
  // Rows written after the last checkpoint are recomputed: cut the raw files back.
  cutBackToCheckpoint([[files.colvarRaw, colvarRows * fields.length * 8], hillFile.cutBack(hillRows)], hasCheckpoint);

  const flush = () => {
    const cols = recorder.take();
    appendRows(files.colvarRaw, interleave(cols));
    colvarRows += cols[0]?.length ?? 0;
    hillFile.flush();
  };
  const writeCheckpoint = () => {
    flush();
    const ck: MetadCheckpoint = { schemaVersion: 1, runId: o.runId, sim: sim.getState(), metad: metad.getState(), colvarRows, hillRows: hillFile.rows };
    atomicWriteSync(files.checkpoint, JSON.stringify(ck));
    o.onCheckpoint?.(sim.step);
  };
  const preview = () => {
    const { axes, fes } = metad.freeEnergy();
    o.onPreview?.({ axes: axes.map((a) => Array.from(a)), fes: Array.from(fes), hills: metad.hillCount });
  };

  const clock = new TaskClock(
    { progressIntervalMs: o.progressIntervalMs, checkpointIntervalMs: o.checkpointIntervalMs, previewIntervalMs: PREVIEW_INTERVAL_MS, now: o.now },
    { progress: () => o.onProgress?.(sim.step), preview, checkpoint: writeCheckpoint },
  );
  o.onProgress?.(sim.step);
  // The COLVAR recorder goes first: a row at a deposition step holds the bias before that step's
  // hills (as PLUMED); the clock last.
  const reporters: StepReporter<OverdampedSimulation | BaoabSimulation>[] = [
    fromIntervalReporter<OverdampedSimulation | BaoabSimulation>(recorder),
    fromIntervalReporter<OverdampedSimulation | BaoabSimulation>(metad.reporter()),
    new ClockReporter(clock, Math.max(1, Math.floor(CHUNK_WALKER_STEPS / job.walkers))),
  ];
  runSteps(sim, Math.max(0, job.steps - sim.step), reporters);
  flush();
  preview();

  // Final products: NumPy and PLUMED files, the FES grid and the bias state (reusable).
  // Streamed from the raw files a chunk at a time: memory stays flat however long the run was.
  writeNpyFromRaw(files.colvarNpy, files.colvarRaw, fields.length);
  writePlumedFromRaw(files.colvarText, fields, files.colvarRaw, fields.length);
  writeHillsFromRaw(files.hillsText, files.hillsRaw, job.cvNames, metad.cvs.map((c) => (c.periodic ? { ...c.periodic } : null)), metad.biasFactor);
  atomicWriteSync(files.biasState, JSON.stringify({ schemaVersion: 1, state: metad.getState() }));
  const { fes } = metad.freeEnergy();
  // fes.npy last: its existence marks the task done.
  atomicWriteSync(files.fesNpy, encodeNpy(fes, job.grid.bins.length === 1 ? [fes.length] : [...metad.grid.n]));
  for (const path of [files.checkpoint, files.colvarRaw, files.hillsRaw]) {
    try {
      unlinkSync(path);
    } catch {
      /* not there */
    }
  }
  o.onProgress?.(sim.step);
}
