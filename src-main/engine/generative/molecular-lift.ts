/**
 * Lifting for molecules (shared by the API's model thread and `liftwell lift --model DIR`): the
 * model generates internal coordinates given the CV value, the CVs are imposed EXACTLY, NeRF
 * rebuilds Cartesians, and an optional relaxation thermalises each structure at the CV value.
 *
 *  1. generate: targets from the model -> internal coordinates (molecular-targets.ts), CV torsions
 *     set from the condition; models that generated the CV torsions themselves (older plans) get
 *     the CVs imposed by rotating about each central bond (impose-torsions.ts). Exact: the
 *     restriction error of a torsion CV is rounding (~1e-15 rad).
 *  2. CVs that cannot be imposed in closed form are projected (cv-projection.ts) and the residual
 *     is reported in the restriction errors.
 *  3. relax (optional): restrained Langevin dynamics at the simulation temperature
 *     (restrained-langevin.ts), then the CVs are imposed again (the restraint only holds them
 *     to within sqrt(kT/k)), so relaxed structures sit at the CV value exactly too.
 *  4. screen (structure-screen.ts): structures with absurd geometry (bonds > 25% off equilibrium,
 *     exploded coordinates, huge or non-finite energy), as generated or after relaxation, and
 *     those whose relaxation diverged, are left out of every output, counted in `excluded` with
 *     their reason and named in a warning; a weak model gives fewer (possibly no) structures, not a crash.
 */
import { EngineInputError, SimulationDivergedError } from '../errors';
import { periodicDifference, type AtomicCv } from '../molecules/cv/atomic';
import type { ForceProvider } from '../molecules/dynamics/langevin';
import type { BondConstraints } from '../molecules/dynamics/constraints';
import type { LangevinScheme } from '../molecules/dynamics/langevin';
import { projectOntoCvs } from '../molecules/cv-projection';
import { relaxWithRestrainedLangevin } from '../molecules/restrained-langevin';
import { absurdStructureReason, summariseReasons, type EquilibriumBonds } from '../molecules/structure-screen';
import { fromInternal, internalDim, toInternal, type InternalCoordinateSpec } from './molecular-features';
import { imposeTorsions, torsionRotors, type TorsionRotor } from './impose-torsions';
import { internalOf, type MolecularTargetPlan } from './molecular-targets';
import type { GenerativeModel } from './model';

/**
 * Default relaxation: 2 ps of restrained Langevin dynamics at friction 5/ps. Measured on alanine
 * dipeptide at 300 K (scripts/molecules/relax-decorrelation.ts, docs/molecular-lifting.md): the
 * integrated autocorrelation time of the force-field energy in the restrained ensemble is 0.095 ps
 * at this friction, and the mean excess energy of lifted structures (+67 kJ/mol at t = 0) is down
 * to 5 kJ/mol at 0.3 ps and below 1 kJ/mol (the noise of the measurement) from 1 ps on. 2 ps is
 * twice that, ~20 autocorrelation times: the relaxed energies are a fresh thermal draw.
 */
export const DEFAULT_RELAX_PS = 2;
export const DEFAULT_RELAX_FRICTION = 5;
/** Restraint on each CV during relaxation: thermal width sqrt(kT/k) ~ 0.02 rad at 300 K. */
export const DEFAULT_RELAX_SPRING = 5000;

export interface MolecularLiftSystem {
  zmatrix: InternalCoordinateSpec;
  targets: MolecularTargetPlan;
  cvs: readonly AtomicCv[];
  /** Topology bond pairs (0-based). */
  bonds: ArrayLike<number>;
  forceField: ForceProvider;
  masses: Float64Array;
  /** Bonds to hydrogen constrained in the simulations (and so frozen in the model). */
  constraints: BondConstraints | null;
  temperature: number;
  /** Langevin scheme of the relaxation: the simulations' (default 'baoab', that of models planned before the choice existed). */
  scheme?: LangevinScheme;
  /** The force field's bonds and equilibrium lengths, for screening out absurd structures. */
  equilibriumBonds: EquilibriumBonds;
}

