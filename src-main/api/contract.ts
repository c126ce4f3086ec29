/**
 * The Liftwell API contract: every call the renderer (or CLI) can make, as a zod input schema
 * and an output type, plus the one typed event stream. Transports (Electron IPC, loopback
 * WebSocket) are generic over this table; the renderer imports only types from here.
 *
 * Rule: inputs are validated in the main process for every call, whatever the transport.
 */
import { z } from 'zod';
import { LIMITS } from './limits';
import type { CallName } from './call-names';
import type { EvolveSeries } from '../engine/workflows/lift-evolve-restrict';
import type { LiftwellErrorCode } from '../schema/errors';

// ---------------------------------------------------------------- systems

const finite = () => z.number().refine(Number.isFinite, 'must be a finite number');
const positive = () => finite().refine((v) => v > 0, 'must be greater than 0');

export const doubleWellSpec = z.object({
  kind: z.literal('double-well'),
  /** Barrier height: V = a (x^2 - 1)^2 */
  a: positive(),
});
export const mullerBrownSpec = z.object({
  kind: z.literal('muller-brown'),
  /** Multiplies the standard Muller-Brown potential (1 = SCIENCE.md parameters). */
  scale: positive(),
});
export const fastSlowSpec = z.object({
  kind: z.literal('fast-slow'),
  a: positive(),
  s: positive(),
  epsilon: positive(),
  f: z.enum(['linear', 'sin', 'cubic']),
  c: finite(),
});
const fastSlowShape = z.enum(['linear', 'sin', 'cubic']);
/** Slow double well x with m fast variables y_i -> f_i(x) (engine/systems/fast-slow-multi.ts). */
export const fastSlowMultiSpec = z.object({
  kind: z.literal('fast-slow-multi'),
  a: positive(),
  epsilon: positive(),
  m: z.number().int().min(1).max(16),
  f: fastSlowShape,
  c: finite(),
  s: positive(),
  /** Per fast variable { f, c, s } (length m); absent = the scalars for all. */
  fast: z.array(z.object({ f: fastSlowShape, c: finite(), s: positive() })).min(1).max(16).optional(),
});
/** The fast/slow SDE observed through a curved, rotated map into R^3 (engine/systems/embedded.ts). */
export const embeddedSpec = z.object({
  kind: z.literal('embedded'),
  a: positive(),
  s: positive(),
  epsilon: positive(),
  f: fastSlowShape,
  c: finite(),
  curvature: finite(),
  angle: finite(),
});
/** Slow double well x, fast y with two modes whose weights move with x (engine/systems/two-mode.ts). */
export const twoModeSpec = z.object({
  kind: z.literal('two-mode'),
  a: positive(),
  d: positive(),
  h0: positive(),
  h2: finite().refine((v) => v >= 0, 'must be 0 or more'),
  b: finite(),
  c: finite(),
  epsilon: positive(),
});
/** A user-defined potential V(x) or V(x, y) (engine/systems/expression.ts; parsed, never eval'd). */
export const expressionSpec = z.object({
  kind: z.literal('expression'),
  expression: z.string().max(2000),
  dim: z.union([z.literal(1), z.literal(2)]),
  parameters: z.record(z.string(), finite()).optional(),
  domain: z.array(z.tuple([finite(), finite()])).min(1).max(2).optional(),
  mobility: z.array(positive()).min(1).max(2).optional(),
});
export const systemSpec = z.discriminatedUnion('kind', [doubleWellSpec, mullerBrownSpec, fastSlowSpec, fastSlowMultiSpec, embeddedSpec, expressionSpec, twoModeSpec]);
export type SystemSpec = z.infer<typeof systemSpec>;
export type SystemKind = SystemSpec['kind'];

export interface SystemParameterInfo {
  name: string;
  label: string;
  description: string;
  default: number | string;
  /** For numbers: lower bound, inclusive unless exclusiveMin. */
  min?: number;
  exclusiveMin?: boolean;
  max?: number;
  /** For choices. */
  choices?: string[];
  /** Absent = 'number' (or 'choice' when choices is set); 'text': a free-text field (an expression). */
  type?: 'number' | 'choice' | 'text';
  /** For text. */
  maxLength?: number;
}
export interface SystemKindInfo {
  kind: SystemKind;
  label: string;
  description: string;
  coordinateNames: string[];
  parameters: SystemParameterInfo[];
  /** Plotting / quadrature box per coordinate. */
  domain: [number, number][];
  /** True when Liftwell can compute the exact free-energy profile along a coordinate. */
  hasExactProfile: boolean;
  /** Defaults of non-scalar fields (expression: parameters). */
  extraDefaults?: Record<string, unknown>;
  /** Names of observed coordinates when they differ from the simulated ones (embedded: q1, q2, q3). */
  observedNames?: string[];
}

// ---------------------------------------------------------------- umbrella studies

export const windowCentersSpec = z.union([
  z.object({ mode: z.literal('range'), min: finite(), max: finite(), count: z.number().int().min(1).max(LIMITS.windows) })
    .refine((r) => r.count === 1 || r.max > r.min, 'max must be greater than min'),
  z.object({ mode: z.literal('list'), values: z.array(finite()).min(1).max(LIMITS.windows) }),
]);
export type WindowCentersSpec = z.infer<typeof windowCentersSpec>;

/**
 * Where a seeded run's walkers start: per window, walkers x dim coordinates (walker-major), e.g.
 * configurations lifted by a model at the window centre or frames of an earlier run. The source
 * fields are provenance only (kept in run.json with the parameters).
 */
export const seedingSpec = z.object({
  source: z.enum(['lifted', 'frames']),
  modelId: z.string().min(1).optional(),
  runId: z.string().min(1).optional(),
  seed: z.number().int().min(0).optional(),
  starts: z.array(z.array(finite()).min(1).max(4096 * 64)).min(1).max(1000),
});
export type SeedingSpec = z.infer<typeof seedingSpec>;

export const umbrellaParams = z.object({
  /** Index of the coordinate used as CV (0 = x, 1 = y). */
  cvIndex: z.number().int().min(0).max(1),
  centers: windowCentersSpec,
  /** Spring constant k in W = 0.5 k (cv - centre)^2, energy units of kT. */
  spring: positive(),
  kT: positive(),
  dt: positive(),
  stepsPerWindow: z.number().int().min(1).max(LIMITS.steps),
  /** Keep the CV every `stride` steps. */
  stride: z.number().int().min(1),
  walkersPerWindow: z.number().int().min(1).max(LIMITS.umbrellaWalkers),
  /** Steps discarded at the start of each window before samples are kept. */
  equilibrationSteps: z.number().int().min(0).default(0),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  /**
   * 2D grid study (optional; absent = 1D on cvIndex): a second coordinate as CV with its own
   * centres and spring. Windows sit at every (c1, c2) of centers x secondCv.centers, window
   * index i * n2 + j; bias 0.5 k1 (q1 - c1)^2 + 0.5 k2 (q2 - c2)^2.
   */
  secondCv: z
    .object({ cvIndex: z.number().int().min(0).max(1), centers: windowCentersSpec, spring: positive() })
    .optional(),
  /** Seeded start (runs/umbrella/seeding.ts): walkers start from given configurations instead of the pulled start. */
  seeding: seedingSpec.optional(),
})
  .refine((p) => p.stride <= p.stepsPerWindow, { message: 'stride must not exceed steps per window', path: ['stride'] })
  .refine((p) => !p.secondCv || p.secondCv.cvIndex !== p.cvIndex, { message: 'the second CV must be a different coordinate', path: ['secondCv', 'cvIndex'] });
