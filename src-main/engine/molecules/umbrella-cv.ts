/**
 * Umbrella restraints on atomic CVs (distance, angle, dihedral, RMSD, ...): the sibling of
 * metad-cv.ts for umbrella windows. W(x) = sum_i 0.5 k_i d_i^2 with d_i = s_i(x) - c_i, the
 * minimum-image difference on periodic CVs (dihedrals: d in [-pi, pi), so a window at 170 deg
 * pulls a sample at -175 deg by +15 deg, not -345 deg): engine/bias/restraint.ts on the CV
 * values. Force: -dW/ds_i ds_i/dx, added to the force field's through the CV gradient.
 *
 * `scale` multiplies every spring (1 = the window's restraint); the window runner ramps it from 0
 * to 1 during equilibration so a structure far from the centre is pulled in gently.
 */
import { EngineInputError } from '../errors';
import { HarmonicRestraint } from '../bias/restraint';
import type { AtomicCv } from './cv/atomic';
import type { ForceProvider } from './dynamics/langevin';

export interface CvUmbrellaOptions {
  /** The restrained CVs. */
  cvs: readonly AtomicCv[];
  /** Window centre per CV (rad for angles/dihedrals, nm for distances). */
  centers: readonly number[];
  /** Spring constant per CV, kJ/mol per CV unit squared (kJ/mol/rad^2 for dihedrals). */
  springs: readonly number[];
}

/** The restraint energy W(x) = sum_i 0.5 k_i d_i^2 on atomic CVs. */
export class AtomicCvUmbrella {
  readonly cvs: readonly AtomicCv[];
  readonly centers: Float64Array;
  readonly springs: Float64Array;
  /** AT = centers, KAPPA = springs, periods of the periodic CVs. */
  readonly restraint: HarmonicRestraint;
  /** CV values at the last evaluated positions. */
  readonly s: Float64Array;
  /** dW/ds at the last evaluated positions (scaled springs). */
  private readonly dWds: Float64Array;
  /** Restraint energy at the last evaluated positions (kJ/mol, with the current scale). */
  bias = 0;
  /** Multiplies every spring (0..1 while ramping in; 1 = the window's restraint). */
  scale = 1;

  constructor(o: CvUmbrellaOptions) {
    const d = o.cvs.length;
    if (d < 1) throw new EngineInputError('an umbrella restraint needs at least one CV');
    if (o.centers.length !== d) throw new EngineInputError(`umbrella: give one centre per CV (${d}, got ${o.centers.length})`);
    if (o.springs.length !== d) throw new EngineInputError(`umbrella: give one spring constant per CV (${d}, got ${o.springs.length})`);
    o.centers.forEach((c, i) => {
      if (!Number.isFinite(c)) throw new EngineInputError(`umbrella: centre of CV ${o.cvs[i].name} must be finite (got ${c})`);
    });
    o.springs.forEach((k, i) => {
      if (!(k >= 0) || !Number.isFinite(k)) throw new EngineInputError(`umbrella: spring of CV ${o.cvs[i].name} must be a finite number >= 0 (got ${k})`);
    });
    this.cvs = [...o.cvs];
    this.centers = Float64Array.from(o.centers);
    this.springs = Float64Array.from(o.springs);
    this.restraint = new HarmonicRestraint({ at: o.centers, kappa: o.springs, periods: o.cvs.map((cv) => (cv.periodic ? cv.periodic.max - cv.periodic.min : 0)) });
    this.s = new Float64Array(d);
    this.dWds = new Float64Array(d);
  }

  /** Minimum-image displacement of CV i from its centre at the last evaluated positions. */
  deviation(i: number): number {
    return this.restraint.displacement(i, this.s[i]);
  }

  /** Restraint energy at positions; when forces is given ADDS the restraint force into it. */
  evaluate(positions: Float64Array, forces: Float64Array | null): number {
    for (let i = 0; i < this.cvs.length; i++) this.s[i] = this.cvs[i].value(positions);
    const w = this.restraint.evaluate(this.s, this.dWds, this.scale);
    // valueAndGradient ADDS scale * ds/dx: scale -dW/ds gives the force directly.
    if (forces) for (let i = 0; i < this.cvs.length; i++) if (this.dWds[i] !== 0) this.cvs[i].valueAndGradient(positions, forces, -this.dWds[i]);
    this.bias = w;
    return w;
  }
}

/**
 * A force provider V_ff(x) + W(x): the force field plus an umbrella restraint. compute() returns
 * the total; `forceFieldEnergy` and `umbrella.bias` hold the parts of the last call. Per-term
 * energies (`terms`) are the force field's only.
 */
export class RestrainedForceProvider implements ForceProvider {
  readonly nAtoms: number;
  forceFieldEnergy = 0;

  constructor(
    readonly forceField: ForceProvider,
    readonly umbrella: AtomicCvUmbrella,
  ) {
    this.nAtoms = forceField.nAtoms;
  }

  compute(positions: Float64Array, forces: Float64Array | null, terms?: Float64Array | null): number {
    const e = this.forceField.compute(positions, forces, terms ?? null);
    this.forceFieldEnergy = e;
    return e + this.umbrella.evaluate(positions, forces);
  }
}
