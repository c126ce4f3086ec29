/**
 * Molecules of a project and molecular runs: the molecule record, the view the viewer shows, molecular run parameters and results, trajectory frames.
 * Part of the shared vocabulary (schema/): api/contract re-exports it; store and runs import it from here.
 */
import { z } from 'zod';
import { finite, positive } from './numbers';
import { LIMITS } from './limits';
import { seedingSpec } from './seeding';

/** A molecule of the project: systems/<id>/ holds its files as imported (see store/molecules.ts). */
export const moleculeRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  atoms: z.number().int(),
  /** Residue names in order ('ACE', 'ALA', 'NME'). */
  residues: z.array(z.string()),
  /** File names inside systems/<id>/. */
  topologyFile: z.string(),
  coordinatesFile: z.string(),
  created: z.string(),
  source: z.enum(['example', 'imported']),
});
export type MoleculeRecord = z.infer<typeof moleculeRecordSchema>;

export const MOLECULE_EXAMPLES = ['alanine-dipeptide'] as const;
/** Largest topology or coordinate file importMolecule accepts (decoded bytes). */
export const MOLECULE_FILE_LIMIT_BYTES = 64 * 1024 * 1024;
export const moleculeFile = z.object({
  fileName: z.string().trim().min(1).max(200),
  /** The file's bytes, base64 (works the same over IPC and WebSocket). */
  base64: z.string().max(Math.ceil((MOLECULE_FILE_LIMIT_BYTES * 4) / 3) + 4, 'file is larger than 64 MiB'),
});

export interface MoleculeAtom { name: string; element: string; residue: string; /** 1-based residue number. */ resid: number }
export interface MoleculeView {
  id: string;
  name: string;
  atoms: MoleculeAtom[];
  /** 0-based atom pairs. */
  bonds: [number, number][];
  /** base64 of a little-endian Float32Array, atoms*3, nm. */
  positions: string;
  /** Force-field energy at the stored coordinates, kJ/mol (torsion = proper + improper; nonbonded = Coulomb + LJ incl. 1-4). */
  energy: { bond: number; angle: number; torsion: number; nonbonded: number; total: number };
  /** Backbone phi/psi of every residue that has them; 1-based atoms as in PDB files and PLUMED. */
  suggestedCvs: { name: string; definition: string }[];
}

/** The Langevin schemes a molecular run can use (the engine's LANGEVIN_SCHEMES). */
export const MOLECULAR_INTEGRATORS = ['baoab', 'middle'] as const;
export type MolecularIntegrator = (typeof MOLECULAR_INTEGRATORS)[number];
/** A new run's integrator when the caller names none: the constrained runs get 'middle', as `liftwell md` does. */
export function defaultMolecularIntegrator(constraints: 'none' | 'hbonds'): MolecularIntegrator {
  return constraints === 'hbonds' ? 'middle' : 'baoab';
}