export type UmbrellaParams = z.infer<typeof umbrellaParams>;

export interface CostEstimate {
  windows: number;
  walkerSteps: number;
  /** Samples kept per walker in each window (a window holds this times walkersPerWindow). */
  samplesPerWindow: number;
  diskBytes: number;
  /** From this machine's measured kernel throughput and worker count. */
  estimatedSeconds: number;
  workers: number;
}

// ---------------------------------------------------------------- metadynamics studies

export const metadParams = z.object({
  /** Coordinates used as CVs: [0] (x), [1] (y) or [0, 1] (x and y). */
  cvIndices: z.array(z.number().int().min(0).max(1)).min(1).max(2),
  /** Gaussian width per CV. */
  sigma: z.array(positive()).min(1).max(2),
  /** Initial hill height, energy units. */
  height: positive(),
  /** Steps between hill depositions. */
  pace: z.number().int().min(1),
  /** Well-tempered bias factor gamma > 1. */
  biasFactor: finite().refine((v) => v > 1, 'must be greater than 1'),
  kT: positive(),
  dt: positive(),
  /** Integration steps per walker. */
  steps: z.number().int().min(1).max(LIMITS.metadSteps),
  /** Walkers sharing one bias (multiple-walker metadynamics). */
  walkers: z.number().int().min(1).max(LIMITS.metadWalkers),
  integrator: z.enum(['overdamped', 'baoab']).default('overdamped'),
  /** BAOAB only. */
  friction: positive().default(10),
  mass: positive().default(1),
  /** Grid bins per CV; default: bin width sigma/2. */
  gridBins: z.array(z.number().int().min(4).max(LIMITS.metadGridBins)).min(1).max(2).optional(),
  /** Keep a COLVAR row (every walker) every this many steps; default: pace. */
  colvarStride: z.number().int().min(1).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
})
  .refine((p) => p.sigma.length === p.cvIndices.length, { message: 'give one sigma per CV', path: ['sigma'] })
  .refine((p) => new Set(p.cvIndices).size === p.cvIndices.length, { message: 'the CVs must be different coordinates', path: ['cvIndices'] })
  .refine((p) => !p.gridBins || p.gridBins.length === p.cvIndices.length, { message: 'give one bin count per CV', path: ['gridBins'] });
export type MetadParams = z.infer<typeof metadParams>;

/** Result of a metadynamics run: the FES on the bias grid, and reweighted profiles. */
export interface MetadResult {
  runId: string;
  cvNames: string[];
  kT: number;
  biasFactor: number;
  /** Grid nodes per CV. */
  axes: number[][];
  /** FES on the grid, energy units, min 0; row-major with the first CV slowest. */
  fes: number[];
  /** Exact FES on the same grid (min 0) when the system has one. */
  exact?: number[];
  hills: number;
  /** Hill height against time (well-tempered decay shows convergence). */
  hillHeights: { time: number[]; height: number[] };
  /** FES along each coordinate of the system by c(t) reweighting of the COLVAR frames. */
  reweighted: { coordinate: string; centers: number[]; pmf: (number | null)[]; exact?: number[]; effectiveSamples: number }[];
  /** Files in the run folder a user can take elsewhere. */
  files: { hills: string; colvar: string; fes: string };
}

// ---------------------------------------------------------------- walker ensembles

/**
 * A large ensemble of independent overdamped walkers (10^4-10^6) integrated by the CPU kernel or
 * the batched tensor integrator (engine/integrators/executor.ts); histograms of every walker,
 * no per-sample storage (runs/ensemble/task.ts).
 */
export const ensembleParams = z
  .object({
    walkers: z.number().int().min(1).max(LIMITS.ensembleWalkers),
    /** Integration steps per walker, equilibration included. */
    steps: z.number().int().min(1).max(LIMITS.steps),
    dt: positive(),
    kT: positive(),
    /** Optional harmonic restraint 0.5 spring (x[cvIndex] - center)^2 on one coordinate. */
    umbrella: z.object({ cvIndex: z.number().int().min(0).max(63), center: finite(), spring: positive() }).nullable().default(null),
    executor: z.enum(['auto', 'cpu', 'tensor']).default('auto'),
    /** Histogram bins per coordinate (and per axis of the 2D histogram of 2D systems). */
    bins: z.number().int().min(8).max(1000).default(80),
    /** First steps not histogrammed. */
    equilibrationSteps: z.number().int().min(0).default(0),
    /** Histogram every walker every this many steps. */
    stride: z.number().int().min(1).default(10),
    /** Where walkers start: uniformly in the system's box (relaxes fastest), or all at the lowest grid point. */
    start: z.enum(['box', 'minimum']).default('box'),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
  })
  .refine((p) => p.equilibrationSteps + p.stride <= p.steps, { message: 'steps must exceed equilibrationSteps by at least one stride (nothing would be histogrammed)', path: ['steps'] });
export type EnsembleParams = z.infer<typeof ensembleParams>;

/** One histogram FES along a coordinate, beside the exact answer where there is one. */
export interface EnsembleProfile {
  coordinate: string;
  centers: number[];
  /** -kT ln of the histogram (energy units, min 0); null for empty bins. */
  fes: (number | null)[];
  /** Exact FES on the same centres (min 0) when the system has one (dimension <= 2). */
  exact: number[] | null;
  /**
   * 'unbiased': the umbrella acts on this coordinate only, so W is removed bin by bin and fes
   * is the unbiased free energy; 'biased': the umbrella acts on another coordinate, fes is the
   * biased marginal and exact is the exact biased marginal (see api/ensemble.ts).
   */
  meaning: 'unbiased' | 'biased';
  /** RMS of fes - exact - best constant over bins with exact < 4 kT (energy units), or null. */
  rmsVsExact: number | null;
}

export interface EnsembleResult {
  runId: string;
  coordinateNames: string[];
  kT: number;
  walkers: number;
  steps: number;
  executor: 'cpu' | 'tensor';
  executorReason: string;
  /** tfjs backend the worker started (null when tfjs was not consulted). */
  backend: string | null;
  /** Walker-steps per second of the integration (histogramming included), over the whole run. */
  walkerStepsPerSecond: number | null;
  seconds: number;
  /** Walker positions histogrammed per coordinate, and those outside the histogram range. */
  samples: number;
  outside: number[];
  profiles: EnsembleProfile[];
  /** 2D systems: FES on bins x bins (row-major, first coordinate slowest), unbiased pointwise. */
  fes2d: { axes: number[][]; fes: (number | null)[]; exact: number[] | null; rmsVsExact: number | null } | null;
}

