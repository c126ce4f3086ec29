/**
 * Well-tempered metadynamics on 1 or 2 atomic CVs (distance, angle, dihedral, RMSD, ...): an
 * adapter that turns the toy-system bias (bias/metad.ts, CVs = coordinate indices) into a
 * force provider for molecular dynamics.
 *
 * The bias grid lives in CV space: WellTemperedMetad is built with cvs = [0] or [0, 1] (indices
 * into the vector s of CV values), periodic axes for periodic CVs (dihedrals on [-pi, pi)).
 * Each force evaluation computes s(x) and ds/dx, reads V_bias(s) and dV/ds from the Hermite
 * grid, and adds the chain-rule force -dV/ds_i * ds_i/dx to the force field's forces.
 *
 * Deposition happens INSIDE a force evaluation: when `depositAtStep` is set, the next
 * evaluation first deposits a hill at s(x) (height from the bias before the hill), then
 * computes the bias force with the hill included. So the forces of a step always belong to
 * the bias stored at that step, and a checkpoint of (positions, velocities, bias grid) restores
 * exactly the forces the uninterrupted run used (a resumed run is bit-identical). PLUMED
 * deposits after the force of the same step; the difference is a one-step lag of each hill.
 */
import { EngineInputError } from '../errors';
import { WellTemperedMetad, type MetadState } from '../bias/metad';
import type { AtomicCv } from './cv/atomic';
import type { ForceProvider } from './dynamics/langevin';

export interface CvMetadOptions {
  /** 1 or 2 CVs to bias. */
  cvs: readonly AtomicCv[];
  sigma: readonly number[];
  /** Initial hill height, kJ/mol. */
  height: number;
  /** Steps between hills. */
  pace: number;
  biasFactor: number;
  /** k_B T in kJ/mol. */
  kT: number;
  /** Grid range and bins per CV (periodic CVs: the range is their period; only bins is read). */
  grid: { min: number[]; max: number[]; bins: number[] };
  /** ps per step (hill times). */
  timeStep: number;
}

/** The metadynamics bias of atomic CVs, W(x) = V(s(x)). */
export class AtomicCvMetad {
  readonly metad: WellTemperedMetad;
  readonly cvs: readonly AtomicCv[];
  /** CV values at the last evaluated positions. */
  readonly s: Float64Array;
  /** Bias at the last evaluated positions (kJ/mol), including a hill deposited there. */
  bias = 0;
  /** Set by the integrating loop: the next evaluation deposits a hill stamped with this step. */
  depositAtStep: number | null = null;
  private readonly grad: Float64Array;
  private readonly sHill: Float64Array;

  constructor(o: CvMetadOptions) {
    const d = o.cvs.length;
    if (d !== 1 && d !== 2) throw new EngineInputError(`metadynamics needs 1 or 2 CVs (got ${d})`);
    this.cvs = [...o.cvs];
    this.metad = new WellTemperedMetad({
      cvs: o.cvs.map((cv, i) => ({ index: i, periodic: cv.periodic ? { min: cv.periodic.min, max: cv.periodic.max } : undefined })),
      sigma: [...o.sigma],
      height: o.height,
      pace: o.pace,
      biasFactor: o.biasFactor,
      kT: o.kT,
      grid: {
        min: o.cvs.map((cv, i) => (cv.periodic ? cv.periodic.min : o.grid.min[i])),
        max: o.cvs.map((cv, i) => (cv.periodic ? cv.periodic.max : o.grid.max[i])),
        bins: [...o.grid.bins],
      },
      outside: 'flat',
      timeStep: o.timeStep,
      keepHills: false,
    });
    this.s = new Float64Array(d);
    this.grad = new Float64Array(2);
    this.sHill = new Float64Array(2);
  }

  get dim(): number {
    return this.cvs.length;
  }

  /** Current CV values (no gradient, no deposition). */
  values(positions: Float64Array, out: Float64Array = this.s): Float64Array {
    for (let i = 0; i < this.cvs.length; i++) out[i] = this.cvs[i].value(positions);
    return out;
  }

  /**
   * Bias energy at positions; when forces is given ADDS the bias force into it. Deposits a
   * pending hill first (see the file comment).
   */
  evaluate(positions: Float64Array, forces: Float64Array | null): number {
    const d = this.cvs.length;
    for (let i = 0; i < d; i++) this.s[i] = this.cvs[i].value(positions);
    if (this.depositAtStep !== null) {
      this.sHill[0] = this.s[0];
      this.sHill[1] = d > 1 ? this.s[1] : 0;
      this.metad.depositFrom(this.sHill, 1, d, this.depositAtStep);
      this.depositAtStep = null;
    }
    const v = this.metad.biasAtCv(this.s[0], d > 1 ? this.s[1] : 0, this.grad);
    this.bias = v;
    if (forces) {
      for (let i = 0; i < d; i++) {
        const dvds = this.grad[i];
        if (dvds === 0) continue;
        // valueAndGradient ADDS scale * ds/dx: scale -dV/ds gives the force directly.
        this.cvs[i].valueAndGradient(positions, forces, -dvds);
      }
    }
    return v;
  }

  getState(): MetadState {
    return this.metad.getState();
  }

  setState(state: MetadState): void {
    this.metad.setState(state);
  }
}

/**
 * A force provider V_ff(x) + W(x): the force field plus the metadynamics bias. compute()
 * returns the total; `forceFieldEnergy` and `metad.bias` hold the parts of the last call.
 * Per-term energies (`terms`) are the force field's only.
 */
export class BiasedForceProvider implements ForceProvider {
  readonly nAtoms: number;
  forceFieldEnergy = 0;

  constructor(
    readonly forceField: ForceProvider,
    readonly bias: AtomicCvMetad,
  ) {
    this.nAtoms = forceField.nAtoms;
  }

  compute(positions: Float64Array, forces: Float64Array | null, terms?: Float64Array | null): number {
    const e = this.forceField.compute(positions, forces, terms ?? null);
    this.forceFieldEnergy = e;
    return e + this.bias.evaluate(positions, forces);
  }
}
