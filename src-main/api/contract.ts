/**
 * The Liftwell API contract: every call the renderer (or CLI) can make, as a zod input schema
 * and an output type, plus the one typed event stream. Transports (Electron IPC, loopback
 * WebSocket) are generic over this table; the renderer imports only types from here.
 *
 * Rule: inputs are validated in the main process for every call, whatever the transport.
 */
import { z } from 'zod';
import type { CallName } from './call-names';

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
export const systemSpec = z.discriminatedUnion('kind', [doubleWellSpec, mullerBrownSpec, fastSlowSpec]);
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
}

// ---------------------------------------------------------------- umbrella studies

export const windowCentersSpec = z.union([
  z.object({ mode: z.literal('range'), min: finite(), max: finite(), count: z.number().int().min(1).max(1000) })
    .refine((r) => r.count === 1 || r.max > r.min, 'max must be greater than min'),
  z.object({ mode: z.literal('list'), values: z.array(finite()).min(1).max(1000) }),
]);
export type WindowCentersSpec = z.infer<typeof windowCentersSpec>;

export const umbrellaParams = z.object({
  /** Index of the coordinate used as CV (0 = x, 1 = y). */
  cvIndex: z.number().int().min(0).max(1),
  centers: windowCentersSpec,
  /** Spring constant k in W = 0.5 k (cv - centre)^2, energy units of kT. */
  spring: positive(),
  kT: positive(),
  dt: positive(),
  stepsPerWindow: z.number().int().min(1).max(1e9),
  /** Keep the CV every `stride` steps. */
  stride: z.number().int().min(1),
  walkersPerWindow: z.number().int().min(1).max(4096),
  /** Steps discarded at the start of each window before samples are kept. */
  equilibrationSteps: z.number().int().min(0).default(0),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
}).refine((p) => p.stride <= p.stepsPerWindow, { message: 'stride must not exceed steps per window', path: ['stride'] });
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

// ---------------------------------------------------------------- records

export interface ProjectSummary {
  path: string;
  name: string;
  created: string;
  modified: string;
  systems: SystemRecord[];
  runs: RunRecord[];
}
export interface RecentProject { path: string; name: string; openedAt: string; exists: boolean }

export interface SystemRecord { id: string; name: string; spec: SystemSpec; created: string }

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';
export type RunKind = RunRecord['kind'];
/** What every run records, whatever its kind. */
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
  provenance: { appVersion: string; host: string; platform: string; node: string };
}
export interface UmbrellaRunRecord extends RunRecordBase {
  kind: 'umbrella';
  params: UmbrellaParams;
  windowCenters: number[];
}
/** A run of any kind; narrow on `kind` before reading `params`. */
export type RunRecord = UmbrellaRunRecord;

export interface FesResult {
  runId: string;
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
}

// ---------------------------------------------------------------- calls

const projectRef = z.object({ projectPath: z.string().min(1) });
const runRef = projectRef.extend({ runId: z.string().min(1) });

export const calls = {
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
  cancelRun: { input: runRef },
  resumeRun: { input: runRef },
  getFes: {
    input: runRef.extend({
      bins: z.number().int().min(5).max(2000).optional(),
      min: finite().optional(),
      max: finite().optional(),
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
  getAppInfo: AppInfo;
  listRecentProjects: RecentProject[];
  createProject: ProjectSummary;
  openProject: ProjectSummary;
  addSystem: SystemRecord;
  estimateUmbrellaCost: CostEstimate;
  startUmbrellaRun: RunRecord;
  listRuns: RunRecord[];
  cancelRun: RunRecord;
  resumeRun: RunRecord;
  getFes: FesResult;
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
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

// ---------------------------------------------------------------- errors

export type ApiErrorCode = 'invalid-input' | 'not-found' | 'conflict' | 'io' | 'bad-file' | 'internal';
export interface ApiErrorShape { code: ApiErrorCode; message: string; details?: unknown }

/** Thrown by handlers; crosses every transport as {code, message, details}. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  toShape(): ApiErrorShape {
    return { code: this.code, message: this.message, details: this.details };
  }
}