// ---------------------------------------------------------------- molecules

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
const moleculeFile = z.object({
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

export const molecularRunParams = z.object({
  /** Bath temperature, K. */
  temperature: positive(),
  /** Collision rate, 1/ps (0 = constant energy). */
  friction: finite().refine((v) => v >= 0, 'must be >= 0'),
  /** Time step, ps (0.002 needs constraints 'hbonds'). */
  dt: positive().refine((v) => v <= 0.005, 'is in ps: at most 0.005 (5 fs)'),
  steps: z.number().int().min(1).max(LIMITS.steps),
  constraints: z.enum(['none', 'hbonds']).default('none'),
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
      spring: z.array(positive()).min(1).max(2),
      /** Steps per window before sampling starts (the spring is ramped in over the first half). */
      equilibrationSteps: z.number().int().min(0).max(1e9).default(0),
    })
    .optional(),
})
  .refine((p) => p.frameInterval <= p.steps, { message: 'frameInterval must not exceed steps', path: ['frameInterval'] })
  .refine((p) => !p.metad || p.cvs.length >= p.metad.sigma.length, { message: 'metadynamics needs as many CVs as sigma values', path: ['metad', 'sigma'] })
  .refine((p) => !p.metad?.cvIndices || p.metad.cvIndices.length === p.metad.sigma.length, { message: 'give one sigma per biased CV', path: ['metad', 'sigma'] })
  .refine((p) => !p.metad?.cvIndices || p.metad.cvIndices.every((i) => i < p.cvs.length), { message: 'every biased CV must be one of cvs', path: ['metad', 'cvIndices'] })
  .refine((p) => !p.metad?.cvIndices || new Set(p.metad.cvIndices).size === p.metad.cvIndices.length, { message: 'the biased CVs must differ', path: ['metad', 'cvIndices'] })
  .refine((p) => !(p.metad && p.umbrella), { message: 'choose metadynamics or umbrella windows, not both', path: ['umbrella'] })
  .refine((p) => !p.umbrella || p.umbrella.spring.length === p.umbrella.centers.length, { message: 'give one spring constant per restrained CV (one per centre list)', path: ['umbrella', 'spring'] })
  .refine((p) => !p.umbrella || p.cvs.length >= p.umbrella.centers.length, { message: 'umbrella windows need as many CVs as centre lists', path: ['umbrella', 'centers'] })
  .refine((p) => !p.umbrella?.cvIndices || p.umbrella.cvIndices.length === p.umbrella.centers.length, { message: 'give one centre list per restrained CV', path: ['umbrella', 'centers'] })
  .refine((p) => !p.umbrella?.cvIndices || p.umbrella.cvIndices.every((i) => i < p.cvs.length), { message: 'every restrained CV must be one of cvs', path: ['umbrella', 'cvIndices'] })
  .refine((p) => !p.umbrella?.cvIndices || new Set(p.umbrella.cvIndices).size === p.umbrella.cvIndices.length, { message: 'the restrained CVs must differ', path: ['umbrella', 'cvIndices'] });
export type MolecularRunParams = z.infer<typeof molecularRunParams>;

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
  frames: number;
  temperature: number;
  /** Umbrella runs: trajectory is window-000.dcd (one DCD per window, window-NNN.dcd); cv, energies, COLVAR hold all windows in order. */
  files: { trajectory: string; colvar: string; hills?: string; cv: string; energies: string; fes?: string };
}

export interface TrajectoryFrames {
  start: number;
  count: number;
  atoms: number;
  /** base64 of a little-endian Float32Array, count*atoms*3, nm. */
  positions: string;
}

// ---------------------------------------------------------------- generative models (training)

/** Training a conditional generative model p(target | CV) on the pooled frames of completed biased runs. */
export const trainParams = z.object({
  /**
   * Completed umbrella or metadynamics runs of one toy system (same CVs, same kT; their window
   * configurations / COLVAR frames are pooled), or completed 'molecular' runs of one molecule (plain MD, metad or umbrella windows;
   * same CVs and temperature; their DCD frames are pooled, condition = every CV of the runs).
   */
  sourceRunIds: z.array(z.string().min(1)).min(1).max(64),
  model: z.enum(['score', 'gan']),
  /** Absent: from the data size (engine/generative/trainer.ts defaultEpochs: a measured number of steps). */
  epochs: z.number().int().min(1).max(LIMITS.epochs).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  hidden: z.array(z.number().int().min(1).max(LIMITS.hiddenWidth)).min(1).max(LIMITS.hiddenLayers).optional(),
  batchSize: z.number().int().min(1).max(LIMITS.batchSize).optional(),
  learningRate: positive().optional(),
  /** Held-out fraction for validation loss / early stopping (default 0.1). */
  validationFraction: z.number().min(0).max(0.9).optional(),
  /** Epochs without a better validation loss before stopping (0 = never; default 30 score, 0 gan). */
  patience: z.number().int().min(0).max(100_000).optional(),
  /**
   * Condition interval [lo, hi] left out of training (1-D conditions): its frames are kept for the
   * consistency report, which then judges the model where it has seen no data.
   */
  holdOut: z.tuple([finite(), finite()]).refine(([lo, hi]) => hi > lo, 'hi must exceed lo').optional(),
  /** Skip this leading fraction of each run's frames (bias still building up); default 0. */
  discardFraction: z.number().min(0).max(0.9).optional(),
  /**
   * Where to train: 'cpu' = the job worker thread (tfjs-node / wasm / cpu); 'webgpu' = a GPU compute
   * page (docs/webgpu-training.md; refused when none is connected); 'auto' (default) = webgpu when a
   * compute page with a hardware adapter is connected, else the worker thread.
   */
  device: z.enum(['auto', 'cpu', 'webgpu']).optional(),
});
export type TrainParams = z.infer<typeof trainParams>;

/** A trained model of the project (models/<id>/). */
export interface ModelRecord {
  id: string;
  name: string;
  kind: 'score' | 'gan';
  /** 'ready': the model folder is complete; 'training' / 'failed': not usable yet. */
  status: 'ready' | 'training' | 'failed' | 'cancelled' | 'interrupted';
  runId: string;
  systemId: string;
  /** The toy system (absent for molecular models: see `molecule`). */
  system?: SystemSpec;
  /** Molecular models: trained on the DCD frames of 'molecular' runs of this molecule (internal coordinates). */
  molecule?: MolecularModelInfo;
  sourceRunIds: string[];
  condNames: string[];
  targetNames: string[];
  condIndices: number[];
  targetIndices: number[];
  kT: number;
  created: string;
  /** Set once trained. */
  backend?: string;
  rows?: { train: number; validation: number; heldOut: number };
  epochsRun?: number;
  epochsPlanned?: number;
  stoppedEarly?: boolean;
  weightsFromEpoch?: number;
  /** Training warnings in words (e.g. the best validation epoch was the last: train longer). */
  warnings?: string[];
  conditionRange?: { min: (number | null)[]; max: (number | null)[] };
  hidden?: number[];
  seed: number;
  holdOut?: [number, number];
  trainingSeconds?: number;
  /** Absolute path of the model folder (tfjs model.json + weights.bin + liftwell-model.json). */
  folder: string;
}

/** What a molecular model was trained on (api/models.ts, runs/train/molecular-data.ts). */
export interface MolecularModelInfo {
  moleculeId: string;
  moleculeName: string;
  atoms: number;
  temperature: number;
  /** The condition: every CV of the source runs (1-based definitions as in the runs). */
  cvs: { name: string; definition: string; periodic: boolean }[];
  /** 'internal': Z-matrix bonds, angles, torsions (cos, sin) with the NeRF inverse. */
  features: 'internal';
  /** Internal coordinates modelled / held fixed at their (constant) training value (constrained bonds). */
  modelled: number;
  frozen: number;
}

