/**
 * Atomic collective variables: distance, angle, dihedral, RMSD to a reference after optimal
 * superposition, and linear combinations of these. Specs are plain JSON-safe data with 0-BASED
 * atom indices (the engine's convention); the text parser (parse.ts) takes the 1-based numbers of
 * PDB files and PLUMED. Positions are nm, atom-major xyz; values are nm or rad.
 */
import { EngineInputError } from '../../errors';
import { Aligner } from '../align';
import { angleCv, dihedralCv, distanceCv } from './geometry';

export type AtomicCvSpec =
  | { kind: 'distance'; atoms: readonly [number, number] }
  | { kind: 'angle'; atoms: readonly [number, number, number] }
  | { kind: 'dihedral'; atoms: readonly [number, number, number, number] }
  /** reference: positions (nm) of `atoms` only, atoms.length * 3 numbers; weights optional (e.g. masses). */
  | { kind: 'rmsd'; atoms: readonly number[]; reference: ArrayLike<number>; weights?: readonly number[] }
  | { kind: 'combination'; terms: readonly { coefficient: number; cv: AtomicCvSpec }[] };

export type CvUnits = 'nm' | 'rad' | 'mixed';

/** Periodic CVs live on [min, max) with period max - min (dihedrals: -pi..pi). */
export interface CvPeriodicity { readonly min: number; readonly max: number }

export interface AtomicCv {
  readonly name: string;
  readonly spec: AtomicCvSpec;
  /** 0-based atoms the CV depends on (sorted, unique). */
  readonly atoms: Int32Array;
  readonly units: CvUnits;
  /** null for non-periodic CVs. */
  readonly periodic: CvPeriodicity | null;
  /** Value at positions (nm). */
  value(positions: Float64Array): number;
  /** Value; ADDS scale * d(value)/d(positions) into grad (length >= nAtoms*3). */
  valueAndGradient(positions: Float64Array, grad: Float64Array, scale?: number): number;
}

export const DIHEDRAL_PERIODICITY: CvPeriodicity = { min: -Math.PI, max: Math.PI };

function checkAtoms(name: string, kind: string, atoms: readonly number[], nAtoms: number, count?: number): Int32Array {
  if (count !== undefined && atoms.length !== count) throw new EngineInputError(`cv ${name}: ${kind} needs ${count} atoms (got ${atoms.length})`);
  for (const a of atoms) {
    if (!Number.isInteger(a) || a < 0 || a >= nAtoms) {
      throw new EngineInputError(`cv ${name}: atom index ${a} (0-based) does not exist (molecule has ${nAtoms} atoms)`);
    }
  }
  if (kind !== 'rmsd' && new Set(atoms).size !== atoms.length) throw new EngineInputError(`cv ${name}: ${kind} atoms must be distinct (got ${atoms.join(', ')})`);
  return Int32Array.from(atoms);
}

/** Builds an evaluable CV from a spec; checks atom indices against nAtoms. */
export function createAtomicCv(name: string, spec: AtomicCvSpec, nAtoms: number): AtomicCv {
  switch (spec.kind) {
    case 'distance': {
      const [i, j] = checkAtoms(name, spec.kind, spec.atoms, nAtoms, 2);
      return simple(name, spec, [i, j], 'nm', null, (x, g, s) => distanceCv(x, i, j, g, s));
    }
    case 'angle': {
      const [i, j, k] = checkAtoms(name, spec.kind, spec.atoms, nAtoms, 3);
      return simple(name, spec, [i, j, k], 'rad', null, (x, g, s) => angleCv(x, i, j, k, g, s));
    }
    case 'dihedral': {
      const [i, j, k, l] = checkAtoms(name, spec.kind, spec.atoms, nAtoms, 4);
      return simple(name, spec, [i, j, k, l], 'rad', DIHEDRAL_PERIODICITY, (x, g, s) => dihedralCv(x, i, j, k, l, g, s));
    }
    case 'rmsd':
      return rmsdCv(name, spec, nAtoms);
    case 'combination':
      return combinationCv(name, spec, nAtoms);
    default:
      throw new EngineInputError(`cv ${name}: unknown kind ${(spec as { kind: unknown }).kind}`);
  }
}

type Eval = (x: Float64Array, grad: Float64Array | undefined, scale: number) => number;

function simple(name: string, spec: AtomicCvSpec, atoms: number[], units: CvUnits, periodic: CvPeriodicity | null, f: Eval): AtomicCv {
  return {
    name, spec, units, periodic,
    atoms: Int32Array.from(new Set(atoms)).sort(),
    value: (x) => f(x, undefined, 1),
    valueAndGradient: (x, grad, scale = 1) => f(x, grad, scale),
  };
}