export interface MolecularRelaxOptions {
  /** Length in ps. */
  ps: number;
  spring?: number;
  friction?: number;
  /** ps; default 0.002 with constraints, 0.001 without. */
  dt?: number;
}

export interface MolecularLiftRequest {
  cond: readonly number[];
  n: number;
  seed: number;
  relax: MolecularRelaxOptions | null;
  method?: 'sde' | 'ode';
  steps?: number;
}

/** A structure left out of the result: its index among the n generated, when, and why. */
export interface ExcludedStructure {
  index: number;
  stage: 'generated' | 'relaxed';
  reason: string;
}

export interface MolecularLiftResult {
  /** Structures asked for; the arrays below hold only the kept ones (requested - excluded.length). */
  requested: number;
  excluded: ExcludedStructure[];
  /** kept x atoms x 3, nm: relaxed structures when relaxation was asked, else as generated. */
  positions: Float64Array;
  generated: { positions: Float64Array; energies: number[]; restrictionErrors: number[][] };
  relaxed: { energies: number[]; restrictionErrors: number[][]; steps: number; dt: number; friction: number; spring: number } | null;
  /** Per CV: 'exact' (rotation about the central bond) or 'projected' (restraint projection). */
  imposition: ('exact' | 'projected')[];
  warnings: string[];
}

/** Rotors of the CVs that are imposed exactly (null: projected instead). */
export function cvRotors(system: Pick<MolecularLiftSystem, 'zmatrix' | 'targets' | 'bonds' | 'cvs'>): (TorsionRotor | null)[] {
  const all = torsionRotors({ ...system.zmatrix, dihedralCoordinates: system.targets.cvCoordinates }, system.bonds);
  if (all.length !== system.cvs.length) throw new EngineInputError(`the model plan lists ${all.length} CV coordinate(s) for ${system.cvs.length} CV(s)`);
  return all;
}