export interface TrainEpochPoint { epoch: number; trainLoss: number; validationLoss: number | null; learningRate: number }

/** The training state of a 'train' run as written by its worker (live curves survive a reload). */
export interface TrainingStatus {
  runId: string;
  modelId: string;
  backend: string | null;
  epochs: number;
  history: TrainEpochPoint[];
  bestEpoch: number;
  stoppedEarly: boolean;
  stepsPerSecond: number | null;
}

export interface ModelDetail {
  record: ModelRecord;
  history: TrainEpochPoint[];
  /** Thinned training frames (at most `maxPoints`): cond[i] (condDim values) with target[i] (targetDim values). */
  data: { cond: number[][]; target: number[][]; heldOut: boolean[]; total: number };
}

export interface LiftOutput {
  modelId: string;
  condNames: string[];
  targetNames: string[];
  /** One row per condition (condDim values). */
  conditions: number[][];
  n: number;
  dim: number;
  /** base64 of little-endian Float64Array, conditions x n x dim. */
  samples: string;
  /** Per condition: outside the trained range etc. */
  warnings: string[][];
  backend: string;
  seconds: number;
  /** Live tensors in the model thread after the call (a leak shows as growth across calls). */
  tensors?: number;
}

/** liftMolecule: structures generated at one CV value, optionally relaxed under a CV restraint, judged. */
export interface MoleculeLiftOutput {
  modelId: string;
  condNames: string[];
  cond: number[];
  n: number;
  atoms: number;
  /** base64 little-endian Float32Array, n x atoms x 3, nm (relaxed when relax was asked, else as generated). */
  positions: string;
  /** Force-field potential energy (kJ/mol) per structure as generated and after relaxation (null: no relaxation). */
  energies: { generated: number[]; relaxed: number[] | null };
  /** |CV(structure) - target| per structure and CV (minimum image for periodic CVs), rad or nm. */
  restrictionErrors: { generated: number[][]; relaxed: number[][] | null };
  relax: { ps: number; steps: number; dt: number; friction: number; k: number; temperature: number } | null;
  /** Per CV: 'exact' (rotation about the central bond, error ~1e-15) or 'projected' (restraint projection; the error is its residual). */
  imposition: ('exact' | 'projected')[];
  /** Training frames within halfWidth of the condition (every periodic CV by minimum image). */
  simulation: { halfWidth: number; frames: number; energies: number[] };
  /** Circular statistics of the other soft torsions: generated (relaxed when relaxed) vs simulated frames. */
  torsions: { name: string; generated: { mean: number; sd: number }; simulation: { mean: number; sd: number } | null }[];
  warnings: string[];
  backend: string;
  seconds: number;
  /** Live tensors in the model thread after the call. */
  tensors: number;
}

export interface ConsistencyStats { mean: number; sd: number; n: number }
/** good / marginal / poor: the worst distance / noise-floor ratio of a condition (engine/workflows/consistency.ts). */
export type ConsistencyVerdict = 'good' | 'marginal' | 'poor';
/** A distance with its split-half noise floor, a practical tolerance (null: none), and the ratio judged (engine/workflows/consistency.ts). */
export interface FlooredDistance { value: number; floor: number; tolerance: number | null; ratio: number }
/** Mean difference, s.d. difference and 1-D W1 of one sample against another or against the exact law. */
export interface SampleComparison { mean: FlooredDistance; sd: FlooredDistance; w1: FlooredDistance; worstRatio: number }
/** Lift-evolve-restrict at one condition: lifted vs simulated starts, unbiased bursts, statistics over burst time. */
export interface EvolveComparison {
  pairs: number;
  /** Burst times of the records: the window judged is [times[0], times[last]]. */
  times: number[];
  /** The CV first, then the targets (engine/workflows/lift-evolve-restrict.ts). */
  series: EvolveSeries[];
  worstZ: number;
  verdict: ConsistencyVerdict;
}
export interface ConsistencyRow {
  cond: number[];
  /** True when the condition lies in the training hold-out interval. */
  heldOut: boolean;
  /** Training frames within +-halfWidth of the condition (hold-out frames for held-out conditions). */
  simulationFrames: number;
  /** Sliced Wasserstein-1 distance of the joint law of all targets, generated vs simulation (null for one target). */
  slicedW1GeneratedVsSimulation: number | null;
  warnings: string[];
  /** Per target coordinate. */
  targets: {
    name: string;
    generated: ConsistencyStats;
    simulation: ConsistencyStats | null;
    exact: { mean: number; sd: number } | null;
    w1GeneratedVsSimulation: number | null;
    w1GeneratedVsExact: number | null;
    /** Noise floor: the simulation frames against the exact law. */
    w1SimulationVsExact: number | null;
    /** (generated mean - exact mean) / exact sd, and generated sd / exact sd - 1. */
    meanErrorSd: number | null;
    sdRelativeError: number | null;
    /** Generated vs the simulated reference at xi*, and vs the exact law, each with split-half floors. */
    vsSimulation: SampleComparison | null;
    vsExact: SampleComparison | null;
    /** The reference itself against the exact law (a check of the simulation, not of the model). */
    simulationVsExact: SampleComparison | null;
    /** What a plain +-halfWidth bin would have been off by (mean, s.d.); the reference removes it. */
    binBias: { mean: number; sd: number } | null;
  }[];
  /** Bin half-width of the simulated reference at this condition (narrower where frames are dense). */
  referenceHalfWidth: number | null;
  /** Sliced W1 of all targets with its split-half floor (null for one target). */
  slicedW1: FlooredDistance | null;
  /** Lift-evolve-restrict bursts (null where not run: see the report's evolveNote). */
  evolve: EvolveComparison | null;
  /** Against the exact law where the system has one, else against the simulated reference; null: nothing to judge against. */
  judgedAgainst: 'exact' | 'simulation' | null;
  worstRatio: number | null;
  verdict: ConsistencyVerdict | null;
}
export interface ConsistencyReport {
  modelId: string;
  condNames: string[];
  targetNames: string[];
  /** Largest half-width of the condition bin used for the simulation reference (see rows[].referenceHalfWidth). */
  halfWidth: number;
  n: number;
  seed: number;
  method: 'sde' | 'ode' | 'gan';
  rows: ConsistencyRow[];
  /** For a coordinate CV the restriction holds by construction: a note, not a check. */
  restriction: { byConstruction: boolean; note: string };
  /** Overall verdict (null: no condition could be judged), the rule that made it, and advice when not good. */
  verdict: { overall: ConsistencyVerdict | null; rule: string; advice: string[] };
  /** How the bursts of lift-evolve-restrict ran, or why they did not. */
  evolveSettings: { dt: number; integrator: 'overdamped' | 'baoab'; steps: number[]; kT: number } | null;
  evolveNote: string;
  /** E[target_0 | cond] on a dense grid (1-D conditions). */
  closure: { cond: number[]; generated: number[]; simulation: (number | null)[]; exact: number[] | null; target: string } | null;
  exactLaw: string | null;
  seconds: number;
}

