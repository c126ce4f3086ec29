/**
 * study.json: one file that describes a whole coupled study (sampling -> estimate -> model ->
 * lift -> closures / mean force -> effective dynamics), run headless by `liftwell run`.
 * Versioned: `schemaVersion` must equal STUDY_SCHEMA_VERSION; a newer file is refused by name.
 * The JSON Schema shipped in resources/schemas/study.schema.json is generated from this module
 * (test/study/schema.test.ts keeps the two equal). Documented in docs/study.md.
 */
import { z } from 'zod';
import { systemSpec } from '../api/contract';
import { isMoleculeStudyJson, modelFields, moleculeStudySchema, type MoleculeStudy } from './schema-molecule';

export const STUDY_SCHEMA_VERSION = 1;

const finite = () => z.number().refine(Number.isFinite, 'must be a finite number');
const positive = () => finite().refine((v) => v > 0, 'must be > 0');
const count = (max: number) => z.number().int().min(1).max(max);
const interval = () => z.tuple([finite(), finite()]).refine(([lo, hi]) => hi > lo, 'the second number must exceed the first');

const umbrellaSampling = z.object({
  method: z.literal('umbrella'),
  /** Window centres: range + windows, or an explicit list. */
  range: interval().optional(),
  windows: count(1000).optional(),
  centers: z.array(finite()).min(1).max(1000).optional(),
  spring: positive(),
  steps: count(1e9),
  walkers: count(4096).default(4),
  dt: positive().default(1e-3),
  stride: count(1e6).default(10),
  equilibration: z.number().int().min(0).default(1000),
}).strict()
  .refine((s) => (s.centers ? !s.range && !s.windows : s.range && s.windows), { message: 'give either range and windows, or centers', path: ['centers'] })
  .refine((s) => s.stride <= s.steps, { message: 'stride must not exceed steps', path: ['stride'] });

/**
 * Well-tempered metadynamics along the CV (`liftwell metad`'s options in camelCase; startMetadRun).
 * `range` is the CV interval of the reported FES, closures and mean force; `stride` keeps a frame
 * every this many steps (the COLVAR stride); `grid` is the bias grid's bin count.
 */
const metadSampling = z.object({
  method: z.literal('metad'),
  range: interval(),
  walkers: count(1024).default(4),
  steps: count(1e9),
  dt: positive().default(1e-3),
  sigma: positive(),
  height: positive(),
  pace: count(1e6).default(500),
  biasFactor: finite().refine((v) => v > 1, 'must be > 1'),
  grid: z.number().int().min(4).max(100_000).optional(),
  stride: count(1e6).default(50),
}).strict()
  .refine((s) => s.pace <= s.steps, { message: 'pace must not exceed steps (no hill would be deposited; use method "md" for unbiased walkers)', path: ['pace'] })
  .refine((s) => s.stride <= s.steps, { message: 'stride must not exceed steps', path: ['stride'] });

/**
 * Unbiased overdamped walkers (plain MD). They run as a metadynamics run that never deposits a
 * hill (pace beyond the last step), so the bias is zero and its COLVAR holds the unbiased frames.
 */
const mdSampling = z.object({
  method: z.literal('md'),
  range: interval(),
  walkers: count(1024).default(8),
  steps: count(1e9),
  dt: positive().default(1e-3),
  stride: count(1e6).default(50),
}).strict()
  .refine((s) => s.stride <= s.steps, { message: 'stride must not exceed steps', path: ['stride'] });

const samplingStage = z.discriminatedUnion('method', [umbrellaSampling, metadSampling, mdSampling]);

const estimateStage = z.object({
  estimator: z.enum(['wham', 'mbar']).default('wham'),
  bins: z.number().int().min(5).max(2000).default(40),
  /** Bootstrap replicates for dF (0: none; MBAR then gives its asymptotic errors). */
  bootstrap: z.number().int().min(0).max(1000).default(20),
  subsample: z.boolean().default(true),
}).strict();

const modelStage = z.object({
  ...modelFields,
  holdOut: interval().optional(),
}).strict();

const gridSpec = z.object({ range: interval(), count: z.number().int().min(2).max(200) }).strict();

