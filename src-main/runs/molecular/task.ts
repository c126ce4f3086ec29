/**
 * Runs a molecular job in a worker thread (one task): optional L-BFGS minimisation, BAOAB
 * Langevin dynamics in real units with optional RATTLE on bonds to hydrogen, optional
 * well-tempered metadynamics on 1-2 atomic CVs (engine/molecules/metad-cv.ts).
 *
 * Every `frameInterval` steps a frame goes to trajectory.dcd and a row to cv.f64 / energies.f64;
 * hills stream to hills.f64 (the shared step loop, engine/integrators/simulation.ts, with the
 * reporters of runs/runtime/reporters). All are buffered and appended at checkpoints (and when a
 * buffer grows), so memory stays flat. A checkpoint holds the dynamics state (positions, velocities,
 * RNG), the bias grid and the row/frame counts; resume cuts the files back to those counts, so
 * a resumed run is bit-identical to an uninterrupted one. The DCD header's frame count is
 * rewritten at every checkpoint (the file is readable while the run goes on) and at the end.
 */
import { existsSync, unlinkSync } from 'node:fs';
import { cutBackToCheckpoint, readRows, readCheckpointJson } from '../runtime/raw-files';
import { DcdReporter } from '../runtime/reporters/dcd';
import { RawRowsFile } from '../runtime/reporters/rows';
import { cvRowReporter, energyRowReporter, frameDcdHeader } from './frame-rows';
import { ClockReporter } from '../runtime/reporters/clock';
import { runSteps, type StepReporter } from '../../engine/integrators/simulation';
import { HillDepositReporter } from '../../engine/molecules/metad-schedule';
import { TaskClock } from '../runtime/task-clock';
import { encodeNpy } from '../../engine/io/npy';
import { writeHillsFromRaw, writePlumedFromRaw } from '../runtime/stream-out';
import type { Hill, MetadState } from '../../engine/bias/metad';
import { AmberForceField } from '../../engine/molecules/forcefield/amber-forcefield';
import { BondConstraints } from '../../engine/molecules/dynamics/constraints';
import { BOLTZMANN_KJ_PER_MOL_K, LangevinDynamics, type ForceProvider, type LangevinState } from '../../engine/molecules/dynamics/langevin';
import type { MinimizeResult } from '../../engine/molecules/minimize';
import { parseAtomicCv } from '../../engine/molecules/cv';
import { AtomicCvMetad, BiasedForceProvider } from '../../engine/molecules/metad-cv';
import { atomicWriteSync } from '../../store/atomic';
import { loadMoleculeSync } from '../../store/molecule-files';
import type { MolecularJob } from '../run-file';
import type { MolecularResult } from '../../schema';
import { ENERGY_COLUMNS, molecularFiles } from './files';
import { molecularStart } from './start';
import { fesBasins, histogramFes, type GridFes } from './fes';
import type { TaskRunOptions } from '../run-kind';

interface MolecularCheckpoint {
  schemaVersion: 1;
  runId: string;
  dynamics: LangevinState;
  metad: MetadState | null;
  frames: number;
  hillRows: number;
  minimization: MinimizeResult | null;
}

/** What result.json holds (read by api/molecules.ts). */
export interface MolecularRunSummary {
  schemaVersion: 1;
  frames: number;
  hills: number | null;
  minimization: MinimizeResult | null;
  fes: { cvNames: string[]; axes: number[][]; shape: number[]; source: 'metad' | 'histogram' | 'umbrella' } | null;
  basins: { id: number; label?: string; minimum: number[]; freeEnergy: number }[] | null;
  /** Multiple-walker metadynamics (metad-walkers-task.ts): walkers sharing the bias; absent = 1. */
  walkers?: number;
  /** Umbrella runs (analysis/umbrella-fes/molecular.ts). */
  umbrella?: MolecularResult['umbrella'];
}

export interface MolecularTaskOptions extends TaskRunOptions<MolecularJob> {
  onPreview?: (preview: { axes: number[][]; fes: number[]; hills: number }) => void;
}

const PREVIEW_INTERVAL_MS = 1000;
/** Atom-steps between clock checks. */
const CHUNK_ATOM_STEPS = 20_000;

