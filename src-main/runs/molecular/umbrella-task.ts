/**
 * One umbrella window of a molecular run (one task): BAOAB Langevin dynamics of the molecule with
 * a harmonic restraint 0.5 k d^2 on each restrained CV (engine/molecules/umbrella-cv.ts), RNG
 * stream = window index (so windows are independent of each other and of the pool size).
 *
 * Start: the molecule's coordinates. With `minimize`, L-BFGS on force field + full restraint pulls
 * the structure to the window centre first; without it, the spring is ramped linearly from 0 to
 * its value over the first half of the equilibration steps (a structure far from the centre is
 * not hit by a huge restraint force at once). Equilibration samples are discarded; afterwards a
 * sample (CV row, energy row, DCD frame) is taken every frameInterval steps.
 *
 * Output streams to raw files, appended at checkpoints; a checkpoint holds the dynamics state
 * and the row counts, and resume cuts the files back to them, so a resumed window is
 * bit-identical to an uninterrupted one. window-NNN-cv.npy is written last (= done marker).
 */
import { existsSync, unlinkSync } from 'node:fs';
import { appendBytes, appendRows, cutBackToCheckpoint, readRows, writeBytesAt, readCheckpointJson } from '../runtime/raw-files';
import { TaskClock } from '../runtime/task-clock';
import { encodeNpy } from '../../engine/io/npy';
import { AmberForceField } from '../../engine/molecules/forcefield/amber-forcefield';
import { BondConstraints } from '../../engine/molecules/dynamics/constraints';
import { LangevinDynamics, type LangevinState } from '../../engine/molecules/dynamics/langevin';
import { minimizeEnergy, type MinimizeResult } from '../../engine/molecules/minimize';
import { parseAtomicCv } from '../../engine/molecules/cv';
import { encodeDcdFrame, encodeDcdHeader, setDcdFrameCount } from '../../engine/molecules/formats/dcd';
import { AtomicCvUmbrella, RestrainedForceProvider } from '../../engine/molecules/umbrella-cv';
import { atomicWriteSync } from '../../store/atomic';
import { loadMoleculeSync } from '../../store/molecules';
import type { MolecularJob } from '../run-file';
import { ENERGY_COLUMNS } from './files';
import { MINIMIZE_TOLERANCE } from './task';
import { umbrellaWindowFiles, umbrellaWindowSteps } from './umbrella-files';

interface WindowCheckpoint {
  schemaVersion: 1;
  runId: string;
  window: number;
  dynamics: LangevinState;
  frames: number;
  minimization: MinimizeResult | null;
}

export interface MolecularWindowOptions {
  projectPath: string;
  runId: string;
  job: MolecularJob;
  windowIndex: number;
  checkpointIntervalMs: number;
  progressIntervalMs: number;
  onProgress?: (stepsDone: number) => void;
  onCheckpoint?: (stepsDone: number) => void;
  now?: () => number;
}

/** Atom-steps between clock checks. */
const CHUNK_ATOM_STEPS = 20_000;
/** Buffered output is appended once it holds this many bytes. */
const FLUSH_BYTES = 4 << 20;

/** Spring scale at a step: 1, or a linear ramp over the first half of equilibration (no minimisation). */
export function springScale(job: MolecularJob, step: number): number {
  const equil = job.umbrella?.equilibrationSteps ?? 0;
  if (job.minimize || equil < 2) return 1;
  return Math.min(1, step / Math.floor(equil / 2));
}

/** DCD header of a window: the first frame comes after equilibration + frameInterval steps. */
function windowDcdHeader(job: MolecularJob, nAtoms: number, k: number): Uint8Array {
  return encodeDcdHeader({
    nAtoms,
    nFrames: 0,
    hasUnitCell: false,
    timestepPs: job.dt,
    istart: (job.umbrella?.equilibrationSteps ?? 0) + job.frameInterval,
    nsavc: job.frameInterval,
    titles: [`Created by Liftwell (umbrella window ${k})`],
  });
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
  const positions = molecule.positions.slice();
  let minimization: MinimizeResult | null = ck ? ck.minimization : null;
  if (!ck && job.minimize) {
    umbrella.scale = 1;
    minimization = minimizeEnergy(provider, positions, { tolerance: MINIMIZE_TOLERANCE, maxIterations: 5000 });
  }
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
  });

  const cvWidth = 2 + cvs.length;
  const header = windowDcdHeader(job, n, k);
  const frameBytes = encodeDcdFrame(new Float64Array(3 * n), n, null).length;
  let frames = 0;
  if (ck) {
    md.setState(ck.dynamics);
    frames = ck.frames;
  }
  cutBackToCheckpoint(
    [
      [files.trajectory, header.length + frames * frameBytes],
      [files.cvRaw, frames * cvWidth * 8],
      [files.energiesRaw, frames * ENERGY_COLUMNS.length * 8],
    ],
    ck !== null,
  );
  if (!ck) appendBytes(files.trajectory, header);

  const pendingFrames: Uint8Array[] = [];
  let pendingBytes = 0;
  const pendingCv: number[] = [];
  const pendingEnergy: number[] = [];
  let framesWritten = frames;
  const writeHeaderCount = (count: number) => {
    const h = windowDcdHeader(job, n, k);
    setDcdFrameCount(h, count);
    writeBytesAt(files.trajectory, h, 0);
  };
  const flush = () => {
    for (const f of pendingFrames) appendBytes(files.trajectory, f);
    framesWritten += pendingFrames.length;
    pendingFrames.length = 0;
    pendingBytes = 0;
    appendRows(files.cvRaw, pendingCv);
    pendingCv.length = 0;
    appendRows(files.energiesRaw, pendingEnergy);
    pendingEnergy.length = 0;
  };
  const recordFrame = () => {
    const frame = encodeDcdFrame(md.positions, n, null);
    pendingFrames.push(frame);
    pendingBytes += frame.length;
    pendingCv.push(md.time);
    for (const cv of cvs) pendingCv.push(cv.value(md.positions));
    pendingCv.push(umbrella.bias);
    pendingEnergy.push(md.time, provider.forceFieldEnergy, md.kineticEnergy(), md.temperatureOf(md.midKineticEnergy), umbrella.bias);
    frames++;
    if (pendingBytes >= FLUSH_BYTES) flush();
  };
  const writeCheckpoint = () => {
    flush();
    writeHeaderCount(framesWritten);
    const state: WindowCheckpoint = { schemaVersion: 1, runId: o.runId, window: k, dynamics: md.getState(), frames, minimization };
    atomicWriteSync(files.checkpoint, JSON.stringify(state));
    o.onCheckpoint?.(md.step);
  };

  const clock = new TaskClock(
    { progressIntervalMs: o.progressIntervalMs, checkpointIntervalMs: o.checkpointIntervalMs, now: o.now },
    { progress: () => o.onProgress?.(md.step), checkpoint: writeCheckpoint },
  );
  const chunk = Math.max(1, Math.floor(CHUNK_ATOM_STEPS / n));
  o.onProgress?.(md.step);
  while (md.step < total) {
    const stop = Math.min(total, md.step + chunk);
    while (md.step < stop) {
      umbrella.scale = springScale(job, md.step + 1);
      md.run(1);
      const s = md.step - equil;
      if (s > 0 && s % job.frameInterval === 0) recordFrame();
    }
    clock.tick();
  }
  flush();
  writeHeaderCount(framesWritten);

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