// ---------------------------------------------------------------- records

export interface ProjectSummary {
  path: string;
  name: string;
  created: string;
  modified: string;
  systems: SystemRecord[];
  /** Molecules imported or added from the examples (empty for projects without any). */
  molecules: MoleculeRecord[];
  runs: RunRecord[];
  /** Set when another Liftwell app has the project open: why it is read-only here (changes are refused). */
  readOnly?: string;
}
export interface RecentProject { path: string; name: string; openedAt: string; exists: boolean }

export interface SystemRecord { id: string; name: string; spec: SystemSpec; created: string }

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';
export type RunKind = RunRecord['kind'];
/** What every run records, whatever its kind. */
/** A run computed on a cluster (runs/runtime/slurm): its array jobs and the state of every piece. */
export interface ClusterRecord {
  executor: 'slurm';
  jobIds: string[];
  pieces: { index: number; state: 'pending' | 'running' | 'retrying' | 'done'; attempts: number; message?: string }[];
  /** The scripts were written for a cluster this machine cannot reach (nothing was submitted). */
  scriptsOnly?: boolean;
  updated: string;
}
export interface RunRecordBase {
  id: string;
  name: string;
  systemId: string;
  system: SystemSpec;
  status: RunStatus;
  created: string;
  started?: string;
  finished?: string;
  /** 0..1 */
  progress: number;
  error?: string;
  /** Set with `error` when a task failed: 'invalid-input' for the user's parameters or files, 'internal' for a fault. */
  errorCode?: LiftwellErrorCode;
  provenance: { appVersion: string; host: string; platform: string; node: string };
  /** Present when the run's pieces computed on a cluster. */
  cluster?: ClusterRecord;
}
export interface UmbrellaRunRecord extends RunRecordBase {
  kind: 'umbrella';
  params: UmbrellaParams;
  windowCenters: number[];
}
export interface MetadRunRecord extends RunRecordBase {
  kind: 'metad';
  params: MetadParams;
}
/** A walker ensemble (runs/ensemble/task.ts); the worker records the executor it chose and why. */
export interface EnsembleRunRecord extends RunRecordBase {
  kind: 'ensemble';
  params: EnsembleParams;
  executor?: 'cpu' | 'tensor';
  executorReason?: string;
  backend?: string | null;
}
/** Molecular dynamics of a project molecule (optionally with metadynamics on atomic CVs); no toy system. */
export interface MolecularRunRecord extends Omit<RunRecordBase, 'systemId' | 'system'> {
  kind: 'molecular';
  moleculeId: string;
  moleculeName: string;
  params: MolecularRunParams;
}
/** Training a conditional generative model on the pooled frames of biased runs (one worker task). */
export interface TrainRunRecord extends Omit<RunRecordBase, 'system'> {
  /** Absent when training on molecular runs. */
  system?: SystemSpec;
  kind: 'train';
  params: TrainParams;
  modelId: string;
  /** Where it trains: the job worker thread or a WebGPU compute page, and why (device 'auto'). */
  device?: 'worker' | 'webgpu';
  deviceReason?: string;
}
/** A run of any kind; narrow on `kind` before reading `params`. */
export type RunRecord = UmbrellaRunRecord | MetadRunRecord | MolecularRunRecord | TrainRunRecord | EnsembleRunRecord;

/** A basin of the free-energy surface (steepest-descent watershed, shallow basins merged). */
export interface FesBasin {
  id: number;
  /** Location of the basin's lowest bin, one number per CV. */
  minimum: number[];
  /** -kT ln of the basin probability, relative to the lowest basin (energy units of kT). */
  freeEnergy: number;
  /** Standard error (bootstrap, or MBAR covariance); null when no error was asked for. */
  error: number | null;
  /** The same basin (same bins) integrated exactly, relative to the same reference basin. */
  exactFreeEnergy?: number | null;
}

/** 2D umbrella studies: the surface on the grid, [ix][iy] at (xCenters[ix], yCenters[iy]). */
export interface FesGrid2d {
  xName: string;
  yName: string;
  xCenters: number[];
  yCenters: number[];
  periodic: [boolean, boolean];
  /** Energy units of kT, minimum 0; null in empty bins. */
  pmf: (number | null)[][];
  pmfError?: (number | null)[][];
  /** Basin id per bin, -1 for empty bins. */
  basinMap: number[][];
  /** Samples per bin, all windows. */
  counts: number[][];
  /** Window centres [c1, c2], in window order. */
  windowCenters: [number, number][];
  /** Exact surface -kT ln exp(-V/kT) = V - min V on the same grid, when the system has one. */
  exact?: { pmf: number[][] };
}

export interface FesResult {
  runId: string;
  /** 1 (profile) or 2 (surface in `grid`; centers/pmf then hold the marginal along the first CV). Absent = 1. */
  dims?: 1 | 2;
  estimator?: 'wham' | 'mbar';
  cvName: string;
  kT: number;
  centers: number[];
  /** Energy units of kT, minimum 0; null in empty bins. */
  pmf: (number | null)[];
  windowCenters: number[];
  windowFreeEnergies: number[];
  /** histograms[k][b]: samples of window k in bin b. */
  histograms: number[][];
  /** Symmetric overlap matrix between windows, 0..1. */
  overlap: number[][];
  iterations: number;
  converged: boolean;
  tolerance: number;
  warnings: string[];
  /** Present when the system has an exact answer along this CV. */
  exact?: { centers: number[]; pmf: number[]; windowFreeEnergies: number[] };
  /** Standard error of the PMF per bin (relative to the lowest bin), when errors were asked for. */
  pmfError?: (number | null)[];
  windowFreeEnergiesError?: (number | null)[];
  /** How the errors were obtained, e.g. 'bootstrap (100 replicates, seed 1)' or 'MBAR asymptotic covariance'. */
  errorMethod?: string;
  /** threads: how many threads computed the replicates (the numbers do not depend on it). */
  bootstrap?: { replicates: number; seed: number; unconverged: number; threads?: number };
  /** Statistical inefficiency g per window (largest over its CVs), always computed. */
  statisticalInefficiency?: number[];
  /** Samples per window before/after decorrelation (after = before when not subsampled). */
  subsampling?: { applied: boolean; samplesBefore: number[]; samplesAfter: number[]; keptFraction: number };
  basins?: FesBasin[];
  /** 1D: basin id per bin (-1 empty). */
  basinLabels?: number[];
  /** 2D studies only. */
  grid?: FesGrid2d;
  /** Wall-clock seconds: one estimate, the bootstrap, and the whole call (for the UI's time hints). */
  timing?: { estimateSeconds: number; bootstrapSeconds: number; totalSeconds: number };
}

// ---------------------------------------------------------------- learned CVs (diffusion maps)

/** Largest number of points computeDiffusionMap returns for display (the .npy keeps every frame). */
export const DMAP_MAX_DISPLAY_POINTS = 20_000;