export const molecularRunParams = z.object({
  /** Bath temperature, K. */
  temperature: positive(),
  /** Collision rate, 1/ps (0 = constant energy). */
  friction: finite().refine((v) => v >= 0, 'must be >= 0'),
  /** Time step, ps (0.002 needs constraints 'hbonds'). */
  dt: positive().refine((v) => v <= 0.005, 'is in ps: at most 0.005 (5 fs)'),
  steps: z.number().int().min(1).max(LIMITS.steps),
  constraints: z.enum(['none', 'hbonds']).default('none'),
  /**
   * Langevin splitting (engine/molecules/dynamics/langevin.ts): 'baoab' or 'middle' (OpenMM's
   * LangevinMiddle, one SHAKE per step). Missing: 'middle' with constraints 'hbonds', else
   * 'baoab' (the default of `liftwell md`); the run's job records the choice.
   */
  integrator: z.enum(MOLECULAR_INTEGRATORS).optional(),
  /** L-BFGS minimisation (max force 10 kJ/mol/nm) before the dynamics. */
  minimize: z.boolean().default(false),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  /** Steps between saved frames (DCD frame, CV row, energy row). */
  frameInterval: z.number().int().min(1),
  /** CV definitions "NAME=kind(ATOMS)" with 1-based atoms, e.g. "phi=dihedral(5,7,9,15)". */
  cvs: z.array(z.string().trim().min(3).max(2000)).max(8).default([]),
  metad: z
    .object({
      /** Which CVs (0-based into cvs) are biased; default the first sigma.length CVs. */
      cvIndices: z.array(z.number().int().min(0).max(7)).min(1).max(2).optional(),
      /** Gaussian width per biased CV (rad for angles/dihedrals, nm for distances). */
      sigma: z.array(positive()).min(1).max(2),
      /** Initial hill height, kJ/mol. */
      height: positive(),
      pace: z.number().int().min(1),
      biasFactor: finite().refine((v) => v > 1, 'must be greater than 1'),
      /** Grid bins per biased CV; default: bin width sigma/2. */
      gridBins: z.array(z.number().int().min(4).max(2000)).min(1).max(2).optional(),
      /** Grid range of non-periodic CVs (default angles [0, pi], distances and RMSD [0, 3] nm). */
      gridMin: z.array(finite()).min(1).max(2).optional(),
      gridMax: z.array(finite()).min(1).max(2).optional(),
      /**
       * Walkers sharing one bias (PLUMED's MULTIPLE_WALKERS): each its own random stream, all
       * depositing a hill every pace steps, in walker order; they run in parallel on the cores.
       * Default 1.
       */
      walkers: z.number().int().min(1).max(LIMITS.metadWalkers).optional(),
    })
    .optional(),
  /**
   * Umbrella windows on 1-2 CVs (not with metad): one task per window, each restrained by
   * 0.5 k d^2 per CV (d minimum-image on dihedrals) and run for equilibrationSteps (discarded)
   * + steps, sampling every frameInterval steps. Windows = the product of the centre lists.
   */
  umbrella: z
    .object({
      /** Which CVs (0-based into cvs) are restrained; default the first centers.length CVs. */
      cvIndices: z.array(z.number().int().min(0).max(7)).min(1).max(2).optional(),
      /** Window centres per restrained CV (rad for dihedrals/angles, nm for distances). */
      centers: z.array(z.array(finite()).min(1).max(200)).min(1).max(2),
      /** Spring constant per restrained CV, kJ/mol/rad^2 (kJ/mol/nm^2 for distances). */
      springs: z.array(positive()).min(1).max(2).optional(),
      /** Convenience input: one spring constant for every restrained CV, or the list (parsed into springs). */
      spring: z.union([positive(), z.array(positive()).min(1).max(2)]).optional(),
      /** Steps per window before sampling starts (the spring is ramped in over the first half). */
      equilibrationSteps: z.number().int().min(0).max(1e9).default(0),
    })
    .optional(),
  /**
   * Seeded start (runs/seeding/): the run (or each umbrella window) starts from the given
   * structure (atoms x 3, nm) instead of the molecule's coordinates; with `minimize`, minimised from there.
   */
  seeding: seedingSpec.optional(),
})
  .refine((p) => p.frameInterval <= p.steps, { message: 'frameInterval must not exceed steps', path: ['frameInterval'] })
  .refine((p) => !p.metad || p.cvs.length >= p.metad.sigma.length, { message: 'metadynamics needs as many CVs as sigma values', path: ['metad', 'sigma'] })
  .refine((p) => !p.metad?.cvIndices || p.metad.cvIndices.length === p.metad.sigma.length, { message: 'give one sigma per biased CV', path: ['metad', 'sigma'] })
  .refine((p) => !p.metad?.cvIndices || p.metad.cvIndices.every((i) => i < p.cvs.length), { message: 'every biased CV must be one of cvs', path: ['metad', 'cvIndices'] })
  .refine((p) => !p.metad?.cvIndices || new Set(p.metad.cvIndices).size === p.metad.cvIndices.length, { message: 'the biased CVs must differ', path: ['metad', 'cvIndices'] })
  .refine((p) => !(p.metad && p.umbrella), { message: 'choose metadynamics or umbrella windows, not both', path: ['umbrella'] })
  .refine((p) => !p.umbrella || (p.umbrella.spring === undefined) !== (p.umbrella.springs === undefined), { message: 'give springs (one spring constant per restrained CV) or spring, not both', path: ['umbrella', 'springs'] })
  .refine((p) => !p.umbrella || typeof p.umbrella.spring === 'number' || (p.umbrella.springs ?? p.umbrella.spring)!.length === p.umbrella.centers.length, { message: 'give one spring constant per restrained CV (one per centre list)', path: ['umbrella', 'springs'] })
  .refine((p) => !p.umbrella || p.cvs.length >= p.umbrella.centers.length, { message: 'umbrella windows need as many CVs as centre lists', path: ['umbrella', 'centers'] })
  .refine((p) => !p.umbrella?.cvIndices || p.umbrella.cvIndices.length === p.umbrella.centers.length, { message: 'give one centre list per restrained CV', path: ['umbrella', 'centers'] })
  .refine((p) => !p.umbrella?.cvIndices || p.umbrella.cvIndices.every((i) => i < p.cvs.length), { message: 'every restrained CV must be one of cvs', path: ['umbrella', 'cvIndices'] })
  .refine((p) => !p.umbrella?.cvIndices || new Set(p.umbrella.cvIndices).size === p.umbrella.cvIndices.length, { message: 'the restrained CVs must differ', path: ['umbrella', 'cvIndices'] })
  .transform(({ umbrella, ...p }) => ({ ...p, ...(umbrella ? { umbrella: withSprings(umbrella) } : {}) }));