const liftStage = z.object({
  /** Conditions (CV values) to lift at: a list, or a grid. */
  conditions: z.union([z.array(finite()).min(1).max(200), gridSpec]),
  n: count(20_000).default(500),
  /** Reverse-SDE steps of a score model (default: the model's). */
  steps: count(5000).optional(),
}).strict();

const observable = z.object({
  name: z.string().trim().min(1).max(60),
  /** An expression of the system's coordinates (e.g. "y", "x*y", "(y - sin(pi*x))^2"); kT is defined. */
  expr: z.string().trim().min(1).max(500),
}).strict();

const closuresStage = z.object({
  observables: z.array(observable).max(20).default([]),
  /** Also E[dV/dxi | xi] integrated to F(xi) (thermodynamic integration). */
  meanForce: z.boolean().default(true),
  /** Bins of the simulation closures (over the estimate's range). */
  bins: z.number().int().min(3).max(500).default(20),
}).strict();

const dynamicsStage = z.object({
  grid: gridSpec,
  /** Bursts per grid point, each started from a lifted configuration. */
  bursts: count(1_000_000).default(2000),
  /**
   * Configurations lifted per grid point (default: min(bursts, 2000)); the bursts cycle through
   * them with independent noise, so lifting (the model's cost) need not grow with the bursts.
   */
  lifted: count(100_000).optional(),
  dt: positive(),
  /** Restriction times (increasing, multiples of dt); the estimate is read where they plateau. */
  times: z.array(positive()).min(2).max(50),
  /** Mean first-passage time from `from` to `to`: reduced SDE vs direct unbiased simulation. */
  mfpt: z.object({ from: finite(), to: finite(), walkers: count(100_000).default(200), maxSteps: count(1e9).default(200_000) }).strict()
    .refine((m) => m.to > m.from, { message: 'to must exceed from (passage towards larger CV values)', path: ['to'] }).optional(),
}).strict();

/** Diagnosis of windows trapped in one mode of a fast variable (study/trapping.ts). */
const fastModes = z.object({
  /** An expression of the coordinates whose two modes the barrier separates, e.g. "y". */
  expr: z.string().trim().min(1).max(500),
  /** Value of expr between the modes. */
  split: finite().default(0),
  /** Half-width of the dead band around the split (a switch must clear it on both sides). */
  hysteresis: z.number().min(0).refine(Number.isFinite, 'must be a finite number').default(0.5),
  /** Fewest mode switches (all walkers of a window together) for the window to count as mixing. */
  minSwitches: z.number().int().min(1).max(1_000_000).default(4),
}).strict();

const seedingStage = z.object({
  /**
   * Rounds in all, the first (plain sampling) included. With select "same-windows", 2 adds a round
   * whose walkers start from configurations lifted at the same window centres. With "adaptive"
   * (docs/generation-assisted.md) up to 8 rounds choose their new centres by rule.
   */
  rounds: z.number().int().min(1).max(8).default(1),
  select: z.enum(['same-windows', 'adaptive']).default('same-windows'),
  /** Equilibration steps of the seeded rounds (lifted starts need few; default 0). */
  equilibration: z.number().int().min(0).default(0),
  /** Adaptive: steps per walker and walkers per window of the seeded windows (default: sampling's). */
  steps: count(1e9).optional(),
  walkers: count(4096).optional(),
  /** Adaptive: most new windows per round. */
  maxNewCentres: count(50).default(4),
  /** Adaptive: train the model again on all rounds' data after each round. */
  retrain: z.boolean().default(true),
  /** Adaptive: find windows trapped in one mode of a fast variable; they are re-sampled from lifted starts. */
  fastModes: fastModes.optional(),
  /** Stop when the largest FES error (kT units) falls below this (adaptive; recorded otherwise). */
  targetUncertainty: positive().optional(),
  /**
   * Spring constant of the seeded umbrella windows after a metad or md first round (required
   * there; umbrella studies use sampling.spring). Window width sigma = sqrt(kT / spring).
   */
  spring: positive().optional(),
}).strict()
  .refine((s) => s.select === 'adaptive' || s.rounds <= 2, { message: 'more than 2 rounds choose their windows adaptively: set select to "adaptive"', path: ['rounds'] })
  .refine((s) => !s.fastModes || s.select === 'adaptive', { message: 'the trapping diagnosis steers adaptive rounds: set select to "adaptive"', path: ['fastModes'] });

