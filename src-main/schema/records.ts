/**
 * What a project holds: project summaries, systems and run records of every kind, with their statuses.
 * Part of the shared vocabulary (schema/): api/contract re-exports it; store and runs import it from here.
 */
import type { SystemSpec } from './systems';
import type { UmbrellaParams } from './umbrella';
import type { MetadParams } from './metad';
import type { EnsembleParams } from './ensemble';
import type { MolecularRunParams, MoleculeRecord } from './molecules';
import type { ImportRecord } from './imports';
import type { TrainParams } from './models';
import type { LiftwellErrorCode } from './errors';

export interface ProjectSummary {
  path: string;
  name: string;
  created: string;
  modified: string;
  systems: SystemRecord[];
  /** Molecules imported or added from the examples (empty for projects without any). */
  molecules: MoleculeRecord[];
  /** Results imported from files (HILLS, WHAM input); absent from servers older than imports. */
  imports?: ImportRecord[];
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