/**
 * RMSD after optimal superposition of the CV's atoms on the reference. Gradient: with R the
 * optimal rotation, d RMSD / d x_i = w_i ((x_i - c) - R^T (y_i - c_ref)) / (W RMSD). The rotation
 * and the centroid depend on x, but both are stationary points of the fitted sum of squares, so
 * their derivatives drop out (envelope theorem). At RMSD = 0 the gradient is undefined (a cusp);
 * it is set to 0 there.
 */
function rmsdCv(name: string, spec: Extract<AtomicCvSpec, { kind: 'rmsd' }>, nAtoms: number): AtomicCv {
  const atoms = checkAtoms(name, 'rmsd', spec.atoms, nAtoms);
  if (new Set(atoms).size !== atoms.length) throw new EngineInputError(`cv ${name}: rmsd atoms must be distinct`);
  if (atoms.length < 1) throw new EngineInputError(`cv ${name}: rmsd needs at least one atom`);
  if (spec.reference.length !== atoms.length * 3) {
    throw new EngineInputError(`cv ${name}: rmsd reference has ${spec.reference.length} numbers, expected ${atoms.length * 3} (3 per atom)`);
  }
  // The aligner indexes a compact reference: atoms 0..m-1 of it are the CV's atoms in order.
  const aligner = new Aligner(Float64Array.from(spec.reference), { weights: spec.weights });
  const compact = new Float64Array(atoms.length * 3);
  const gather = (x: Float64Array) => {
    for (let k = 0; k < atoms.length; k++) for (let d = 0; d < 3; d++) compact[3 * k + d] = x[3 * atoms[k] + d];
  };
  const evaluate: Eval = (x, grad, scale) => {
    gather(x);
    const rmsd = aligner.fit(compact);
    if (grad && rmsd > 0) {
      const { rotation: R, mobileCentroid: c, centredReference: y, weights: w, totalWeight } = aligner;
      const f = scale / (totalWeight * rmsd);
      for (let k = 0; k < atoms.length; k++) {
        const y0 = y[3 * k], y1 = y[3 * k + 1], y2 = y[3 * k + 2];
        for (let d = 0; d < 3; d++) {
          // (R^T y)_d = sum_e R[e][d] y_e
          const back = R[d] * y0 + R[3 + d] * y1 + R[6 + d] * y2;
          grad[3 * atoms[k] + d] += f * w[k] * (compact[3 * k + d] - c[d] - back);
        }
      }
    }
    return rmsd;
  };
  return {
    name, spec, units: 'nm', periodic: null, atoms: Int32Array.from(atoms).sort(),
    value: (x) => evaluate(x, undefined, 1),
    valueAndGradient: (x, grad, scale = 1) => evaluate(x, grad, scale),
  };
}

/** sum_k c_k cv_k; not periodic (a sum of angles has no fixed period in general). */
function combinationCv(name: string, spec: Extract<AtomicCvSpec, { kind: 'combination' }>, nAtoms: number): AtomicCv {
  if (spec.terms.length === 0) throw new EngineInputError(`cv ${name}: a combination needs at least one term`);
  const terms = spec.terms.map((t, k) => {
    if (!Number.isFinite(t.coefficient)) throw new EngineInputError(`cv ${name}: coefficient of term ${k + 1} is not finite`);
    return { c: t.coefficient, cv: createAtomicCv(`${name}[${k + 1}]`, t.cv, nAtoms) };
  });
  const unitSet = new Set(terms.map((t) => t.cv.units));
  const units: CvUnits = unitSet.size === 1 ? terms[0].cv.units : 'mixed';
  const atoms = new Set<number>();
  for (const t of terms) for (const a of t.cv.atoms) atoms.add(a);
  return {
    name, spec, units, periodic: null, atoms: Int32Array.from(atoms).sort(),
    value: (x) => {
      let v = 0;
      for (const t of terms) v += t.c * t.cv.value(x);
      return v;
    },
    valueAndGradient: (x, grad, scale = 1) => {
      let v = 0;
      for (const t of terms) v += t.c * t.cv.valueAndGradient(x, grad, scale * t.c);
      return v;
    },
  };
}

/** Wraps d into [-period/2, period/2): the difference of two values of a periodic CV. */
export function periodicDifference(d: number, periodic: CvPeriodicity | null): number {
  if (!periodic) return d;
  const p = periodic.max - periodic.min;
  return d - p * Math.floor(d / p + 0.5);
}