/** The molecular umbrella with its springs list, from springs or the convenience spring. */
function withSprings<U extends { centers: number[][]; springs?: number[]; spring?: number | number[] }>({ spring, springs, ...u }: U) {
  return { ...u, springs: springs ?? (typeof spring === 'number' ? u.centers.map(() => spring) : [...spring!]) };
}
/** Parsed molecular run parameters: umbrella.springs always set, one per restrained CV. */
export type MolecularRunParams = z.infer<typeof molecularRunParams>;
/** What a caller may send: umbrella.springs, or umbrella.spring (one number for every CV, or the list). */
export type MolecularRunParamsInput = z.input<typeof molecularRunParams>;

export interface MolecularResult {
  runId: string;
  cvNames: string[];
  cvPeriodic: boolean[];
  /** ps, one per saved frame. */
  times: number[];
  /** frames x cvs (rad / nm), at the saved frames. */
  cvValues: number[][];
  /** Thinned to at most 2000 points; kJ/mol, K. potential is the force field's (bias excluded). */
  energies: { time: number; potential: number; kinetic: number; temperature: number; bias: number }[];
  /**
   * Free energy on a grid (kJ/mol, min 0, row-major, first CV slowest): from the metadynamics
   * bias (-(gamma/(gamma-1)) V on the bias grid) for metad runs; else -kT ln of a histogram of
   * the first 1-2 CVs (bin centres as axes; null in empty bins).
   */
  fes?: { cvNames: string[]; axes: number[][]; fes: (number | null)[]; source: 'metad' | 'histogram' | 'umbrella' };
  /** Basins of the FES (watershed, shallower than 2 kJ/mol merged); see docs/molecule-api.md for labels. */
  basins?: { id: number; label?: string; minimum: number[]; freeEnergy: number; error?: number }[];
  hills?: number;
  /**
   * Umbrella runs: the windows (product of the centre lists, first CV slowest) and their WHAM free
   * energies (kJ/mol, window 0 = 0). times/cvValues/energies/frames then run through the windows
   * in order, window k's times offset by k x steps x dt (so they read as one axis).
   */
  umbrella?: {
    cvNames: string[];
    /** Window centres, one [c1(, c2)] per window (CV units). */
    centers: number[][];
    springs: number[];
    windowFreeEnergies: number[];
    /** Samples (= frames) per window. */
    samples: number[];
    /** Mean minimum-image deviation from the centre per window and CV (CV units). */
    meanDeviation: number[][];
    warnings: string[];
  };
  /**
   * Multiple-walker metadynamics: the walkers sharing the bias. times/cvValues/energies/frames
   * then run through the walkers in order (walker 0 first, each from time 0).
   */
  walkers?: number;
  frames: number;
  temperature: number;
  /** Multiple walkers: trajectory is walker-000.dcd (one DCD per walker, walker-NNN.dcd). Umbrella runs: trajectory is window-000.dcd (one DCD per window, window-NNN.dcd); cv, energies, COLVAR hold all windows in order. */
  files: { trajectory: string; colvar: string; hills?: string; cv: string; energies: string; fes?: string };
}

export interface TrajectoryFrames {
  start: number;
  count: number;
  atoms: number;
  /** base64 of a little-endian Float32Array, count*atoms*3, nm. */
  positions: string;
}
