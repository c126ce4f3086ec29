/**
 * One umbrella window of a molecular run (one task): BAOAB Langevin dynamics of the molecule with
 * a harmonic restraint 0.5 k d^2 on each restrained CV (engine/molecules/umbrella-cv.ts), RNG
 * stream = window index (so windows are independent of each other and of the pool size).
 *
 * Start: the molecule's coordinates, or the window's seeded structure (runs/seeding/). With `minimize`, L-BFGS on force field + full restraint pulls
 * the structure to the window centre first; without it, the spring is ramped linearly from 0 to
 * its value over the first half of the equilibration steps (a structure far from the centre is
 * not hit by a huge restraint force at once). Equilibration samples are discarded; afterwards a
 * sample (CV row, energy row, DCD frame) is taken every frameInterval steps.
 *
 * Output streams to raw files through the shared step loop's reporters (runs/runtime/reporters),
 * appended at checkpoints; a checkpoint holds the dynamics state
 * and the row counts, and resume cuts the files back to them, so a resumed window is
 * bit-identical to an uninterrupted one. window-NNN-cv.npy is written last (= done marker).
 */
import { existsSync, unlinkSync } from 'node:fs';
import { cutBackToCheckpoint, readRows, readCheckpointJson } from '../runtime/raw-files';
import { DcdReporter } from '../runtime/reporters/dcd';
import { RawRowsFile } from '../runtime/reporters/rows';
import { cvRowReporter, energyRowReporter, frameDcdHeader } from './frame-rows';
import { ClockReporter } from '../runtime/reporters/clock';
import { runSteps, type StepReporter } from '../../engine/integrators/simulation';
import { TaskClock } from '../runtime/task-clock';
import { encodeNpy } from '../../engine/io/npy';
import { AmberForceField } from '../../engine/molecules/forcefield/amber-forcefield';
import { BondConstraints } from '../../engine/molecules/dynamics/constraints';
import { LangevinDynamics, type LangevinState } from '../../engine/molecules/dynamics/langevin';
import type { MinimizeResult } from '../../engine/molecules/minimize';
import { parseAtomicCv } from '../../engine/molecules/cv';
import { AtomicCvUmbrella, RestrainedForceProvider } from '../../engine/molecules/umbrella-cv';
import { atomicWriteSync } from '../../store/atomic';
import { loadMoleculeSync } from '../../store/molecule-files';
import type { MolecularJob } from '../run-file';
import { ENERGY_COLUMNS } from './files';
import { molecularStart } from './start';
import { umbrellaWindowFiles, umbrellaWindowSteps } from './umbrella-files';
import type { TaskRunOptions } from '../run-kind';

interface WindowCheckpoint {
  schemaVersion: 1;
  runId: string;
  window: number;
  dynamics: LangevinState;
  frames: number;
  minimization: MinimizeResult | null;
}

export interface MolecularWindowOptions extends TaskRunOptions<MolecularJob> {
  windowIndex: number;
}

/** Atom-steps between clock checks. */
const CHUNK_ATOM_STEPS = 20_000;

/** Spring scale at a step: 1, or a linear ramp over the first half of equilibration (no minimisation). */
export function springScale(job: MolecularJob, step: number): number {
  const equil = job.umbrella?.equilibrationSteps ?? 0;
  if (job.minimize || equil < 2) return 1;
  return Math.min(1, step / Math.floor(equil / 2));
}

/**
 * The spring ramp as a step reporter: the spring scale of step s + 1 is set after step s (made at
 * the start step, it sets the first step's), every step until the ramp reaches 1, then never.
 */
class SpringRampReporter implements StepReporter {
  /** The first step whose scale is 1: no report is needed after step rampEnd - 1. */
  private readonly rampEnd: number;

  constructor(
    private readonly job: MolecularJob,
    private readonly umbrella: AtomicCvUmbrella,
    startStep: number,
  ) {
    const equil = job.umbrella?.equilibrationSteps ?? 0;
    this.rampEnd = job.minimize || equil < 2 ? 0 : Math.floor(equil / 2);
    umbrella.scale = springScale(job, startStep + 1);
  }

  describeNextReport(step: number): number {
    return step + 1 < this.rampEnd ? 1 : Infinity;
  }

  report(step: number): void {
    this.umbrella.scale = springScale(this.job, step + 1);
  }
}