export function liftMolecularStructures(model: GenerativeModel, system: MolecularLiftSystem, request: MolecularLiftRequest): MolecularLiftResult {
  const { zmatrix, targets, cvs } = system;
  const { cond, n } = request;
  if (cond.length !== cvs.length) throw new EngineInputError(`the model is conditioned on ${cvs.length} CV(s) (${cvs.map((c) => c.name).join(', ')}); got ${cond.length} value(s)`);
  const d = internalDim(zmatrix);
  const n3 = 3 * zmatrix.nAtoms;
  const rotors = cvRotors(system);
  const projected = cvs.map((_, c) => rotors[c] === null);
  const anyProjected = projected.some(Boolean);

  const lifted = model.lift(cond, n, { seed: request.seed, ...(request.method ? { method: request.method } : {}), ...(request.steps ? { steps: request.steps } : {}) });
  // Older plans generated the CV torsions too: assemble without touching them, then rotate.
  const generatesCvs = targets.cvCoordinates.some((c) => c >= 0 && targets.free.includes(c));
  const assembly = generatesCvs ? { ...targets, cvCoordinates: targets.cvCoordinates.map(() => -1) } : targets;
  const internal = internalOf(zmatrix, assembly, lifted.samples, cond);
  imposeTorsions(internal, d, rotors, cond);
  const positions = fromInternal(zmatrix, internal);

  const frame = (x: Float64Array, i: number) => x.subarray(i * n3, (i + 1) * n3);
  const errors = (x: Float64Array) => cvs.map((cv, c) => Math.abs(periodicDifference(cv.value(x) - cond[c], cv.periodic)));
  const projectedOnly = cvs.filter((_, c) => projected[c]);
  const projectedTargets = cond.filter((_, c) => projected[c]);
  const project = (x: Float64Array) => {
    if (anyProjected) projectOntoCvs(x, projectedOnly, projectedTargets, system.masses);
  };
  const warnings = [...lifted.warnings];
  if (anyProjected) warnings.push(`${cvs.filter((_, c) => projected[c]).map((c) => c.name).join(', ')}: not a rotatable torsion; projected onto the CV value (the residual is the restriction error)`);

  const generated = { positions: positions.slice(), energies: [] as number[], restrictionErrors: [] as number[][] };
  const excluded: ExcludedStructure[] = [];
  const isExcluded = new Uint8Array(n);
  const exclude = (index: number, stage: ExcludedStructure['stage'], reason: string) => {
    isExcluded[index] = 1;
    excluded.push({ index, stage, reason });
  };
  for (let i = 0; i < n; i++) {
    const x = frame(positions, i);
    project(x);
    const energy = system.forceField.compute(x, null);
    generated.energies.push(energy);
    generated.restrictionErrors.push(errors(x));
    const absurd = absurdStructureReason(x, energy, system.equilibriumBonds);
    if (absurd) exclude(i, 'generated', absurd);
  }
  generated.positions.set(positions);

  let relaxed: MolecularLiftResult['relaxed'] = null;
  if (request.relax) {
    const r = request.relax;
    const dt = r.dt ?? (system.constraints ? 0.002 : 0.001);
    const steps = Math.max(1, Math.round(r.ps / dt));
    const spring = r.spring ?? DEFAULT_RELAX_SPRING;
    const friction = r.friction ?? DEFAULT_RELAX_FRICTION;
    relaxed = { energies: [], restrictionErrors: [], steps, dt, friction, spring };
    const scratch = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const x = frame(positions, i);
      if (isExcluded[i]) {
        // Never relaxed: kept in step with the other arrays until the excluded rows are dropped.
        relaxed.energies.push(Number.NaN);
        relaxed.restrictionErrors.push(cvs.map(() => Number.NaN));
        continue;
      }
      try {
        relaxWithRestrainedLangevin(x, { forceField: system.forceField, masses: system.masses, constraints: system.constraints, cvs, targets: cond, spring, temperature: system.temperature, friction, dt, steps, seed: request.seed, stream: i, scheme: system.scheme });
        // Back onto the CV value exactly: the restraint held it to within sqrt(kT/k).
        toInternal(zmatrix, x, scratch);
        imposeTorsions(scratch, d, rotors, cond);
        fromInternal(zmatrix, scratch, x);
        project(x);
      } catch (error) {
        // Dynamics from a badly generated structure can blow up (non-finite energy, SHAKE/RATTLE
        // failing to converge); the options themselves were checked before the loop.
        if (!(error instanceof SimulationDivergedError) && !(error instanceof EngineInputError)) throw error;
        exclude(i, 'relaxed', `relaxation diverged: ${error.message}`);
      }
      const energy = system.forceField.compute(x, null);
      relaxed.energies.push(energy);
      relaxed.restrictionErrors.push(errors(x));
      const absurd = isExcluded[i] ? null : absurdStructureReason(x, energy, system.equilibriumBonds);
      if (absurd) exclude(i, 'relaxed', `after relaxation, ${absurd}`);
    }
  }
  if (excluded.length > 0) {
    const first = excluded[0];
    warnings.push(
      `${excluded.length} of ${n} lifted structure(s) excluded as absurd (${summariseReasons(excluded.map((e) => e.reason.replace(/^after relaxation, /, '')))}; e.g. structure ${first.index + 1}: ${first.reason})`
      + (excluded.length === n ? ': no structure is left' : '')
      + ': the model is poor here; train longer, use a larger network, or add simulation data near this CV value',
    );
  }
  const keep = Array.from({ length: n }, (_, i) => i).filter((i) => !isExcluded[i]);
  const rows = <T>(a: T[]) => keep.map((i) => a[i]);
  const framesOf = (x: Float64Array) => {
    const out = new Float64Array(keep.length * n3);
    keep.forEach((i, k) => out.set(frame(x, i), k * n3));
    return out;
  };
  excluded.sort((a, b) => a.index - b.index);
  return {
    requested: n,
    excluded,
    positions: framesOf(positions),
    generated: { positions: framesOf(generated.positions), energies: rows(generated.energies), restrictionErrors: rows(generated.restrictionErrors) },
    relaxed: relaxed ? { ...relaxed, energies: rows(relaxed.energies), restrictionErrors: rows(relaxed.restrictionErrors) } : null,
    imposition: projected.map((p) => (p ? 'projected' : 'exact')),
    warnings,
  };
}