/**
 * A study along a learned CV (SCIENCE.md section 6; engine/workflows/learned-cv-loop.ts): an
 * unbiased run, a diffusion map of its observed coordinates, umbrella windows along psi_1 (over its
 * 2-98% range in the unbiased run), p(observed | psi_1) trained and lifted, closures against the
 * exact answer mapped through the embedding. For the embedded system; `cvs` is ["psi1"] and the
 * stage replaces `sampling`.
 */
const learnedCvStage = z.object({
  unbiased: z.object({ walkers: count(4096).default(8), steps: count(1e9), stride: count(1e6).default(50), dt: positive().default(1e-3) }).strict(),
  /** Frames of the unbiased run given to the diffusion map (evenly spaced; <= 800 solves densely). */
  mapFrames: z.number().int().min(50).max(5000).default(300),
  /** 'umbrella' (windows along psi_1, `umbrella`) or 'metad' (well-tempered metadynamics along psi_1, `metad`). */
  method: z.enum(['umbrella', 'metad']).default('umbrella'),
  metad: z.object({
    walkers: count(4096).default(4),
    steps: count(1e9),
    stride: count(1e6).default(10),
    dt: positive().default(1e-3),
    height: positive().default(0.2),
    pace: count(1e6).default(100),
    biasFactor: finite().refine((v) => v > 1, 'must be > 1').default(6),
    /** Hill width = (psi_1 range) / sigmaPerRange. */
    sigmaPerRange: positive().default(40),
  }).strict().optional(),
  umbrella: z.object({
    windows: z.number().int().min(2).max(200),
    steps: count(1e9),
    walkers: count(4096).default(4),
    stride: count(1e6).default(10),
    dt: positive().default(1e-3),
    equilibration: z.number().int().min(0).default(1000),
  }).strict().optional(),
  /** Bins of F(psi_1) and of the closures. */
  bins: z.number().int().min(5).max(500).default(20),
  /** Closure observables: expressions of the hidden coordinates (x, y). */
  observables: z.array(observable).max(20).default([{ name: 'y', expr: 'y' }]),
  /** Train p(observed | psi_1) and lift at `conditions` values spread inside the windows' range. */
  model: z.object({
    kind: z.enum(['score', 'gan']).default('score'),
    epochs: count(100_000).optional(),
    conditions: count(50).default(5),
    n: count(20_000).default(400),
  }).strict().optional(),
}).strict()
  .refine((s) => s.method !== 'umbrella' || s.umbrella, { message: 'method umbrella needs the umbrella options (windows, steps, ...)', path: ['umbrella'] })
  .refine((s) => s.method !== 'metad' || s.metad, { message: 'method metad needs the metad options (steps, height, pace, biasFactor, ...)', path: ['metad'] });

export const studySchema = z.object({
  /** Editors' hint to the JSON Schema file; ignored. */
  $schema: z.string().optional(),
  schemaVersion: z.literal(STUDY_SCHEMA_VERSION),
  name: z.string().trim().min(1).max(120),
  /** The system spec exactly as the app stores it. */
  system: systemSpec,
  kT: positive(),
  /** CV names (coordinates of the system); one CV in this version. */
  cvs: z.array(z.string().min(1)).length(1),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  /** Required unless the study is along a learned CV (`learnedCv`). */
  sampling: samplingStage.optional(),
  learnedCv: learnedCvStage.optional(),
  estimate: estimateStage.default({ estimator: 'wham', bins: 40, bootstrap: 20, subsample: true }),
  model: modelStage.optional(),
  lift: liftStage.optional(),
  closures: closuresStage.optional(),
  dynamics: dynamicsStage.optional(),
  seeding: seedingStage.optional(),
}).strict()
  .refine((s) => Boolean(s.sampling) !== Boolean(s.learnedCv), { message: 'give a sampling stage, or a learnedCv stage for a study along a learned CV (not both)', path: ['sampling'] })
  .refine((s) => !s.learnedCv || s.system.kind === 'embedded', { message: 'a study along a learned CV needs the embedded system (its observed coordinates are what the map learns from)', path: ['learnedCv'] })
  .refine((s) => !s.learnedCv || s.cvs[0] === 'psi1', { message: 'a study along a learned CV names its CV "psi1"', path: ['cvs'] })
  .refine((s) => !s.lift || s.model, { message: 'lift needs a model stage', path: ['lift'] })
  .refine((s) => !s.dynamics || s.model, { message: 'dynamics starts its bursts from lifted configurations: it needs a model stage', path: ['dynamics'] })
  .refine((s) => !s.seeding || s.seeding.rounds === 1 || s.model, { message: 'a seeded round starts from lifted configurations: it needs a model stage', path: ['seeding'] })
  // After a metad or md first round, seeded rounds are umbrella windows at centres chosen by rule
  // (docs/generation-assisted.md): they need a spring, and there are no first-round windows to diagnose.
  .refine((s) => !s.seeding || s.seeding.rounds === 1 || !s.sampling || s.sampling.method === 'umbrella' || s.seeding.spring !== undefined, { message: 'seeded rounds after metad or md sampling run umbrella windows: give their spring constant (seeding.spring)', path: ['seeding', 'spring'] })
  .refine((s) => !s.seeding?.fastModes || !s.sampling || s.sampling.method === 'umbrella', { message: 'the trapping diagnosis judges the first round\'s umbrella windows; metad and md walkers have none (leave fastModes out)', path: ['seeding', 'fastModes'] })
  .refine((s) => s.seeding?.spring === undefined || !s.sampling || s.sampling.method !== 'umbrella', { message: 'umbrella studies use sampling.spring for every round (leave seeding.spring out)', path: ['seeding', 'spring'] });

