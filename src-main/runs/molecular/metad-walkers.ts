/**
 * The walkers one thread computes in a multiple-walker metadynamics run (metad-walkers-task.ts):
 * walkers [first, first + count) of the run, each its own BAOAB dynamics (seed, stream = walker
 * index) with its own DCD and raw CV / energy rows, all reading this thread's copy of the shared
 * bias grid.
 *
 * Lock-step segments: runTo(step) advances every walker of the slice to `step` with the bias
 * frozen and returns their biased-CV values there. When a hill is due at that step, every thread
 * then calls deposit() with ALL walkers' CV values in walker order: the same hills, added in the
 * same order with the same arithmetic, give every thread's grid the same bits, so no grid is sent
 * between threads and the result does not depend on which thread ran which walker.
 *
 * After a deposit each walker's forces are recomputed with the new bias (setState of its own
 * state), exactly what a resume from a checkpoint taken there does, so a resumed run is
 * bit-identical to an uninterrupted one. (A hill deposited at step S first acts on the forces at
 * the positions of step S; the single-walker task deposits inside that force evaluation instead,
 * so its second half-kick of step S already feels the hill: walkers = 1 keeps that older path.)
 */
import { cutBackToCheckpoint } from '../runtime/raw-files';
import { DcdReporter } from '../runtime/reporters/dcd';
import { RawRowsFile, type RowsReporter } from '../runtime/reporters/rows';
import { cvRowReporter, energyRowReporter, frameDcdHeader } from './frame-rows';
import { runSteps } from '../../engine/integrators/simulation';
import { SimulationDivergedError } from '../../engine/errors';
import type { MetadState } from '../../engine/bias/metad';
import { AmberForceField } from '../../engine/molecules/forcefield/amber-forcefield';
import { BondConstraints } from '../../engine/molecules/dynamics/constraints';
import { BOLTZMANN_KJ_PER_MOL_K, LangevinDynamics, type LangevinState } from '../../engine/molecules/dynamics/langevin';
import { parseAtomicCv } from '../../engine/molecules/cv';
import { AtomicCvMetad, BiasedForceProvider } from '../../engine/molecules/metad-cv';
import { loadMoleculeSync } from '../../store/molecule-files';
import type { MolecularJob } from '../run-file';
import { ENERGY_COLUMNS } from './files';
import { metadWalkerFiles } from './walker-files';

/** One walker's part of a checkpoint. */
export interface WalkerCheckpoint {
  dynamics: LangevinState;
  frames: number;
}

/** What a thread needs to build its slice (sent to helper threads as a structured clone). */
export interface WalkerSliceInit {
  projectPath: string;
  runId: string;
  job: MolecularJob;
  /** The slice: walkers [first, first + count). */
  first: number;
  count: number;
  /** The slice's walkers' start positions (nm), in walker order (start.ts; on resume the checkpoint's states replace them). */
  starts: Float64Array[];
  /** From a checkpoint: the shared bias and this slice's walkers, in walker order. */
  resume: { metad: MetadState; walkers: WalkerCheckpoint[] } | null;
}

/** The shared metadynamics bias of a molecular job, on the job's CVs (one copy per thread). */
export function molecularMetadBias(job: MolecularJob, cvs: ReturnType<typeof parseAtomicCv>[]): AtomicCvMetad {
  const m = job.metad;
  if (!m) throw new Error('not a metadynamics run');
  return new AtomicCvMetad({
    cvs: m.cvIndices.map((i) => cvs[i]),
    sigma: m.sigma,
    height: m.height,
    pace: m.pace,
    biasFactor: m.biasFactor,
    kT: BOLTZMANN_KJ_PER_MOL_K * job.temperature,
    grid: m.grid,
    timeStep: job.dt,
  });
}

interface Walker {
  index: number;
  md: LangevinDynamics;
  dcd: DcdReporter<LangevinDynamics>;
  cvFile: RawRowsFile;
  energyFile: RawRowsFile;
  reporters: [DcdReporter<LangevinDynamics>, RowsReporter<LangevinDynamics>, RowsReporter<LangevinDynamics>];
}

export class MetadWalkerSlice {
  readonly bias: AtomicCvMetad;
  private readonly walkers: Walker[];
  private readonly centers: Float64Array;