/** A diffusion map of the frames of a completed metadynamics run (api/learned-cvs.ts). */
export interface DiffusionMapOutput {
  runId: string;
  /** Coordinates the kernel distances were taken in (embedded system: the observed q1, q2, q3). */
  inputCoordinates: string[];
  /** Frames used (colvar rows; every walker), and the rows of colvar.npy they came from. */
  frames: number;
  framesInRun: number;
  components: number;
  /** lambda_1..lambda_K (the trivial lambda_0 = 1 left out). */
  eigenvalues: number[];
  epsilon: number;
  epsilonMode: 'auto' | 'given';
  /** The kernel-sum scan behind epsilon 'auto': epsilon grid, ln of the kernel sum, its slope in ln epsilon (null at the ends); null when epsilon was given. */
  epsilonScan: { grid: number[]; logSum: number[]; slope: (number | null)[]; maxSlope: number; maxSlopeEpsilon: number; nearestNeighbourFloor: number; pointsUsed: number } | null;
  alpha: number;
  landmarks: number;
  solver: 'dense' | 'lanczos';
  seconds: number;
  /**
   * Thinned for plotting (at most maxPoints, evenly spaced in frame order): colvar row index,
   * diffusion coordinates psi_1..psi_K (each a list over the shown points), and per-frame
   * variables to colour by (every coordinate of the system, observed coordinates, bias, time).
   */
  display: { rows: number[]; coordinates: number[][]; variables: { name: string; values: number[] }[] };
  colorBy: string;
  /** Spearman rank correlation of psi_1 with each coordinate of the system, over every frame used. */
  correlations: { coordinate: string; spearman: number }[];
  warnings: string[];
  /** analyses/<runId>/dmap.json and dmap-coordinates.npy (frames x K, float64). */
  files: { json: string; coordinates: string };
}

/** Most points restrictToLearnedCv extends in one call. */
export const LEARNED_CV_MAX_POINTS = 100_000;

/** Free energy along a stored diffusion coordinate psi_k by c(t) reweighting (api/learned-cvs-analysis.ts). */
export interface LearnedCvFesOutput {
  runId: string;
  component: number;
  kT: number;
  /** Bin centres along psi_k (diffusion coordinate lambda_k psi_k, as stored) and -kT ln p (min 0, null where empty). */
  centers: number[];
  fes: (number | null)[];
  /** Frames per bin (after the discarded start). */
  counts: number[];
  framesUsed: number;
  framesDiscarded: number;
  /** Kish effective sample size of the c(t) weights. */
  effectiveSamples: number;
  /**
   * Where psi_1 is a monotone function of a coordinate with an exact marginal (the embedded
   * system's hidden slow x): the exact F(x) pushed through the relation psi_1 = g(x), g the
   * bin-wise median of psi_1 per x bin (made monotone), bin-integrated so the Jacobian is included.
   */
  exact?: {
    coordinate: string;
    fes: (number | null)[];
    /** The relation g: x bin centres and median psi_k. */
    relation: { x: number[]; psi: number[] };
    /** Spearman correlation of psi_k with the coordinate over the frames. */
    spearman: number;
  };
  /** 2D systems: the exact Boltzmann density of (x, y) pushed through the learned CV itself (quadrature + Nystrom). */
  exactPushforward?: (number | null)[];
  warnings: string[];
}

/** Diffusion coordinates of new points by the stored Nystrom extension. */
export interface RestrictToLearnedCvOutput {
  runId: string;
  inputCoordinates: string[];
  components: number;
  points: number;
  /** coordinates[k][i]: lambda_(k+1) psi_(k+1) of point i. */
  coordinates: number[][];
}

/** Restriction of fresh exact samples of the embedded system at fixed hidden x. */
export interface SampleEmbeddedCheckOutput {
  runId: string;
  inputCoordinates: string[];
  samplesPerX: number;
  rows: {
    x: number;
    /** Mean and standard deviation of psi_1 of n fresh samples y ~ p(y | x), observed and restricted. */
    mean: number;
    sd: number;
    /** psi_1(x) of the map: the median relation of the run's frames (null outside their x range). */
    mapped: number | null;
    /** psi_1 of the single point (x, E[y | x]). */
    atMeanY: number;
  }[];
  /** Spread of psi_1 over the run's frames (max - min), to judge the sizes above. */
  psiRange: number;
}

// ---------------------------------------------------------------- user-drawn regions

/** A region of CV space (engine/estimators/regions.ts: closed regions, periodic wrap when min > max). */
const regionBound = finite().nullable().optional();
export const regionSchema = z.discriminatedUnion('kind', [
  z.object({ name: z.string().trim().min(1).max(80), kind: z.literal('interval'), min: regionBound, max: regionBound }),
  z.object({ name: z.string().trim().min(1).max(80), kind: z.literal('rectangle'), xMin: regionBound, xMax: regionBound, yMin: regionBound, yMax: regionBound }),
  z.object({ name: z.string().trim().min(1).max(80), kind: z.literal('polygon'), points: z.array(z.tuple([finite(), finite()])).max(2000) }),
]);
export type RegionSpec = z.infer<typeof regionSchema>;

/** Free energies of user-drawn regions of a run's free-energy surface (api/regions.ts). */
export interface RegionFreeEnergiesResult {
  runId: string;
  /** Where the probabilities come from. */
  source: 'umbrella-mbar' | 'umbrella-wham' | 'metad-reweighted' | 'metad-grid' | 'molecular-grid';
  dims: 1 | 2;
  cvNames: string[];
  /** The space the regions were tested in (periodic axes have period max - min). */
  axes: { min: number; max: number; periodic: boolean }[];
  kT: number;
  /** 'energy': the toy system's energy units (those of kT); 'kJ/mol': molecules. */
  energyUnit: 'energy' | 'kJ/mol';
  regions: {
    name: string;
    /** Probability of the region (of everything the estimate covers). */
    probability: number;
    /** -kT ln P relative to the first region (null when P = 0). */
    freeEnergy: number | null;
    /** The same, relative to the most probable region. */
    freeEnergyFromLowest: number | null;
    /** Standard error of freeEnergy (vs the first region); null when the method gives none. */
    error: number | null;
    /** Samples (frames) inside, for sample-based estimates; null for grid ones. */
    samples: number | null;
    /** Grid bins/nodes inside (with a finite free energy). */
    bins: number | null;
    /** Metadynamics: the same difference from c(t)-reweighted frames (the value, when source is 'metad-reweighted'). */
    reweightedFreeEnergy?: number | null;
    /** Metadynamics: the same difference integrated from the final bias grid (no error of its own), for comparison. */
    gridFreeEnergy?: number | null;
  }[];
  /** Every pair i < j: F_to - F_from and its standard error. */
  differences: { from: string; to: string; deltaF: number | null; error: number | null }[];
  /** How errors were obtained, or why there are none. */
  errorMethod: string;
  warnings: string[];
}

// ---------------------------------------------------------------- calls

const projectRef = z.object({ projectPath: z.string().min(1) });

