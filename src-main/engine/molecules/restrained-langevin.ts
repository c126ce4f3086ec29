/**
 * Relaxation of a lifted structure at a CV value: a short Langevin run (BAOAB, or the scheme the
 * simulations used; the simulation's temperature) of the force field plus a stiff harmonic restraint (k/2)(s(x) - s*)^2 on every CV.
 * Unlike energy minimisation, which sends every structure to the same local minimum and so
 * collapses the spread of the soft coordinates, this keeps the ensemble at p(x | s*) (up to the
 * restraint's width sqrt(kT/k) in s) and only removes what the generator got wrong in the stiff
 * coordinates (bonds, angles) by thermalising them. Returns the force-field energy trace so the
 * caller (and docs/molecular-lifting.md) can judge how fast the energy has settled.
 */
import { AtomicCvUmbrella, RestrainedForceProvider } from './umbrella-cv';
import { LangevinDynamics, type ForceProvider, type LangevinScheme } from './dynamics/langevin';
import type { BondConstraints } from './dynamics/constraints';
import type { AtomicCv } from './cv/atomic';

export interface RestrainedLangevinOptions {
  forceField: ForceProvider;
  masses: Float64Array;
  constraints: BondConstraints | null;
  cvs: readonly AtomicCv[];
  targets: readonly number[];
  /** kJ/mol per CV unit squared (kJ/mol/rad^2 for dihedrals). */
  spring: number;
  temperature: number;
  /** 1/ps. */
  friction: number;
  /** ps. */
  dt: number;
  steps: number;
  seed: number;
  stream?: number;
  /** Langevin splitting; default 'baoab' (what relaxations used before the choice existed). */
  scheme?: LangevinScheme;
  /** Record the force-field energy every this many steps (0 = only the final one). */
  traceEvery?: number;
}

export interface RestrainedLangevinResult {
  /** Force-field energy (kJ/mol, restraint excluded) at the end. */
  energy: number;
  /** Force-field energy every traceEvery steps (empty when traceEvery is 0). */
  trace: number[];
}

/** Runs the restrained dynamics from `positions` (nm, overwritten with the final structure). */
export function relaxWithRestrainedLangevin(positions: Float64Array, o: RestrainedLangevinOptions): RestrainedLangevinResult {
  const umbrella = new AtomicCvUmbrella({ cvs: o.cvs, centers: o.targets, springs: o.cvs.map(() => o.spring) });
  const provider = new RestrainedForceProvider(o.forceField, umbrella);
  const md = new LangevinDynamics({
    forceField: provider,
    masses: o.masses,
    positions,
    temperature: o.temperature,
    friction: o.friction,
    dt: o.dt,
    seed: o.seed,
    stream: o.stream ?? 0,
    constraints: o.constraints,
    scheme: o.scheme ?? 'baoab',
  });
  const trace: number[] = [];
  const every = o.traceEvery ?? 0;
  if (every > 0) {
    for (let s = 0; s < o.steps; s += every) {
      md.run(Math.min(every, o.steps - s));
      trace.push(provider.forceFieldEnergy);
    }
  } else md.run(o.steps);
  positions.set(md.positions);
  return { energy: provider.forceFieldEnergy, trace };
}
