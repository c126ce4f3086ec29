/**
 * study.json for a molecule (docs/study.md, "Molecular studies"): the system is a built-in
 * molecule, the temperature is in K, the CVs are atomic definitions ("phi=dihedral(5,7,9,15)"),
 * sampling is molecular metadynamics or plain MD (options of the molecular start call, camelCase),
 * and the stages are sampling (replicas) -> basins -> model -> lift (lifted.pdb per condition,
 * restriction error) -> seeded runs from the lifted structures -> basin free energies compared
 * with the first round. Same schemaVersion and file as toy studies; `system.molecule` tells them apart.
 */
import { z } from 'zod';
import { MOLECULAR_INTEGRATORS, MOLECULE_EXAMPLES } from '../schema/molecules';

const finite = () => z.number().refine(Number.isFinite, 'must be a finite number');
const positive = () => finite().refine((v) => v > 0, 'must be > 0');
const count = (max: number) => z.number().int().min(1).max(max);

/** Options every molecular run of the study shares (the molecular start call's, camelCase). */
const mdOptions = {
  steps: count(1e9),
  /** ps (0.002 needs constraints "hbonds"). */
  dt: positive().refine((v) => v <= 0.005, 'is in ps: at most 0.005').default(0.002),
  /** Collision rate, 1/ps. */
  friction: positive().default(1),
  constraints: z.enum(['none', 'hbonds']).default('hbonds'),
  /** Langevin scheme; default as the molecular start call's: 'middle' with constraints "hbonds", else 'baoab'. */
  integrator: z.enum(MOLECULAR_INTEGRATORS).optional(),
  /** Minimise the molecule's coordinates first (seeded runs never do: they start where they are lifted). */
  minimize: z.boolean().default(true),
  /** Steps between saved frames. */
  frameInterval: count(1e6).default(50),
  /** Independent runs (seeds seed, seed + 1, ...): basin free energies are their mean, dF their standard error. */
  replicas: count(64).default(2),
};

const metadSampling = z.object({
  method: z.literal('metad'),
  ...mdOptions,
  /** Hill width per biased CV (rad for dihedrals); every CV is biased. */
  sigma: z.array(positive()).min(1).max(2),
  /** Initial hill height, kJ/mol. */
  height: positive(),
  pace: count(1e6),
  biasFactor: finite().refine((v) => v > 1, 'must be greater than 1'),
  gridBins: z.array(z.number().int().min(4).max(2000)).min(1).max(2).optional(),
}).strict();

const mdSampling = z.object({ method: z.literal('md'), ...mdOptions }).strict();

/** The model stage's options shared by toy and molecular studies (schema.ts adds holdOut). */
export const modelFields = {
  kind: z.enum(['score', 'gan']).default('score'),
  epochs: count(100_000),
  hidden: z.array(count(4096)).min(1).max(8).optional(),
  batchSize: count(65_536).optional(),
  learningRate: positive().optional(),
};

const modelStage = z.object({
  ...modelFields,
  /** Skip this leading fraction of each run's frames (the bias still building up). */
  discardFraction: z.number().min(0).max(0.9).optional(),
}).strict();

const liftStage = z.object({
  /** CV values to lift at, one list per condition with a value per CV (rad), e.g. [[1.0, -0.9]] in C7ax. */
  conditions: z.array(z.array(finite()).min(1).max(8)).min(1).max(50),
  /** Structures per condition (written to DIR/lifted/condition-K.pdb). */
  n: count(500).default(20),
  /** Restrained Langevin relaxation (ps) after lifting; 0: none. */
  relaxPs: z.number().min(0).max(100).default(1),
}).strict();

const seedingStage = z.object({
  /** 2: a second round of runs (the sampling method and options) started from lifted structures. */
  rounds: z.number().int().min(1).max(2).default(2),
  /** Seeded runs per lift condition, each from its own lifted structure (seeds after the first round's). */
  runsPerCondition: count(64).default(2),
  /** Steps of each seeded run (default: the sampling's). */
  steps: count(1e9).optional(),
}).strict();

export const moleculeStudySchema = z.object({
  $schema: z.string().optional(),
  schemaVersion: z.literal(1),
  name: z.string().trim().min(1).max(120),
  /** A built-in molecule of the app (resources/molecules). */
  system: z.object({ molecule: z.enum(MOLECULE_EXAMPLES) }).strict(),
  /** Bath temperature, K. */
  temperature: positive(),
  /** Atomic CV definitions with 1-based atoms, e.g. "phi=dihedral(5,7,9,15)"; 1 or 2. */
  cvs: z.array(z.string().trim().min(3).max(2000)).min(1).max(2),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  sampling: z.discriminatedUnion('method', [metadSampling, mdSampling]),
  model: modelStage.optional(),
  lift: liftStage.optional(),
  seeding: seedingStage.optional(),
}).strict()
  .refine((s) => s.sampling.method !== 'metad' || s.sampling.sigma.length === s.cvs.length, { message: 'give one sigma per CV (every CV is biased)', path: ['sampling', 'sigma'] })
  .refine((s) => !s.lift || s.model, { message: 'lift needs a model stage', path: ['lift'] })
  .refine((s) => !s.lift || s.lift.conditions.every((c) => c.length === s.cvs.length), { message: 'every condition needs one value per CV', path: ['lift', 'conditions'] })
  .refine((s) => !s.seeding || s.seeding.rounds === 1 || s.lift, { message: 'seeded runs start from lifted structures: they need a lift stage', path: ['seeding'] });

export type MoleculeStudy = z.infer<typeof moleculeStudySchema>;

/** Whether parsed JSON describes a molecular study (its system names a molecule). */
export function isMoleculeStudyJson(raw: unknown): boolean {
  const system = raw && typeof raw === 'object' ? (raw as { system?: unknown }).system : undefined;
  return !!system && typeof system === 'object' && 'molecule' in (system as object);
}