// WebGPU compute providers (docs/webgpu-training.md; shapes in runs/runtime/compute-protocol.ts). Payloads are
// checked for shape here; the engine checks the numbers when the model is rebuilt.
const computeProgress = z.object({
  step: z.number().int().min(0), totalSteps: z.number().int().min(0), epoch: z.number().int().min(0),
  history: z.array(z.object({ epoch: z.number().int(), trainLoss: z.number(), validationLoss: z.number().nullable(), learningRate: z.number() })).max(100_000),
  bestEpoch: z.number().int().min(0), stoppedEarly: z.boolean(), stepsPerSecond: z.number().nullable(), backend: z.string().max(40),
});
const weightSpecs = z.array(z.object({ name: z.string(), shape: z.array(z.number().int().min(0)), dtype: z.literal('float32') }));
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64');
export const computeCalls = {
  registerComputeProvider: {
    input: z.object({
      kind: z.literal('webgpu'),
      adapterInfo: z.object({ vendor: z.string().max(200), architecture: z.string().max(200), description: z.string().max(500), isFallbackAdapter: z.boolean() }),
      /** The page's own check that the backend computes correctly (see docs/webgpu-training.md). */
      selfTest: z.object({ ok: z.boolean(), message: z.string().max(2000).optional() }),
    }),
  },
  listComputeProviders: { input: z.object({}) },
  claimComputeTask: { input: z.object({ providerId: z.string().min(1).max(80), waitMs: z.number().int().min(0).max(25_000).default(10_000) }) },
  reportComputeProgress: {
    input: z.object({ taskId: z.string().min(1).max(200), progress: computeProgress, checkpoint: z.object({ json: z.record(z.string(), z.unknown()), specs: weightSpecs, data: base64 }).optional() }),
  },
  completeComputeTask: {
    input: z.object({ taskId: z.string().min(1).max(200), progress: computeProgress, artifacts: z.object({ spec: z.record(z.string(), z.unknown()), weightSpecs, weightData: base64 }) }),
  },
  failComputeTask: { input: z.object({ taskId: z.string().min(1).max(200), message: z.string().max(4000) }) },
} as const;

export interface ComputeProviderInfo {
  providerId: string;
  kind: 'webgpu';
  adapter: { vendor: string; architecture: string; description: string; isFallbackAdapter: boolean };
  software: boolean;
  usable: boolean;
  reason: string | null;
}
const runRef = projectRef.extend({ runId: z.string().min(1) });
export { executorSettingsSchema, type ExecutorSettings } from '../schema/executor';
import { executorSettingsSchema, type ExecutorSettings } from '../schema/executor';