export type Study = z.infer<typeof studySchema>;
export type Sampling = NonNullable<Study['sampling']>;
export type UmbrellaSampling = Extract<Sampling, { method: 'umbrella' }>;
/** A study along a coordinate of the system (the sampling stage is present), any method. */
export type AlongCoordinateStudy = Study & { sampling: Sampling };
/** A study along a coordinate sampled by umbrella windows. */
export type CoordinateStudy = Study & { sampling: UmbrellaSampling };

/** The CV interval a sampling stage covers: its windows' span, or the metad/md `range`. */
export function samplingRange(s: Sampling): [number, number] {
  if (s.method !== 'umbrella') return s.range;
  return s.centers ? [Math.min(...s.centers), Math.max(...s.centers)] : s.range!;
}
/** A study along a learned CV. */
export type LearnedCvStudy = Study & { learnedCv: NonNullable<Study['learnedCv']> };
export type StudyInput = z.input<typeof studySchema>;

export class StudyFileError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'StudyFileError';
  }
}

/** Parses and validates study.json text of a toy system; every problem names its key path. */
export function parseStudy(text: string, file = 'study.json'): Study {
  return parseWith(studySchema, text, file);
}

/** A study file of either kind: a toy system's, or a molecule's (system.molecule; study/schema-molecule.ts). */
export type AnyStudy = { kind: 'toy'; study: Study } | { kind: 'molecule'; study: MoleculeStudy };

export function parseAnyStudy(text: string, file = 'study.json'): AnyStudy {
  let raw: unknown = null;
  try {
    raw = JSON.parse(text);
  } catch {
    /* parseWith reports it */
  }
  return isMoleculeStudyJson(raw) ? { kind: 'molecule', study: parseWith(moleculeStudySchema, text, file) } : { kind: 'toy', study: parseStudy(text, file) };
}

function parseWith<S extends z.ZodType>(schema: S, text: string, file: string): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new StudyFileError(file, [`not valid JSON (${(error as Error).message})`]);
  }
  if (raw && typeof raw === 'object' && typeof (raw as { schemaVersion?: unknown }).schemaVersion === 'number' && (raw as { schemaVersion: number }).schemaVersion > STUDY_SCHEMA_VERSION) {
    throw new StudyFileError(file, [`schemaVersion ${(raw as { schemaVersion: number }).schemaVersion} is newer than this Liftwell understands (${STUDY_SCHEMA_VERSION}); update Liftwell`]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new StudyFileError(file, parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`));
  }
  return parsed.data;
}

/** The JSON Schema of study.json (draft 2020-12), as shipped in resources/schemas/study.schema.json. */
export function studyJsonSchema(): unknown {
  return {
    ...(z.toJSONSchema(z.union([studySchema, moleculeStudySchema]), { io: 'input', unrepresentable: 'any' }) as object),
    $id: 'https://liftwell.invalid/schemas/study.schema.json',
    title: 'Liftwell study file',
  };
}
