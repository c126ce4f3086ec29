/**
 * Generative models: training parameters, model records, training status, lifting outputs and consistency reports.
 * Part of the shared vocabulary (schema/): api/contract re-exports it; store and runs import it from here.
 */
import { z } from 'zod';
import { finite, positive } from './numbers';
import { LIMITS } from './limits';
import type { SystemSpec } from './systems';
import type { EvolveSeries } from '../engine/workflows/lift-evolve-restrict';

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
  /** Structures kept: `requested` less the `excluded` ones (absurd geometry or a diverged relaxation). */
  n: number;
  requested: number;
  /** Structures left out of every array here, with their index among the requested ones and the reason. */
  excluded: { index: number; stage: 'generated' | 'relaxed'; reason: string }[];
  atoms: number;
  /** base64 little-endian Float32Array, n x atoms x 3, nm (relaxed when relax was asked, else as generated). */
  positions: string;
  /** Force-field potential energy (kJ/mol) per structure as generated and after relaxation (null: no relaxation). */
  energies: { generated: number[]; relaxed: number[] | null };
  /** |CV(structure) - target| per structure and CV (minimum image for periodic CVs), rad or nm. */
  restrictionErrors: { generated: number[][]; relaxed: number[][] | null };
  /** integrator: the Langevin scheme of the relaxation (the source runs'; 'baoab' for models planned before the choice existed). */
  relax: { ps: number; steps: number; dt: number; friction: number; k: number; temperature: number; integrator: 'baoab' | 'middle' } | null;
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