export const calls = {
  ...computeCalls,
  getAppInfo: { input: z.object({}) },
  listRecentProjects: { input: z.object({}) },
  createProject: { input: z.object({ parentDir: z.string().min(1), name: z.string().trim().min(1).max(120) }) },
  openProject: { input: projectRef },
  addSystem: { input: projectRef.extend({ name: z.string().trim().min(1).max(120), spec: systemSpec }) },
  estimateUmbrellaCost: { input: z.object({ params: umbrellaParams }) },
  startUmbrellaRun: {
    input: projectRef.extend({ systemId: z.string().min(1), name: z.string().trim().min(1).max(120), params: umbrellaParams }),
  },
  listRuns: { input: projectRef },
  /** Where the project's runs compute: local worker threads or a Slurm cluster (executor.json). */
  getExecutorSettings: { input: projectRef },
  setExecutorSettings: { input: projectRef.extend({ settings: executorSettingsSchema }) },
  cancelRun: { input: runRef },
  resumeRun: { input: runRef },
  startMetadRun: {
    input: projectRef.extend({ systemId: z.string().min(1), name: z.string().trim().min(1).max(120), params: metadParams }),
  },
  getMetadResult: { input: runRef },
  startEnsembleRun: {
    input: projectRef.extend({ systemId: z.string().min(1), name: z.string().trim().min(1).max(120), params: ensembleParams }),
  },
  getEnsembleResult: { input: runRef },
  addExampleMolecule: { input: projectRef.extend({ example: z.enum(MOLECULE_EXAMPLES) }) },
  importMolecule: { input: projectRef.extend({ name: z.string().trim().min(1).max(120), topology: moleculeFile, coordinates: moleculeFile }) },
  getMolecule: { input: projectRef.extend({ moleculeId: z.string().min(1) }) },
  startMolecularRun: {
    input: projectRef.extend({ moleculeId: z.string().min(1), name: z.string().trim().min(1).max(120), params: molecularRunParams }),
  },
  getMolecularResult: { input: runRef },
  startTraining: { input: projectRef.extend({ name: z.string().trim().min(1).max(120) }).extend(trainParams.shape) },
  listModels: { input: projectRef },
  getModel: { input: projectRef.extend({ modelId: z.string().min(1), maxPoints: z.number().int().min(10).max(100_000).default(3000) }) },
  getTraining: { input: runRef },
  lift: {
    input: projectRef.extend({
      modelId: z.string().min(1),
      /** One condition (condDim values) or several, concatenated (a grid). */
      cond: z.array(finite()).min(1).max(10_000),
      n: z.number().int().min(1).max(100_000),
      seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
      method: z.enum(['sde', 'ode']).optional(),
      steps: z.number().int().min(1).max(5000).optional(),
    }).refine((p) => p.cond.length * p.n <= 2_000_000, { message: 'conditions x n must be at most 2,000,000', path: ['n'] }),
  },
  consistencyReport: {
    input: projectRef.extend({
      modelId: z.string().min(1),
      /** 1-D condition values to judge; default a grid over the trained range plus the hold-out centre. */
      conditions: z.array(finite()).min(1).max(200).optional(),
      n: z.number().int().min(10).max(20_000).default(500),
      seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
      method: z.enum(['sde', 'ode']).optional(),
      steps: z.number().int().min(1).max(5000).optional(),
      /** Lift-evolve-restrict bursts at each condition (default on). */
      evolve: z.boolean().optional(),
    }),
  },
  liftMolecule: {
    input: projectRef.extend({
      modelId: z.string().min(1),
      /** One value per CV of the model (rad for dihedrals). */
      cond: z.array(finite()).min(1).max(8),
      n: z.number().int().min(1).max(500),
      seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
      /**
       * Restrained relaxation: `ps` of Langevin dynamics at the training temperature under
       * k (CV - target)^2 / 2 on every CV (kJ/mol per unit^2; default 5000), then the CVs imposed again.
       */
      relax: z.object({ ps: positive().max(100), k: positive().max(1e7).optional() }).optional(),
      /** Half-width of the CV window for simulated frames (default 0.15 rad / nm). */
      halfWidth: positive().optional(),
    }),
  },
  getTrajectoryFrames: { input: runRef.extend({ start: z.number().int().min(0), count: z.number().int().min(1).max(100_000) }) },
  getFes: {
    input: runRef.extend({
      bins: z.number().int().min(5).max(2000).optional(),
      min: finite().optional(),
      max: finite().optional(),
      /** 2D studies: bins and range of the second CV (default: like the first). */
      binsY: z.number().int().min(5).max(400).optional(),
      minY: finite().optional(),
      maxY: finite().optional(),
      estimator: z.enum(['wham', 'mbar']).default('wham'),
      /** Bootstrap replicates (0 = none; MBAR then reports its asymptotic errors). */
      bootstrap: z.number().int().min(0).max(1000).default(0),
      seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
      /** Decorrelate each window by its statistical inefficiency before estimating. */
      subsample: z.boolean().default(false),
      /** Basins shallower than this (kT units) are merged; default 0.5. */
      minDepth: z.number().min(0).max(100).optional(),
    })
      .refine((p) => p.bootstrap === 0 || p.bootstrap >= 2, { message: 'bootstrap needs at least 2 replicates (or 0 for none)', path: ['bootstrap'] }),
  },
  regionFreeEnergies: {
    input: runRef.extend({
      regions: z.array(regionSchema).min(1).max(50),
      /** Umbrella runs: MBAR (binless, default) or WHAM (bin level). */
      estimator: z.enum(['wham', 'mbar']).default('mbar'),
      /** Umbrella runs: bootstrap replicates for the errors (0 = MBAR covariance; WHAM then has none). */
      bootstrap: z.number().int().min(0).max(1000).default(0),
      seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
      /** Umbrella runs: decorrelate each window by its statistical inefficiency first. */
      subsample: z.boolean().default(false),
    }).refine((p) => p.bootstrap === 0 || p.bootstrap >= 2, { message: 'bootstrap needs at least 2 replicates (or 0 for none)', path: ['bootstrap'] }),
  },
  computeDiffusionMap: {
    input: runRef.extend({
      /** Coordinates to measure distances in (system or observed names); default: all (embedded: observed). */
      coordinates: z.array(z.string().min(1).max(40)).min(1).max(32).optional(),
      /** Non-trivial diffusion coordinates wanted. */
      components: z.number().int().min(1).max(10).default(2),
      epsilon: z.union([z.literal('auto'), positive()]).default('auto'),
      /** Density normalisation (1 removes the sampling density, so biased frames are fine). */
      alpha: z.number().min(0).max(1).default(1),
      /** Landmark points the eigenproblem is solved on (default min(frames, 1500)); the rest by Nystrom. */
      landmarks: z.number().int().min(10).max(5000).optional(),
      seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
      /** Variable to colour the embedding by (default the first coordinate of the system). */
      colorBy: z.string().min(1).max(40).optional(),
      maxPoints: z.number().int().min(100).max(DMAP_MAX_DISPLAY_POINTS).default(5000),
    }),
  },
  learnedCvFes: {
    input: runRef.extend({
      /** Which stored diffusion coordinate (1-based). */
      component: z.number().int().min(1).max(10).default(1),
      bins: z.number().int().min(5).max(400).default(50),
    }),
  },
  restrictToLearnedCv: {
    /** points: base64 of little-endian Float64Array, n x (the map's input dimension). */
    input: runRef.extend({ points: z.string().min(1).max(Math.ceil((LEARNED_CV_MAX_POINTS * 10 * 8 * 4) / 3) + 4).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64') }),
  },
  sampleEmbeddedCheck: {
    input: runRef.extend({
      xs: z.array(finite()).min(1).max(50),
      n: z.number().int().min(2).max(20_000).default(500),
      seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    }),
  },
} as const;

export interface AppInfo {
  version: string;
  transport: 'electron' | 'browser' | 'cli';
  workers: number;
  defaultProjectsDir: string;
  systems: SystemKindInfo[];
}

/** Output type of each call. */
export interface CallOutputs {
  registerComputeProvider: ComputeProviderInfo;
  listComputeProviders: ComputeProviderInfo[];
  /** A training task (runs/runtime/compute-protocol.ts ComputeTaskPayload) or null when none came within waitMs. */
  claimComputeTask: import('../runs/runtime/compute-protocol').ComputeTaskPayload | null;
  reportComputeProgress: { cancel: boolean };
  completeComputeTask: { ok: true };
  failComputeTask: { ok: true };
  getAppInfo: AppInfo;
  listRecentProjects: RecentProject[];
  createProject: ProjectSummary;
  openProject: ProjectSummary;
  addSystem: SystemRecord;
  estimateUmbrellaCost: CostEstimate;
  startUmbrellaRun: RunRecord;
  listRuns: RunRecord[];
  getExecutorSettings: ExecutorSettings;
  setExecutorSettings: ExecutorSettings;
  cancelRun: RunRecord;
  resumeRun: RunRecord;
  getFes: FesResult;
  startMetadRun: RunRecord;
  getMetadResult: MetadResult;
  startEnsembleRun: RunRecord;
  getEnsembleResult: EnsembleResult;
  addExampleMolecule: MoleculeRecord;
  importMolecule: MoleculeRecord;
  getMolecule: MoleculeView;
  startMolecularRun: RunRecord;
  getMolecularResult: MolecularResult;
  getTrajectoryFrames: TrajectoryFrames;
  startTraining: RunRecord;
  listModels: ModelRecord[];
  getModel: ModelDetail;
  getTraining: TrainingStatus;
  lift: LiftOutput;
  consistencyReport: ConsistencyReport;
  liftMolecule: MoleculeLiftOutput;
  regionFreeEnergies: RegionFreeEnergiesResult;
  computeDiffusionMap: DiffusionMapOutput;
  learnedCvFes: LearnedCvFesOutput;
  restrictToLearnedCv: RestrictToLearnedCvOutput;
  sampleEmbeddedCheck: SampleEmbeddedCheckOutput;
}

export type { CallName } from './call-names';
export { callNames } from './call-names';
// Compile-time check that the schema table and the zod-free name list agree, both ways.
type SameKeys<A, B> = [Exclude<keyof A, B>, Exclude<B, keyof A>] extends [never, never] ? true : never;
const namesMatchSchemas: SameKeys<typeof calls, CallName> = true;
void namesMatchSchemas;
export type CallInput<K extends CallName> = z.input<(typeof calls)[K]['input']>;
export type CallParsedInput<K extends CallName> = z.output<(typeof calls)[K]['input']>;
export type CallOutput<K extends CallName> = CallOutputs[K];

/** The API as the renderer sees it: one async function per call. */
export type LiftwellApi = { [K in CallName]: (input: CallInput<K>) => Promise<CallOutput<K>> };

// ---------------------------------------------------------------- events

export type ApiEvent =
  | {
      type: 'run-progress';
      projectPath: string;
      runId: string;
      /** 0..1 */
      fraction: number;
      phase: string;
      /** null until a rate is known */
      etaSeconds: number | null;
      walkerStepsPerSecond: number | null;
    }
  | { type: 'run-status'; projectPath: string; run: RunRecord }
  /** Live estimate while a run computes (metadynamics: the running FES on its grid). */
  | { type: 'run-preview'; projectPath: string; runId: string; axes: number[][]; fes: number[]; hills: number }
  /** An analysis of a run (free energy, regions) that takes a while: phase, fraction and time left (measured here, refined as it runs). */
  | { type: 'analysis-progress'; projectPath: string; runId: string; analysis: 'fes' | 'regions'; fraction: number; phase: string; etaSeconds: number | null }
  /** A training run finished an epoch (live loss curves). */
  | { type: 'train-metrics'; projectPath: string; runId: string; modelId: string; backend: string; point: TrainEpochPoint; epochs: number; bestEpoch: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  /** Desktop app only: the user opened a project from the OS (argv, file association, menu). */
  | { type: 'open-project'; projectPath: string };

// ---------------------------------------------------------------- errors

// Defined without zod (schema/errors.ts) so that code paths that only report errors stay light.
export { ApiError, LiftwellError, isLiftwellErrorCode, type ApiErrorCode, type ApiErrorShape, type LiftwellErrorCode, type LiftwellErrorShape } from '../schema/errors';
