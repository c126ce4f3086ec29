/**
 * The Liftwell API contract: every call the renderer (or CLI) can make, as a zod input schema
 * and an output type, plus the one typed event stream. Transports (Electron IPC, loopback
 * WebSocket) are generic over this table; the renderer imports only types from here.
 *
 * Rule: inputs are validated in the main process for every call, whatever the transport.
 */
import { z } from 'zod';
import type { CallName } from './call-names';
import { type SystemKindInfo, systemSpec } from '../schema/systems';
import { type CostEstimate, umbrellaParams } from '../schema/umbrella';
import { type MetadResult, metadParams } from '../schema/metad';
import { type EnsembleResult, ensembleParams } from '../schema/ensemble';
import { MOLECULE_EXAMPLES, moleculeFile, type MolecularResult, type MoleculeRecord, type MoleculeView, type TrajectoryFrames, molecularRunParams } from '../schema/molecules';
import { type ConsistencyReport, type LiftOutput, type ModelDetail, type ModelRecord, type MoleculeLiftOutput, type TrainingStatus, trainParams } from '../schema/models';
import { type ProjectSummary, type RecentProject, type RunRecord, type SystemRecord } from '../schema/records';
import { type FesResult } from '../schema/fes';
import { DMAP_MAX_DISPLAY_POINTS, type DiffusionMapOutput, LEARNED_CV_MAX_POINTS, type LearnedCvFesOutput, type RestrictToLearnedCvOutput, type SampleEmbeddedCheckOutput } from '../schema/learned-cvs';
import { type RegionFreeEnergiesResult, regionSchema } from '../schema/regions';
import { finite, positive } from '../schema/numbers';

// ---------------------------------------------------------------- vocabulary (schema/)

// Systems, params, records and results live in schema/ (shared with store and runs); re-exported here
// so that `import ... from '../api/contract'` keeps working everywhere.
export * from '../schema/systems';
export * from '../schema/umbrella';
export * from '../schema/metad';
export * from '../schema/ensemble';
export * from '../schema/molecules';
export * from '../schema/models';
export * from '../schema/records';
export * from '../schema/fes';
export * from '../schema/learned-cvs';
export * from '../schema/regions';

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

export type { ApiEvent } from '../schema/events';

// ---------------------------------------------------------------- errors

// Defined without zod (schema/errors.ts) so that code paths that only report errors stay light.
export { ApiError, LiftwellError, isLiftwellErrorCode, type ApiErrorCode, type ApiErrorShape, type LiftwellErrorCode, type LiftwellErrorShape } from '../schema/errors';