export function runMolecularUmbrellaWindow(o: MolecularWindowOptions): void {
  const { job } = o;
  const u = job.umbrella;
  if (!u) throw new Error('not an umbrella run');
  const k = o.windowIndex;
  if (!(k >= 0 && k < u.windows.length)) throw new Error(`window ${k} does not exist (${u.windows.length} windows)`);
  const files = umbrellaWindowFiles(o.projectPath, o.runId, k);
  const molecule = loadMoleculeSync(o.projectPath, job.topologyFile, job.coordinatesFile);
  const prm = molecule.prmtop;
  const n = prm.topology.nAtoms;
  const ff = new AmberForceField(prm);
  const cvs = job.cvs.map((c) => parseAtomicCv(c.definition, { nAtoms: n, reference: molecule.positions }));
  const umbrella = new AtomicCvUmbrella({ cvs: u.cvIndices.map((i) => cvs[i]), centers: u.windows[k], springs: u.springs });
  const provider = new RestrainedForceProvider(ff, umbrella);
  const equil = u.equilibrationSteps;
  const total = umbrellaWindowSteps(job);

  let ck: WindowCheckpoint | null = null;
  if (existsSync(files.checkpoint)) {
    ck = readCheckpointJson<WindowCheckpoint>(files.checkpoint);
    if (ck.schemaVersion !== 1 || ck.runId !== o.runId || ck.window !== k) throw new Error(`checkpoint ${files.checkpoint} does not belong to this window`);
  }
  // Minimised with the window's full restraint.
  const fullRestraint = () => {
    umbrella.scale = 1;
    return provider;
  };
  const { positions, minimization } = molecularStart(job, molecule, k, fullRestraint, ck ? ck.minimization : undefined);
  // Forces are computed at construction (step 0) and by setState (at the checkpoint's step):
  // the spring scale must be that step's.
  umbrella.scale = springScale(job, ck ? ck.dynamics.step : 0);
  const md = new LangevinDynamics({
    forceField: provider,
    masses: prm.topology.masses,
    positions,
    velocities: null,
    temperature: job.temperature,
    friction: job.friction,
    dt: job.dt,
    seed: job.seed,
    stream: k,
    constraints: job.constraints === 'hbonds' ? BondConstraints.hydrogenBonds(prm) : null,
    scheme: job.integrator,
  });

  const cvWidth = 2 + cvs.length;
  let frames = 0;
  if (ck) {
    md.setState(ck.dynamics);
    frames = ck.frames;
  }
  // After equilibration, every frameInterval steps: a DCD frame, a CV row and an energy row.
  const first = equil + job.frameInterval;
  const every = job.frameInterval;
  const dcd = new DcdReporter<LangevinDynamics>(files.trajectory, n, () => frameDcdHeader(job, n, first, `Created by Liftwell (umbrella window ${k})`), first, every, frames);
  const cvFile = new RawRowsFile(files.cvRaw, cvWidth, frames);
  const energyFile = new RawRowsFile(files.energiesRaw, ENERGY_COLUMNS.length, frames);
  cutBackToCheckpoint([dcd.cutBack(frames), cvFile.cutBack(frames), energyFile.cutBack(frames)], ck !== null);
  if (!ck) dcd.start();

  const restraint = () => umbrella.bias;
  const cvReporter = cvRowReporter(cvFile, { first, every }, md, cvs, restraint);
  const energyReporter = energyRowReporter(energyFile, { first, every }, md, () => provider.forceFieldEnergy, restraint);
  const flush = () => {
    dcd.flush();
    cvFile.flush();
    energyFile.flush();
  };
  const writeCheckpoint = () => {
    flush();
    const state: WindowCheckpoint = { schemaVersion: 1, runId: o.runId, window: k, dynamics: md.getState(), frames: dcd.frames, minimization };
    atomicWriteSync(files.checkpoint, JSON.stringify(state));
    o.onCheckpoint?.(md.step);
  };

  const clock = new TaskClock(
    { progressIntervalMs: o.progressIntervalMs, checkpointIntervalMs: o.checkpointIntervalMs, now: o.now },
    { progress: () => o.onProgress?.(md.step), checkpoint: writeCheckpoint },
  );
  o.onProgress?.(md.step);
  // The ramp first (it sets the next step's spring), rows next, the clock last.
  runSteps(md, Math.max(0, total - md.step), [
    new SpringRampReporter(job, umbrella, md.step),
    dcd,
    cvReporter,
    energyReporter,
    new ClockReporter(clock, Math.max(1, Math.floor(CHUNK_ATOM_STEPS / n))),
  ]);
  flush();

  // Final products: energies first, the CV samples last (their file marks the window done).
  const energies = readRows(files.energiesRaw, ENERGY_COLUMNS.length);
  atomicWriteSync(files.energiesNpy, encodeNpy(energies, [energies.length / ENERGY_COLUMNS.length, ENERGY_COLUMNS.length]));
  const cvRows = readRows(files.cvRaw, cvWidth);
  const rows = cvRows.length / cvWidth;
  const cvOnly = new Float64Array(rows * cvs.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cvs.length; c++) cvOnly[r * cvs.length + c] = cvRows[r * cvWidth + 1 + c];
  atomicWriteSync(files.cvNpy, encodeNpy(cvOnly, [rows, cvs.length]));
  for (const path of [files.checkpoint, files.cvRaw, files.energiesRaw]) {
    try {
      unlinkSync(path);
    } catch {
      /* not there */
    }
  }
  o.onProgress?.(md.step);
}
