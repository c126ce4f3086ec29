/**
 * The two rows a molecular task takes at every saved frame (runs/runtime/reporters/rows.ts):
 * a CV row (time, every CV, bias) and an energy row (ENERGY_COLUMNS: time, potential, kinetic,
 * temperature, bias), read from the dynamics right after its step. Shared by the single-walker
 * task, the umbrella windows and the metadynamics walkers, so their files have one layout.
 */
import { RowsReporter, type RawRowsFile } from '../runtime/reporters/rows';
import { encodeDcdHeader } from '../../engine/molecules/formats/dcd';
import type { MolecularJob } from '../run-file';
import type { AtomicCv } from '../../engine/molecules/cv/atomic';
import type { LangevinDynamics } from '../../engine/molecules/dynamics/langevin';

/** The header of a task's DCD with 0 frames (DcdReporter keeps the count): frames from step `first` on, one every frameInterval steps. */
export function frameDcdHeader(job: MolecularJob, nAtoms: number, first: number, title: string): Uint8Array {
  return encodeDcdHeader({ nAtoms, nFrames: 0, hasUnitCell: false, timestepPs: job.dt, istart: first, nsavc: job.frameInterval, titles: [title] });
}

/** A frame every `every` steps from step `first` on. */
export interface FrameSchedule {
  first: number;
  every: number;
}

/** `bias()`: the bias (or restraint) energy the walker feels now. */
export function cvRowReporter(file: RawRowsFile, at: FrameSchedule, md: LangevinDynamics, cvs: readonly AtomicCv[], bias: () => number): RowsReporter<LangevinDynamics> {
  return new RowsReporter<LangevinDynamics>(file, at.first, at.every, (out, o) => {
    out[o] = md.time;
    for (let c = 0; c < cvs.length; c++) out[o + 1 + c] = cvs[c].value(md.positions);
    out[o + 1 + cvs.length] = bias();
  });
}

/** `forceFieldEnergy()`: the potential without the bias. */
export function energyRowReporter(file: RawRowsFile, at: FrameSchedule, md: LangevinDynamics, forceFieldEnergy: () => number, bias: () => number): RowsReporter<LangevinDynamics> {
  return new RowsReporter<LangevinDynamics>(file, at.first, at.every, (out, o) => {
    out[o] = md.time;
    out[o + 1] = forceFieldEnergy();
    out[o + 2] = md.kineticEnergy();
    out[o + 3] = md.temperatureOf(md.midKineticEnergy);
    out[o + 4] = bias();
  });
}