  constructor(init: WalkerSliceInit) {
    const { job } = init;
    const molecule = loadMoleculeSync(init.projectPath, job.topologyFile, job.coordinatesFile);
    const prm = molecule.prmtop;
    const n = prm.topology.nAtoms;
    const ff = new AmberForceField(prm);
    const cvs = job.cvs.map((c) => parseAtomicCv(c.definition, { nAtoms: n, reference: molecule.positions }));
    this.bias = molecularMetadBias(job, cvs);
    if (init.resume) this.bias.setState(init.resume.metad);
    const constraints = job.constraints === 'hbonds' ? BondConstraints.hydrogenBonds(prm) : null;
    const every = job.frameInterval;
    const cvWidth = 2 + cvs.length;
    this.centers = new Float64Array(init.count * this.bias.dim);
    this.walkers = Array.from({ length: init.count }, (_, k) => {
      const index = init.first + k;
      const saved = init.resume?.walkers[k] ?? null;
      // One provider per walker (it holds that walker's last force-field energy); the bias grid is shared.
      const provider = new BiasedForceProvider(ff, this.bias);
      const md = new LangevinDynamics({
        forceField: provider,
        masses: prm.topology.masses,
        positions: init.starts[k],
        velocities: null,
        temperature: job.temperature,
        friction: job.friction,
        dt: job.dt,
        seed: job.seed,
        stream: index,
        constraints,
        scheme: job.integrator,
      });
      if (saved) md.setState(saved.dynamics);
      const frames = saved?.frames ?? 0;
      const files = metadWalkerFiles(init.projectPath, init.runId, index);
      const dcd = new DcdReporter<LangevinDynamics>(files.trajectory, n, () => frameDcdHeader(job, n, every, `Created by Liftwell (metadynamics walker ${index})`), every, every, frames);
      const cvFile = new RawRowsFile(files.cvRaw, cvWidth, frames);
      const energyFile = new RawRowsFile(files.energiesRaw, ENERGY_COLUMNS.length, frames);
      // Output written after the last checkpoint is recomputed: cut the files back (or start them).
      cutBackToCheckpoint([dcd.cutBack(frames), cvFile.cutBack(frames), energyFile.cutBack(frames)], saved !== null);
      if (!saved) dcd.start();
      // Rows are taken right after this walker's steps, so the bias and energies read are its own.
      const biasEnergy = () => this.bias.bias;
      const cvReporter = cvRowReporter(cvFile, { first: every, every }, md, cvs, biasEnergy);
      const energyReporter = energyRowReporter(energyFile, { first: every, every }, md, () => provider.forceFieldEnergy, biasEnergy);
      return { index, md, dcd, cvFile, energyFile, reporters: [dcd, cvReporter, energyReporter] };
    });
  }

  /** The step every walker of the slice has reached (they move in lock-step). */
  get step(): number {
    return this.walkers[0].md.step;
  }

  /** Runs every walker to `step` with the bias frozen; returns their biased-CV values there (walker-major). */
  runTo(step: number): Float64Array {
    const d = this.bias.dim;
    for (let k = 0; k < this.walkers.length; k++) {
      const w = this.walkers[k];
      try {
        runSteps(w.md, Math.max(0, step - w.md.step), w.reporters);
      } catch (error) {
        if (error instanceof SimulationDivergedError) throw new SimulationDivergedError(w.index, error.step, `metadynamics walker ${w.index}: ${error.message}`);
        throw error;
      }
      this.bias.values(w.md.positions, this.centers.subarray(k * d, (k + 1) * d));
    }
    return this.centers.slice();
  }

  /**
   * Adds the hills due at `step`: one per walker of the RUN at `centers` (walker-major, walker
   * order), heights from the bias before each hill; then every walker's forces feel the new bias.
   */
  deposit(centers: Float64Array, step: number): void {
    const d = this.bias.dim;
    this.bias.metad.depositFrom(centers, centers.length / d, d, step);
    for (const w of this.walkers) w.md.setState(w.md.getState());
  }

  /** Appends the buffered frames and rows of every walker to its files. */
  flush(): void {
    for (const w of this.walkers) {
      w.dcd.flush();
      w.cvFile.flush();
      w.energyFile.flush();
    }
  }

  /** Each walker's dynamics and frame count (call flush() first), in walker order. */
  states(): WalkerCheckpoint[] {
    return this.walkers.map((w) => ({ dynamics: w.md.getState(), frames: w.dcd.frames }));
  }
}