export function runMolecularTask(o: MolecularTaskOptions): void {
  const { job } = o;
  const files = molecularFiles(o.projectPath, o.runId);
  const molecule = loadMoleculeSync(o.projectPath, job.topologyFile, job.coordinatesFile);
  const prm = molecule.prmtop;
  const n = prm.topology.nAtoms;
  const ff = new AmberForceField(prm);
  const cvs = job.cvs.map((c) => parseAtomicCv(c.definition, { nAtoms: n, reference: molecule.positions }));
  const kT = BOLTZMANN_KJ_PER_MOL_K * job.temperature;
  const m = job.metad;
  const bias = m
    ? new AtomicCvMetad({
        cvs: m.cvIndices.map((i) => cvs[i]),
        sigma: m.sigma,
        height: m.height,
        pace: m.pace,
        biasFactor: m.biasFactor,
        kT,
        grid: m.grid,
        timeStep: job.dt,
      })
    : null;
  const provider: ForceProvider = bias ? new BiasedForceProvider(ff, bias) : ff;
  const ffEnergy = () => (bias ? (provider as BiasedForceProvider).forceFieldEnergy : md.potentialEnergy);

  let ck: MolecularCheckpoint | null = null;
  if (existsSync(files.checkpoint)) {
    ck = readCheckpointJson<MolecularCheckpoint>(files.checkpoint);
    if (ck.schemaVersion !== 1 || ck.runId !== o.runId) throw new Error(`checkpoint ${files.checkpoint} does not belong to this run`);
  }
  const { positions, minimization } = molecularStart(job, molecule, 0, () => ff, ck ? ck.minimization : undefined);
  const constraints = job.constraints === 'hbonds' ? BondConstraints.hydrogenBonds(prm) : null;
  const md = new LangevinDynamics({
    forceField: provider,
    masses: prm.topology.masses,
    positions,
    velocities: null,
    temperature: job.temperature,
    friction: job.friction,
    dt: job.dt,
    seed: job.seed,
    constraints,
    scheme: job.integrator,
  });

  const cvWidth = 2 + cvs.length;
  const d = m ? m.cvIndices.length : 0;
  const hillWidth = 2 + 2 * d;
  let frames = 0;
  let hillRows = 0;
  if (ck) {
    if (bias && ck.metad) bias.setState(ck.metad);
    md.setState(ck.dynamics);
    frames = ck.frames;
    hillRows = ck.hillRows;
  }
  // Every frameInterval steps: a DCD frame, a CV row and an energy row (runs/runtime/reporters).
  const every = job.frameInterval;
  const dcd = new DcdReporter<LangevinDynamics>(files.trajectory, n, () => frameDcdHeader(job, n, job.frameInterval, 'Created by Liftwell (molecular run)'), every, every, frames);
  const cvFile = new RawRowsFile(files.cvRaw, cvWidth, frames);
  const energyFile = new RawRowsFile(files.energiesRaw, ENERGY_COLUMNS.length, frames);
  const hillFile = new RawRowsFile(files.hillsRaw, hillWidth, hillRows);
  // Output written after the last checkpoint is recomputed: cut the files back (or start them).
  cutBackToCheckpoint([dcd.cutBack(frames), cvFile.cutBack(frames), energyFile.cutBack(frames), hillFile.cutBack(hillRows)], ck !== null && ck !== undefined);
  if (!ck) dcd.start();
  if (bias) bias.metad.onHill = (hill: Hill) => hillFile.push([hill.time, ...hill.center, ...hill.sigma, hill.height]);

  const biasEnergy = () => (bias ? bias.bias : 0);
  const cvReporter = cvRowReporter(cvFile, { first: every, every }, md, cvs, biasEnergy);
  const energyReporter = energyRowReporter(energyFile, { first: every, every }, md, ffEnergy, biasEnergy);
  const flush = () => {
    dcd.flush();
    cvFile.flush();
    energyFile.flush();
    hillFile.flush();
  };
  const writeCheckpoint = () => {
    flush();
    const state: MolecularCheckpoint = {
      schemaVersion: 1,
      runId: o.runId,
      dynamics: md.getState(),
      metad: bias ? bias.getState() : null,
      frames: dcd.frames,
      hillRows: hillFile.rows,
      minimization,
    };
    atomicWriteSync(files.checkpoint, JSON.stringify(state));
    o.onCheckpoint?.(md.step);
  };
  const preview = () => {
    if (!bias) return;
    const { axes, fes } = bias.metad.freeEnergy();
    o.onPreview?.({ axes: axes.map((a) => Array.from(a)), fes: Array.from(fes), hills: bias.metad.hillCount });
  };

  const clock = new TaskClock(
    { progressIntervalMs: o.progressIntervalMs, checkpointIntervalMs: o.checkpointIntervalMs, previewIntervalMs: PREVIEW_INTERVAL_MS, now: o.now },
    { progress: () => o.onProgress?.(md.step), preview, checkpoint: writeCheckpoint },
  );
  // The hill schedule first (it arms the next step's deposit), rows next, the clock last (a
  // checkpoint at a frame step holds that frame).
  const reporters: StepReporter<LangevinDynamics>[] = [];
  if (bias && m) reporters.push(new HillDepositReporter(bias, m.pace, md.step));
  reporters.push(dcd, cvReporter, energyReporter, new ClockReporter(clock, Math.max(1, Math.floor(CHUNK_ATOM_STEPS / n))));
  o.onProgress?.(md.step);
  runSteps(md, Math.max(0, job.steps - md.step), reporters);
  flush();
  frames = dcd.frames;
  preview();

  // Final products: NumPy arrays, PLUMED COLVAR/HILLS, the FES and its basins, result.json last.
  const cvRows = readRows(files.cvRaw, cvWidth);
  const rows = cvRows.length / cvWidth;
  const cvOnly = new Float64Array(rows * cvs.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cvs.length; c++) cvOnly[r * cvs.length + c] = cvRows[r * cvWidth + 1 + c];
  atomicWriteSync(files.cvNpy, encodeNpy(cvOnly, [rows, cvs.length]));
  const energies = readRows(files.energiesRaw, ENERGY_COLUMNS.length);
  atomicWriteSync(files.energiesNpy, encodeNpy(energies, [energies.length / ENERGY_COLUMNS.length, ENERGY_COLUMNS.length]));
  const fields = ['time', ...job.cvs.map((c) => c.name), 'metad.bias'];
  writePlumedFromRaw(files.colvarText, fields, files.cvRaw, cvWidth);

  let grid: GridFes | null = null;
  let fesNames: string[] = [];
  let source: 'metad' | 'histogram' = 'histogram';
  let hills: number | null = null;
  if (bias && m) {
    fesNames = m.cvIndices.map((i) => job.cvs[i].name);
    // Streamed from hills.f64 (stream-out.ts): memory stays flat however many hills there are.
    hills = writeHillsFromRaw(files.hillsText, files.hillsRaw, fesNames, bias.metad.cvs.map((c) => (c.periodic ? { ...c.periodic } : null)), bias.metad.biasFactor);
    atomicWriteSync(files.biasState, JSON.stringify({ schemaVersion: 1, state: bias.getState() }));
    const { axes, fes } = bias.metad.freeEnergy();
    grid = { axes, fes, periodic: m.cvIndices.map((i) => job.cvs[i].periodic) };
    source = 'metad';
  } else if (cvs.length > 0 && rows > 0) {
    const use = cvs.length >= 2 ? [0, 1] : [0];
    fesNames = use.map((i) => job.cvs[i].name);
    grid = histogramFes(cvRows, cvWidth, use.map((i) => 1 + i), use.map((i) => job.cvs[i].periodic), kT);
  }
  let summaryFes: MolecularRunSummary['fes'] = null;
  let basins: MolecularRunSummary['basins'] = null;
  if (grid) {
    const shape = grid.axes.map((a) => a.length);
    atomicWriteSync(files.fesNpy, encodeNpy(grid.fes, shape));
    summaryFes = { cvNames: fesNames, axes: grid.axes.map((a) => Array.from(a)), shape, source };
    basins = fesBasins(grid, fesNames, kT);
  }
  const summary: MolecularRunSummary = { schemaVersion: 1, frames, hills, minimization, fes: summaryFes, basins };
  atomicWriteSync(files.result, JSON.stringify(summary, null, 2) + '\n');
  for (const path of [files.checkpoint, files.cvRaw, files.energiesRaw, files.hillsRaw]) {
    try {
      unlinkSync(path);
    } catch {
      /* not there */
    }
  }
  o.onProgress?.(md.step);
}
